/// A finished layout: one or more pages, computed once and drawn by any backend.
///
/// SVG and PNG draw the first page (the overview, or the chains when they fit); PDF draws every page.
public struct LayoutDocument: Sendable, Hashable {
    /// The pages, in order.
    public var pages: [LayoutPage]

    /// Creates a document.
    public init(pages: [LayoutPage]) {
        self.pages = pages
    }
}
