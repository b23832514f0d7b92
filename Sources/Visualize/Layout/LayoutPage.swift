/// One page of a diagram: a fixed size and the items drawn on it, back to front.
public struct LayoutPage: Sendable, Hashable {
    /// The page's title (a PDF bookmark, the SVG `<title>`).
    public var title: String
    /// Width in page units.
    public var width: Double
    /// Height in page units.
    public var height: Double
    /// The items, back to front.
    public var items: [LayoutItem]

    /// Creates a page.
    public init(title: String, width: Double, height: Double, items: [LayoutItem]) {
        self.title = title
        self.width = width
        self.height = height
        self.items = items
    }
}
