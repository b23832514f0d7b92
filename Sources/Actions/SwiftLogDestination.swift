public import EventLog
public import Logging

/// Forwards messages into a swift-log `Logger`: the analogue of Eliot's `TwistedDestination`.
///
/// `eliot:traceback` messages go out at `critical` level and everything else at `info`, as Eliot does; a
/// message with a `log_level` field (``writeFailure`` sets `ERROR` for a failure it handled) goes out at that
/// level.
/// Unlike Eliot, which sends a Python repr, the log message text is the message's JSON line, so that a
/// text log can still be fed to eliot-tree; `task_uuid` and `task_level` are also attached as metadata.
public struct SwiftLogDestination: LogDestination {
    /// The metadata key marking a record forwarded from Eliot (``ActionLogHandler`` does not write it back).
    public static let forwardedKey = "eliot_forwarded"

    /// The logger messages are forwarded to.
    public let logger: Logger

    /// Creates a destination forwarding to `logger` (by default one labelled `eliot`).
    public init(logger: Logger = Logger(label: "eliot")) {
        self.logger = logger
    }

    /// Logs the message's JSON line.
    public func write(_ message: EventMessage) {
        let named = message.fields["log_level"]?.stringValue.flatMap { Self.level(named: $0) }
        let level = named ?? (message.messageType == EventLogFormat.tracebackMessageType ? .critical : .info)
        guard logger.logLevel <= level else { return }
        let line = EventLogEncoder().encode(message).dropLast()
        logger.log(
            level: level, "\(String(decoding: line, as: UTF8.self))",
            metadata: [
                "task_uuid": "\(message.taskUUID)",
                "task_level": "/\(message.taskLevel.map(String.init).joined(separator: "/"))",
                Self.forwardedKey: "1",
            ])
    }

    /// The swift-log level a Python level name stands for.
    static func level(named name: String) -> Logger.Level? {
        switch name.uppercased() {
        case "TRACE": .trace
        case "DEBUG": .debug
        case "INFO": .info
        case "NOTICE": .notice
        case "WARNING", "WARN": .warning
        case "ERROR": .error
        case "CRITICAL", "FATAL": .critical
        default: nil
        }
    }
}
