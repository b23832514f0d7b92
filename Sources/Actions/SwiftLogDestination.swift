public import EventLog
public import Logging

/// Forwards messages into a swift-log `Logger`: the analogue of Eliot's `TwistedDestination`.
///
/// `eliot:traceback` messages go out at `critical` level and everything else at `info`, as Eliot does.
/// Unlike Eliot, which sends a Python repr, the log message text is the message's JSON line, so that a
/// text log can still be fed to eliot-tree; `task_uuid` and `task_level` are also attached as metadata.
public struct SwiftLogDestination: LogDestination {
    /// The logger messages are forwarded to.
    public let logger: Logger

    /// Creates a destination forwarding to `logger` (by default one labelled `eliot`).
    public init(logger: Logger = Logger(label: "eliot")) {
        self.logger = logger
    }

    /// Logs the message's JSON line.
    public func write(_ message: EventMessage) {
        let level: Logger.Level = message.messageType == EventLogFormat.tracebackMessageType ? .critical : .info
        guard logger.logLevel <= level else { return }
        let line = EventLogEncoder().encode(message).dropLast()
        logger.log(
            level: level, "\(String(decoding: line, as: UTF8.self))",
            metadata: [
                "task_uuid": "\(message.taskUUID)",
                "task_level": "/\(message.taskLevel.map(String.init).joined(separator: "/"))",
            ])
    }
}
