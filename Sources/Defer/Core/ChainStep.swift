/// One callback/errback pair as stored in a chain. It runs the half that matches the deferred's current result
/// and stores that half's outcome as the new current result, in place (`StepOutcome` says what happened).
///
/// Steps are closures made by the `@inlinable` typed API, so they are compiled in the caller's module with the
/// concrete types: reading the chain's `Any` as the callback's input, and storing the callback's output back,
/// need no runtime generic metadata. The step reads the input where it lies (the deferred keeps its current
/// result while a callback runs, as in Twisted) and writes the output straight into the deferred: no
/// intermediate result values are built and copied on the way, and a pass-through half costs one tag check.
@usableFromInline
typealias ChainStep = (AnyDeferred) -> StepOutcome

/// What a step did with the chain's current result.
@usableFromInline
enum StepOutcome {
    /// The half for the current track is a pass-through: the result is unchanged.
    case passedThrough
    /// A half ran and its value or failure is now the current result.
    case stored
    /// A half returned a deferred: the chain continues with that deferred's result (it may have to wait).
    case returned(AnyDeferred)
}

/// The failure a typed callback gets when the chain holds a value of another type.
@usableFromInline
func typeMismatch(_ value: Any, expected: Any.Type) -> Failure {
    let mismatch = DeferredTypeError(expected: String(describing: expected), actual: String(describing: type(of: value)))
    return Failure(error: mismatch, origin: nil, site: nil)
}

/// `value as? V`, fast when `value` holds exactly a `V`: what typed callbacks use to read the chain's value
/// (observers that look at values may use it too).
///
/// The common case is a value of exactly that type. Opening the existential and comparing type metadata costs a
/// few dozen instructions, against a couple of hundred for the runtime's general `as?`, which is still the
/// fallback for everything else (class upcasts, protocol existentials, `Any`, optionals), so the result is always
/// the same as `as?`'s.
@inlinable
public func exactCast<V>(_ value: Any, to _: V.Type) -> V? {
    func opened<T>(_ payload: T) -> V? {
        guard T.self == V.self else { return nil }
        return unsafeBitCast(payload, to: V.self)  // T is V: a no-op reinterpretation
    }
    if let typed = opened(value) { return typed }  // `value` is opened: T is its dynamic type
    return value as? V
}

/// Casts the chain's current value to what a typed consumer expects, or the type-mismatch failure.
@inlinable
func castInput<V>(_ value: Any, to _: V.Type) -> Result<V, Failure> {
    if let typed = exactCast(value, to: V.self) { return .success(typed) }
    return .failure(typeMismatch(value, expected: V.self))
}

extension AnyDeferred {
    /// Stores a callback's return value as the current result: a returned `Failure` is the error path, as in
    /// Twisted. Compiled with the concrete `U`, so for any type but `Failure` and `Any` the check folds away.
    @inlinable
    func storeOutput<U>(_ output: U) {
        if let failure = output as? Failure {
            replaceState(with: .failure(failure))
        } else {
            replaceState(with: .success(output))
        }
    }

    /// Moves `new` into `stateStorage` and destroys the old result. A plain assignment of this address-only enum
    /// compiles to an outlined assign-with-copy plus a destroy of the temporary; swapping moves it instead.
    @inlinable @inline(__always)
    func replaceState(with new: consuming DeferredState) {
        var old = new
        swap(&stateStorage, &old)
    }

    /// Stores a thrown error as the current failure.
    @usableFromInline
    func storeError(_ error: any Error) {
        stateStorage = .failure(Failure.wrapping(error))
    }

    /// Stores the failure a callback of input type `V` gets when the current value has another type.
    @usableFromInline
    func storeMismatch(_ value: Any, expected: Any.Type) {
        stateStorage = .failure(typeMismatch(value, expected: expected))
    }

    /// The input of a typed callback: `.some(value)` for a success of type `V`, `.some(nil)` when the current
    /// result is not a success (the callback half passes), and `nil` after storing the type-mismatch failure.
    ///
    /// A small plain value (an Int) is read where it lies (`StateLayout`); anything else is matched and cast.
    @inlinable @inline(__always)
    func callbackInput<V>(_: V.Type) -> V?? {
        if let found = successValueInPlace(V.self) { return .some(found) }
        guard case .success(let value) = stateStorage else { return .some(nil) }
        guard let typed = exactCast(value, to: V.self) else {
            storeMismatch(value, expected: V.self)
            return nil
        }
        return .some(typed)
    }

    /// The current result as a typed `addBoth` function receives it; `nil` after storing the type-mismatch failure.
    @inlinable
    func typedResult<V>(_: V.Type) -> Result<V, Failure>? {
        switch stateStorage {
        case .success(let value):
            guard let typed = exactCast(value, to: V.self) else {
                storeMismatch(value, expected: V.self)
                return nil
            }
            return .success(typed)
        case .failure(let failure): return .failure(failure)
        case .pending, .waiting: preconditionFailure("a deferred ran callbacks without a result")
        }
    }
}

