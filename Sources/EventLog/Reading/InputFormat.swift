/// The format of one input file.
public enum InputFormat: String, Sendable, Hashable, Codable {
    /// Eliot's JSON lines (our `mon.out`, or any Eliot program's log).
    case eliot
    /// The original Python Reactor Track's lines (`{"action": "attached", "deferred": 25657144, ...}`).
    case reactorTrack = "reactor-track"

    /// Guesses the format from the start of a file: the first JSON object with `task_uuid` means Eliot, one
    /// with `action` and `deferred` means Reactor Track. `nil` when neither appears in the first 50 lines.
    public static func detect(_ head: [UInt8]) -> InputFormat? {
        var lines = 0
        for line in head.split(separator: 0x0A, omittingEmptySubsequences: true) {
            lines += 1
            if lines > 50 { break }
            guard let value = try? JSONValue(parsing: line), case .object(let fields) = value else { continue }
            if fields["task_uuid"] != nil { return .eliot }
            if fields["action"] != nil, fields["deferred"] != nil { return .reactorTrack }
        }
        return nil
    }
}
