import Dispatch
public import NIOCore
import NIOPosix
import NIOConcurrencyHelpers

/// The real reactor, driven by a SwiftNIO event loop: `callLater`, `run`, `stop`, `callFromThread` and
/// `deferToThread`.
///
/// Deferreds and delayed calls belong to the reactor thread (the event loop's thread). Set things up before
/// `run()` on the thread that will call it, as in Twisted; once running, touch them only from callbacks, delayed
/// calls and `callFromThread` work. `run()` blocks until `stop()`; work still scheduled after `stop()` is dropped.
///
/// ```swift
/// let reactor = EventLoopReactor()
/// reactor.callLater(0.1) { print("tick"); reactor.stop() }
/// reactor.run()
/// ```
public final class EventLoopReactor: Reactor {
    /// The event loop everything runs on.
    public let eventLoop: any EventLoop
    private let ownedGroup: MultiThreadedEventLoopGroup?
    private let threadPool: NIOThreadPool
    private let epoch: NIODeadline
    private let lifecycle = NIOLockedValueBox(Lifecycle())
    private let finished = DispatchSemaphore(value: 0)
    // Touched only on the event loop (or before `run()` by the thread that then calls it); see the type's note.
    private let timers: ReactorBound<TimerTable>

    private struct Lifecycle {
        var isRunning = false
        var isStopped = false
        /// `callFromThread` work that arrived before `run()`: it runs once the reactor runs, as in Twisted.
        var beforeRun: [@Sendable () -> Void] = []
    }

    final class TimerTable {
        var scheduled: [ObjectIdentifier: Scheduled<Void>] = [:]
        var beforeRun: [DelayedCall] = []
        var nextSequence: UInt64 = 0
    }

    /// Makes a reactor with its own event loop thread and a thread pool of `threadPoolSize` for `deferToThread`.
    public init(threadPoolSize: Int = 4) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        ownedGroup = group
        eventLoop = group.next()
        threadPool = NIOThreadPool(numberOfThreads: threadPoolSize)
        threadPool.start()
        epoch = .now()
        timers = ReactorBound(TimerTable())
    }

    /// Makes a reactor on an existing event loop (for example one of your server's); it is not shut down here.
    public init(eventLoop: any EventLoop, threadPoolSize: Int = 4) {
        ownedGroup = nil
        self.eventLoop = eventLoop
        threadPool = NIOThreadPool(numberOfThreads: threadPoolSize)
        threadPool.start()
        epoch = .now()
        timers = ReactorBound(TimerTable())
    }

    deinit {
        threadPool.shutdownGracefully { _ in }
        ownedGroup?.shutdownGracefully { _ in }
    }

    /// Seconds since the reactor was made, on a monotonic clock.
    public var seconds: Double { Double((NIODeadline.now() - epoch).nanoseconds) / 1e9 }

    /// Whether the caller is on the reactor thread.
    public var isOnReactorThread: Bool { eventLoop.inEventLoop }

    private var isRunning: Bool { lifecycle.withLockedValue { $0.isRunning } }

    private var isStopped: Bool { lifecycle.withLockedValue { $0.isStopped } }

    /// Traps unless called on the reactor thread, or before `run()`.
    public func preconditionOnReactorThread(file: StaticString = #fileID, line: UInt = #line) {
        precondition(
            eventLoop.inEventLoop || !isRunning, "called off the reactor thread while the reactor runs", file: file,
            line: line)
    }

    /// Runs `work` `delay` seconds from now on the reactor thread.
    ///
    /// - Precondition: Called on the reactor thread, or before `run()`.
    @discardableResult
    public func callLater(_ delay: Double, _ work: @escaping () -> Void) -> DelayedCall {
        preconditionOnReactorThread()
        let table = timers.value
        table.nextSequence += 1
        let call = DelayedCall(time: seconds + max(0, delay), sequence: table.nextSequence, scheduler: self, work: work)
        if eventLoop.inEventLoop {
            schedule(call)
        } else {
            table.beforeRun.append(call)
        }
        return call
    }

    private func schedule(_ call: DelayedCall) {
        let bound = ReactorBound(call)
        let deadline = epoch + .nanoseconds(Int64(call.time * 1e9))
        let task = eventLoop.scheduleTask(deadline: deadline) { [self] in
            timers.value.scheduled[ObjectIdentifier(bound.value)] = nil
            if !isStopped { bound.value.fire() }
        }
        timers.value.scheduled[ObjectIdentifier(call)] = task
    }

    /// Runs the event loop's work until `stop()` is called; returns at once if it already was.
    ///
    /// - Precondition: Not called on the reactor thread (it would block it).
    public func run() {
        precondition(!eventLoop.inEventLoop, "run() would block the reactor thread")
        let table = timers.value
        let early = ReactorBound(table.beforeRun)
        table.beforeRun = []
        lifecycle.withLockedValue { state in
            state.isRunning = true
            let handedOver = state.beforeRun
            state.beforeRun = []
            // Under the lock, so that work handed over before `run()` runs before any handed over after.
            eventLoop.execute { [self] in
                for call in early.value where call.isActive { schedule(call) }
                for work in handedOver where !isStopped { work() }
            }
        }
        finished.wait()
        lifecycle.withLockedValue { $0.isRunning = false }
    }

    /// Makes `run()` return once the work in progress on the reactor thread (for example the callback chain that
    /// called `stop()`) has finished; delayed calls and thread hand-offs still pending will no longer run.
    public func stop() {
        let first = lifecycle.withLockedValue { state -> Bool in
            defer { state.isStopped = true }
            return !state.isStopped
        }
        guard first else { return }
        // Queued behind whatever the loop is running now, as Twisted's stop() takes effect after this iteration.
        eventLoop.execute { [finished] in finished.signal() }
    }

    /// Runs `work` on the reactor thread soon (once `run()` has started); safe from any thread.
    public func callFromThread(_ work: @escaping @Sendable () -> Void) {
        lifecycle.withLockedValue { state in
            guard state.isRunning || state.isStopped else {
                state.beforeRun.append(work)
                return
            }
            eventLoop.execute { [self] in
                if !isStopped { work() }
            }
        }
    }

    /// Runs blocking `work` on the thread pool; the deferred fires on the reactor thread with its outcome.
    ///
    /// - Precondition: Called on the reactor thread, or before `run()`.
    public func deferToThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) -> Deferred<Value> {
        preconditionOnReactorThread()
        let deferred = Deferred<Value>()
        let bound = ReactorBound(deferred)
        threadPool.submit { [self] state in
            let outcome: Result<Value, any Error>
            if state == .active {
                outcome = Result { try work() }
            } else {
                outcome = .failure(CancelledError())
            }
            callFromThread {
                switch outcome {
                case .success(let value): try? bound.value.callback(value)
                case .failure(let error): try? bound.value.errback(error)
                }
            }
        }
        return deferred
    }
}

extension EventLoopReactor: DelayedCallScheduler {
    func unschedule(_ call: DelayedCall) {
        let table = timers.value
        if let task = table.scheduled.removeValue(forKey: ObjectIdentifier(call)) { task.cancel() }
        table.beforeRun.removeAll { $0 === call }
    }

    func reschedule(_ call: DelayedCall) {
        let table = timers.value
        if let task = table.scheduled.removeValue(forKey: ObjectIdentifier(call)) {
            task.cancel()
            schedule(call)
        }
    }
}
