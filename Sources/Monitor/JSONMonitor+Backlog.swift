import Actions
import NIOConcurrencyHelpers

/// A streaming monitor's full backlog: how a tracked thread is held while the writer catches up.
extension JSONMonitor {
    /// Runs `body` under the lock, for a chain's start or end (dropping one of those would lose the whole
    /// chain's lines): a streaming monitor whose backlog is full first holds the thread, as `recordEvent` does.
    func withRoom<Result>(_ body: (inout State) -> Result) -> Result {
        guard writer != nil else { return state.withLockedValue(body) }
        let limit = bufferLimit
        let bytes = backlogBytes
        var deadline: ContinuousClock.Instant?
        var mayWait = true
        while true {
            let drains = state.withLockedValue { state -> (Result?, UInt64) in
                if mayWait, !state.overflowing, state.isFull(events: limit, bytes: bytes) { return (nil, state.drains) }
                return (body(&state), 0)
            }
            if let result = drains.0 { return result }
            let until = deadline ?? ContinuousClock.now + backlogWait
            deadline = until
            mayWait = waitForRoom(after: drains.1, until: until)
        }
    }

    /// Holds the thread until the writer takes the backlog it had taken `drains` times, or `backlogWait` passes.
    @inline(never)
    func waitForRoom(after drains: UInt64, until deadline: ContinuousClock.Instant) -> Bool {
        // In a forked child no writer takes the backlog: never wait for one.
        guard !isForkedChild else { return false }
        return writer?.waitForRoom(until: deadline) { state.withLockedValue { $0.drains != drains } } ?? false
    }
}
