/// Formats seconds for people: `840 µs`, `12.3 ms`, `1.00 s`, `2 min 5 s`.
public enum DurationFormat {
    /// A duration in the unit that suits it, with three significant digits.
    ///
    /// A duration no clock could measure (not finite, or over a billion years: two timestamps in different units,
    /// or a damaged log) is shown as it is, never rounded into an integer that does not hold it.
    public static func text(_ seconds: Double) -> String {
        let s = abs(seconds)
        if s == 0 { return "0 s" }
        guard s.isFinite else { return "unknown" }
        if s >= 3.2e16 { return "\(seconds) s" }
        if s < 0.9995e-3 { return "\(digits(s * 1e6)) µs" }
        if s < 0.9995 { return "\(digits(s * 1e3)) ms" }
        if s < 60 { return "\(digits(s)) s" }
        let minutes = Int(s / 60)
        if minutes < 60 { return "\(minutes) min \(Int(s) % 60) s" }
        return "\(minutes / 60) h \(minutes % 60) min"
    }

    /// Three significant digits: `1.23`, `12.3`, `123`.
    static func digits(_ value: Double) -> String {
        if value >= 99.95 { return String(Int(value.rounded())) }
        if value >= 9.995 { return fixed(value, 1) }
        return fixed(value, 2)
    }

    /// `value` with `places` decimals, without Foundation.
    static func fixed(_ value: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale)
        var fraction = String(scaled % Int(scale))
        while fraction.count < places { fraction = "0" + fraction }
        return (value < 0 && scaled != 0 ? "-" : "") + (places > 0 ? "\(whole).\(fraction)" : "\(whole)")
    }

    /// A percentage with no decimals: `95%`.
    static func percent(_ part: Double, of whole: Double) -> String {
        let ratio = part / whole * 100
        guard whole > 0, ratio.isFinite else { return "0%" }
        // A part far beyond its whole (times in different units) is shown as such, not converted to an Int.
        guard abs(ratio) < 1e6 else { return ratio > 0 ? ">999999%" : "<-999999%" }
        return "\(Int(ratio.rounded()))%"
    }
}
