/// One callback/errback pair as stored in a chain.
///
/// Concrete steps are small generic structs holding the user's closure directly, so they fit an existential's
/// inline buffer and adding a callback allocates nothing beyond the closure's own context.
protocol ChainStep {
    /// Runs the half of the pair that matches `input`, or returns `nil` when that half is a pass-through.
    func run(_ input: Result<Any, Failure>) -> CallbackResult?
}

/// Casts the chain's current value to what a typed callback expects.
@inline(__always)
func castInput<V>(_ value: Any, to _: V.Type) -> Result<V, Failure> {
    if let typed = value as? V { return .success(typed) }
    let mismatch = DeferredTypeError(expected: String(describing: V.self), actual: String(describing: type(of: value)))
    return .failure(Failure(error: mismatch, origin: nil, site: nil))
}

/// `addCallback` with a plain value result.
struct CallbackStep<V, U>: ChainStep {
    let body: (V) throws -> U
    func run(_ input: Result<Any, Failure>) -> CallbackResult? {
        guard case .success(let value) = input else { return nil }
        switch castInput(value, to: V.self) {
        case .success(let typed):
            do { return .value(try body(typed)) } catch { return .failure(Failure.wrapping(error)) }
        case .failure(let failure): return .failure(failure)
        }
    }
}

/// `addCallback` whose callback returns another deferred.
struct ChainingCallbackStep<V, U>: ChainStep {
    let body: (V) throws -> Deferred<U>
    func run(_ input: Result<Any, Failure>) -> CallbackResult? {
        guard case .success(let value) = input else { return nil }
        switch castInput(value, to: V.self) {
        case .success(let typed):
            do { return .deferred(try body(typed).base) } catch { return .failure(Failure.wrapping(error)) }
        case .failure(let failure): return .failure(failure)
        }
    }
}

/// `addErrback` with a plain value result.
struct ErrbackStep<U>: ChainStep {
    let body: (Failure) throws -> U
    func run(_ input: Result<Any, Failure>) -> CallbackResult? {
        guard case .failure(let failure) = input else { return nil }
        do { return .value(try body(failure)) } catch { return .failure(Failure.wrapping(error)) }
    }
}

/// `addErrback` whose errback returns another deferred.
struct ChainingErrbackStep<U>: ChainStep {
    let body: (Failure) throws -> Deferred<U>
    func run(_ input: Result<Any, Failure>) -> CallbackResult? {
        guard case .failure(let failure) = input else { return nil }
        do { return .deferred(try body(failure).base) } catch { return .failure(Failure.wrapping(error)) }
    }
}

/// `addBoth`: one function for either track.
struct BothStep<V, U>: ChainStep {
    let body: (Result<V, Failure>) throws -> U
    func run(_ input: Result<Any, Failure>) -> CallbackResult? {
        let typed: Result<V, Failure>
        switch input {
        case .success(let value):
            switch castInput(value, to: V.self) {
            case .success(let v): typed = .success(v)
            case .failure(let failure): return .failure(failure)
            }
        case .failure(let failure): typed = .failure(failure)
        }
        do { return .value(try body(typed)) } catch { return .failure(Failure.wrapping(error)) }
    }
}

/// `addBoth` whose function returns another deferred.
struct ChainingBothStep<V, U>: ChainStep {
    let body: (Result<V, Failure>) throws -> Deferred<U>
    func run(_ input: Result<Any, Failure>) -> CallbackResult? {
        let typed: Result<V, Failure>
        switch input {
        case .success(let value):
            switch castInput(value, to: V.self) {
            case .success(let v): typed = .success(v)
            case .failure(let failure): return .failure(failure)
            }
        case .failure(let failure): typed = .failure(failure)
        }
        do { return .deferred(try body(typed).base) } catch { return .failure(Failure.wrapping(error)) }
    }
}

/// `addCallbacks`: a callback and an errback as one pair (an error from the callback skips the errback).
struct PairStep<V, U>: ChainStep {
    let callback: (V) throws -> U
    let errback: (Failure) throws -> U
    func run(_ input: Result<Any, Failure>) -> CallbackResult? {
        switch input {
        case .success(let value):
            return CallbackStep(body: callback).run(.success(value))
        case .failure(let failure):
            return ErrbackStep(body: errback).run(.failure(failure))
        }
    }
}

/// The untyped pair, where each half is optional (a `nil` half is a pass-through).
struct UntypedStep: ChainStep {
    let callback: ((Any) throws -> CallbackResult)?
    let errback: ((Failure) throws -> CallbackResult)?
    func run(_ input: Result<Any, Failure>) -> CallbackResult? {
        switch input {
        case .success(let value):
            guard let callback else { return nil }
            do { return try callback(value) } catch { return .failure(Failure.wrapping(error)) }
        case .failure(let failure):
            guard let errback else { return nil }
            do { return try errback(failure) } catch { return .failure(Failure.wrapping(error)) }
        }
    }
}
