public import Chains
import EventLog

/// One format that `render` writes, chosen by the output's extension: a new format (an HTML report, a trace
/// export) is one new type listed in ``Renderer/outputs``, not a new arm in a switch.
public protocol ReportOutput: Sendable {
    /// The extensions that choose this format (lower case, without the dot).
    static var extensions: [String] { get }

    /// Creates the output; `scale` is the pixels per layout unit of formats that have pixels.
    init(scale: Double)

    /// Writes `chains` of `log` to `path`.
    ///
    /// - Returns: The layout that was drawn, for a format that draws (`nil` for one that draws nothing: it
    ///   builds no layout and loads no Cairo).
    func write(_ log: TrackedLog, chains: [Chain], to path: String, options: DiagramOptions) throws(RenderError)
        -> LayoutDocument?
}

/// A format that draws: the chains are laid out once, with Cairo measuring the text (so every drawn format
/// lays out alike), and the layout is written.
public protocol DrawnOutput: ReportOutput {
    /// Adjusts the layout options to the format (pagination, page height limits).
    func adjust(_ options: inout DiagramOptions)

    /// Writes the laid-out document.
    func write(_ document: LayoutDocument, to path: String) throws(RenderError)
}

extension ReportOutput {
    /// Writes the output at `path` with `write`, which writes a whole file at the path it is given, as
    /// ``OutputFile/write(to:_:)`` does (a regular file whole or not at all, a device in place): a failed write
    /// leaves a previous file as it was, and the error names `path`.
    func replacing(_ path: String, _ write: (_ temporaryPath: String) throws(RenderError) -> Void) throws(RenderError) {
        do {
            try OutputFile.write(to: path) { temporary in try write(temporary) }
        } catch let error as RenderError {
            throw RenderError(code: error.code, message: error.message, file: path)
        } catch let failure as OutputFileError {
            throw RenderError(code: .writeFailed, message: failure.message, file: path)
        } catch {
            throw RenderError(code: .writeFailed, message: "\(error)", file: path)
        }
    }
}

extension DrawnOutput {
    /// Lays out `chains` and writes the layout.
    public func write(_ log: TrackedLog, chains: [Chain], to path: String, options: DiagramOptions)
        throws(RenderError) -> LayoutDocument?
    {
        try write(to: path, options: options) { DiagramLayout.layout(log, chains: chains, options: $0, measurer: $1) }
    }

    /// Writes the layout `layout` makes with this format's options and Cairo measuring the text.
    public func write(
        to path: String, options: DiagramOptions, layout: (DiagramOptions, any TextMeasuring) -> LayoutDocument
    ) throws(RenderError) -> LayoutDocument {
        var options = options
        adjust(&options)
        let document = layout(options, try CairoTextMeasurer())
        try write(document, to: path)
        return document
    }
}
