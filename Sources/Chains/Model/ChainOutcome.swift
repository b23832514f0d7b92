/// How a chain ended, or that it had not ended when the log stops.
public enum ChainOutcome: Sendable, Hashable {
    /// Ended with a result.
    case succeeded
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
    public static let names = ["succeeded", "failed", "unhandled", "cancelled", "waiting", "pending", "message"]

    /// A one-word name: `succeeded`, `failed`, `unhandled`, `cancelled`, `waiting`, `pending`.
    public var name: String {
        switch self {
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .unhandled: "unhandled"
        case .cancelled: "cancelled"
        case .waiting: "waiting"
        case .pending: "pending"
        case .message: "message"
        }
    }

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

    /// The exception type of a failure.
    public var exception: String? {
        switch self {
        case .failed(let exception, _), .unhandled(let exception, _): exception
        default: nil
        }
    }

    /// A short badge text: `succeeded`, `FAILED: KeyError: 'id'`, `pending at end of log`, ...
    public var badge: String {
        switch self {
        case .succeeded: "succeeded"
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
