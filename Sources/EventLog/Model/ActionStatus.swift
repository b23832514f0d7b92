/// The `action_status` of an action's start or end message.
public enum ActionStatus: String, Sendable, Hashable, CaseIterable {
    /// The action's start message (always at the action's level plus `[1]`).
    case started
    /// The action's end message when its body returned normally.
    case succeeded
    /// The action's end message when its body threw; carries `exception` and `reason`.
    case failed
}
