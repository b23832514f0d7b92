import Actions
import Defer
import EventLog
import Foundation

/// Turns recorded `MonitorEvent`s (with the texts of the buffer they were recorded in) into Eliot log lines (the
/// vocabulary in `docs/monitor-format.md`), written straight into bytes: the writer thread's whole job, so it
/// builds no message values on the way.
///
/// It replays the events in order, keeping per chain its task id, the names of its pairs and its current value,
/// so a run's input is the chain's result at that point (Twisted hands each callback the previous result). Keys
/// are written in `EventLogEncoder`'s order (the tests read every kind of line back and re-encode it).
struct MonitorEncoder: Sendable {
    private typealias V = MonitorVocabulary
    private typealias F = MonitorVocabulary.Field

    private struct ChainState: Sendable {
        /// The bytes each of its lines starts with (its task id).
        let prefix: [UInt8]
        var current: MonitorEvent.Outcome = .success("None")
        /// Where its pairs were added, and so what they are called, by index (pairs are numbered from 0 as they
        /// are added).
        var sites: [SiteText?] = []

        mutating func setSite(_ site: SiteText, at index: Int32) {
            sites.store(site, atPair: Int(index), filling: nil)
        }

        func site(at index: Int32) -> SiteText? {
            index >= 0 && Int(index) < sites.count ? sites[Int(index)] : nil
        }
    }

    /// A call site's part of the lines that show it, escaped once (per batch, as its site is stored once per
    /// buffer): the fixed fields of its `added` lines, and its halves' names for the runs.
    private final class SiteText: Sendable {
        /// The added message's type, then its `callback`, `errback` and the `index` key (`Pieces.addedCallback` on).
        let addedHead: [UInt8]
        /// `,"site":"file:line"`
        let addedTail: [UInt8]
        /// Each half's name as a JSON string (`nil`: a pass-through half, which a run calls `pair N`).
        let callback: [UInt8]?
        let errback: [UInt8]?

        init(names: (callback: String?, errback: String?), site: String?, pieces: Pieces) {
            callback = names.callback.map { LineBuilder.jsonString($0) }
            errback = names.errback.map { LineBuilder.jsonString($0) }
            addedHead =
                pieces.addedCallback + (callback ?? pieces.null) + pieces.errback + (errback ?? pieces.null) + pieces.index
            addedTail = site.map { pieces.site + LineBuilder.jsonString($0) } ?? []
        }
    }

    /// The chains seen starting and not yet ended.
    private var chains: [Int: ChainState] = [:]
    /// The last chain looked up, and where it is in `chains` (until `chains` gains or loses one): a chain's
    /// events mostly come one after another.
    private var lastChain = 0
    private var lastIndex: [Int: ChainState].Index?
    /// Turns the events' ticks into Unix seconds; the streaming writer renews it for every batch.
    var scale: TickScale
    /// The constant parts of the common lines (held here: a static one is checked for being made at every use).
    private let pieces = Pieces()
    /// What was made of the call sites of the buffer being read (`EventBuffer.generation`), by where they lie.
    private var siteTexts: [[SiteText?]] = []
    private var siteTextsOf: UInt64 = 0

    init(scale: TickScale) {
        self.scale = scale
    }

    /// Appends the start line of a chain whose start event a flight record let go (`FlightRing`): its fields and,
    /// when other events of it went too, `cut_at`, when the record starts for it. Its value and pair names carry
    /// on from the events let go.
    mutating func appendCut(_ start: FlightRing.CutStart, cutAt: UInt64, to line: inout LineBuilder) {
        open(
            start.chain, time: start.time, label: start.label, site: start.site.map { "\($0.file):\($0.line)" },
            siteIsCreation: start.siteIsCreation, trackedBy: start.trackedBy, context: start.context,
            cutAt: start.lost ? cutAt : nil, to: &line)
        chains[start.chain]?.current = start.current
        for (index, names) in start.names {
            chains[start.chain]?.setSite(SiteText(names: names, site: nil, pieces: pieces), at: index)
        }
    }

