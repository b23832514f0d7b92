/// The three faces the diagrams use (DejaVu on Linux; no italics, which core fonts lack).
public enum FontStyle: String, Sendable, Hashable, CaseIterable {
    /// Sans, regular.
    case regular
    /// Sans, bold.
    case bold
    /// Monospace, for names and values.
    case mono

    /// The family asked of Cairo and written in SVG.
    public var family: String {
        switch self {
        case .regular, .bold: "DejaVu Sans"
        case .mono: "DejaVu Sans Mono"
        }
    }

    /// The CSS font-family list written in SVG.
    public var cssFamily: String {
        switch self {
        case .regular, .bold: "'DejaVu Sans', Verdana, sans-serif"
        case .mono: "'DejaVu Sans Mono', Menlo, Consolas, monospace"
        }
    }

    /// Whether the face is bold.
    public var isBold: Bool { self == .bold }
}
