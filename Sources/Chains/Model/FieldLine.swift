/// One field of a message as a view shows it: the key, and the value as text (strings bare, other values as
/// compact JSON), not yet cut or escaped for a terminal.
public struct FieldLine: Sendable, Hashable {
    /// The field's key.
    public var key: String
    /// The value as text.
    public var value: String

    /// Creates a field line.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
