#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unix seconds now, for `timestamp`: the real-time clock read directly, as Python's `time.time()` reads it.
///
/// (`Date().timeIntervalSince1970` reads the same clock, but counts from 2001 and converts back, an extra
/// rounding and a few more instructions on a path taken for every message.)
func currentTimestamp() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
}

/// A new lowercase UUID string, as Eliot writes `task_uuid`.
package func newTaskUUID() -> String { TaskUUIDPool.shared.next() }
