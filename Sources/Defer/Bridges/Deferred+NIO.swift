public import NIOCore

extension Deferred where Value: Sendable {
    /// A deferred that fires on the reactor thread with a SwiftNIO future's outcome.
    ///
    /// - Precondition: Called on the reactor thread, or before `run()`.
    public init(_ future: EventLoopFuture<Value>, reactor: EventLoopReactor, file: String = #fileID, line: UInt = #line)
    {
        reactor.preconditionOnReactorThread()
        self.init(file: file, line: line)
        let bound = ReactorBound(self)
        future.hop(to: reactor.eventLoop).whenComplete { outcome in
            switch outcome {
            case .success(let value): try? bound.value.callback(value)
            case .failure(let error): try? bound.value.errback(error)
            }
        }
    }

    /// A SwiftNIO future on `eventLoop` that completes with this chain's outcome.
    ///
    /// The chain's outcome is handled by the future: later callbacks see `()`.
    public func eventLoopFuture(on eventLoop: any EventLoop) -> EventLoopFuture<Value> {
        let promise = eventLoop.makePromise(of: Value.self)
        base.addCallbacks(
            { value in
                switch castInput(value, to: Value.self) {
                case .success(let typed): promise.succeed(typed)
                case .failure(let failure): promise.fail(failure.error)
                }
                return .value(())
            },
            { failure in
                promise.fail(failure.error)
                return .value(())
            }, callbackLabel: "eventLoopFuture", errbackLabel: "eventLoopFuture")
        return promise.futureResult
    }
}
