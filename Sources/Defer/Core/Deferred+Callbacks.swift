extension Deferred {
    /// Adds a callback; its return value is the next callback's input, and throwing switches to the errback path.
    ///
    /// - Parameters:
    ///   - label: A name for the callback, shown by the monitor (defaults to the call site).
    ///   - callback: Runs once with the success value, when the chain reaches it.
    /// - Returns: The same chain, typed by the callback's result.
    @inlinable @discardableResult
    public func addCallback<U>(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ callback: @escaping (Value) throws -> U
    ) -> Deferred<U> {
        base.append(
            Steps.callback(callback), callback: .some(label), errback: nil, kind: "callback", file: file,
            line: line)
        return Deferred<U>(unchecked: base)
    }

    /// Adds a callback that returns another deferred: the chain pauses until that one fires, then continues with
    /// its result.
    @inlinable @discardableResult
    public func addCallback<U>(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ callback: @escaping (Value) throws -> Deferred<U>
    ) -> Deferred<U> {
        base.append(
            Steps.chainingCallback(callback), callback: .some(label), errback: nil, kind: "callback",
            file: file, line: line)
        return Deferred<U>(unchecked: base)
    }

    /// Adds an errback; returning a value recovers (back to the callback path), throwing stays on the error path.
    ///
    /// Re-throw the failure (`throw failure`) to pass it on unchanged.
    @inlinable @discardableResult
    public func addErrback(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ errback: @escaping (Failure) throws -> Value
    ) -> Deferred<Value> {
        base.append(
            Steps.errback(errback), callback: nil, errback: .some(label), kind: "errback", file: file,
            line: line)
        return self
    }

    /// Adds an errback that recovers with another deferred's outcome.
    @inlinable @discardableResult
    public func addErrback(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ errback: @escaping (Failure) throws -> Deferred<Value>
    ) -> Deferred<Value> {
        base.append(
            Steps.chainingErrback(errback), callback: nil, errback: .some(label), kind: "errback",
            file: file, line: line)
        return self
    }

    /// Adds one function as both callback and errback of a pair; it receives the success value or the failure.
    @inlinable @discardableResult
    public func addBoth<U>(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ body: @escaping (Result<Value, Failure>) throws -> U
    ) -> Deferred<U> {
        base.append(Steps.both(body), callback: .some(label), errback: .some(label), kind: "both", file: file, line: line)
        return Deferred<U>(unchecked: base)
    }

    /// Adds one function as both halves of a pair, returning another deferred to wait on.
    @inlinable @discardableResult
    public func addBoth<U>(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ body: @escaping (Result<Value, Failure>) throws -> Deferred<U>
    ) -> Deferred<U> {
        base.append(
            Steps.chainingBoth(body), callback: .some(label), errback: .some(label), kind: "both", file: file,
            line: line)
        return Deferred<U>(unchecked: base)
    }

    /// Adds a callback and an errback as one pair: an error thrown by `callback` is *not* seen by `errback`
    /// but by the next pair's errback (Twisted's `addCallbacks`).
    @inlinable @discardableResult
    public func addCallbacks<U>(
        callbackLabel: String? = nil, errbackLabel: String? = nil, file: String = #fileID, line: UInt = #line,
        _ callback: @escaping (Value) throws -> U, errback: @escaping (Failure) throws -> U
    ) -> Deferred<U> {
        base.append(
            Steps.pair(callback, errback), callback: .some(callbackLabel),
            errback: .some(errbackLabel), kind: "callbacks", file: file, line: line)
        return Deferred<U>(unchecked: base)
    }
}

/// Calls `body` and returns its result as a deferred: a thrown error becomes a failed deferred
/// (Twisted's `maybeDeferred`).
public func maybeDeferred<Value>(file: String = #fileID, line: UInt = #line, _ body: () throws -> Value)
    -> Deferred<Value>
{
    do { return .succeeded(try body(), file: file, line: line) } catch { return .failed(error, file: file, line: line) }
}

/// Calls `body`; a deferred it returns is returned as is (the same chain), a thrown error becomes a failed one.
public func maybeDeferred<Value>(file: String = #fileID, line: UInt = #line, _ body: () throws -> Deferred<Value>)
    -> Deferred<Value>
{
    do { return try body() } catch { return .failed(error, file: file, line: line) }
}
