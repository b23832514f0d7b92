/// Maps seconds onto a horizontal span and chooses round tick values (`0`, `250 ms`, `500 ms`, ...).
public struct TimeAxis: Sendable, Hashable {
    /// The time at the left edge, seconds (relative to the diagram's t = 0).
    public var origin: Double
    /// The time span shown.
    public var span: Double
    /// The left edge, page units.
    public var x: Double
    /// The width, page units.
    public var width: Double

    /// Creates an axis; a zero span is widened to 1 ms so that nothing divides by zero.
    public init(origin: Double = 0, span: Double, x: Double, width: Double) {
        self.origin = origin
        self.span = span > 0 ? span : 0.001
        self.x = x
        self.width = width
    }

    /// The x of a time.
    public func position(_ t: Double) -> Double { x + (t - origin) / span * width }

    /// Round tick times covering the span, 4 to 10 of them.
    public func ticks() -> [Double] {
        let raw = span / 6
        var step = 1e-6
        for candidate in Self.steps where candidate >= raw {
            step = candidate
            break
        }
        if raw > Self.steps.last! { step = (raw / 3600).rounded(.up) * 3600 }
        var ticks: [Double] = []
        var t = (origin / step).rounded(.up) * step
        // At most a dozen: a step too small to move a huge time would otherwise never end the loop.
        while t <= origin + span + step * 1e-9, ticks.count < 12 {
            ticks.append(t)
            t += step
        }
        return ticks
    }

    private static let steps: [Double] = {
        var result: [Double] = []
        var decade = 1e-6
        while decade < 10 {
            result += [decade, 2 * decade, 2.5 * decade, 5 * decade]
            decade *= 10
        }
        return result + [15, 30, 60, 120, 300, 600, 900, 1800, 3600]
    }()
}
