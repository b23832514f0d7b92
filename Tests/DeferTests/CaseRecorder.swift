@testable import Defer

/// The application errors of the Twisted cases (`ErrorA`, `ErrorB`, `ErrorC`, each with a message).
enum TwistedErrors {
    protocol AppError: Error, CustomStringConvertible {
        static var kind: String { get }
        var message: String { get }
    }

    struct ErrorA: AppError {
        static let kind = "ErrorA"
        let message: String
        init(_ message: String) { self.message = message }
        var description: String { message }
    }

    struct ErrorB: AppError {
        static let kind = "ErrorB"
        let message: String
        init(_ message: String) { self.message = message }
        var description: String { message }
    }

    struct ErrorC: AppError {
        static let kind = "ErrorC"
        let message: String
        init(_ message: String) { self.message = message }
        var description: String { message }
    }

    /// A replay step that could not run as written (a bug in the replay itself, not in `Defer`).
    struct ReplayError: Error, CustomStringConvertible {
        let description: String
    }
}

/// What a recorded callback or errback does, in CASES.md's notation.
enum CallbackBehavior {
    /// `pass`: return the input unchanged (a failure stays a failure).
    case pass
    /// `ret V`: return V (`()` stands for Python's `None`).
    case ret(Any)
    /// `add N`: return input + N.
    case add(Int)
    /// `raise K "m"`: throw the error.
    case raise(any Error)
    /// `fail K "m"`: return (not throw) a failure of the error.
    case fail(any Error)
    /// `retd X`: return the deferred X.
    case retd(AnyDeferred)
    /// `trap [K..] V`: on a matching failure return V, else re-throw the same failure (via `Failure.trap`).
    case trap([any Error.Type], Any)
    /// Ad-hoc behaviour described in the case's prose.
    case custom((Result<Any, Failure>) throws -> CallbackResult)
}

/// Lets the encoder see through the typed face to the chain's name.
protocol DeferredBox {
    var anyBase: AnyDeferred { get }
}

extension Deferred: DeferredBox {
    var anyBase: AnyDeferred { base }
}

/// A value with its own trace encoding.
protocol TraceEncodable {
    func traceValue(in recorder: CaseRecorder) -> TraceValue
}

extension DeferredListResult: TraceEncodable {
    /// `.all` is Twisted's list of `[success, result]` pairs; `.first` is `[value, index]`.
    func traceValue(in recorder: CaseRecorder) -> TraceValue {
        switch self {
        case .all(let outcomes):
            return .array(
                outcomes.map { outcome -> TraceValue in
                    switch outcome {
                    case .success(let value): return [true, recorder.encode(value)]
                    case .failure(let failure): return [false, recorder.encodeFailure(failure)]
                    }
                })
        case .first(let value, let index):
            return [recorder.encode(value), .number(Double(index))]
        }
    }
}

/// Records a replayed case in the JSON shape of `expected.jsonl` (see "JSON encoding" in CASES.md).
///
/// Deferreds are named with `track` (named and reported in `final`) or `name` (named only); an unnamed one
/// encodes as `"anon"`. The recorder keeps named deferreds alive until `close()`, so names never attach to a
/// recycled object identity.
final class CaseRecorder {
    private(set) var events: [TraceValue] = []
    private var names: [ObjectIdentifier: String] = [:]
    private var retained: [AnyDeferred] = []
    private var finalNames: [(String, AnyDeferred)] = []

    // MARK: Names

    /// Names `deferred` and reports its state in `final`.
    @discardableResult
    func track(_ name: String, _ deferred: AnyDeferred) -> AnyDeferred {
        self.name(name, deferred)
        finalNames.append((name, deferred))
        return deferred
    }

    /// Names `deferred` without reporting it in `final`.
    @discardableResult
    func name(_ name: String, _ deferred: AnyDeferred) -> AnyDeferred {
        names[ObjectIdentifier(deferred)] = name
        retained.append(deferred)
        onNamed?(name, deferred)
        return deferred
    }

    /// Called for every named deferred (the tracked replay attaches a monitor here).
    var onNamed: ((String, AnyDeferred) -> Void)?

    func name(of deferred: AnyDeferred) -> String {
        names[ObjectIdentifier(deferred)] ?? "anon"
    }

    /// Drops every reference the recorder holds, so the case's deferreds are released now.
    func close() {
        names = [:]
        retained = []
        finalNames = []
    }

    // MARK: Encoding values

    /// Twisted's value encoding: scalars, lists, `null` for `()`/`nil`, failures and deferreds as objects.
    func encode(_ value: Any) -> TraceValue {
        switch value {
        case let failure as Failure: return encodeFailure(failure)
        case let deferred as AnyDeferred: return ["deferred": .string(name(of: deferred))]
        case let box as any DeferredBox: return ["deferred": .string(name(of: box.anyBase))]
        case let encodable as any TraceEncodable: return encodable.traceValue(in: self)
        case let error as any Error: return encodeFailure(error)
        case is Void: return .null
        case let value as Bool: return .bool(value)
        case let value as Int: return .number(Double(value))
        case let value as Double: return .number(value)
        case let value as String: return .string(value)
        case let value as [String: Any]: return .object(value.mapValues { encode($0) })
        case let value as [Any]: return .array(value.map { encode($0) })
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first else { return .null }
            return encode(wrapped.value)
        case .tuple, .collection:
            return .array(mirror.children.map { encode($0.value) })
        default:
            return ["unencodable": .string("\(type(of: value)): \(value)")]
        }
    }

