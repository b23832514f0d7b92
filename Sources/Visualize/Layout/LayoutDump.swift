/// A plain-text dump of a layout, one item per line with rounded coordinates: what snapshot tests compare.
public enum LayoutDump {
    /// The dump of every page.
    public static func text(_ document: LayoutDocument) -> String {
        var lines: [String] = []
        for (number, page) in document.pages.enumerated() {
            lines.append("page \(number + 1) \(quote(page.title)) \(n(page.width))x\(n(page.height))")
            for item in page.items {
                switch item {
                case .box(let b):
                    var line = "  box \(b.role) \(n(b.rect.x)),\(n(b.rect.y)) \(n(b.rect.width))x\(n(b.rect.height))"
                    if let fill = b.fill { line += " fill=\(colour(fill))" }
                    if let stroke = b.stroke { line += " stroke=\(colour(stroke))" }
                    if let hatch = b.hatch { line += " hatch=\(colour(hatch))" }
                    if b.dashed { line += " dashed" }
                    if let tip = b.tooltip { line += " tip=\(quote(firstLine(tip)))" }
                    lines.append(line)
                case .text(let t):
                    var line = "  text \(t.role) \(n(t.x)),\(n(t.y)) \(t.style.rawValue) \(n(t.size)) \(t.anchor.rawValue)"
                    line += " \(colour(t.color)) \(quote(t.text))"
                    lines.append(line)
                case .line(let l):
                    var line = "  line \(l.role) " + l.points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
                    line += " \(colour(l.color))"
                    if l.dashed { line += " dashed" }
                    if l.arrow { line += " arrow" }
                    lines.append(line)
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return DurationFormat.fixed(rounded, 1)
    }

    private static func colour(_ c: Color) -> String {
        c.alpha < 1 ? "\(c.hexString)/\(DurationFormat.fixed(c.alpha, 2))" : c.hexString
    }

    private static func firstLine(_ s: String) -> String { String(s.split(separator: "\n").first ?? "") }

    private static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"") + "\""
    }
}

extension String {
    /// Replaces every occurrence of `target` (without Foundation).
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
