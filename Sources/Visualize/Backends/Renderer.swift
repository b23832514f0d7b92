public import Chains
import EventLog

/// Renders chains to a file in the format its extension names (one ``ReportOutput`` type per format).
public enum Renderer {
    /// Every format `render` writes.
    public static let outputs: [any ReportOutput.Type] = [SVGOutput.self, PNGOutput.self, PDFOutput.self, HTMLOutput.self]

    /// The extensions of every format, for messages: `.svg, .png or .pdf`.
    public static var extensionList: String {
        let all = outputs.flatMap { $0.extensions }.map { "." + $0 }
        return all.dropLast().joined(separator: ", ") + (all.count > 1 ? " or " : "") + (all.last ?? "")
    }

    /// The format whose extension ends `path` (case-insensitive), or `nil`.
    public static func output(for path: String, scale: Double = 1) -> (any ReportOutput)? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let ext = path[path.index(after: dot)...].lowercased()
        return outputs.first { $0.extensions.contains(ext) }.map { $0.init(scale: scale) }
    }

    /// Writes `chains` of `log` to `output`, in the format its extension names, unless `output` is one of the
    /// inputs.
    ///
    /// - Parameters:
    ///   - scale: PNG pixels per layout unit.
    /// - Returns: The layout that was drawn (`nil` for a format that draws nothing).
    /// - Throws: ``RenderError`` for an unknown extension, an output that is one of the inputs, or a
    ///   failed write.
    @discardableResult
    public static func render(
        _ log: TrackedLog, chains: [Chain], to output: String, options: DiagramOptions = DiagramOptions(), scale: Double = 1
    ) throws(RenderError) -> LayoutDocument? {
        guard let format = Self.output(for: output, scale: scale) else {
            throw RenderError(code: .unknownOutputFormat, message: "use \(extensionList)", file: output)
        }
        try refuseOverwriting(inputs: log.inputs, output: output)
        return try format.write(log, chains: chains, to: output, options: options)
    }

    /// Writes the layout `layout` makes to `output` (a format that draws: SVG, PNG or PDF), unless `output` is one
    /// of `inputs`: for chains folded while the log streamed past (see ``DiagramLayout/overview(_:options:measurer:)``).
    ///
    /// - Throws: ``RenderError`` as ``render(_:chains:to:options:scale:)``, and for a format that does not draw.
    @discardableResult
    public static func render(
        inputs: [String], to output: String, options: DiagramOptions = DiagramOptions(), scale: Double = 1,
        layout: (DiagramOptions, any TextMeasuring) -> LayoutDocument
    ) throws(RenderError) -> LayoutDocument {
        guard let format = Self.output(for: output, scale: scale) else {
            throw RenderError(code: .unknownOutputFormat, message: "use \(extensionList)", file: output)
        }
        guard let drawn = format as? any DrawnOutput else {
            throw RenderError(code: .unknownOutputFormat, message: "a layout is drawn as \(drawnExtensions)", file: output)
        }
        try refuseOverwriting(inputs: inputs, output: output)
        return try drawn.write(to: output, options: options, layout: layout)
    }

    /// The extensions of the formats that draw a layout.
    static var drawnExtensions: String {
        outputs.filter { $0 is any DrawnOutput.Type }.flatMap { $0.extensions }.map { "." + $0 }.joined(separator: ", ")
    }

    /// Throws if `output` names the same file as one of `inputs` (through a symlink, `..` or a hard link too), or
    /// is standard input redirected from it (`render - -o log.svg < log.svg`).
    public static func refuseOverwriting(inputs: [String], output: String) throws(RenderError) {
        guard let reason = OutputFile.overwrites(inputs, output: output) else { return }
        throw RenderError(code: .wouldOverwriteInput, message: reason, file: output)
    }
}