    /// `{"failure": KIND, "msg": M}` for app errors; Twisted's extra fields for `FirstError` and `FailureGroup`.
    func encodeFailure(_ error: any Error) -> TraceValue {
        let error = (error as? Failure)?.error ?? error
        switch error {
        case let app as any TwistedErrors.AppError:
            return ["failure": .string(type(of: app).kind), "msg": .string(app.message)]
        case is CancelledError: return ["failure": "CancelledError"]
        case is TimeoutError: return ["failure": "TimeoutError"]
        case is AlreadyCalledError: return ["failure": "AlreadyCalledError"]
        case is SelfChainingError: return ["failure": "SelfChainingError"]
        case let first as FirstError:
            return [
                "failure": "FirstError", "index": .number(Double(first.index)), "sub": encodeFailure(first.subFailure),
            ]
        case let group as FailureGroup:
            return ["failure": "FailureGroup", "failures": .array(group.failures.map { encodeFailure($0) })]
        default:
            return ["failure": .string(String(describing: type(of: error))), "msg": .string("\(error)")]
        }
    }

    func encode(_ output: CallbackResult) -> TraceValue {
        switch output {
        case .value(let value): return encode(value)
        case .failure(let failure): return encodeFailure(failure)
        case .deferred(let deferred): return ["deferred": .string(name(of: deferred))]
        }
    }

    func encode(_ input: Result<Any, Failure>) -> TraceValue {
        switch input {
        case .success(let value): return encode(value)
        case .failure(let failure): return encodeFailure(failure)
        }
    }

    // MARK: State snapshots

    /// `called`, `paused` (raw counter), `result` (absent while pending), `waitingOn`.
    func stateFields(of deferred: AnyDeferred) -> [String: TraceValue] {
        var fields: [String: TraceValue] = [
            "called": .bool(deferred.isCalled),
            "paused": .number(Double(deferred.pauseCount)),
            "waitingOn": deferred.waitingOn.map { .string(name(of: $0)) } ?? .null,
        ]
        switch deferred.state {
        case .pending: break
        case .success(let value): fields["result"] = encode(value)
        case .failure(let failure): fields["result"] = encodeFailure(failure)
        case .waiting(let inner): fields["result"] = ["deferred": .string(name(of: inner))]
        }
        return fields
    }

    /// The `final` object: every tracked deferred's state.
    func finalStates() -> [String: TraceValue] {
        var states: [String: TraceValue] = [:]
        for (name, deferred) in finalNames { states[name] = .object(stateFields(of: deferred)) }
        return states
    }

    // MARK: Events the test causes

    func record(_ event: [String: TraceValue]) {
        events.append(.object(event))
    }

    func mark(_ label: String) {
        record(["ev": "mark", "label": .string(label)])
    }

    func snapshot(_ deferred: AnyDeferred) {
        var fields = stateFields(of: deferred)
        fields["ev"] = "state"
        fields["d"] = .string(name(of: deferred))
        record(fields)
    }

    /// `d.callback(value)`, recorded; a synchronous throw is recorded as a `raised` event.
    ///
    /// - Parameters:
    ///   - recordedName: The name to record instead of a registered one (for a deliberately unnamed deferred).
    func callback(_ deferred: AnyDeferred, _ value: Any, recordedName: String? = nil) {
        let name = recordedName ?? name(of: deferred)
        record(["ev": "callback", "d": .string(name), "value": encode(value)])
        do { try deferred.callback(value) } catch { raised("callback", name, error) }
    }

    /// `d.errback(error)`, recorded with the error as a failure (or `recordedValue`, when Twisted recorded
    /// something else, such as `"<current exception>"`).
    func errback(_ deferred: AnyDeferred, _ error: any Error, recordedValue: TraceValue? = nil) {
        record(["ev": "errback", "d": .string(name(of: deferred)), "value": recordedValue ?? encodeFailure(error)])
        do { try deferred.errback(error) } catch { raised("errback", name(of: deferred), error) }
    }

    func cancel(_ deferred: AnyDeferred) {
        record(["ev": "cancel", "d": .string(name(of: deferred))])
        do { try deferred.cancelOrThrow() } catch { raised("cancel", name(of: deferred), error) }
    }

    func pause(_ deferred: AnyDeferred) {
        record(["ev": "pause", "d": .string(name(of: deferred))])
        deferred.pause()
    }

    func unpause(_ deferred: AnyDeferred) {
        record(["ev": "unpause", "d": .string(name(of: deferred))])
        deferred.unpause()
    }