    /// Appends the line for `event`; returns false (appending nothing) for an event of a chain it never saw start.
    @discardableResult
    mutating func append(_ event: MonitorEvent, in buffer: EventBuffer, to line: inout LineBuilder) -> Bool {
        let scale = self.scale
        if case .chainStarted(let chain, let time, let detail) = event {
            guard case .started(let label, let site, let siteIsCreation, let trackedBy, let context) = buffer[detail: detail]
            else { return false }
            open(
                chain, time: time, label: buffer[text: label], site: site.map { "\(buffer[text: $0.file]):\($0.line)" },
                siteIsCreation: siteIsCreation, trackedBy: buffer[text: trackedBy],
                context: context.map { (buffer[text: $0.taskUUID], $0.level) }, cutAt: nil, to: &line)
            return true
        }
        // One lookup (none for the same chain again), and the chain's state updated where it lies (not copied
        // out and back).
        let chain = event.chain
        let index: [Int: ChainState].Index
        if chain == lastChain, let last = lastIndex {
            index = last
        } else {
            guard let found = chains.index(forKey: chain) else { return false }
            index = found
            lastChain = chain
            lastIndex = found
        }
        var site: SiteText?
        if case .added(_, _, _, _, let ref) = event { site = siteText(ref, in: buffer) }
        let written = Self.append(
            event, of: &chains.values[index], site: site, in: buffer, scale: scale, pieces: pieces, to: &line)
        // Nothing follows a chain's end: its state can go.
        if case .chainEnded = event {
            chains.remove(at: index)
            lastIndex = nil
        }
        return written
    }

    /// What is made of the call site at `ref` in `buffer`: made once per site and buffer.
    @inline(__always)
    private mutating func siteText(_ ref: MonitorEvent.Ref, in buffer: EventBuffer) -> SiteText {
        let chunk = Int(ref.chunk)
        let offset = Int(ref.offset)
        if buffer.generation == siteTextsOf, chunk < siteTexts.count, offset < siteTexts[chunk].count,
            let made = siteTexts[chunk][offset]
        {
            return made
        }
        return makeSiteText(ref, in: buffer)
    }

    @inline(never)
    private mutating func makeSiteText(_ ref: MonitorEvent.Ref, in buffer: EventBuffer) -> SiteText {
        if buffer.generation != siteTextsOf {
            siteTexts.removeAll()
            siteTextsOf = buffer.generation
        }
        let site = buffer[site: ref]
        let made = SiteText(names: Self.names(of: site, in: buffer), site: buffer[text: site.text], pieces: pieces)
        let chunk = Int(ref.chunk)
        let offset = Int(ref.offset)
        while siteTexts.count <= chunk { siteTexts.append([]) }
        while siteTexts[chunk].count <= offset { siteTexts[chunk].append(nil) }
        siteTexts[chunk][offset] = made
        return made
    }

    /// Starts chain `chain`'s task (a task of its own, or an action at the level its enclosing action reserved)
    /// and writes its start line, keys in sorted order: where the Deferred was made when known, else where it was
    /// tracked; `cut_at` for a chain a flight record cut.
    private mutating func open(
        _ chain: Int, time: UInt64, label: String, site: String?, siteIsCreation: Bool, trackedBy: String,
        context: (taskUUID: String, level: [Int])?, cutAt: UInt64?, to line: inout LineBuilder
    ) {
        let state = ChainState(
            prefix: LineBuilder.prefix(taskUUID: context?.taskUUID ?? newTaskUUID(), levels: context?.level ?? []))
        chains[chain] = state
        lastIndex = nil
        line.open(prefix: state.prefix, level: 1, timestamp: scale.seconds(time))
        Self.action(V.deferredAction, .started, to: &line)
        if siteIsCreation { line.field(F.createdAt, site) }
        if let cutAt { line.field(F.cutAt, scale.seconds(cutAt)) }
        line.field(F.deferredID, chain)
        line.field(F.label, label)
        if !siteIsCreation, let site { line.field(F.trackedAt, site) }
        line.field(F.trackedBy, trackedBy)
        line.close()
    }

