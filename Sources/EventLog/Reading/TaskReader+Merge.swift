/// Several Eliot inputs read as one stream, in time order.
///
/// A program may write its actions to one file and its monitor's chains to another (`actions.out` and
/// `mon.out`): a chain tracked inside an action carries the action's task and levels under it, so the task is in
/// both files. Read one file after the other, the action's task would be complete (its root ended) before the
/// second file's part of it was read, and a streaming reader would hand it out without it. Reading the inputs
/// merged by timestamp, as if every writer had shared one file, gives the task whole: each input keeps its own
/// order; at each step the input whose next message is earliest goes first (a message without a timestamp goes
/// as soon as it is next in its input). Memory holds one message per input beyond the open tasks.
extension TaskReader {
    /// One Eliot input being merged.
    struct MergedInput {
        var name: String
        /// The input's head, for the error when it holds no message.
        var head: [UInt8]
        var reader: EventLogReader
        /// The next message read and not yet handed to the grouper, with its line in the input.
        var next: (message: EventMessage, line: Int)?
        var messages = 0
        var warnings: [EventLogError] = []
        var latest: Double?
        var done = false
    }

    /// The global line numbers of merged inputs: input `k`'s line `n` is `k << lineBits + n`, so that they never
    /// collide and a task's messages from an earlier input come first in line order.
    static let lineBits = 40

    /// Fills `input.next` with its next message, collecting warnings on the way.
    static func advance(_ input: inout MergedInput, onMessage: ((EventMessage, String) -> Void)?)
        throws(EventLogError)
    {
        while input.next == nil, !input.done {
            switch input.reader.next() {
            case .message(let message, let line)?:
                onMessage?(message, input.name)
                if let time = message.timestamp, time > input.latest ?? -.infinity { input.latest = time }
                input.messages += 1
                input.next = (message, line)
            case .warning(let warning)?:
                if warning.code == .ioError { throw warning }
                input.warnings.append(warning)
            case nil:
                input.done = true
            }
        }
    }

    /// The input to take from next: the one whose next message has the earliest timestamp (an untimed one at
    /// once), the earlier input on a tie; `nil` when all are read.
    static func earliest(_ inputs: [MergedInput]) -> Int? {
        var best: Int?
        var bestTime = Double.infinity
        for (k, input) in inputs.enumerated() {
            guard let next = input.next else { continue }
            guard let time = next.message.timestamp, time.isFinite else { return k }
            if best == nil || time < bestTime {
                best = k
                bestTime = time
            }
        }
        return best
    }
}
