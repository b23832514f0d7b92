/// Text collected for a ``FileStream`` and written in large pieces, or at once when the stream is a terminal
/// (where someone is watching the output arrive).
struct BufferedOutput {
    let stream: FileStream
    private var pending = ""
    private let limit: Int

    /// - Parameter limit: How many bytes to collect before writing (0 when the stream is a terminal).
    init(_ stream: FileStream, limit: Int = 1 << 16) {
        self.stream = stream
        self.limit = stream.isTerminal ? 0 : limit
    }

    mutating func write(_ text: String) {
        pending += text
        if pending.utf8.count >= limit { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        stream.write(pending)
        pending = ""
    }
}
