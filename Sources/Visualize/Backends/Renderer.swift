#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Chains
import EventLog

/// Renders chains to a file: lays them out once (Cairo measuring the text) and writes SVG, PNG or PDF.
public enum Renderer {
    /// Lays out and writes `chains` of `log` to `output`, in the format its extension names.
    ///
    /// - Parameters:
    ///   - scale: PNG pixels per layout unit.
    /// - Returns: The layout that was drawn.
    /// - Throws: ``ReportError`` for an unknown extension, an output that is one of the inputs, or a
    ///   failed write.
    @discardableResult
    public static func render(
        _ log: TrackedLog, chains: [Chain], to output: String, options: DiagramOptions = DiagramOptions(), scale: Double = 1
    ) throws(ReportError) -> LayoutDocument {
        guard let format = OutputFormat(path: output) else {
            throw ReportError(code: .unknownOutputFormat, message: "use .svg, .png or .pdf", file: output)
        }
        try refuseOverwriting(inputs: log.inputs, output: output)
        var options = options
        options.paginated = format == .pdf
        if format == .pdf { options.maxPageHeight = min(options.maxPageHeight, 14_000) }
        if format == .png { options.maxPageHeight = min(options.maxPageHeight, Double(CairoRenderer.maxImageSide - 100) / scale) }
        let measurer = try CairoTextMeasurer()
        let document = DiagramLayout.layout(log, chains: chains, options: options, measurer: measurer)
        switch format {
        case .svg:
            do throws(PosixFile.Failure) { try PosixFile.write(SVGWriter.svg(document.pages[0]).utf8, to: output) } catch {
                throw ReportError(code: .writeFailed, message: error.message, file: output)
            }
        case .png:
            try CairoRenderer.writePNG(document.pages[0], to: output, scale: scale)
        case .pdf:
            try CairoRenderer.writePDF(document, to: output)
        }
        return document
    }

    /// Throws if `output` names the same file as one of `inputs` (through symlinks and `..` too).
    public static func refuseOverwriting(inputs: [String], output: String) throws(ReportError) {
        let out = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath().path
        let outID = PosixFile.identity(of: output)
        for input in inputs where input != "<stdin>" && input != "-" {
            let path = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
            if path == out || (outID != nil && PosixFile.identity(of: input) == outID) {
                throw ReportError(code: .wouldOverwriteInput, message: "the output is the input \(input)", file: output)
            }
        }
    }
}