/// Factories for the steps of the typed API.
@usableFromInline
enum Steps {
    /// `addCallback` with a plain value result.
    @inlinable
    static func callback<V, U>(_ body: @escaping (V) throws -> U) -> ChainStep {
        { deferred in
            guard let typed = deferred.callbackInput(V.self) else { return .stored }
            guard let typed else { return .passedThrough }
            do { deferred.storeOutput(try body(typed)) } catch { deferred.storeError(error) }
            return .stored
        }
    }

    /// `addCallback` whose callback returns another deferred.
    @inlinable
    static func chainingCallback<V, U>(_ body: @escaping (V) throws -> Deferred<U>) -> ChainStep {
        { deferred in
            guard let typed = deferred.callbackInput(V.self) else { return .stored }
            guard let typed else { return .passedThrough }
            do { return .returned(try body(typed).base) } catch { deferred.storeError(error) }
            return .stored
        }
    }

    /// `addErrback` with a plain value result.
    @inlinable
    static func errback<U>(_ body: @escaping (Failure) throws -> U) -> ChainStep {
        { deferred in
            guard case .failure(let failure) = deferred.stateStorage else { return .passedThrough }
            do { deferred.storeOutput(try body(failure)) } catch { deferred.storeError(error) }
            return .stored
        }
    }

    /// `addErrback` whose errback returns another deferred.
    @inlinable
    static func chainingErrback<U>(_ body: @escaping (Failure) throws -> Deferred<U>) -> ChainStep {
        { deferred in
            guard case .failure(let failure) = deferred.stateStorage else { return .passedThrough }
            do { return .returned(try body(failure).base) } catch { deferred.storeError(error) }
            return .stored
        }
    }

    /// `addBoth`: one function for either track.
    @inlinable
    static func both<V, U>(_ body: @escaping (Result<V, Failure>) throws -> U) -> ChainStep {
        { deferred in
            guard let typed = deferred.typedResult(V.self) else { return .stored }
            do { deferred.storeOutput(try body(typed)) } catch { deferred.storeError(error) }
            return .stored
        }
    }

    /// `addBoth` whose function returns another deferred.
    @inlinable
    static func chainingBoth<V, U>(_ body: @escaping (Result<V, Failure>) throws -> Deferred<U>) -> ChainStep {
        { deferred in
            guard let typed = deferred.typedResult(V.self) else { return .stored }
            do { return .returned(try body(typed).base) } catch { deferred.storeError(error) }
            return .stored
        }
    }

    /// `addCallbacks`: a callback and an errback as one pair (an error from the callback skips the errback).
    @inlinable
    static func pair<V, U>(_ callback: @escaping (V) throws -> U, _ errback: @escaping (Failure) throws -> U)
        -> ChainStep
    {
        { deferred in
            switch deferred.stateStorage {
            case .success(let value):
                guard let typed = exactCast(value, to: V.self) else {
                    deferred.storeMismatch(value, expected: V.self)
                    return .stored
                }
                do { deferred.storeOutput(try callback(typed)) } catch { deferred.storeError(error) }
            case .failure(let failure):
                do { deferred.storeOutput(try errback(failure)) } catch { deferred.storeError(error) }
            case .pending, .waiting: preconditionFailure("a deferred ran callbacks without a result")
            }
            return .stored
        }
    }

    /// The untyped pair, where each half is optional (a `nil` half is a pass-through).
    static func untyped(
        _ callback: ((Any) throws -> CallbackResult)?, _ errback: ((Failure) throws -> CallbackResult)?
    ) -> ChainStep {
        { deferred in
            let output: CallbackResult
            do {
                switch deferred.stateStorage {
                case .success(let value):
                    guard let callback else { return .passedThrough }
                    output = try callback(value)
                case .failure(let failure):
                    guard let errback else { return .passedThrough }
                    output = try errback(failure)
                case .pending, .waiting: preconditionFailure("a deferred ran callbacks without a result")
                }
            } catch {
                deferred.storeError(error)
                return .stored
            }
            switch output {
            case .value(let value):
                // A Deferred handed back as a value is chained on, as Python's `return d` is.
                if let inner = value as? AnyDeferred { return .returned(inner) }
                if let typed = value as? any DeferredWrapping { return .returned(typed.base) }
                deferred.storeOutput(value)  // a `Failure` value goes to the error path
            case .failure(let failure): deferred.stateStorage = .failure(failure)
            case .deferred(let inner): return .returned(inner)
            }
            return .stored
        }
    }
}
