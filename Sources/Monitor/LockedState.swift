import Synchronization

/// The monitor's shared state behind one lock, in a class so the streaming writer's drain can hold it without
/// holding the monitor.
///
/// A `Mutex` rather than a pthread mutex: locking an uncontended one is a single inlined atomic, and the tracked
/// path locks once per event.
final class LockedState<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    @inline(__always)
    func withLockedValue<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { value in body(&value) }
    }
}
