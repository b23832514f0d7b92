/// Every message type, action type and field key that reactortrack writes into an Eliot log, declared once.
///
/// `JSONMonitor` writes with these values and every reader (chains, figures, summaries) matches on them, so
/// writer and readers agree because the compiler checks the names, not because two files spell them alike.
/// The format and its version are described in `docs/monitor-format.md`.
public enum MonitorVocabulary {
    /// The root action of a tracked Deferred's task.
    public static let deferredAction = "reactortrack:deferred"
    /// One callback or errback run, an action below the root.
    public static let runAction = "reactortrack:run"

    /// The standalone messages inside a tracked Deferred's task, plus the log-level ones (`format`, `dropped`).
    public enum Message: String, Sendable, CaseIterable {
        /// A callback/errback pair was added: `index`, `callback`, `errback`, `site`.
        case added = "reactortrack:added"
        /// The Deferred fired: `path`, and `value` or `exception` + `reason`.
        case fired = "reactortrack:fired"
        /// The chain waits on another Deferred: `on`.
        case waiting = "reactortrack:waiting"
        /// The waited-on Deferred handed its result back: `from`, `waited`, `path`, `value` or `exception` + `reason`.
        case resumed = "reactortrack:resumed"
        /// `chainDeferred(target)`: `to`, and `index`, the pair that passes the result on (format 2).
        case chained = "reactortrack:chained"
        /// The pause counter changed: `count`.
        case pause = "reactortrack:pause"
        /// `cancel()` was called.
        case cancelled = "reactortrack:cancelled"
        /// Released holding a failure nobody handled: `exception`, `reason`.
        case unhandledError = "reactortrack:unhandled_error"
        case waitCycle = "reactortrack:wait_cycle"
        case beforeTracking = "reactortrack:before_tracking"
        /// A task of its own at the start of a dump: `count` events were dropped by a bounded buffer.
        case dropped = "reactortrack:dropped"
        /// The log's header, a task of its own: `format_version`.
        case format = "reactortrack:format"

        /// The message type of `message`, if it is one of ours.
        public init?(of message: EventMessage) {
            guard let type = message.messageType else { return nil }
            self.init(rawValue: type)
        }
    }

    /// The values of ``Field/trackedBy``: who asked for a chain to be tracked.
    public enum TrackedBy: String, Sendable, CaseIterable {
        /// The program called `track`.
        case user
        /// The monitor followed it from a tracked chain (returned, chained, awaited or an aggregate's member).
        case chained
    }

    /// The field keys of the monitor's messages (Eliot's snake_case names).
    public enum Field {
        /// Chain start: the monitor's id of the Deferred (an int, unique within a log).
        public static let deferredID = "deferred_id"
        /// Chain start: the label given to `track`.
        public static let label = "label"
        /// Chain start: where the Deferred was created, `File.swift:12` (when the monitor existed then).
        public static let createdAt = "created_at"
        /// Chain start: `user` or `chained`.
        public static let trackedBy = "tracked_by"
        /// Chain start: where `track` was called, for a Deferred made before the monitor (instead of `created_at`).
        public static let trackedAt = "tracked_at"
        /// Chain start, in a flight record: the chain began before the record did, and its events up to this
        /// time (Unix seconds) are not in it. Flight record header: when the record starts.
        public static let cutAt = "cut_at"
        /// The header of a flight record: why it was written (`call`, `signal`, `unhandled_error`, ...).
        public static let flightRecord = "flight_record"
        /// `added`, `chained` and run start: the pair's 0-based index.
        public static let index = "index"
        /// `added`: the callback's name (null: a pass-through half).
        public static let callback = "callback"
        /// `added`: the errback's name (null: a pass-through half).
        public static let errback = "errback"
        /// `added`: where the pair was added, `File.swift:20`.
        public static let site = "site"
        /// `fired`, `resumed`, run start: `success` or `error`.
        public static let path = "path"
        /// `fired`, `resumed`: the value's short description.
        public static let value = "value"
        /// Run start: the callback's name.
        public static let name = "name"
        /// Run start: the input's short description.
        public static let input = "input"
        /// Run end: the output's short description.
        public static let output = "output"
        /// Run end: where the chain went next, `success`, `error` or `deferred`.
        public static let outputPath = "output_path"
        /// Run end: the id of a Deferred the callback returned.
        public static let returnedDeferred = "returned_deferred"
        /// `waiting`: the id of the Deferred waited on.
        public static let on = "on"
        /// `resumed`: the id of the Deferred that handed its result back.
        public static let from = "from"
        /// `resumed`: seconds waited.
        public static let waited = "waited"
        /// `chained`: the id of the target Deferred.
        public static let to = "to"
        /// `pause`: the pause counter; `dropped`: the events lost.
        public static let count = "count"
        /// `wait_cycle`: the Deferred ids of the cycle, from this chain round to it again (`[1, 2, 1]`).
        public static let cycle = "cycle"
        /// Chain end: `released` or `monitor_stopped`.
        public static let endedBy = "ended_by"
        /// Chain end: how many runs the chain made.
        public static let runs = "runs"
        /// Chain end: when the monitor closed it, Unix seconds.
        public static let closedAt = "closed_at"
        /// Chain end: the final result's short description.
        public static let result = "result"
        /// `dropped`: when the first of the events counted was lost, Unix seconds (streaming).
        public static let since = "since"
        /// `dropped`: when the last of the events counted was lost, Unix seconds (streaming).
        public static let until = "until"
        /// `format`: the format version.
        public static let formatVersion = "format_version"
        /// `format`: the program that wrote the log.
        public static let producer = "producer"
    }

    /// The values of ``Field/endedBy``.
    public enum EndedBy: String, Sendable {
        /// The Deferred was released.
        case released
        /// The monitor stopped (or dumped) while the chain was still open.
        case monitorStopped = "monitor_stopped"
    }

    /// The values of ``Field/path`` and ``Field/outputPath``.
    public enum Path: String, Sendable {
        /// The callback half, or a success result.
        case success
        /// The errback half, or a failure.
        case error
        /// (``Field/outputPath`` only) the callback returned a Deferred.
        case deferred
    }
}
