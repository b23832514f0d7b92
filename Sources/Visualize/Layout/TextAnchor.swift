/// Where a text item's x coordinate sits on the text.
public enum TextAnchor: String, Sendable, Hashable {
    /// x is the left edge.
    case start
    /// x is the centre.
    case middle
    /// x is the right edge.
    case end
}
