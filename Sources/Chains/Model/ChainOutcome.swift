/// How a chain ended, or that it had not ended when the log stops.
public enum ChainOutcome: Sendable, Hashable {
    /// Ended with a result, nothing having raised on the way.
    case succeeded
    /// Ended with a result after a failure on the way that something handled (an errback recovered, a timeout
    /// was retried): the first failure's exception and reason. Not a failure; a chain to look at all the same.
    case recovered(exception: String, reason: String)
    /// Ended holding a failure (or the action failed).
    case failed(exception: String, reason: String)
    /// Released holding a failure nobody handled.
    case unhandled(exception: String, reason: String)
    /// Cancelled and never finished.
    case cancelled
    /// Still waiting on another Deferred when the log ends.
    case waiting(on: Int?)
    /// Never fired, or otherwise unfinished, when the log ends.
    case pending
    /// A task that is one message: it has no status (eliot.parse's `None`).
    case message

    /// Every outcome name, in the order summaries list them.
    public static let names = [
        "succeeded", "recovered", "failed", "unhandled", "cancelled", "waiting", "pending", "message",
    ]

    /// A one-word name: `succeeded`, `recovered`, `failed`, `unhandled`, `cancelled`, `waiting`, `pending`.
    public var name: String {
        switch self {
        case .succeeded: "succeeded"
        case .recovered: "recovered"
        case .failed: "failed"
        case .unhandled: "unhandled"
        case .cancelled: "cancelled"
        case .waiting: "waiting"
        case .pending: "pending"
        case .message: "message"
        }
    }

    /// The names of the outcomes ``isOpen`` is true of.
    static let openNames: Set<String> = [
        ChainOutcome.waiting(on: nil).name, ChainOutcome.pending.name, ChainOutcome.cancelled.name,
    ]

    /// Whether the chain ended in a failure (failed or unhandled).
    public var isFailure: Bool {
        switch self {
        case .failed, .unhandled: true
        default: false
        }
    }

    /// Whether the chain had not finished when the log ends.
    public var isOpen: Bool {
        switch self {
        case .waiting, .pending, .cancelled: true
        default: false
        }
    }

    /// Whether something raised on the way: a failure, or a recovered one.
    public var raised: Bool {
        switch self {
        case .failed, .unhandled, .recovered: true
        default: false
        }
    }

    /// The exception type of a failure (for a recovered chain, of the failure it recovered from).
    public var exception: String? {
        switch self {
        case .failed(let exception, _), .unhandled(let exception, _), .recovered(let exception, _): exception
        default: nil
        }
    }

    /// The exception message of a failure (for a recovered chain, of the failure it recovered from).
    public var reason: String? {
        switch self {
        case .failed(_, let reason), .unhandled(_, let reason), .recovered(_, let reason): reason
        default: nil
        }
    }

    /// A short badge text: `succeeded`, `recovered from TimeoutError`, `FAILED: KeyError: 'id'`, `pending at end of
    /// log`, ...
    public var badge: String {
        switch self {
        case .succeeded: "succeeded"
        case .recovered(let exception, _): "recovered from \(Self.shortType(exception))"
        case .failed(let exception, let reason): "FAILED: \(Self.shortType(exception))\(reason.isEmpty ? "" : ": \(reason)")"
        case .unhandled(let exception, _): "UNHANDLED ERROR: \(Self.shortType(exception))"
        case .cancelled: "cancelled"
        case .waiting(let on): on.map { "waiting on Deferred #\($0) at end of log" } ?? "waiting at end of log"
        case .pending: "pending at end of log"
        case .message: "message"
        }
    }

    /// The last component of a dotted type name (`builtins.KeyError` → `KeyError`).
    public static func shortType(_ name: String) -> String {
        String(name.split(separator: ".").last ?? Substring(name))
    }
}
