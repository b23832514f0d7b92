import Defer

/// One thing the monitor saw, recorded compactly at event time and turned into Eliot messages later
/// (`MonitorEncoder`), so the tracked path does no dictionary building and no formatting beyond describing values.
///
/// Events are plain values without references: texts (labels, files, value descriptions) live in the
/// `EventBuffer`'s text table and events point at them with a `TextRef`. Recording an event is then a copy of a
/// few words, with no reference counting, and the buffer never moves strings around as it grows.
enum MonitorEvent: Sendable {
    case chainStarted(chain: Int, time: Double, label: TextRef, createdAt: TextRef?, trackedBy: TextRef)
    case added(
        chain: Int, slot: Int, time: Double, index: Int, callback: Name, errback: Name, kind: StaticString,
        file: TextRef, line: UInt)
    case fired(chain: Int, slot: Int, time: Double, outcome: Value)
    case runStarted(chain: Int, slot: Int, time: Double, index: Int, onErrorPath: Bool)
    case runEnded(chain: Int, slot: Int, time: Double, output: RunOutput)
    case waiting(chain: Int, slot: Int, time: Double, on: Int?)
    case resumed(chain: Int, slot: Int, time: Double, from: Int?, waited: Double, outcome: Value?)
    case chained(chain: Int, slot: Int, time: Double, to: Int?)
    case pause(chain: Int, slot: Int, time: Double, count: Int)
    case cancelled(chain: Int, slot: Int, time: Double)
    case unhandled(chain: Int, slot: Int, time: Double, failure: Value)
    /// `time` is the chain's last activity; `closedAt` when the monitor closed it (release, dump or stop).
    case chainEnded(
        chain: Int, slot: Int, time: Double, closedAt: Double, endedBy: TextRef, runs: Int, outcome: Value)

    /// A text in the buffer's text table.
    struct TextRef: Sendable {
        let chunk: Int32
        let offset: Int32

        init(chunk: Int, offset: Int) {
            // Chunks hold at most `EventBuffer.chunkSize` texts, and 2^31 chunks would be 2^44 texts.
            self.chunk = Int32(chunk)
            self.offset = Int32(offset)
        }
    }

    /// How one half of a pair is named (`CallbackName`, with its text in the table).
    enum Name: Sendable {
        case passThrough
        case unnamed
        case named(TextRef)
    }

    /// A recorded outcome (`Outcome`, with its texts in the table).
    enum Value: Sendable {
        case success(TextRef)
        case integer(Int)
        case failure(type: TextRef, reason: TextRef)

    }

    /// What a run returned.
    enum RunOutput: Sendable {
        case value(Value)
        /// It returned a deferred (the monitor's id for it, if tracked).
        case deferred(Int?)
    }

    /// A chain's current result, described: what the monitor keeps per chain while recording.
    enum Outcome: Sendable {
        case success(String)
        /// An `Int` success value, kept as a number and only turned into text when encoded (the common case of
        /// counters and ids: no string is made on the tracked path).
        case integer(Int)
        case failure(type: String, reason: String)

        init(_ result: Result<Any, Failure>) {
            switch result {
            case .success(let value): self = .init(value: value)
            case .failure(let failure): self = .init(failure)
            }
        }

        /// A success value, described (see `ValueDescription`).
        init(value: Any) {
            if let int = value as? Int {
                self = .integer(int)
            } else {
                self = .success(ValueDescription.describe(value))
            }
        }

        init(_ failure: Failure) {
            self = .failure(type: failure.typeName, reason: ValueDescription.bounded(failure.errorMessage))
        }

        /// How a run's input or the chain's value reads in the log.
        var text: String {
            switch self {
            case .success(let text): text
            case .integer(let int): String(int)
            case .failure(let type, let reason): ValueDescription.bounded("\(type): \(reason)")
            }
        }
    }
}
