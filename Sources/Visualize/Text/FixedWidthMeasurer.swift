/// Measures every character as the same fraction of the font size: deterministic on any machine, for layout
/// snapshot tests.
public struct FixedWidthMeasurer: TextMeasuring, Sendable {
    /// Width of one character, as a fraction of the font size.
    public var advance: Double

    /// Creates a measurer (0.6 em per character by default, about DejaVu Sans Mono).
    public init(advance: Double = 0.6) {
        self.advance = advance
    }

    /// `advance × size` per character.
    public func width(of text: String, size: Double, style: FontStyle) -> Double {
        Double(text.count) * size * advance
    }
}
