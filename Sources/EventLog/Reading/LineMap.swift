/// Maps the line numbers of several concatenated inputs back to each input's own file and line.
public struct LineMap: Sendable {
    private var starts: [(offset: Int, name: String)] = []
    /// The latest timestamp of any message, per input, once the input has been read.
    public private(set) var latestTimestamps: [String: Double] = [:]

    /// Creates an empty map.
    public init() {}

    /// Registers an input whose first line will be numbered `offset + 1`.
    public mutating func add(name: String, offset: Int) { starts.append((offset, name)) }

    /// Records that the latest timestamp in input `name` is `time`.
    public mutating func noteLatest(_ time: Double?, in name: String) {
        guard let time, time.isFinite else { return }
        latestTimestamps[name] = max(latestTimestamps[name] ?? time, time)
    }

    /// The file and local line of a global line number.
    public func locate(_ global: Int?) -> (file: String, line: Int?) {
        guard let global else { return (starts.first?.name ?? "<input>", nil) }
        var found = starts.first ?? (0, "<input>")
        for start in starts where start.offset < global { found = start }
        return (found.name, global - found.offset)
    }
}
