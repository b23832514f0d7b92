extension AnyDeferred {
    /// A deferred that has already fired with `value` (Twisted's `succeed`); nothing runs until callbacks are added.
    public static func succeeded(_ value: Any, file: String = #fileID, line: UInt = #line) -> AnyDeferred {
        if let failure = value as? Failure { return failed(failure, file: file, line: line) }
        let deferred = AnyDeferred(file: file, line: line)
        deferred.isCalledStorage = true
        deferred.stateStorage = .success(value)
        return deferred
    }

    /// A deferred that has already failed with `error` (Twisted's `fail`).
    public static func failed(_ error: any Error, file: String = #fileID, line: UInt = #line) -> AnyDeferred {
        let deferred = AnyDeferred(file: file, line: line)
        try! deferred.errback(error, file: file, line: line)  // a new deferred cannot have fired
        return deferred
    }

    /// Holds back the chain: callbacks added or results arriving wait until as many `unpause()` calls.
    ///
    /// Pausing inside a running callback does not stop the pairs already queued in that run (Twisted's rule).
    public func pause() {
        pauseCount += 1
        observer?.deferred(self, didRecord: .pauseChanged(count: pauseCount))
    }

    /// Undoes one `pause()`; at zero, runs whatever is queued if the deferred has fired.
    ///
    /// - Precondition: The deferred is paused (Twisted lets the counter go negative and wedges; we trap).
    public func unpause() {
        precondition(pauseCount > 0, "unpause() on a Deferred that is not paused")
        pauseCount -= 1
        observer?.deferred(self, didRecord: .pauseChanged(count: pauseCount))
        if pauseCount != 0 { return }
        if isCalled { runCallbacks() }
    }

    /// Cancels the operation behind this deferred (Twisted's `cancel()`).
    ///
    /// Unfired: calls the canceller (or, without one, arms a one-time swallow of the late result), then
    /// errbacks with `CancelledError` if still unfired. Waiting on another deferred: cancels that one instead.
    /// Already fired: does nothing.
    ///
    /// A canceller that throws leaves the deferred unfired (a later `cancel()` calls it again); its error is
    /// reported as an unhandled error ("Exception raised from user supplied canceller"), as Twisted logs it for a
    /// `DeferredList`'s members. Use ``cancelOrThrow()`` to get the error instead, as Twisted's `cancel()` raises.
    public func cancel() {
        do { try cancelOrThrow() } catch {
            UnhandledError.sink(
                UnhandledError(
                    failure: Failure.wrapping(error), deferredID: UInt64(UInt(bitPattern: ObjectIdentifier(self).hashValue)),
                    createdAt: debugInfo?.createdAt, firstFiredAt: nil,
                    headline: "Exception raised from user supplied canceller:"))
        }
    }

    /// ``cancel()``, throwing what the canceller threw (Twisted's `cancel()`: the exception comes out, and the
    /// deferred stays unfired).
    public func cancelOrThrow() throws {
        observer?.deferred(self, didRecord: .cancelled)
        if !isCalled {
            if let canceller {
                try canceller(self)
            } else {
                suppressAlreadyCalled = true
            }
            if !isCalled {
                try! errback(CancelledError())  // unfired, so it cannot throw
            }
        } else if case .waiting(let inner) = stateStorage {
            try inner.cancelOrThrow()
        }
    }

    /// Sends this deferred's outcome on to `target` (Twisted's `chainDeferred`); afterwards this chain holds `()`.
    ///
    /// `target` is marked as waiting on this one at once. If `target` has already fired, the
    /// `AlreadyCalledError` becomes a failure in this chain. Cancelling `target` does not cancel this one.
    @discardableResult
    public func chainDeferred(_ target: AnyDeferred, file: String = #fileID, line: UInt = #line) -> AnyDeferred {
        target.extrasForWriting.chainedTo = self
        observer?.deferred(self, didRecord: .chained(to: target))
        return addCallbacks(
            { value in
                try target.callback(value, file: file, line: line)
                return .value(())
            },
            { failure in
                try target.errback(failure, file: file, line: line)
                return .value(())
            }, callbackLabel: "chainDeferred.callback", errbackLabel: "chainDeferred.errback", file: file,
            line: line)
    }

    /// Adds a callback only (the errback half passes failures through).
    @discardableResult
    public func addCallback(
        label: String? = nil, file: String = #fileID, line: UInt = #line, _ callback: @escaping (Any) throws -> CallbackResult
    ) -> AnyDeferred {
        addCallbacks(callback, nil, callbackLabel: label, file: file, line: line)
    }

    /// Adds an errback only (the callback half passes values through).
    @discardableResult
    public func addErrback(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ errback: @escaping (Failure) throws -> CallbackResult
    ) -> AnyDeferred {
        addCallbacks(nil, errback, errbackLabel: label, file: file, line: line)
    }

    /// Adds one function as both halves of a pair.
    @discardableResult
    public func addBoth(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ body: @escaping (Result<Any, Failure>) throws -> CallbackResult
    ) -> AnyDeferred {
        append(
            Steps.untyped({ try body(.success($0)) }, { try body(.failure($0)) }),
            callback: .some(label), errback: .some(label), kind: "both", file: file, line: line)
        return self
    }
}

extension AnyDeferred: CustomStringConvertible {
    /// Twisted's repr: `<Deferred at 0x…>`, with the current result or the deferred it waits on.
    public var description: String {
        let address = "0x" + String(UInt(bitPattern: ObjectIdentifier(self).hashValue), radix: 16)
        if let waitingOn {
            let other = "0x" + String(UInt(bitPattern: ObjectIdentifier(waitingOn).hashValue), radix: 16)
            return "<Deferred at \(address) waiting on Deferred at \(other)>"
        }
        switch stateStorage {
        case .pending, .waiting: return "<Deferred at \(address)>"
        case .success(let value): return "<Deferred at \(address) current result: \(value)>"
        case .failure(let failure): return "<Deferred at \(address) current result: \(failure)>"
        }
    }
}
