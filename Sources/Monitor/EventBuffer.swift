/// Recorded events and the texts they point at, in fixed-size chunks: appending never moves what is already
/// recorded (one growing array was copied on every doubling, and that copy showed in the tracked path's
/// profile).
struct EventBuffer: Sendable {
    /// Events (and texts) per full chunk. The first chunks are smaller (64, 128, …), so a streaming batch or a
    /// short log does not reserve a large block it never fills.
    static let chunkSize = 8_192
    static let firstChunkSize = 64

    private var chunks: [[MonitorEvent]] = []
    private var textChunks: [[String]] = []
    /// How many events it holds.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ event: MonitorEvent) {
        Self.append(event, to: &chunks)
        count += 1
    }

    /// Stores a text for an event to point at.
    mutating func text(_ text: String) -> MonitorEvent.TextRef {
        Self.append(text, to: &textChunks)
        return MonitorEvent.TextRef(chunk: textChunks.count - 1, offset: textChunks[textChunks.count - 1].count - 1)
    }

    /// Appends to the last chunk, starting a new one (twice the last one's size, up to `chunkSize`) when it is full.
    private static func append<Element>(_ element: Element, to chunks: inout [[Element]]) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == chunks[chunks.count - 1].capacity {
            var chunk: [Element] = []
            chunk.reserveCapacity(chunks.last.map { min(chunkSize, $0.capacity * 2) } ?? firstChunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
    }

    /// Stores an outcome's texts.
    mutating func value(_ outcome: MonitorEvent.Outcome) -> MonitorEvent.Value {
        switch outcome {
        case .success(let text): .success(self.text(text))
        case .integer(let int): .integer(int)
        case .failure(let type, let reason): .failure(type: text(type), reason: text(reason))
        }
    }

    /// The text `ref` points at.
    subscript(ref: MonitorEvent.TextRef) -> String {
        textChunks[Int(ref.chunk)][Int(ref.offset)]
    }

    /// The outcome a recorded value stands for.
    func outcome(_ value: MonitorEvent.Value) -> MonitorEvent.Outcome {
        switch value {
        case .success(let ref): .success(self[ref])
        case .integer(let int): .integer(int)
        case .failure(let type, let reason): .failure(type: self[type], reason: self[reason])
        }
    }

    /// Every event, in the order recorded.
    var all: FlattenSequence<[[MonitorEvent]]> { chunks.joined() }
}
