public import Actions
public import Defer

/// Runs a deferred's callbacks inside the action that was current when it was made (Eliot's `DeferredContext`).
///
/// Callbacks added through it see that action as `Action.current`, so the messages and child actions they log
/// nest under it, whichever thread or reactor turn they run in. `addActionFinish()` finishes the action with the
/// chain's outcome and hands back the plain deferred.
///
/// ```swift
/// let action = startAction("app:fetch")
/// let d = try action.run {
///     try DeferredContext(fetch())
///         .addCallback { parse($0) }          // runs inside app:fetch
///         .addActionFinish()                   // app:fetch ends succeeded or failed with the chain
/// }
/// ```
public final class DeferredContext<Value> {
    /// The action callbacks run in.
    public let action: Action
    /// The wrapped deferred (Eliot's `.result`).
    public private(set) var result: Deferred<Value>
    private var finished = false

    /// Wraps `deferred` in the current action.
    ///
    /// - Throws: `DeferredContextError.noCurrentAction` outside any action, as Eliot does.
    public init(_ deferred: Deferred<Value>) throws(DeferredContextError) {
        guard let action = Action.current else {
            throw DeferredContextError(
                code: .noCurrentAction,
                message: "DeferredContext should only be created in the context of an action")
        }
        self.action = action
        self.result = deferred
    }

    private init(action: Action, result: Deferred<Value>) {
        self.action = action
        self.result = result
    }

    private func checkNotFinished() throws(DeferredContextError) {
        if finished {
            throw DeferredContextError(
                code: .alreadyFinished, message: "addActionFinish() was already called on this DeferredContext")
        }
    }

    /// `function`, run inside the action whenever the chain calls it.
    private func inAction<Input, Output>(_ function: @escaping (Input) throws -> Output) -> (Input) throws -> Output {
        let action = self.action
        return { input in try action.run { try function(input) } }
    }

    private func moving<U>(to next: Deferred<U>) -> DeferredContext<U> {
        finished = true  // this view is used up; the returned one continues the same chain
        return DeferredContext<U>(action: action, result: next)
    }

    /// Adds a callback that runs inside the action.
    ///
    /// - Throws: `DeferredContextError.alreadyFinished` after `addActionFinish()`.
    @discardableResult
    public func addCallback<U>(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ callback: @escaping (Value) throws -> U
    ) throws(DeferredContextError) -> DeferredContext<U> {
        try checkNotFinished()
        return moving(to: result.addCallback(label: label, file: file, line: line, inAction(callback)))
    }

    /// Adds a callback, returning another deferred, that runs inside the action.
    @discardableResult
    public func addCallback<U>(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ callback: @escaping (Value) throws -> Deferred<U>
    ) throws(DeferredContextError) -> DeferredContext<U> {
        try checkNotFinished()
        return moving(to: result.addCallback(label: label, file: file, line: line, inAction(callback)))
    }

    /// Adds an errback that runs inside the action.
    @discardableResult
    public func addErrback(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ errback: @escaping (Failure) throws -> Value
    ) throws(DeferredContextError) -> DeferredContext<Value> {
        try checkNotFinished()
        result.addErrback(label: label, file: file, line: line, inAction(errback))
        return self
    }

    /// Adds an errback, returning another deferred (a retry), that runs inside the action: the chain waits for it.
    @discardableResult
    public func addErrback(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ errback: @escaping (Failure) throws -> Deferred<Value>
    ) throws(DeferredContextError) -> DeferredContext<Value> {
        try checkNotFinished()
        result.addErrback(label: label, file: file, line: line, inAction(errback))
        return self
    }

    /// Adds a function for both tracks, returning another deferred, that runs inside the action.
    @discardableResult
    public func addBoth<U>(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ body: @escaping (Result<Value, Failure>) throws -> Deferred<U>
    ) throws(DeferredContextError) -> DeferredContext<U> {
        try checkNotFinished()
        return moving(to: result.addBoth(label: label, file: file, line: line, inAction(body)))
    }

    /// Adds a function for both tracks that runs inside the action.
    @discardableResult
    public func addBoth<U>(
        label: String? = nil, file: String = #fileID, line: UInt = #line,
        _ body: @escaping (Result<Value, Failure>) throws -> U
    ) throws(DeferredContextError) -> DeferredContext<U> {
        try checkNotFinished()
        return moving(to: result.addBoth(label: label, file: file, line: line, inAction(body)))
    }

    /// Finishes the action when the chain gets here — `succeeded`, or `failed` with the failure's error — and
    /// returns the plain deferred, whose result passes through unchanged.
    ///
    /// - Throws: `DeferredContextError.alreadyFinished` if called twice.
    public func addActionFinish(file: String = #fileID, line: UInt = #line) throws(DeferredContextError)
        -> Deferred<Value>
    {
        try checkNotFinished()
        finished = true
        let action = self.action
        return result.addBoth(label: "addActionFinish", file: file, line: line) { outcome -> Value in
            switch outcome {
            case .success(let value):
                action.finish()
                return value
            case .failure(let failure):
                action.finish(error: failure.error)
                throw failure
            }
        }
    }
}

@available(*, unavailable)
extension DeferredContext: Sendable {}
