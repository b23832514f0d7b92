import CCairo

/// Measures text with Cairo's toy text API and the fonts it will draw with, on a 1×1 image surface with
/// metrics hinting off (so widths match on PNG, PDF and the hand-written SVG).
///
/// Not thread-safe: make one per rendering task.
public final class CairoTextMeasurer: TextMeasuring {
    private let context: CairoContext
    private var cache: [Key: Double] = [:]

    private struct Key: Hashable {
        var text: String
        var size: Double
        var style: FontStyle
    }

    /// Creates a measurer.
    ///
    /// - Throws: ``RenderError`` if Cairo is not installed or cannot create a surface.
    public init() throws(RenderError) {
        let surface = try CairoSurface(what: "measuring surface") { $0.image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1) }
        context = try CairoContext(surface)
    }

    /// The advance width of `text`.
    public func width(of text: String, size: Double, style: FontStyle) -> Double {
        let key = Key(text: text, size: size, style: style)
        if let known = cache[key] { return known }
        context.setFont(style, size: size)
        let width = context.advance(of: text.replacingNUL())
        if cache.count > 200_000 { cache.removeAll(keepingCapacity: true) }
        cache[key] = width
        return width
    }
}

@available(*, unavailable)
extension CairoTextMeasurer: Sendable {}

extension String {
    /// The string with NUL characters (which would cut a C string short) replaced by U+FFFD.
    func replacingNUL() -> String {
        contains("\u{0}") ? String(map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }) : self
    }
}
