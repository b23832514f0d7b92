/// A typed view of one deferred chain: a result of type `Value` that arrives later, or a `Failure`.
///
/// `Deferred` is Twisted's Deferred in Swift. Callbacks and errbacks are added in pairs to a single chain;
/// each runs on the current result and its return value (or thrown error) becomes the next result.
/// `addCallback` returning a new type still extends the *same* chain: the returned `Deferred<U>` and this one
/// share `base`, so pausing, cancelling or adding later callbacks through either acts on the one chain.
///
/// ```swift
/// let d = Deferred<Int>()
/// d.addCallback { $0 + 1 }
///  .addErrback { failure in 0 }          // recover
///  .addCallback { print("got \($0)") }
/// try d.callback(41)                    // runs the chain synchronously
/// ```
///
/// A deferred is used from one thread at a time (normally the reactor's); it is not `Sendable`.
public struct Deferred<Value> {
    /// The untyped chain this value is a view of.
    public let base: AnyDeferred

    /// Makes an unfired deferred, with an optional canceller that `cancel()` calls while it is unfired.
    public init(canceller: ((Deferred<Value>) throws -> Void)? = nil, file: String = #fileID, line: UInt = #line) {
        if let canceller {
            base = AnyDeferred(canceller: { try canceller(Deferred(unchecked: $0)) }, file: file, line: line)
        } else {
            base = AnyDeferred(file: file, line: line)
        }
    }

    /// Views an untyped chain as holding `Value`; a callback that then finds another type gets a
    /// `DeferredTypeError` failure rather than a crash.
    public init(unchecked base: AnyDeferred) { self.base = base }

    /// A deferred that has already succeeded (Twisted's `succeed`).
    public static func succeeded(_ value: Value, file: String = #fileID, line: UInt = #line) -> Deferred {
        Deferred(unchecked: .succeeded(value, file: file, line: line))
    }

    /// A deferred that has already failed (Twisted's `fail`).
    public static func failed(_ error: any Error, file: String = #fileID, line: UInt = #line) -> Deferred {
        Deferred(unchecked: .failed(error, file: file, line: line))
    }

    /// Fires the chain with a success value.
    ///
    /// - Throws: `AlreadyCalledError` if it already fired.
    public func callback(_ value: Value, file: String = #fileID, line: UInt = #line) throws(AlreadyCalledError) {
        try base.fire(.success(value), file: file, line: line)
    }

    /// Fires the chain on the error path.
    ///
    /// - Throws: `AlreadyCalledError` if it already fired.
    public func errback(_ error: any Error, file: String = #fileID, line: UInt = #line) throws(AlreadyCalledError) {
        try base.errback(error, file: file, line: line)
    }

    /// Whether it has fired.
    public var isCalled: Bool { base.isCalled }
    /// Whether the pause counter is non-zero (paused explicitly or waiting on another deferred).
    public var isPaused: Bool { base.isPaused }
    /// The current result of the chain.
    public var state: DeferredState { base.state }

    /// See `AnyDeferred.pause()`.
    public func pause() { base.pause() }
    /// See `AnyDeferred.unpause()`.
    public func unpause() { base.unpause() }
    /// See `AnyDeferred.cancel()`.
    public func cancel() { base.cancel() }

    /// See `AnyDeferred.cancelOrThrow()`.
    public func cancelOrThrow() throws { try base.cancelOrThrow() }

    /// Sends this chain's outcome on to `target`; this chain then holds `()` (Twisted's `chainDeferred`).
    @discardableResult
    public func chainDeferred(_ target: Deferred<Value>, file: String = #fileID, line: UInt = #line)
        -> Deferred<Void>
    {
        Deferred<Void>(unchecked: base.chainDeferred(target.base, file: file, line: line))
    }
}

extension Deferred where Value == Void {
    /// Fires a `Deferred<Void>`.
    public func callback(file: String = #fileID, line: UInt = #line) throws(AlreadyCalledError) {
        try base.fire(.success(()), file: file, line: line)
    }
}

extension Deferred: CustomStringConvertible {
    /// Twisted's repr of the chain.
    public var description: String { base.description }
}

@available(*, unavailable)
extension Deferred: Sendable {}