    /// The line of an event of a started chain (`state`).
    private static func append(
        _ event: MonitorEvent, of state: inout ChainState, site: SiteText?, in buffer: EventBuffer, scale: TickScale,
        pieces: Pieces, to line: inout LineBuilder
    ) -> Bool {
        func open(_ slot: Int32, _ time: UInt64, _ type: V.Message) {
            line.open(prefix: state.prefix, level: Int(slot), timestamp: scale.seconds(time))
            line.field(EventMessage.Key.messageType, type.rawValue)
        }
        switch event {
        case .chainStarted:
            return false
        case .added(_, let slot, let time, let index, _):
            guard let site else { return false }
            state.setSite(site, at: index)
            line.open(prefix: state.prefix, level: Int(slot), timestamp: scale.seconds(time))
            line.raw(site.addedHead)
            line.int(Int(index))
            line.raw(site.addedTail)
        case .fired(_, let slot, let time, let value):
            open(slot, time, .fired)
            let value = buffer.outcome(value)
            state.current = value
            outcome(value, to: &line)
        case .runStarted(_, let slot, let time, let index, let onErrorPath):
            let site = state.site(at: index)
            line.open(prefix: state.prefix, level: Int(slot), sublevel: 1, timestamp: scale.seconds(time))
            line.raw(pieces.runStartedIndex)
            line.int(Int(index))
            line.raw(pieces.input)
            text(of: state.current, to: &line)
            line.raw(pieces.name)
            if let name = onErrorPath ? site?.errback : site?.callback {
                line.raw(name)
            } else {
                line.string("pair \(index)")
            }
            line.raw(onErrorPath ? pieces.errorPath : pieces.successPath)
        case .runEnded(_, let slot, let time, let output):
            line.open(prefix: state.prefix, level: Int(slot), sublevel: 2, timestamp: scale.seconds(time))
            switch output {
            case .value(let value):
                let value = buffer.outcome(value)
                state.current = value
                if case .failure(let type, let reason) = value {
                    action(V.runAction, .failed, to: &line)
                    failure(type, reason, to: &line)
                    line.field(F.outputPath, V.Path.error.rawValue)
                } else {
                    line.raw(pieces.runSucceededOutput)
                    text(of: value, to: &line)
                    line.raw(pieces.successOutputPath)
                }
            case .deferred(let id):
                action(V.runAction, .succeeded, to: &line)
                line.field(F.output, id.map { "Deferred #\($0)" } ?? "Deferred")
                line.field(F.outputPath, V.Path.deferred.rawValue)
                line.field(F.returnedDeferred, id.map { Int($0) })
            }
        case .waiting(_, let slot, let time, let on):
            open(slot, time, .waiting)
            line.field(F.on, on.map { Int($0) })
        case .resumed(_, let slot, let time, let detail):
            guard case .resumed(let from, let waited, let value) = buffer[detail: detail] else { return false }
            open(slot, time, .resumed)
            let outcome = value.map { buffer.outcome($0) }
            if let outcome { state.current = outcome }
            if case .failure(let type, let reason) = outcome { failure(type, reason, to: &line) }
            line.field(F.from, from.map { Int($0) })
            if let outcome {
                line.field(F.path, (outcome.isFailure ? V.Path.error : V.Path.success).rawValue)
                if !outcome.isFailure { line.field(F.value, outcome.text) }
            }
            line.field(F.waited, scale.duration(from: 0, to: waited))
        case .chained(_, let slot, let time, let to, let index):
            open(slot, time, .chained)
            line.field(F.index, Int(index))
            line.field(F.to, to.map { Int($0) })
        case .pause(_, let slot, let time, let count):
            open(slot, time, .pause)
            line.field(F.count, Int(count))
        case .cancelled(_, let slot, let time):
            open(slot, time, .cancelled)
        case .beforeTracking(_, let slot, let time, let index):
            open(slot, time, .beforeTracking)
            line.field(F.index, Int(index))
        case .waitCycle(_, let slot, let time, let ref):
            guard case .cycle(let ids) = buffer[detail: ref] else { return false }
            open(slot, time, .waitCycle)
            line.field(F.cycle, ids.map { Int($0) })
        case .unhandled(_, let slot, let time, let value):
            open(slot, time, .unhandledError)
            let outcome = buffer.outcome(value)
            if case .failure(let type, let reason) = outcome {
                failure(type, reason, to: &line)
            } else {
                line.field(F.value, outcome.text)
            }
        case .chainEnded(_, let slot, let time, let detail):
            guard case .ended(let closedAt, let endedBy, let runs, let value) = buffer[detail: detail] else {
                return false
            }
            let outcome = buffer.outcome(value)
            line.open(prefix: state.prefix, level: Int(slot), timestamp: scale.seconds(time))
            if case .failure(let type, let reason) = outcome {
                action(V.deferredAction, .failed, to: &line)
                failure(type, reason, to: &line)
            } else {
                action(V.deferredAction, .succeeded, to: &line)
            }
            line.field(F.closedAt, scale.seconds(closedAt))
            line.field(F.endedBy, buffer[text: endedBy])
            if !outcome.isFailure { line.field(F.result, outcome.text) }
            line.field(F.runs, runs)
        }
        line.close()
        return true
    }

