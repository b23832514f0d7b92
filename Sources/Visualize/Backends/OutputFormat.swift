/// The formats `render` writes, chosen by the output's extension.
public enum OutputFormat: String, Sendable, Hashable, CaseIterable {
    /// Hand-written SVG with real text.
    case svg
    /// A PNG drawn by Cairo.
    case png
    /// A PDF drawn by Cairo: overview first, then a page per chain.
    case pdf

    /// The format for a path's extension (case-insensitive), or `nil`.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }
}
