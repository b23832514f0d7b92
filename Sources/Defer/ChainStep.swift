/// One callback/errback pair as stored in a chain: runs the half that matches the input, or returns `nil` when
/// that half is a pass-through.
///
/// Steps are closures made by the `@inlinable` typed API, so they are compiled in the caller's module with the
/// concrete types: the cast from the chain's `Any` to the callback's input needs no runtime generic metadata.
@usableFromInline
typealias ChainStep = (Result<Any, Failure>) -> CallbackResult?

/// The failure a typed callback gets when the chain holds a value of another type.
@usableFromInline
func typeMismatch(_ value: Any, expected: Any.Type) -> Failure {
    let mismatch = DeferredTypeError(expected: String(describing: expected), actual: String(describing: type(of: value)))
    return Failure(error: mismatch, origin: nil, site: nil)
}

/// Casts the chain's current value to what a typed callback expects.
@inlinable
func castInput<V>(_ value: Any, to _: V.Type) -> Result<V, Failure> {
    if let typed = value as? V { return .success(typed) }
    return .failure(typeMismatch(value, expected: V.self))
}

/// Factories for the steps of the typed API.
@usableFromInline
enum Steps {
    /// `addCallback` with a plain value result.
    @inlinable
    static func callback<V, U>(_ body: @escaping (V) throws -> U) -> ChainStep {
        { input in
            guard case .success(let value) = input else { return nil }
            guard let typed = value as? V else { return .failure(typeMismatch(value, expected: V.self)) }
            do { return result(try body(typed)) } catch { return .failure(Failure.wrapping(error)) }
        }
    }

    /// A callback's return value as the next result: a returned `Failure` is the error path, as in Twisted.
    ///
    /// Compiled with the concrete `U`, so for any type but `Failure` and `Any` the check folds away.
    @inlinable
    static func result<U>(_ output: U) -> CallbackResult {
        if let failure = output as? Failure { return .failure(failure) }
        return .value(output)
    }

    /// `addCallback` whose callback returns another deferred.
    @inlinable
    static func chainingCallback<V, U>(_ body: @escaping (V) throws -> Deferred<U>) -> ChainStep {
        { input in
            guard case .success(let value) = input else { return nil }
            guard let typed = value as? V else { return .failure(typeMismatch(value, expected: V.self)) }
            do { return .deferred(try body(typed).base) } catch { return .failure(Failure.wrapping(error)) }
        }
    }

    /// `addErrback` with a plain value result.
    @inlinable
    static func errback<U>(_ body: @escaping (Failure) throws -> U) -> ChainStep {
        { input in
            guard case .failure(let failure) = input else { return nil }
            do { return result(try body(failure)) } catch { return .failure(Failure.wrapping(error)) }
        }
    }

    /// `addErrback` whose errback returns another deferred.
    @inlinable
    static func chainingErrback<U>(_ body: @escaping (Failure) throws -> Deferred<U>) -> ChainStep {
        { input in
            guard case .failure(let failure) = input else { return nil }
            do { return .deferred(try body(failure).base) } catch { return .failure(Failure.wrapping(error)) }
        }
    }

    /// The chain's current result as an `addBoth` function receives it, or the type-mismatch failure.
    @inlinable
    static func typedInput<V>(_ input: Result<Any, Failure>, _: V.Type) -> Result<Result<V, Failure>, Failure> {
        switch input {
        case .success(let value):
            guard let typed = value as? V else { return .failure(typeMismatch(value, expected: V.self)) }
            return .success(.success(typed))
        case .failure(let failure): return .success(.failure(failure))
        }
    }

    /// `addBoth`: one function for either track.
    @inlinable
    static func both<V, U>(_ body: @escaping (Result<V, Failure>) throws -> U) -> ChainStep {
        { input in
            let typed: Result<V, Failure>
            switch typedInput(input, V.self) {
            case .success(let converted): typed = converted
            case .failure(let mismatch): return .failure(mismatch)
            }
            do { return result(try body(typed)) } catch { return .failure(Failure.wrapping(error)) }
        }
    }

    /// `addBoth` whose function returns another deferred.
    @inlinable
    static func chainingBoth<V, U>(_ body: @escaping (Result<V, Failure>) throws -> Deferred<U>) -> ChainStep {
        { input in
            let typed: Result<V, Failure>
            switch typedInput(input, V.self) {
            case .success(let converted): typed = converted
            case .failure(let mismatch): return .failure(mismatch)
            }
            do { return .deferred(try body(typed).base) } catch { return .failure(Failure.wrapping(error)) }
        }
    }

    /// `addCallbacks`: a callback and an errback as one pair (an error from the callback skips the errback).
    @inlinable
    static func pair<V, U>(_ callback: @escaping (V) throws -> U, _ errback: @escaping (Failure) throws -> U)
        -> ChainStep
    {
        { input in
            switch input {
            case .success(let value):
                guard let typed = value as? V else { return .failure(typeMismatch(value, expected: V.self)) }
                do { return result(try callback(typed)) } catch { return .failure(Failure.wrapping(error)) }
            case .failure(let failure):
                do { return result(try errback(failure)) } catch { return .failure(Failure.wrapping(error)) }
            }
        }
    }

    /// An untyped callback's result, with a `.value` holding a `Failure` moved to the error path.
    static func normalized(_ result: CallbackResult) -> CallbackResult {
        if case .value(let value) = result, let failure = value as? Failure { return .failure(failure) }
        return result
    }

    /// The untyped pair, where each half is optional (a `nil` half is a pass-through).
    static func untyped(
        _ callback: ((Any) throws -> CallbackResult)?, _ errback: ((Failure) throws -> CallbackResult)?
    ) -> ChainStep {
        { input in
            switch input {
            case .success(let value):
                guard let callback else { return nil }
                do { return normalized(try callback(value)) } catch { return .failure(Failure.wrapping(error)) }
            case .failure(let failure):
                guard let errback else { return nil }
                do { return normalized(try errback(failure)) } catch { return .failure(Failure.wrapping(error)) }
            }
        }
    }
}