    func advance(_ clock: ManualReactor, by seconds: Double) {
        record(["ev": "advance", "seconds": .number(seconds)])
        clock.advance(by: seconds)
    }

    func recordPendingCalls(_ clock: ManualReactor) {
        record(["ev": "pendingDelayedCalls", "value": .number(Double(clock.pendingCalls.count))])
    }

    /// Fires `deferred` without recording the call (cancellers, helpers); a throw is still recorded, since
    /// Twisted's trace has none.
    func fireQuietly(_ deferred: AnyDeferred, _ value: Any) {
        do { try deferred.callback(value) } catch { raised("callback", name(of: deferred), error) }
    }

    func errbackQuietly(_ deferred: AnyDeferred, _ error: any Error) {
        do { try deferred.errback(error) } catch { raised("errback", name(of: deferred), error) }
    }

    private func raised(_ operation: String, _ name: String, _ error: any Error) {
        record(["ev": "raised", "op": .string(operation), "d": .string(name), "error": encodeFailure(error)])
    }

    /// Maps each reported unhandled error to Twisted's two critical log events (headline, then the failure).
    func recordUnhandledReports() {
        for report in UnhandledErrorCapture.current?.drain() ?? [] {
            let headline = report.description.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
            record(["ev": "logged", "msg": .string(String(headline)), "level": "critical"])
            record(["ev": "logged", "failure": encodeFailure(report.failure), "level": "critical"])
        }
    }

    // MARK: Recorded functions

    /// Runs a recorded function: the call event is appended at entry, and `out` or `raised` filled in on return.
    func recordCall(
        _ name: String, input: Result<Any, Failure>, args: [Any]? = nil, kw: [String: Any]? = nil,
        _ body: () throws -> CallbackResult
    ) throws -> CallbackResult {
        var event: [String: TraceValue] = ["call": .string(name), "in": encode(input)]
        if let args { event["args"] = .array(args.map { encode($0) }) }
        if let kw { event["kw"] = .object(kw.mapValues { encode($0) }) }
        let index = events.count
        events.append(.object(event))
        do {
            let output = try body()
            event["out"] = encode(output)
            events[index] = .object(event)
            return output
        } catch {
            event["raised"] = encodeFailure(error)
            events[index] = .object(event)
            throw error
        }
    }

    /// A recorded callback, for `addCallback` or the first half of `addCallbacks`.
    func cb(
        _ name: String, args: [Any]? = nil, kw: [String: Any]? = nil, _ behavior: CallbackBehavior
    ) -> (Any) throws -> CallbackResult {
        { value in
            try self.recordCall(name, input: .success(value), args: args, kw: kw) {
                try Self.apply(behavior, to: .success(value))
            }
        }
    }

    /// A recorded errback, for `addErrback` or the second half of `addCallbacks`.
    func eb(
        _ name: String, args: [Any]? = nil, kw: [String: Any]? = nil, _ behavior: CallbackBehavior
    ) -> (Failure) throws -> CallbackResult {
        { failure in
            try self.recordCall(name, input: .failure(failure), args: args, kw: kw) {
                try Self.apply(behavior, to: .failure(failure))
            }
        }
    }

    /// A recorded function for `addBoth`.
    func both(
        _ name: String, args: [Any]? = nil, kw: [String: Any]? = nil, _ behavior: CallbackBehavior
    ) -> (Result<Any, Failure>) throws -> CallbackResult {
        { input in
            try self.recordCall(name, input: input, args: args, kw: kw) { try Self.apply(behavior, to: input) }
        }
    }

    /// A recorded canceller: logs `{"canceller": C, "d": N}`, then runs `body` (which may throw).
    func canceller(_ name: String, _ body: ((AnyDeferred) throws -> Void)? = nil) -> (AnyDeferred) throws -> Void {
        { deferred in
            self.record(["canceller": .string(name), "d": .string(self.name(of: deferred))])
            try body?(deferred)
        }
    }

    static func apply(_ behavior: CallbackBehavior, to input: Result<Any, Failure>) throws -> CallbackResult {
        switch behavior {
        case .pass:
            return CallbackResult(input)
        case .ret(let value):
            return .value(value)
        case .add(let amount):
            guard case .success(let value) = input, let number = value as? Int else {
                throw TwistedErrors.ReplayError(description: "add \(amount) applied to \(input)")
            }
            return .value(number + amount)
        case .raise(let error):
            throw error
        case .fail(let error):
            return .failure(Failure(error))
        case .retd(let deferred):
            return .deferred(deferred)
        case .trap(let types, let value):
            guard case .failure(let failure) = input else {
                throw TwistedErrors.ReplayError(description: "trap applied to a success")
            }
            switch types.count {
            case 1: try failure.trap(types[0])
            case 2: try failure.trap(types[0], types[1])
            default: throw TwistedErrors.ReplayError(description: "trap supports one or two types here")
            }
            return .value(value)
        case .custom(let body):
            return try body(input)
        }
    }
}
