import Defer

/// One thing the monitor saw, recorded compactly at event time and turned into Eliot messages later
/// (`MonitorEncoder`), so the tracked path does no dictionary building and no formatting beyond describing values.
enum MonitorEvent: Sendable {
    case chainStarted(chain: Int, time: Double, label: String, createdAt: String?, trackedBy: String)
    case added(
        chain: Int, slot: Int, time: Double, index: Int, callback: CallbackName, errback: CallbackName,
        kind: String, file: String, line: UInt)
    case fired(chain: Int, slot: Int, time: Double, outcome: Outcome)
    case runStarted(chain: Int, slot: Int, time: Double, index: Int, onErrorPath: Bool)
    case runEnded(chain: Int, slot: Int, time: Double, output: RunOutput)
    case waiting(chain: Int, slot: Int, time: Double, on: Int?)
    case resumed(chain: Int, slot: Int, time: Double, from: Int?, waited: Double, outcome: Outcome?)
    case chained(chain: Int, slot: Int, time: Double, to: Int?)
    case pause(chain: Int, slot: Int, time: Double, count: Int)
    case cancelled(chain: Int, slot: Int, time: Double)
    case unhandled(chain: Int, slot: Int, time: Double, failure: Outcome)
    /// `time` is the chain's last activity; `closedAt` when the monitor closed it (release, dump or stop).
    case chainEnded(chain: Int, slot: Int, time: Double, closedAt: Double, endedBy: String, runs: Int, outcome: Outcome)

    /// A chain's current result, described.
    enum Outcome: Sendable {
        case success(String)
        case failure(type: String, reason: String)

        init(_ result: Result<Any, Failure>) {
            switch result {
            case .success(let value): self = .success(ValueDescription.describe(value))
            case .failure(let failure): self = .init(failure)
            }
        }

        init(_ failure: Failure) {
            self = .failure(type: failure.typeName, reason: ValueDescription.bounded(failure.errorMessage))
        }

        /// How a run's input or the chain's value reads in the log.
        var text: String {
            switch self {
            case .success(let text): text
            case .failure(let type, let reason): ValueDescription.bounded("\(type): \(reason)")
            }
        }
    }

    /// What a run returned.
    enum RunOutput: Sendable {
        case value(Outcome)
        /// It returned a deferred (the monitor's id for it, if tracked).
        case deferred(Int?)
    }
}
