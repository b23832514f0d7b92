/// A part of an overview bar, as its legend names it (only the parts drawn are listed).
enum OverviewBarPart: Int, CaseIterable, Comparable {
    case running, action, waiting, idle, open, failure, whisker, message

    static func < (a: OverviewBarPart, b: OverviewBarPart) -> Bool { a.rawValue < b.rawValue }

    /// The legend's words.
    var text: String {
        switch self {
        case .running: "in callbacks"
        case .action: "action tree, start to end"
        case .waiting: "waiting on another Deferred"
        case .idle: "neither in a callback nor waiting (before it fired, between callbacks)"
        case .open: "open at end of log"
        case .failure: "failed (red end)"
        case .whisker: "identical chains: shortest to longest"
        case .message: "lone message (no duration)"
        }
    }

    /// Draws the part's swatch, 16 × 10, at (`x`, `y`).
    func drawSwatch(in page: inout PageBuilder, x: Double, y: Double) {
        switch self {
        case .running, .action: page.box(x, y, 16, 10, fill: Palette.callback, role: "swatch")
        case .waiting:
            page.box(
                x, y, 16, 10, fill: Palette.waiting.withAlpha(0.22), stroke: Palette.waiting, hatch: Palette.waiting,
                role: "swatch")
        case .idle: page.box(x, y, 16, 10, fill: Palette.callback.withAlpha(0.3), role: "swatch")
        case .open:
            page.box(x, y, 8, 10, fill: Palette.pending, role: "swatch")
            page.box(x + 8, y, 8, 10, fill: Palette.pending.withAlpha(0.3), role: "swatch")
        case .failure:
            page.box(x, y, 13, 10, stroke: Palette.grid, role: "swatch")
            page.box(x + 12, y, 4, 10, fill: Palette.failure, role: "swatch")
        case .whisker:
            page.line([(x, y + 5), (x + 16, y + 5)], color: Palette.text.withAlpha(0.6), role: "swatch")
            page.line([(x + 16, y + 1), (x + 16, y + 9)], color: Palette.text.withAlpha(0.6), role: "swatch")
        case .message: page.box(x + 5, y + 2, 6, 6, fill: Palette.muted, radius: 1, role: "swatch")
        }
    }
}
