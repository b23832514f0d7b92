/// Waits for several deferreds and fires with all their outcomes (Twisted's `DeferredList`).
///
/// - Parameters:
///   - members: The deferreds, processed in order; already-fired members are recorded at once.
///   - fireOnOneCallback: Fire with `.first(value, index:)` on the first success. An empty list then never fires.
///   - fireOnOneErrback: Fail with `FirstError` on the first failure.
///   - consumeErrors: Members' failures are handled (the members continue with `()`), so none is reported
///     as unhandled.
/// - Returns: A deferred whose cancel cancels every member (if it has not fired yet).
public func deferredList<Value>(
    _ members: [Deferred<Value>], fireOnOneCallback: Bool = false, fireOnOneErrback: Bool = false,
    consumeErrors: Bool = false, file: String = #fileID, line: UInt = #line
) -> Deferred<DeferredListResult<Value>> {
    let list = Deferred<DeferredListResult<Value>>(
        canceller: { _ in
            for member in members { member.cancel() }
        }, file: file, line: line)
    list.base.members = members.map(\.base)
    var outcomes = [Result<Value, Failure>?](repeating: nil, count: members.count)
    var finishedCount = 0
    if members.isEmpty && !fireOnOneCallback {
        try! list.callback(.all([]))  // new, so it cannot have fired
    }
    for (index, member) in members.enumerated() {
        member.base.addCallbacks(
            { value in
                let typed: Value
                switch castInput(value, to: Value.self) {
                case .success(let v): typed = v
                case .failure(let failure): return .failure(failure)
                }
                outcomes[index] = .success(typed)
                finishedCount += 1
                if !list.isCalled {
                    if fireOnOneCallback {
                        try? list.callback(.first(typed, index: index))
                    } else if finishedCount == members.count {
                        try? list.callback(.all(outcomes.map { $0! }))
                    }
                }
                return .value(value)
            },
            { failure in
                outcomes[index] = .failure(failure)
                finishedCount += 1
                if !list.isCalled {
                    if fireOnOneErrback {
                        try? list.errback(FirstError(subFailure: failure, index: index))
                    } else if finishedCount == members.count {
                        try? list.callback(.all(outcomes.map { $0! }))
                    }
                }
                return consumeErrors ? .value(()) : .failure(failure)
            }, callbackLabel: "DeferredList[\(index)]", errbackLabel: "DeferredList[\(index)]", file: file,
            line: line)
    }
    return list
}

/// Waits for every deferred and fires with their values in input order, or fails with the first `FirstError`
/// (Twisted's `gatherResults`).
public func gatherResults<Value>(
    _ members: [Deferred<Value>], consumeErrors: Bool = false, file: String = #fileID, line: UInt = #line
) -> Deferred<[Value]> {
    deferredList(members, fireOnOneErrback: true, consumeErrors: consumeErrors, file: file, line: line)
        .addCallback(label: "gatherResults", file: file, line: line) { result -> [Value] in
            guard case .all(let outcomes) = result else { return [] }
            return try outcomes.map { try $0.get() }
        }
}

/// Fires with the first member to succeed and its index, cancelling all the others; if all fail, fails with
/// `FailureGroup` (Twisted's `race`).
public func race<Value>(_ members: [Deferred<Value>], file: String = #fileID, line: UInt = #line)
    -> Deferred<(index: Int, value: Value)>
{
    var winner: Deferred<(index: Int, value: Value)>?
    let result = Deferred<(index: Int, value: Value)>(
        canceller: { _ in
            for member in members { member.cancel() }
        }, file: file, line: line)
    winner = result
    result.base.members = members.map(\.base)
    var failures = [Failure?](repeating: nil, count: members.count)
    var failureCount = 0
    for (index, member) in members.enumerated() {
        member.base.addCallbacks(
            { value in
                guard let current = winner else { return .value(()) }
                winner = nil
                switch castInput(value, to: Value.self) {
                case .success(let typed):
                    for (other, loser) in members.enumerated() where other != index { loser.cancel() }
                    try? current.callback((index: index, value: typed))
                case .failure(let failure): try? current.errback(failure)
                }
                return .value(())
            },
            { failure in
                failures[index] = failure
                failureCount += 1
                if failureCount == members.count, let current = winner {
                    winner = nil
                    try? current.errback(FailureGroup(failures: failures.map { $0! }))
                }
                return .value(())
            }, callbackLabel: "race[\(index)]", errbackLabel: "race[\(index)]", file: file, line: line)
    }
    return result
}

/// ``deferredList(_:fireOnOneCallback:fireOnOneErrback:consumeErrors:file:line:)`` for untyped deferreds (or
/// deferreds of different types), with the values as `Any`.
public func deferredList(
    _ members: [AnyDeferred], fireOnOneCallback: Bool = false, fireOnOneErrback: Bool = false,
    consumeErrors: Bool = false, file: String = #fileID, line: UInt = #line
) -> Deferred<DeferredListResult<Any>> {
    deferredList(
        members.map { Deferred<Any>(unchecked: $0) }, fireOnOneCallback: fireOnOneCallback,
        fireOnOneErrback: fireOnOneErrback, consumeErrors: consumeErrors, file: file, line: line)
}

/// ``gatherResults(_:consumeErrors:file:line:)`` for untyped deferreds (or deferreds of different types).
public func gatherResults(
    _ members: [AnyDeferred], consumeErrors: Bool = false, file: String = #fileID, line: UInt = #line
) -> Deferred<[Any]> {
    gatherResults(members.map { Deferred<Any>(unchecked: $0) }, consumeErrors: consumeErrors, file: file, line: line)
}

/// A typed deferred seen without its type: what a callback's `.value` may turn out to hold.
protocol DeferredWrapping {
    var base: AnyDeferred { get }
}

extension Deferred: DeferredWrapping {}
