/// A single line of text, already fitted to its space (ellipsized where needed).
public struct LayoutText: Sendable, Hashable {
    /// The anchor's x.
    public var x: Double
    /// The baseline's y.
    public var y: Double
    /// The text.
    public var text: String
    /// The font size.
    public var size: Double
    /// The face.
    public var style: FontStyle
    /// The colour.
    public var color: Color
    /// Where `x` sits on the text.
    public var anchor: TextAnchor
    /// The width the text measured, so backends need not measure again.
    public var width: Double
    /// The full text shown on hover (SVG `<title>`), when the text was shortened or has more to say.
    public var tooltip: String?
    /// What the text stands for: a CSS class in SVG and a tag in the dump.
    public var role: String

    /// Creates a text item.
    public init(
        x: Double, y: Double, text: String, size: Double, style: FontStyle = .regular, color: Color = Palette.text,
        anchor: TextAnchor = .start, width: Double, tooltip: String? = nil, role: String
    ) {
        self.x = x
        self.y = y
        self.text = text
        self.size = size
        self.style = style
        self.color = color
        self.anchor = anchor
        self.width = width
        self.tooltip = tooltip
        self.role = role
    }
}
