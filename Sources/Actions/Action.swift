public import EventLog
import Foundation
import NIOConcurrencyHelpers

/// An Eliot action: a named span of work in a task tree, with a start message, children and an end message.
///
/// An action at level `A` writes its start message at `A + [1]`; every message, child action and serialized
/// task id inside it takes the next slot; its end message takes the last one, exactly as Eliot numbers them.
/// The slot counter is behind a lock (`NIOLockedValueBox`), so child tasks running in parallel get distinct slots (the numbers
/// record the order slots were handed out, not the order lines reach the file).
///
/// The action in effect is ``current``, a `@TaskLocal`: async functions, `async let`, task groups and
/// `Task {}` see their creator's action; threads, `Task.detached` and other processes need
/// ``serializeTaskID()`` and ``continueTask(_:actionType:fields:destinations:)`` (or
/// ``preserveContext(_:)``).
public final class Action: Sendable {
    /// The action in effect for the current task, or `nil` outside any action.
    @TaskLocal public static var current: Action?

    /// The task (tree) this action belongs to.
    public let taskUUID: String
    /// This action's level: the prefix of its messages' levels (`[]` for a task's root action).
    public let taskLevel: [Int]
    /// The `action_type`, colon-namespaced: `"shop:checkout:charge"`.
    public let actionType: String
    /// Where this action's messages go.
    public let destinations: LogDestinations

    private struct State {
        var lastChild = 0
        var isFinished = false
        var successFields: [String: JSONValue] = [:]
    }

    private let state = NIOLockedValueBox(State())

    private init(taskUUID: String, taskLevel: [Int], actionType: String, destinations: LogDestinations) {
        self.taskUUID = taskUUID
        self.taskLevel = taskLevel
        self.actionType = actionType
        self.destinations = destinations
    }

    /// Starts an action and writes its start message.
    ///
    /// - Parameters:
    ///   - actionType: The `action_type`.
    ///   - fields: Extra fields of the start message.
    ///   - parent: The enclosing action (the current one by default); `nil` starts a new task.
    ///   - destinations: Where a new task's messages go; a child uses its parent's.
    /// - Returns: The running action. Finish it with ``finish(error:)``; it does not become ``current``
    ///   unless you run code with ``run(_:)-(()->R)`` or `Action.$current.withValue`.
    public static func start(
        _ actionType: String, fields: [String: JSONValue] = [:], parent: Action? = Action.current,
        destinations: LogDestinations = .current
    ) -> Action {
        let action: Action
        if let parent {
            action = Action(
                taskUUID: parent.taskUUID, taskLevel: parent.nextLevel(), actionType: actionType,
                destinations: parent.destinations)
        } else {
            action = Action(
                taskUUID: newTaskUUID(), taskLevel: [], actionType: actionType,
                destinations: destinations)
        }
        action.writeStart(fields: fields)
        return action
    }

    /// Continues, below a remote action, a task whose id was made by ``serializeTaskID()``.
    ///
    /// Like Eliot's `Action.continue_task`, this starts an action (of type `eliot:remote_task` by default)
    /// at the serialized level, so work done in it nests under the action that serialized the id, even in
    /// another process whose log is concatenated with this one.
    ///
    /// - Throws: ``ActionError`` with code ``ActionError/Code/invalidTaskID`` for a malformed id.
    public static func continueTask(
        _ taskID: String, actionType: String = "eliot:remote_task", fields: [String: JSONValue] = [:],
        destinations: LogDestinations = .current
    ) throws(ActionError) -> Action {
        let (uuid, level) = try parseTaskID(taskID)
        let action = Action(taskUUID: uuid, taskLevel: level, actionType: actionType, destinations: destinations)
        action.writeStart(fields: fields)
        return action
    }

