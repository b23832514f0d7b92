/// A filled and/or outlined rectangle: a bar, a cell, a badge, a band.
public struct LayoutBox: Sendable, Hashable {
    /// Where it is.
    public var rect: LayoutRect
    /// The fill, if any.
    public var fill: Color?
    /// The outline, if any.
    public var stroke: Color?
    /// Outline width.
    public var strokeWidth: Double
    /// Corner radius.
    public var cornerRadius: Double
    /// Diagonal hatching over the fill, in this colour (waiting time).
    public var hatch: Color?
    /// Whether the outline is dashed (open, unfinished).
    public var dashed: Bool
    /// The full text shown on hover (SVG `<title>`).
    public var tooltip: String?
    /// What the box stands for (`run`, `wait`, `cell`, ...): a CSS class in SVG and a tag in the dump.
    public var role: String

    /// Creates a box.
    public init(
        _ rect: LayoutRect, fill: Color? = nil, stroke: Color? = nil, strokeWidth: Double = 1,
        cornerRadius: Double = 0, hatch: Color? = nil, dashed: Bool = false, tooltip: String? = nil, role: String
    ) {
        self.rect = rect
        self.fill = fill
        self.stroke = stroke
        self.strokeWidth = strokeWidth
        self.cornerRadius = cornerRadius
        self.hatch = hatch
        self.dashed = dashed
        self.tooltip = tooltip
        self.role = role
    }
}
