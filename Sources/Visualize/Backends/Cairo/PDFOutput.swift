/// A PDF drawn by Cairo: the overview first (when there is more than one family), then a page per family, with
/// bookmarks.
public struct PDFOutput: DrawnOutput {
    /// The extensions that choose this format.
    public static let extensions = ["pdf"]

    /// Creates the output (the scale is not used).
    public init(scale: Double) {}

    /// Adjusts the layout options to the format.
    public func adjust(_ options: inout DiagramOptions) {
        options.paginated = true
        options.maxPageHeight = min(options.maxPageHeight, 14_000)
    }

    /// Writes the laid-out document.
    public func write(_ document: LayoutDocument, to path: String) throws(RenderError) {
        try replacing(path) { temporary throws(RenderError) in try CairoRenderer.writePDF(document, to: temporary) }
    }
}
