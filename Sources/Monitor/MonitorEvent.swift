import Defer

/// One thing the monitor saw, recorded compactly at event time and turned into Eliot messages later
/// (`MonitorEncoder`), so the tracked path does no dictionary building and no formatting beyond describing values.
///
/// Times are ticks of the monitor's `MonitorClock`, made Unix seconds when encoded.
///
/// Events are plain 48-byte values without references (32 before chain ids became 64-bit). Texts (labels, value
/// descriptions) live in the `EventBuffer`'s text table; the call site of an added pair (names, kind, file,
/// line) is stored once per buffer and shared by every pair added there; the few large, rare events (a chain's
/// start and end, a resume) keep their fields in the buffer's detail table. Recording an event is then a copy
/// of six words, with no reference counting, and a buffered million events take 48 MB.
enum MonitorEvent: Sendable {
    case chainStarted(chain: Int, time: UInt64, detail: Ref)
    case added(chain: Int, slot: Int32, time: UInt64, index: Int32, site: Ref)
    case fired(chain: Int, slot: Int32, time: UInt64, outcome: Value)
    case runStarted(chain: Int, slot: Int32, time: UInt64, index: Int32, onErrorPath: Bool)
    case runEnded(chain: Int, slot: Int32, time: UInt64, output: RunOutput)
    case waiting(chain: Int, slot: Int32, time: UInt64, on: Int?)
    case resumed(chain: Int, slot: Int32, time: UInt64, detail: Ref)
    case chained(chain: Int, slot: Int32, time: UInt64, to: Int?, index: Int32)
    case pause(chain: Int, slot: Int32, time: UInt64, count: Int32)
    case cancelled(chain: Int, slot: Int32, time: UInt64)
    /// Pair `index` ran before the monitor tracked the deferred (its names are in the `added` just before).
    case beforeTracking(chain: Int, slot: Int32, time: UInt64, index: Int32)
    /// The chain waits, through others, on itself: none of them can ever fire (found when the monitor stops).
    case waitCycle(chain: Int, slot: Int32, time: UInt64, cycle: Ref)
    case unhandled(chain: Int, slot: Int32, time: UInt64, failure: Value)
    case chainEnded(chain: Int, slot: Int32, time: UInt64, detail: Ref)

    /// When it happened, in ticks.
    var time: UInt64 {
        switch self {
        case .chainStarted(_, let time, _), .added(_, _, let time, _, _), .fired(_, _, let time, _),
            .runStarted(_, _, let time, _, _), .runEnded(_, _, let time, _), .waiting(_, _, let time, _),
            .resumed(_, _, let time, _), .chained(_, _, let time, _, _), .pause(_, _, let time, _),
            .cancelled(_, _, let time), .waitCycle(_, _, let time, _), .beforeTracking(_, _, let time, _), .unhandled(_, _, let time, _), .chainEnded(_, _, let time, _):
            time
        }
    }

    /// Where an element sits in one of the buffer's chunked tables (texts, sites, details).
    /// The chain the event belongs to.
    var chain: Int {
        switch self {
        case .chainStarted(let chain, _, _), .added(let chain, _, _, _, _), .fired(let chain, _, _, _),
            .runStarted(let chain, _, _, _, _), .runEnded(let chain, _, _, _), .waiting(let chain, _, _, _),
            .resumed(let chain, _, _, _), .chained(let chain, _, _, _, _), .pause(let chain, _, _, _),
            .cancelled(let chain, _, _), .waitCycle(let chain, _, _, _), .beforeTracking(let chain, _, _, _), .unhandled(let chain, _, _, _), .chainEnded(let chain, _, _, _):
            chain
        }
    }

    struct Ref: Sendable, Equatable {
        let chunk: Int32
        let offset: Int32

        init(chunk: Int, offset: Int) {
            // Chunks hold at most `EventBuffer.chunkSize` elements, and 2^31 chunks would be 2^44 of them.
            self.chunk = Int32(chunk)
            self.offset = Int32(offset)
        }
    }

    /// How one half of a pair is named (`CallbackName`, with its text in the table).
    enum Name: Sendable {
        case passThrough
        case unnamed
        case named(Ref)
    }

    /// Where a pair was added, and what its halves are called: stored once per buffer for each distinct site.
    struct Site: Sendable {
        let callback: Name
        let errback: Name
        let kind: StaticString
        let file: Ref
        let line: UInt
        /// `file:line`, as written.
        let text: Ref
    }

    /// The fields of the large, rare events, and a failure's two texts.
    enum Detail: Sendable {
        /// `createdAt` is where `track` was called (the file's text and the line), joined when encoded.
        case started(
            label: Ref, site: (file: Ref, line: UInt)?, siteIsCreation: Bool, trackedBy: Ref,
            context: (taskUUID: Ref, level: [Int])?)
        /// `waited` is in ticks.
        case resumed(from: Int?, waited: UInt64, outcome: Value?)
        case ended(closedAt: UInt64, endedBy: Ref, runs: Int, outcome: Value)
        case failure(type: Ref, reason: Ref)
        case cycle([Int])
    }

    /// A recorded outcome (`Outcome`, with its texts in the tables).
    enum Value: Sendable {
        case success(Ref)
        case integer(Int)
        /// A success value the monitor's policy (`values: .none`) does not write.
        case hidden
        /// Points at a `Detail.failure`.
        case failure(Ref)
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
        /// A success value not looked at (`values: .none`): written as ``ValueDescription/hidden``.
        case hidden
        case failure(type: String, reason: String)

        /// A success value, described as `policy` asks (see `ValueDescription`).
        init(value: Any, policy: ValuePolicy = .full) {
            if policy == .none {
                self = .hidden
            } else if let int = exactCast(value, to: Int.self) {
                self = .integer(int)
            } else {
                self = .success(ValueDescription.describe(value, policy: policy))
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
            case .hidden: ValueDescription.hidden
            case .failure(let type, let reason): ValueDescription.bounded("\(type): \(reason)")
            }
        }
    }
}

extension Int32 {
    /// A count or pair index within one chain, as recorded in an event; larger ones (beyond 2^31 in one chain)
    /// are clamped. Chain ids are never clamped: they are 64-bit (`Int`) throughout.
    init(recording value: Int) { self.init(clamping: value) }
}
