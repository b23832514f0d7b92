/// One thing drawn on a page, in drawing order.
public enum LayoutItem: Sendable, Hashable {
    /// A rectangle.
    case box(LayoutBox)
    /// A line of text.
    case text(LayoutText)
    /// A polyline.
    case line(LayoutLine)
}
