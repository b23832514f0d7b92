import EventLog

/// Hand-written SVG with real text (searchable, selectable) and a tooltip on every bar and cell.
public struct SVGOutput: DrawnOutput {
    /// The extensions that choose this format.
    public static let extensions = ["svg"]

    /// Creates the output (the scale is not used).
    public init(scale: Double) {}

    /// Adjusts the layout options to the format.
    public func adjust(_ options: inout DiagramOptions) {}

    /// Writes the laid-out document.
    public func write(_ document: LayoutDocument, to path: String) throws(RenderError) {
        do throws(OutputFileError) { try OutputFile.write(SVGWriter.svg(document.pages[0]).utf8, to: path) } catch {
            throw RenderError(code: .writeFailed, message: error.message, file: path)
        }
    }
}
