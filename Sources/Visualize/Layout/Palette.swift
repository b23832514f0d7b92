/// The colours of every diagram: Okabe–Ito, colour-blind safe. Red (vermillion) means failure and nothing else.
public enum Palette {
    /// Callbacks and succeeded actions.
    public static let callback = Color(hex: 0x0072B2)
    /// Light fill of a taken callback cell.
    public static let callbackLight = Color(hex: 0xD6E9F5)
    /// Errbacks that recovered.
    public static let errback = Color(hex: 0x009E73)
    /// Light fill of a taken errback cell.
    public static let errbackLight = Color(hex: 0xD4F0E6)
    /// Failure: the only red.
    public static let failure = Color(hex: 0xD55E00)
    /// Light fill for failure.
    public static let failureLight = Color(hex: 0xF9DFCC)
    /// Waiting on another Deferred (hatched).
    public static let waiting = Color(hex: 0xE69F00)
    /// Open, pending, unfinished.
    public static let pending = Color(hex: 0xCC79A7)
    /// Pass-through halves, skipped cells, muted text.
    public static let muted = Color(hex: 0x8A8A8A)
    /// Thin rules and grid lines.
    public static let grid = Color(hex: 0xE3E3E3)
    /// Body text.
    public static let text = Color(hex: 0x1F1F1F)
    /// Page background.
    public static let background = Color(hex: 0xFFFFFF)
    /// Header bands.
    public static let band = Color(hex: 0xF4F5F7)
    /// Links between chains.
    public static let link = Color(hex: 0x56B4E9)
}
