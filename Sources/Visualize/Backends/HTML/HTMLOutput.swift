public import Chains
import EventLog

/// The interactive report: one self-contained HTML file with the page, its styles and script (written in this
/// repository, under `Sources/Visualize/Report`, and compiled into the command) and the selected chains as data.
/// It draws nothing here, so it loads no Cairo; the browser draws. See `docs/html-report.md`.
public struct HTMLOutput: ReportOutput {
    /// The extensions that choose this format.
    public static let extensions = ["html", "htm"]

    /// Warnings listed in the report (the count says how many there were in all).
    static let warningLimit = 200

    /// Creates the output (the scale is not used).
    public init(scale: Double) {}

    /// Writes the report.
    public func write(_ log: TrackedLog, chains: [Chain], to path: String, options: DiagramOptions)
        throws(RenderError) -> LayoutDocument?
    {
        try Self.write(Self.page(log, chains: chains, options: options), to: path)
        return nil
    }

    static func write(_ page: [UInt8], to path: String) throws(RenderError) {
        do throws(OutputFileError) { try OutputFile.write(page, to: path) } catch {
            throw RenderError(code: .writeFailed, message: error.message, file: path)
        }
    }

    /// The report made as the log streams past (``Chains/LogLoader/stream(_:_:)``): each chain family goes into
    /// the report's tables as soon as it is complete, and its chains are forgotten, so memory holds the tasks
    /// still open and the data the page carries, not the chains. The page is the one the whole log's chains give.
    public struct Stream {
        private var data = ReportData()
        private var families = ChainFamilyStream()
        private var summary = SummaryAccumulator()
        private var dropped = 0
        /// The ordinal of each chain held for its family, by ``key(_:)``: a family goes in the report at its
        /// root's place in the log, whatever the order families complete in.
        private var ordinals: [String: Int] = [:]

        /// An empty report.
        public init() {}

        /// A chain's name for its ordinal while it waits for its family.
        private static func key(_ chain: Chain) -> String {
            "\(chain.file)\u{1}\(chain.id)\u{1}\(chain.deferredID ?? -1)"
        }

        /// Adds a chain (selected) and its ordinal, as ``Chains/LogLoader/stream(_:_:)`` hands them out.
        public mutating func add(_ chain: Chain, ordinal: Int) {
            if let lost = chain.droppedEvents {
                // The monitor's dropped-events marker is a warning on the page, not a chain.
                dropped += lost
            } else {
                summary.add(chain, ordinal: ordinal)
            }
            let key = Self.key(chain)
            ordinals[key] = min(ordinals[key] ?? ordinal, ordinal)
            for family in families.add(chain, ordinal: ordinal) { add(family) }
        }

        private mutating func add(_ family: ChainFamily) {
            let order = ordinals[Self.key(family.root)] ?? .max
            for member in family.members { ordinals.removeValue(forKey: Self.key(member.chain)) }
            if !family.root.isDropMarker { data.add(family, order: order) }
        }

        /// Writes the report of the chains added, with the warnings and inputs of `log`, to `path`.
        public consuming func write(_ log: TrackedLog, to path: String, options: DiagramOptions) throws(RenderError) {
            for family in families.finish() { add(family) }
            let summary = summary.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
            try Renderer.refuseOverwriting(inputs: log.inputs, output: path)
            try HTMLOutput.write(
                HTMLOutput.page(&data, log: log, summary: summary, dropped: dropped, options: options), to: path)
        }
    }

    /// The whole page of `chains`.
    package static func page(_ log: TrackedLog, chains: [Chain], options: DiagramOptions = DiagramOptions()) -> [UInt8] {
        var data = ReportData(chains)
        return page(
            &data, log: log, summary: LogSummary(log, chains: chains.filter { !$0.isDropMarker }),
            dropped: log.droppedEvents(in: chains), options: options)
    }

    /// The page of the data, with the log's warnings and inputs and the chains' summary.
    static func page(
        _ data: inout ReportData, log: TrackedLog, summary: LogSummary, dropped: Int, options: DiagramOptions
    ) -> [UInt8] {
        let names = options.sourceNames.isEmpty ? log.inputs : options.sourceNames
        let title = options.title ?? "reactortrack: " + (names.isEmpty ? "report" : names.joined(separator: ", "))
        var warnings = log.warnings.prefix(warningLimit).map(\.description)
        if dropped > 0 { warnings.insert("the monitor dropped \(dropped) events: the log is missing them", at: 0) }
        var json = LineBuilder(capacity: 1 << 20)
        data.write(
            to: &json, title: title, inputs: names, warnings: warnings,
            warningCount: log.warnings.count + (dropped > 0 ? 1 : 0), summary: summary)

        var page: [UInt8] = []
        page.reserveCapacity(json.byteCount + 256 * 1024)
        var rest = PackageResources.page_html[...]
        while let open = rest.firstRange(of: Array("{{".utf8)),
            let close = rest[open.upperBound...].firstRange(of: Array("}}".utf8))
        {
            page += rest[..<open.lowerBound]
            switch String(decoding: rest[open.upperBound..<close.lowerBound], as: UTF8.self) {
            case "TITLE": page += Self.htmlEscaped(title)
            case "CSS": page += PackageResources.style_css
            case "JS":
                for script in Self.scripts {
                    page += script
                    page.append(UInt8(ascii: "\n"))
                }
            case "DATA": Self.appendScriptSafe(json.bytes, to: &page)
            default: page += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        page += rest
        return page
    }

    /// The page's scripts, in the order they are joined.
    static var scripts: [[UInt8]] {
        [PackageResources.data_js, PackageResources.overview_js, PackageResources.detail_js,
         PackageResources.replay_js, PackageResources.main_js]
    }

    /// Text for an element's content: `&`, `<`, `>` and quotes as entities.
    static func htmlEscaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            default: out.append(byte)
            }
        }
        return out
    }

    /// JSON made safe inside a `<script>` element: `<`, `>` and `&` (which JSON has only inside strings) and the
    /// line separators U+2028 and U+2029 as `\u` escapes, so no string from the log can end the element or
    /// start a comment in it.
    static func appendScriptSafe(_ json: [UInt8], to page: inout [UInt8]) {
        let hex = LineBuilder.hexDigits
        var index = 0
        while index < json.count {
            let byte = json[index]
            if byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") {
                page += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                         hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else if byte == 0xE2, index + 2 < json.count, json[index + 1] == 0x80,
                json[index + 2] == 0xA8 || json[index + 2] == 0xA9
            {
                page += Array((json[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                index += 2
            } else {
                page.append(byte)
            }
            index += 1
        }
    }
}
