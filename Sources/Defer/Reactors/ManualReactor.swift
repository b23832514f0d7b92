/// A test clock whose time moves only when told (Twisted's `task.Clock`).
///
/// ```swift
/// let clock = ManualReactor()
/// let d = deferLater(clock, delay: 2) { "done" }
/// clock.advance(by: 2)      // runs the call; d fires
/// ```
///
/// Calls due at the same time run in the order they were scheduled; an error escaping a call stops `advance`.
public final class ManualReactor: ReactorTime {
    /// The current time (starts at 0).
    public private(set) var seconds: Double = 0
    private var calls: [DelayedCall] = []
    private var nextSequence: UInt64 = 0

    /// Makes a clock at time 0.
    public init() {}

    /// Schedules `work` at `seconds + delay`.
    @discardableResult
    public func callLater(_ delay: Double, _ work: @escaping () -> Void) -> DelayedCall {
        nextSequence += 1
        let call = DelayedCall(time: seconds + delay, sequence: nextSequence, scheduler: self, work: work)
        insert(call)
        return call
    }

    /// The calls still pending, in the order they will run.
    public var pendingCalls: [DelayedCall] { calls }

    /// Moves time forward by `amount` seconds, running every call that falls due, in time order.
    public func advance(by amount: Double) {
        precondition(amount >= 0, "a ManualReactor cannot go back in time")
        seconds += amount
        while let first = calls.first, first.time <= seconds {
            calls.removeFirst()
            first.fire()
        }
    }

    /// Advances by each amount in turn (Twisted's `Clock.pump`).
    public func pump(_ amounts: [Double]) {
        for amount in amounts { advance(by: amount) }
    }

    private func insert(_ call: DelayedCall) {
        // Stable order: by time, then by first scheduling.
        let index =
            calls.firstIndex { ($0.time, $0.sequence) > (call.time, call.sequence) } ?? calls.endIndex
        calls.insert(call, at: index)
    }
}

extension ManualReactor: DelayedCallScheduler {
    func unschedule(_ call: DelayedCall) {
        calls.removeAll { $0 === call }
    }

    func reschedule(_ call: DelayedCall) {
        calls.removeAll { $0 === call }
        insert(call)
    }
}

@available(*, unavailable)
extension ManualReactor: Sendable {}