    static func parseTaskID(_ taskID: String) throws(ActionError) -> (String, [Int]) {
        guard let at = taskID.lastIndex(of: "@") else {
            throw ActionError(code: .invalidTaskID, message: "no '@' in '\(taskID)'")
        }
        let uuid = String(taskID[..<at])
        let path = taskID[taskID.index(after: at)...]
        guard !uuid.isEmpty, path.hasPrefix("/") else {
            throw ActionError(code: .invalidTaskID, message: "'\(taskID)' is not uuid@/n/...")
        }
        var level: [Int] = []
        for part in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let n = Int(part), n >= 1 else {
                throw ActionError(code: .invalidTaskID, message: "bad level in '\(taskID)'")
            }
            level.append(n)
        }
        guard !level.isEmpty else { throw ActionError(code: .invalidTaskID, message: "empty level in '\(taskID)'") }
        return (uuid, level)
    }

    /// Reserves this action's next child slot for something written elsewhere (the monitor writes a chain
    /// tracked inside this action there, as a child action); returns its level.
    public func reserveChildLevel() -> [Int] {
        nextLevel()
    }

    /// Hands out the next child slot.
    func nextLevel() -> [Int] {
        let slot = state.withLockedValue { state in
            state.lastChild += 1
            return state.lastChild
        }
        return level(at: slot)
    }

    /// This action's level followed by `slot`, built in one allocation (`taskLevel + [slot]` makes two).
    private func level(at slot: Int) -> [Int] {
        var level: [Int] = []
        level.reserveCapacity(taskLevel.count + 1)
        level.append(contentsOf: taskLevel)
        level.append(slot)
        return level
    }

    private func writeStart(fields: [String: JSONValue]) {
        destinations.send(
            EventMessage(
                taskUUID: taskUUID, taskLevel: nextLevel(), timestamp: currentTimestamp(),
                actionType: actionType, actionStatus: .started, fields: fields))
    }

    /// Writes a standalone message inside this action, at its next slot.
    public func log(_ messageType: String, fields: [String: JSONValue] = [:]) {
        destinations.send(
            EventMessage(
                taskUUID: taskUUID, taskLevel: nextLevel(), timestamp: currentTimestamp(),
                messageType: messageType, fields: fields))
    }

    /// Adds fields to the end message written when the action succeeds.
    public func addSuccessFields(_ fields: [String: JSONValue]) {
        state.withLockedValue { $0.successFields.merge(fields) { _, new in new } }
    }

    /// Whether the end message has been written.
    public var isFinished: Bool { state.withLockedValue { $0.isFinished } }

    /// Writes the end message: `succeeded` (with the success fields), or `failed` with `exception` (the
    /// error's type name) and `reason` (its description) when `error` is given. Later calls do nothing, as
    /// in Eliot.
    public func finish(error: (any Error)? = nil) {
        let claimed: (Int, [String: JSONValue])? = state.withLockedValue { state in
            guard !state.isFinished else { return nil }
            state.isFinished = true
            state.lastChild += 1
            return (state.lastChild, state.successFields)
        }
        guard let (slot, successFields) = claimed else { return }
        let message: EventMessage
        if let error {
            message = EventMessage(
                taskUUID: taskUUID, taskLevel: level(at: slot), timestamp: currentTimestamp(),
                actionType: actionType, actionStatus: .failed, exception: String(reflecting: type(of: error)),
                reason: String(describing: error))
        } else {
            message = EventMessage(
                taskUUID: taskUUID, taskLevel: level(at: slot), timestamp: currentTimestamp(),
                actionType: actionType, actionStatus: .succeeded, fields: successFields)
        }
        destinations.send(message)
    }

    /// Serializes a pointer to this action's next slot as `uuid@/2/3`, for
    /// ``continueTask(_:actionType:fields:destinations:)`` on another thread or in another process. Uses up
    /// one slot, as in Eliot.
    public func serializeTaskID() -> String {
        taskUUID + "@/" + nextLevel().map(String.init).joined(separator: "/")
    }

    /// Runs `body` with this action as ``current``, without finishing it (Eliot's `action.context()`).
    public func run<R>(_ body: () throws -> R) rethrows -> R {
        try Action.$current.withValue(self, operation: body)
    }

    /// Runs `body` with this action as ``current``, without finishing it (Eliot's `action.context()`).
    public func run<R>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R) async rethrows
        -> R
    {
        try await Action.$current.withValue(self, operation: body, isolation: isolation)
    }

    /// Wraps `body` so that, called once on any thread, it runs inside a continuation of the current task
    /// (Eliot's `preserve_context`). Outside any action it runs `body` as is.
    ///
    /// The returned function throws ``ActionError`` with code ``ActionError/Code/tooManyCalls`` on a
    /// second call, and rethrows what `body` throws (after finishing the continuation as failed).
    public static func preserveContext<R>(_ body: @escaping @Sendable () throws -> R) -> @Sendable () throws -> R {
        guard let action = Action.current else { return body }
        let taskID = action.serializeTaskID()
        let destinations = action.destinations
        let used = NIOLockedValueBox(false)
        return {
            let first = used.withLockedValue { used in
                defer { used = true }
                return !used
            }
            guard first else {
                throw ActionError(code: .tooManyCalls, message: "a preserved context can be entered only once")
            }
            let remote = try Action.continueTask(taskID, destinations: destinations)
            do {
                let result = try remote.run(body)
                remote.finish()
                return result
            } catch {
                remote.finish(error: error)
                throw error
            }
        }
    }
}
