/// A PNG of the first page, drawn by Cairo, never taller than Cairo's image limit.
public struct PNGOutput: DrawnOutput {
    /// The extensions that choose this format.
    public static let extensions = ["png"]

    /// Pixels per layout unit (2 for HiDPI screens).
    public let scale: Double

    /// Creates the output at `scale` pixels per layout unit.
    public init(scale: Double) {
        self.scale = scale
    }

    /// Adjusts the layout options to the format.
    public func adjust(_ options: inout DiagramOptions) {
        options.maxPageHeight = min(options.maxPageHeight, Double(CairoRenderer.maxImageSide - 100) / scale)
    }

    /// Writes the laid-out document.
    public func write(_ document: LayoutDocument, to path: String) throws(RenderError) {
        try replacing(path) { temporary throws(RenderError) in
            try CairoRenderer.writePNG(document.pages[0], to: temporary, scale: scale)
        }
    }
}
