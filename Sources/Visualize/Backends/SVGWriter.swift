/// Writes a layout page as SVG by hand: real `<text>` (searchable, selectable), a `<title>` tooltip on every
/// item that has more to say, CSS classes named after each item's role, and correct XML escaping.
///
/// Cairo's own SVG surface draws glyphs as outlines; this writer keeps text as text, at about a sixth of
/// the size.
public enum SVGWriter {
    /// The SVG document for `page`.
    public static func svg(_ page: LayoutPage) -> String {
        var out = ""
        out.reserveCapacity(page.items.count * 120 + 1024)
        let w = number(page.width)
        let h = number(page.height)
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\">\n"
        out += "<title>\(escape(page.title))</title>\n"
        var hatches: Set<String> = []
        var arrows: Set<String> = []
        for item in page.items {
            switch item {
            case .box(let b): if let hatch = b.hatch { hatches.insert(hex(hatch)) }
            case .line(let l): if l.arrow { arrows.insert(hex(l.color)) }
            case .text: break
            }
        }
        out += "<defs>\n"
        for colour in hatches.sorted() {
            out += "<pattern id=\"hatch-\(colour)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
            out += "patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#\(colour)\" "
            out += "stroke-width=\"1.6\"/></pattern>\n"
        }
        for colour in arrows.sorted() {
            out += "<marker id=\"arrow-\(colour)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
            out += "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#\(colour)\"/></marker>\n"
        }
        out += "</defs>\n"
        out += "<style>text{font-family:\(FontStyle.regular.cssFamily);white-space:pre}"
        out += ".mono{font-family:\(FontStyle.mono.cssFamily)}.bold{font-weight:bold}</style>\n"
        out += "<rect class=\"background\" width=\"\(w)\" height=\"\(h)\" fill=\"\(Palette.background.hexString)\"/>\n"
        for item in page.items {
            switch item {
            case .box(let b): write(b, to: &out)
            case .text(let t): write(t, to: &out)
            case .line(let l): write(l, to: &out)
            }
        }
        out += "</svg>\n"
        return out
    }

    private static func write(_ b: LayoutBox, to out: inout String) {
        let r = b.rect
        var attributes = "class=\"\(escape(b.role))\" x=\"\(number(r.x))\" y=\"\(number(r.y))\" "
        attributes += "width=\"\(number(r.width))\" height=\"\(number(r.height))\""
        if b.cornerRadius > 0 { attributes += " rx=\"\(number(b.cornerRadius))\"" }
        attributes += paint("fill", b.fill) ?? " fill=\"none\""
        if let stroke = b.stroke {
            attributes += paint("stroke", stroke) ?? ""
            attributes += " stroke-width=\"\(number(b.strokeWidth))\""
            if b.dashed { attributes += " stroke-dasharray=\"4 3\"" }
        }
        let hatch = b.hatch.map {
            "<rect x=\"\(number(r.x))\" y=\"\(number(r.y))\" width=\"\(number(r.width))\" height=\"\(number(r.height))\" fill=\"url(#hatch-\(hex($0)))\"/>"
        }
        open(b.tooltip, &out)
        out += "<rect \(attributes)/>"
        if let hatch { out += hatch }
        close(b.tooltip, &out)
    }

    private static func write(_ t: LayoutText, to out: inout String) {
        var attributes = "class=\"\(escape(t.role))\(t.style == .mono ? " mono" : "")\(t.style.isBold ? " bold" : "")\""
        attributes += " x=\"\(number(t.x))\" y=\"\(number(t.y))\" font-size=\"\(number(t.size))\""
        attributes += paint("fill", t.color) ?? ""
        if t.anchor != .start { attributes += " text-anchor=\"\(t.anchor.rawValue)\"" }
        open(t.tooltip, &out)
        out += "<text \(attributes)>\(escape(t.text))</text>"
        close(t.tooltip, &out)
    }

    private static func write(_ l: LayoutLine, to out: inout String) {
        guard l.points.count >= 2 else { return }
        let points = l.points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
        var attributes = "class=\"\(escape(l.role))\" points=\"\(points)\" fill=\"none\""
        attributes += paint("stroke", l.color) ?? ""
        attributes += " stroke-width=\"\(number(l.width))\" stroke-linejoin=\"round\""
        if l.dashed { attributes += " stroke-dasharray=\"5 4\"" }
        if l.arrow { attributes += " marker-end=\"url(#arrow-\(hex(l.color)))\"" }
        open(l.tooltip, &out)
        out += "<polyline \(attributes)/>"
        close(l.tooltip, &out)
    }

    private static func open(_ tooltip: String?, _ out: inout String) {
        if let tooltip { out += "<g><title>\(escape(tooltip))</title>" }
    }

    private static func close(_ tooltip: String?, _ out: inout String) {
        out += tooltip == nil ? "\n" : "</g>\n"
    }

    private static func paint(_ name: String, _ colour: Color?) -> String? {
        guard let colour else { return nil }
        var result = " \(name)=\"\(colour.hexString)\""
        if colour.alpha < 1 { result += " \(name)-opacity=\"\(number(colour.alpha))\"" }
        return result
    }

    private static func hex(_ colour: Color) -> String { String(colour.hexString.dropFirst()) }

    /// Escapes `& < > " '` and drops characters XML 1.0 does not allow (C0 controls other than tab, newline
    /// and carriage return, and U+FFFE/U+FFFF).
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A coordinate with at most two decimals.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return String(rounded)
    }
}
