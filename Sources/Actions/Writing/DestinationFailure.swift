public import EventLog
import Foundation

/// Builds the `eliot:destination_failure` message Eliot writes when a destination throws.
public enum DestinationFailure {
    /// The message type Eliot uses.
    public static let messageType = "eliot:destination_failure"

    /// A standalone message, in a task of its own, describing why `message` could not be written.
    ///
    /// Its `exception` is the error's type name, `reason` its description, and the `message` field holds
    /// the encoded line that was lost (a string, so that a value that broke the destination once cannot
    /// break it again).
    public static func message(for message: EventMessage, error: any Error) -> EventMessage {
        let line = EventLogEncoder().encode(message).dropLast()
        var failure = EventMessage(
            taskUUID: newTaskUUID(), taskLevel: [1], timestamp: currentTimestamp(),
            messageType: messageType, fields: ["message": .string(String(decoding: line, as: UTF8.self))])
        failure.exception = String(reflecting: type(of: error))
        failure.reason = String(describing: error)
        return failure
    }
}
