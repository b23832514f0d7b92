/// The names reactortrack gives OpenTelemetry span attributes, span events and link kinds, declared once: the
/// export (`OTLPMapping`) and the live spans (`TracingMonitor`) write the same ones, so a collector sees a chain
/// alike whichever way it came. The mapping is described in `docs/exports.md`.
public enum SpanVocabulary {
    /// Attribute keys (OpenTelemetry's dotted names, under `reactortrack.`).
    public enum Attribute {
        /// Chain span: the Deferred's id.
        public static let deferredID = "reactortrack.deferred_id"
        /// Chain span: how it ended (`succeeded`, `recovered`, `failed`, ...).
        public static let outcome = "reactortrack.outcome"
        /// Chain span: where the Deferred was made.
        public static let createdAt = "reactortrack.created_at"
        /// Chain span: where it was tracked, for a Deferred made before the monitor.
        public static let trackedAt = "reactortrack.tracked_at"
        /// Chain span: `user` or `chained`.
        public static let trackedBy = "reactortrack.tracked_by"
        /// Chain span: the final result.
        public static let result = "reactortrack.result"
        /// Chain span: the Eliot task it was read from.
        public static let taskUUID = "reactortrack.task_uuid"
        /// Chain span (live): `released` or `monitor_stopped`.
        public static let endedBy = "reactortrack.ended_by"
        /// Anything still open when the log ended.
        public static let open = "reactortrack.open"
        /// Run span, link: the pair's index.
        public static let pair = "reactortrack.pair"
        /// Run span: `callback` or `errback`; `fired` event: `success` or `error`.
        public static let path = "reactortrack.path"
        /// Run span: its input; resource (export): the log file read.
        public static let input = "reactortrack.input"
        /// Run span: its output.
        public static let output = "reactortrack.output"
        /// `fired` event: what it fired with.
        public static let value = "reactortrack.value"
        /// Wait span: the id of the Deferred waited on.
        public static let on = "reactortrack.on"
        /// Wait span: what came back.
        public static let resumed = "reactortrack.resumed"
        /// Link: how the spans are linked (``Link``).
        public static let link = "reactortrack.link"
    }

    /// Event names on a chain's span.
    public enum Event {
        /// The Deferred fired.
        public static let fired = "fired"
        /// `cancel()` was called.
        public static let cancelled = "cancelled"
    }

    /// The values of ``Attribute/path`` on a run span: the half that ran. (On the `fired` event the path is the
    /// monitor's, ``MonitorVocabulary/Path``.)
    public enum RunSide: String, Sendable {
        case callback
        case errback
    }

    /// The values of ``Attribute/link``.
    public enum Link: String, Sendable {
        /// `chainDeferred(target)`.
        case chained
        /// A wait on the linked chain.
        case waitedOn
        /// A callback returned the linked chain's Deferred.
        case returned
        /// The linked chain was tracked inside this action.
        case contains
    }
}
