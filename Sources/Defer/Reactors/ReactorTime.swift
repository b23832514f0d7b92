/// A clock that runs work later: what timeouts and `deferLater` need (Twisted's `IReactorTime`).
///
/// Both `ManualReactor` (a test clock) and `EventLoopReactor` (the real one) conform. Call it on the reactor
/// thread; the work runs there too.
public protocol ReactorTime: AnyObject {
    /// The current time, in seconds, on this reactor's clock.
    var seconds: Double { get }

    /// Runs `work` once, `delay` seconds from now.
    ///
    /// - Returns: A handle to cancel, reset or postpone the call.
    @discardableResult
    func callLater(_ delay: Double, _ work: @escaping () -> Void) -> DelayedCall
}

/// A reactor: a clock plus the event loop that drives it, which can be run and stopped and accepts work from
/// other threads.
public protocol Reactor: ReactorTime, Sendable {
    /// Runs the event loop until `stop()`; blocks the calling thread.
    func run()
    /// Makes `run()` return; safe from any thread, including from a callback.
    func stop()
    /// Runs `work` on the reactor thread, soon; safe from any thread.
    func callFromThread(_ work: @escaping @Sendable () -> Void)
    /// Runs blocking `work` on a thread pool and delivers its outcome as a deferred on the reactor thread.
    func deferToThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) -> Deferred<Value>
}
