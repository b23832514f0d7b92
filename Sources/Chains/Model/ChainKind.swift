/// What a ``Chain`` was built from.
public enum ChainKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A `reactortrack:deferred` task written by our monitor.
    case deferred
    /// A deferred from a log in the original Python Reactor Track format.
    case legacy
    /// Any other Eliot task: an action tree on a time axis.
    case action
    /// A task that is a single standalone message.
    case message
}
