public import EventLog

// The free functions of the Eliot-style API: `withAction`, `logMessage`, `startAction`, `withContinuedTask`.

/// Runs `body` inside a new action, child of the current one: writes the start message, makes the action
/// ``Action/current`` for `body`, and writes the end message: `succeeded`, or `failed` with the error's type
/// and description if `body` throws (the error is rethrown).
@discardableResult
public func withAction<R>(
    _ actionType: String, fields: [String: JSONValue] = [:], _ body: (Action) throws -> R
) rethrows -> R {
    try Action.start(actionType, fields: fields).runFinishing(body)
}

/// Runs async `body` inside a new action, child of the current one; `async let`, task groups and `Task {}`
/// started in `body` nest under it. Finishes it as `succeeded`, or `failed` if `body` throws.
@discardableResult
public func withAction<R>(
    _ actionType: String, fields: [String: JSONValue] = [:], isolation: isolated (any Actor)? = #isolation,
    _ body: (Action) async throws -> R
) async rethrows -> R {
    let action = Action.start(actionType, fields: fields)
    do {
        let result = try await action.run(isolation: isolation) { try await body(action) }
        action.finish()
        return result
    } catch {
        action.finish(error: error)
        throw error
    }
}

/// Starts an action, child of the current one, without making it current; finish it with
/// ``Action/finish(error:)``.
public func startAction(_ actionType: String, fields: [String: JSONValue] = [:]) -> Action {
    Action.start(actionType, fields: fields)
}

/// Writes a standalone message in the current action, or as a task of its own (level `[1]`) outside any.
public func logMessage(_ messageType: String, fields: [String: JSONValue] = [:]) {
    if let action = Action.current {
        action.log(messageType, fields: fields)
    } else {
        LogDestinations.current.send(
            EventMessage(
                taskUUID: newTaskUUID(), taskLevel: [1], timestamp: currentTimestamp(), messageType: messageType,
                fields: fields))
    }
}

/// Runs `body` inside `eliot:remote_task`, continuing the task a ``Action/serializeTaskID()`` id points at.
///
/// - Throws: ``ActionError`` for a malformed id, or what `body` throws.
@discardableResult
public func withContinuedTask<R>(
    _ taskID: String, destinations: LogDestinations = .current, _ body: (Action) throws -> R
) throws -> R {
    try Action.continueTask(taskID, destinations: destinations).runFinishing(body)
}

extension Action {
    /// Runs `body` with this action current, then finishes it: `succeeded`, or `failed` with the error, which is
    /// rethrown.
    func runFinishing<R>(_ body: (Action) throws -> R) rethrows -> R {
        do {
            let result = try run { try body(self) }
            finish()
            return result
        } catch {
            finish(error: error)
            throw error
        }
    }
}
