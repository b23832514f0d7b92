/// A complete task of the plainest shape, handed out by ``BriefTaskGrouper`` without building its tree: a lone
/// message at `/1`, or a root action (of the grouper's root type) whose children are messages and actions of
/// just a start and an end, every slot present, each message with a numeric timestamp.
///
/// ``TaskGrouper`` would build such a task as a complete tree without a single warning, with the same messages
/// (less the fields not kept) in the same places.
public struct BriefTask: Sendable {
    /// A child of the root action.
    public enum Child: Sendable {
        /// A standalone message.
        case message(BriefMessage)
        /// An action: its start and end message.
        case action(start: BriefMessage, end: BriefMessage)
    }

    /// `task_uuid`.
    public var taskUUID: String
    /// Its place among all tasks in order of first message.
    public var ordinal: Int
    /// The lone message, or the root action's start message.
    public var first: BriefMessage
    /// The root action's end message; `nil` for a lone message.
    public var rootEnd: BriefMessage?
    /// The root action's children, in order.
    public var children: [Child]
    /// The kept fields each message has (field number and value), `valuesCount` from each `valuesStart`.
    let values: [KeptValue]

    /// The value of the grouper's `fields[field]` in `message`.
    public func value(_ field: Int, of message: BriefMessage) -> BriefValue {
        for i in message.valuesStart..<message.valuesStart + message.valuesCount where values[i].field == field {
            return values[i].value
        }
        return .absent
    }
}

/// One kept field of a message: its number among the grouper's fields and its value. A struct, not a tuple: an
/// array of tuples is copied and destroyed through the runtime's generic tuple witnesses, a tenth of `summary`'s
/// instructions when every line cleared and appended them.
struct KeptValue {
    var field: Int
    var value: BriefValue
}
