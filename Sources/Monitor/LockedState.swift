import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The monitor's shared state behind one lock, in a class so the streaming writer's drain can hold it without
/// holding the monitor.
///
/// The tracked path locks once per event and holds the lock for about a hundred nanoseconds, so the lock is a
/// spin lock: taking it is one atomic compare-exchange and releasing it a plain store, where a mutex releases with
/// a second atomic (measured: one atomic per event is a few percent of a tracked callback). A thread that finds
/// it taken spins briefly, then yields its time slice, so a holder that was preempted is not starved.
final class LockedState<Value: Sendable>: @unchecked Sendable {
    private let locked = Atomic<Bool>(false)
    @exclusivity(unchecked) private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    @inline(__always)
    func withLockedValue<Result>(_ body: (inout Value) -> Result) -> Result {
        if !locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { lockSlowly() }
        defer { locked.store(false, ordering: .releasing) }
        return body(&value)
    }

    @inline(never)
    private func lockSlowly() {
        var spins = 0
        while true {
            if !locked.load(ordering: .relaxed),
                locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
            {
                return
            }
            spins += 1
            if spins >= 64 {
                sched_yield()
                spins = 0
            }
        }
    }
}
