extension AnyDeferred {
    /// Cancels this deferred if it has not fired within `seconds` (Twisted's `addTimeout`).
    ///
    /// It covers the callbacks added before it: they see `CancelledError`; callbacks added after see
    /// `TimeoutError` (or what `onTimeoutCancel` returns). The timer is cancelled once the chain gets past it.
    @discardableResult
    public func addTimeout(
        _ seconds: Double, reactor: any ReactorTime,
        onTimeoutCancel: ((Result<Any, Failure>, Double) throws -> CallbackResult)? = nil,
        file: String = #fileID, line: UInt = #line
    ) -> AnyDeferred {
        var timedOut = false
        let timer = reactor.callLater(seconds) { [self] in
            timedOut = true
            self.cancel()
        }
        addBoth(label: "addTimeout.convert", file: file, line: line) { result in
            guard timedOut else { return CallbackResult(result) }
            if let onTimeoutCancel { return try onTimeoutCancel(result, seconds) }
            if case .failure(let failure) = result, failure.check(CancelledError.self) != nil {
                throw Failure(error: TimeoutError(seconds: seconds), origin: "addTimeout", site: nil)
            }
            return CallbackResult(result)
        }
        addBoth(label: "addTimeout.cancelTimer", file: file, line: line) { result in
            if timer.isActive { timer.cancel() }
            return CallbackResult(result)
        }
        return self
    }
}

extension Deferred {
    /// Cancels this deferred if it has not fired within `seconds`; see `AnyDeferred.addTimeout`.
    ///
    /// - Parameter onTimeoutCancel: On timeout, maps the outcome (normally `CancelledError`) and the timeout to
    ///   the chain's value; by default `CancelledError` becomes `TimeoutError`.
    @discardableResult
    public func addTimeout(
        _ seconds: Double, reactor: any ReactorTime,
        onTimeoutCancel: ((Result<Value, Failure>, Double) throws -> Value)? = nil,
        file: String = #fileID, line: UInt = #line
    ) -> Deferred<Value> {
        let mapped: ((Result<Any, Failure>, Double) throws -> CallbackResult)? = onTimeoutCancel.map { custom in
            { result, seconds in
                switch result {
                case .success(let value):
                    switch castInput(value, to: Value.self) {
                    case .success(let typed): return .value(try custom(.success(typed), seconds))
                    case .failure(let failure): return .failure(failure)
                    }
                case .failure(let failure): return .value(try custom(.failure(failure), seconds))
                }
            }
        }
        base.addTimeout(seconds, reactor: reactor, onTimeoutCancel: mapped, file: file, line: line)
        return self
    }
}

/// A deferred that fires after `delay` seconds with the result of `work` (Twisted's `task.deferLater`).
///
/// Cancelling it before the deadline cancels the timer, and it fails with `CancelledError`.
public func deferLater<Value>(
    _ reactor: any ReactorTime, delay: Double, file: String = #fileID, line: UInt = #line,
    _ work: @escaping () throws -> Value
) -> Deferred<Value> {
    var timer: DelayedCall?
    let deferred = Deferred<Void>(
        canceller: { _ in
            if let timer, timer.isActive { timer.cancel() }
        }, file: file, line: line)
    timer = reactor.callLater(delay) { try? deferred.callback() }
    return deferred.addCallback(label: "deferLater", file: file, line: line) { try work() }
}
