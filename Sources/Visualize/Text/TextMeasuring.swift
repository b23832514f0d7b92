/// Measures text for layout. ``CairoTextMeasurer`` measures with the fonts Cairo will draw with;
/// ``FixedWidthMeasurer`` gives font-independent widths for snapshot tests.
public protocol TextMeasuring {
    /// The advance width of `text` at `size` points in `style`.
    func width(of text: String, size: Double, style: FontStyle) -> Double
}

extension TextMeasuring {
    /// `text` shortened in the middle with `…` so that it fits `maxWidth` (unchanged when it fits).
    public func fit(_ text: String, size: Double, style: FontStyle, maxWidth: Double) -> String {
        if width(of: text, size: size, style: style) <= maxWidth { return text }
        let characters = Array(text)
        var low = 0
        var high = characters.count
        var best = "…"
        while low <= high {
            let keep = (low + high) / 2
            let head = keep - keep / 2
            let tail = keep / 2
            let candidate = String(characters.prefix(head)) + "…" + String(characters.suffix(tail))
            if width(of: candidate, size: size, style: style) <= maxWidth {
                best = candidate
                low = keep + 1
            } else {
                high = keep - 1
            }
        }
        return best
    }

    /// `text` cut at the end with `…` so that it fits `maxWidth`.
    public func truncate(_ text: String, size: Double, style: FontStyle, maxWidth: Double) -> String {
        if width(of: text, size: size, style: style) <= maxWidth { return text }
        let characters = Array(text)
        var low = 0
        var high = characters.count
        var best = "…"
        while low <= high {
            let keep = (low + high) / 2
            let candidate = String(characters.prefix(keep)) + "…"
            if width(of: candidate, size: size, style: style) <= maxWidth {
                best = candidate
                low = keep + 1
            } else {
                high = keep - 1
            }
        }
        return best
    }
}
