/// A call scheduled with `callLater`: cancel it, move it, or ask whether it is still due (Twisted's `DelayedCall`).
///
/// Use it on the reactor thread only.
public final class DelayedCall {
    /// The reactor-clock time at which the call is due.
    public private(set) var time: Double
    var work: (() -> Void)?
    /// Insertion order, so that calls due at the same time run in the order they were scheduled.
    let sequence: UInt64
    unowned let scheduler: any DelayedCallScheduler
    private(set) var wasCalled = false

    init(time: Double, sequence: UInt64, scheduler: any DelayedCallScheduler, work: @escaping () -> Void) {
        self.time = time
        self.sequence = sequence
        self.scheduler = scheduler
        self.work = work
    }

    /// Whether the call is still pending: neither run nor cancelled.
    public var isActive: Bool { work != nil }

    /// Whether it already ran.
    public var isCalled: Bool { wasCalled }

    /// Cancels the call.
    ///
    /// - Precondition: The call is active (Twisted raises `AlreadyCalled`/`AlreadyCancelled`).
    public func cancel() {
        precondition(isActive, "cancel() on a DelayedCall that already ran or was cancelled")
        work = nil
        scheduler.unschedule(self)
    }

    /// Makes the call due `delay` seconds from now instead.
    ///
    /// - Precondition: The call is active.
    public func reset(_ delay: Double) {
        precondition(isActive, "reset() on a DelayedCall that already ran or was cancelled")
        time = scheduler.seconds + delay
        scheduler.reschedule(self)
    }

    /// Postpones the call by `seconds` more.
    ///
    /// - Precondition: The call is active.
    public func delay(_ seconds: Double) {
        precondition(isActive, "delay() on a DelayedCall that already ran or was cancelled")
        time += seconds
        scheduler.reschedule(self)
    }

    /// Runs the work once (called by the scheduler when due).
    func fire() {
        guard let work else { return }
        self.work = nil
        wasCalled = true
        work()
    }
}

@available(*, unavailable)
extension DelayedCall: Sendable {}

/// What a reactor provides to its delayed calls.
protocol DelayedCallScheduler: AnyObject {
    var seconds: Double { get }
    func unschedule(_ call: DelayedCall)
    func reschedule(_ call: DelayedCall)
}
