/// One message of a ``BriefTask``: what a summary needs of it.
public struct BriefMessage: Sendable {
    /// The line it was read from (numbered as given to ``BriefTaskGrouper/add(_:line:localLine:atEndWithoutNewline:decoder:readerWarnings:)``).
    public var line: Int
    /// `timestamp`.
    public var timestamp: Double
    /// `action_type` for an action's start or end message, else `message_type` (when it is a string).
    public var type: String?
    /// `action_status`, for an action's start or end message.
    public var status: ActionStatus?
    /// Where its kept values are in ``BriefTask``'s values.
    var valuesStart = 0
    var valuesCount = 0
}
