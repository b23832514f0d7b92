/// Collects the items of one page while a layout places them.
struct PageBuilder {
    var items: [LayoutItem] = []
    let measurer: any TextMeasuring

    init(measurer: any TextMeasuring) {
        self.measurer = measurer
    }

    mutating func box(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: Color? = nil, stroke: Color? = nil,
        strokeWidth: Double = 1, radius: Double = 0, hatch: Color? = nil, dashed: Bool = false,
        tooltip: String? = nil, role: String
    ) {
        items.append(
            .box(
                LayoutBox(
                    LayoutRect(x: x, y: y, width: max(w, 0), height: max(h, 0)), fill: fill, stroke: stroke,
                    strokeWidth: strokeWidth, cornerRadius: radius, hatch: hatch, dashed: dashed, tooltip: tooltip,
                    role: role)))
    }

    /// Adds text, shortened to `maxWidth` (in the middle for names, at the end otherwise); returns its width.
    @discardableResult
    mutating func text(
        _ string: String, x: Double, y: Double, size: Double = 11, style: FontStyle = .regular,
        color: Color = Palette.text, anchor: TextAnchor = .start, maxWidth: Double? = nil, middle: Bool = false,
        tooltip: String? = nil, role: String
    ) -> Double {
        let clean = Self.singleLine(string)
        var shown = clean
        if let maxWidth {
            shown =
                middle
                ? measurer.fit(clean, size: size, style: style, maxWidth: maxWidth)
                : measurer.truncate(clean, size: size, style: style, maxWidth: maxWidth)
        }
        if shown.isEmpty || shown == "…" && clean.count > 1 && (maxWidth ?? 0) < 8 { return 0 }
        let width = measurer.width(of: shown, size: size, style: style)
        let tip = tooltip ?? (shown != string ? string : nil)
        items.append(
            .text(
                LayoutText(
                    x: x, y: y, text: shown, size: size, style: style, color: color, anchor: anchor, width: width,
                    tooltip: tip, role: role)))
        return width
    }

    mutating func line(
        _ points: [(Double, Double)], color: Color, width: Double = 1, dashed: Bool = false, arrow: Bool = false,
        tooltip: String? = nil, role: String
    ) {
        items.append(
            .line(
                LayoutLine(
                    points.map { LayoutPoint(x: $0.0, y: $0.1) }, color: color, width: width, dashed: dashed,
                    arrow: arrow, tooltip: tooltip, role: role)))
    }

    /// The warning that the monitor dropped events (its `reactortrack:dropped` marker), as a band across
    /// `width` from (`x`, `y`); returns the band's bottom.
    @discardableResult
    mutating func droppedWarning(_ count: Int, x: Double, y: Double, width: Double) -> Double {
        let text = Self.droppedText(count)
        box(x, y, width, 24, fill: Palette.waiting.withAlpha(0.15), stroke: Palette.waiting, radius: 4, tooltip: text, role: "dropped")
        self.text(text, x: x + 10, y: y + 16, size: 11.5, style: .bold, maxWidth: width - 20, role: "dropped-text")
        return y + 24
    }

    /// `⚠ the monitor dropped 12 events: …`, the same words in every view.
    static func droppedText(_ count: Int) -> String {
        "⚠ the monitor dropped \(count) event\(count == 1 ? "" : "s") (its bounded buffer was full): chains may be "
            + "missing or cut short"
    }

    func width(_ string: String, size: Double = 11, style: FontStyle = .regular) -> Double {
        measurer.width(of: Self.singleLine(string), size: size, style: style)
    }

    /// Newlines and tabs become spaces; other control characters are dropped.
    static func singleLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return s }
        var result = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || scalar == "\r" {
                result.append(" ")
            } else if scalar.value >= 0x20 && scalar.value != 0x7F {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