    /// The constant parts of the common lines, each written with one copy: keys with the `,` and `:` around
    /// them, and whole fields whose value never changes. Made once from the vocabulary, in the order
    /// `EventLogEncoder` writes keys.
    fileprivate struct Pieces: Sendable {
        let addedCallback =
            LineBuilder.field(EventMessage.Key.messageType, V.Message.added.rawValue) + LineBuilder.key(F.callback)
        let errback = LineBuilder.key(F.errback)
        let null = Array("null".utf8)
        let index = LineBuilder.key(F.index)
        let site = LineBuilder.key(F.site)
        let runStartedIndex =
            LineBuilder.field(EventMessage.Key.actionType, V.runAction)
            + LineBuilder.field(EventMessage.Key.actionStatus, ActionStatus.started.rawValue)
            + LineBuilder.key(F.index)
        let input = LineBuilder.key(F.input)
        let name = LineBuilder.key(F.name)
        let successPath = LineBuilder.field(F.path, V.Path.success.rawValue)
        let errorPath = LineBuilder.field(F.path, V.Path.error.rawValue)
        let runSucceededOutput =
            LineBuilder.field(EventMessage.Key.actionType, V.runAction)
            + LineBuilder.field(EventMessage.Key.actionStatus, ActionStatus.succeeded.rawValue)
            + LineBuilder.key(F.output)
        let successOutputPath = LineBuilder.field(F.outputPath, V.Path.success.rawValue)
    }

    /// An outcome as the JSON string the log shows (``MonitorEvent/Outcome/text``): an `Int` written straight
    /// from its digits, without making its text first.
    private static func text(of outcome: MonitorEvent.Outcome, to line: inout LineBuilder) {
        if case .integer(let int) = outcome { line.quoted(int) } else { line.string(outcome.text) }
    }

    /// The names a pair added at `site` is written with (`nil`: a pass-through half).
    static func names(of site: MonitorEvent.Site, in buffer: EventBuffer) -> (callback: String?, errback: String?) {
        func name(_ half: MonitorEvent.Name) -> String? {
            switch half {
            case .passThrough: nil
            case .unnamed: "\(site.kind)@\(buffer[text: site.text])"
            case .named(let text): buffer[text: text]
            }
        }
        return (name(site.callback), name(site.errback))
    }

    private static func action(_ type: String, _ status: ActionStatus, to line: inout LineBuilder) {
        line.field(EventMessage.Key.actionType, type)
        line.field(EventMessage.Key.actionStatus, status.rawValue)
    }

    private static func failure(_ type: String, _ reason: String, to line: inout LineBuilder) {
        line.field(EventMessage.Key.exception, type)
        line.field(EventMessage.Key.reason, reason)
    }

    /// A value's fields: `path` and `value`, or `exception`, `reason` and `path` for a failure.
    private static func outcome(_ outcome: MonitorEvent.Outcome, to line: inout LineBuilder) {
        if case .failure(let type, let reason) = outcome {
            failure(type, reason, to: &line)
            line.field(F.path, V.Path.error.rawValue)
        } else {
            line.field(F.path, V.Path.success.rawValue)
            line.field(F.value, outcome.text)
        }
    }
}

extension MonitorEvent.Outcome {
    var isFailure: Bool {
        if case .failure = self { true } else { false }
    }
}
