import EventLog
public import Logging

/// A swift-log `LogHandler` that writes each record as an Eliot message in the current action (``Action/current``,
/// a task local, so `async` code and callbacks run inside an action find it), or as a task of its own outside
/// any: existing `logger.info(…)` calls then show in `tree` and `render` under the action they ran in.
///
/// The message is Eliot's `eliot:stdlib` (what Eliot's bridge for Python's `logging` writes): `message`,
/// `log_level` (`INFO`, `ERROR`, …), `logger` (the label), `source`, and the record's metadata as fields
/// (a key that is one of the message's own is written as `metadata.KEY`).
///
/// ```swift
/// LoggingSystem.bootstrap { label in ActionLogHandler(label: label) }
/// let logger = Logger(label: "fetcher")
/// withAction("app:fetch") { logger.info("cache miss", metadata: ["key": "user:42"]) }
/// ```
///
/// Records that ``SwiftLogDestination`` forwarded from Eliot into swift-log are not written back, so wiring both
/// ways does not loop.
public struct ActionLogHandler: LogHandler {
    /// The message type written.
    public static let messageType = "eliot:stdlib"

    /// The logger's label, written as `logger`.
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    /// A handler for the logger labelled `label`.
    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if merged[SwiftLogDestination.forwardedKey] != nil { return }
        var fields: [String: JSONValue] = [
            "message": .string("\(event.message)"), "log_level": .string(Self.levelName(event.level)),
            "logger": .string(label), "source": .string(event.source),
        ]
        for (key, value) in merged {
            let name = fields[key] == nil && !EventLogEncoder.isReserved(key) ? key : "metadata.\(key)"
            fields[name] = Self.json(value)
        }
        logMessage(Self.messageType, fields: fields)
    }

    /// Python's level names, as Eliot's bridge writes them.
    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let items): .array(items.map(json))
        case .dictionary(let members): .object(members.mapValues(json))
        }
    }
}
