import Actions
import EventLog
public import Defer

/// Logs `failure` as an `eliot:traceback` message in the current action (or a task of its own outside any),
/// with `exception` (the error's type), `reason` and `traceback` (where the failure entered the chain).
///
/// Like Eliot's `writeFailure`, used as an errback it handles the failure: pass it as
/// `d.addErrback { writeFailure($0) }` to log and swallow, or re-throw after calling it to log and continue
/// (then say `handled: false`). The message's `log_level` says which: `ERROR` for a handled failure, `CRITICAL`
/// for one that goes on (a swift-log destination logs it at that level).
public func writeFailure(_ failure: Failure, handled: Bool = true) {
    var traceback = "\(failure.typeName): \(failure.errorMessage)"
    if let origin = failure.origin { traceback += "\n  raised in \(origin)" }
    if let site = failure.site { traceback += "\n  entered the chain at \(site)" }
    logMessage(
        EventLogFormat.tracebackMessageType,
        fields: [
            "exception": .string(String(reflecting: type(of: failure.error))),
            "reason": .string(failure.errorMessage),
            "traceback": .string(traceback),
            "log_level": .string(handled ? "ERROR" : "CRITICAL"),
        ])
}
