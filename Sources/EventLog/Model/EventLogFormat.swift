/// Constants that identify and version the `mon.out` format.
///
/// A writer may start a log with a header: a standalone message of type ``headerMessageType`` in a task of
/// its own, whose `format_version` field is ``version``. Readers that find no header assume version 1, which
/// is plain Eliot. See `docs/mon-out-format.md`.
public enum EventLogFormat {
    /// The current format version: 2 adds `index` to `reactortrack:chained` and writes the `exception` and
    /// `reason` of a chain fired with a failure and of an unhandled error (version 1 lost them).
    public static let version = 2
    /// The `message_type` of the header message.
    public static let headerMessageType = MonitorVocabulary.Message.format.rawValue
    /// The `message_type` Eliot gives a traceback (`write_traceback`, `write_failure`): `exception`, `reason`,
    /// `traceback`.
    public static let tracebackMessageType = "eliot:traceback"
    /// The field of the header message that holds the version number.
    public static let versionField = MonitorVocabulary.Field.formatVersion

    /// Makes the header message for a new log.
    ///
    /// - Parameters:
    ///   - taskUUID: The header's task id (a fresh UUID by default is the caller's business).
    ///   - timestamp: Unix seconds.
    ///   - fields: Extra fields, such as the producing program's name.
    public static func header(taskUUID: String, timestamp: Double, fields: [String: JSONValue] = [:])
        -> EventMessage
    {
        var all = fields
        all[versionField] = .int(version)
        return EventMessage(
            taskUUID: taskUUID, taskLevel: [1], timestamp: timestamp, messageType: headerMessageType, fields: all)
    }

    /// The version a header message declares, or `nil` if `message` is not a header.
    public static func version(ofHeader message: EventMessage) -> Int? {
        guard message.messageType == headerMessageType else { return nil }
        return message.fields[versionField]?.intValue
    }
}
