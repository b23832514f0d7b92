/// A polyline: an axis tick, a path down the ladder, a link arrow between chains.
public struct LayoutLine: Sendable, Hashable {
    /// The points, in order.
    public var points: [LayoutPoint]
    /// The colour.
    public var color: Color
    /// The width.
    public var width: Double
    /// Whether it is dashed.
    public var dashed: Bool
    /// Whether an arrowhead is drawn at the last point.
    public var arrow: Bool
    /// The full text shown on hover (SVG `<title>`).
    public var tooltip: String?
    /// What the line stands for: a CSS class in SVG and a tag in the dump.
    public var role: String

    /// Creates a line.
    public init(
        _ points: [LayoutPoint], color: Color, width: Double = 1, dashed: Bool = false, arrow: Bool = false,
        tooltip: String? = nil, role: String
    ) {
        self.points = points
        self.color = color
        self.width = width
        self.dashed = dashed
        self.arrow = arrow
        self.tooltip = tooltip
        self.role = role
    }
}
