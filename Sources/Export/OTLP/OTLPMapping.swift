public import Chains
import EventLog

/// Chains as OpenTelemetry spans, the mapping `docs/exports.md` describes:
///
/// - the Eliot `task_uuid` is the trace id; span ids are derived from the task and the task level (or the pair)
///   with FNV-1a, so the same log always gives the same ids;
/// - a tracked Deferred's chain is a span; each callback/errback run a child span (status ERROR, with an
///   `exception` event, when it raised); a wait a child span linked to the awaited chain's span;
///   `chainDeferred` and a returned Deferred a link on the chain's span;
/// - an Eliot action is a span under its parent action; a message is an event on the action it is in.
public enum OTLPMapping {
    typealias Key = SpanVocabulary.Attribute

    /// One batch per input file, its spans in the chains' order.
    public static func batches(_ chains: [Chain], inputs: [String]) -> [OTLPBatch] {
        var order = inputs
        var byFile: [String: [OTLPSpan]] = [:]
        spans(of: chains) { file, list in
            if byFile[file] == nil, !order.contains(file) { order.append(file) }
            byFile[file, default: []] += list
        }
        return order.compactMap { file in
            guard let list = byFile[file], !list.isEmpty else { return nil }
            return OTLPBatch(resource: resource(of: file), spans: list)
        }
    }

    /// The resource of an input file's spans: `service.name` (the file's name) and the file.
    package static func resource(of file: String) -> [OTLPSpan.Attribute] {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return [.init("service.name", .string(name)), .init(Key.input, .string(file))]
    }

    /// The spans of `chains` (links resolved among them), handed to `handle` a chain at a time with the chain's
    /// file, in the chains' order: a family of a hundred thousand chains is written without all its spans held.
    package static func spans(of chains: [Chain], _ handle: (_ file: String, _ spans: [OTLPSpan]) -> Void) {
        let shown = chains.filter { !$0.isDropMarker }
        var byID: [String: [Int: Chain]] = [:]
        for chain in shown {
            if let id = chain.deferredID, byID[chain.file]?[id] == nil { byID[chain.file, default: [:]][id] = chain }
        }
        // A chain tracked inside an action is one span: its chain's, under the action it was tracked in (in place
        // of the action tree's row for it), so the action trees go first to say where each such chain goes.
        var exported = Set<String>()
        for chain in shown where chain.isDeferred { exported.insert(chain.id) }
        var places: [String: Placement] = [:]
        var treeSpans: [Int: [OTLPSpan]] = [:]
        for (i, chain) in shown.enumerated() where !chain.isDeferred {
            treeSpans[i] = actions(chain, tracked: exported.contains, places: &places)
        }
        for (i, chain) in shown.enumerated() {
            let target = { (id: Int) in byID[chain.file]?[id] }
            let trace = { (other: Chain) in places[other.id]?.traceID ?? traceID(other) }
            handle(chain.file, treeSpans.removeValue(forKey: i) ?? deferred(chain, place: places[chain.id], target: target, trace: trace))
        }
    }

    /// Where a chain tracked inside an action goes: under that action, in its task's trace.
    struct Placement {
        var traceID: [UInt8]
        var parentSpanID: [UInt8]
        /// The task's UUID (the chain's id is the task's UUID and the level of its action).
        var taskUUID: String
        /// The level of the chain's start message in the task (`/2/1`), as the action tree's rows carry it.
        var level: String
    }

    // MARK: Ids and times

    /// The trace id of a chain: its task's UUID, or (the original format, which has none) a hash of its id.
    static func traceID(_ chain: Chain) -> [UInt8] {
        let hex = chain.id.prefix(36).filter { $0 != "-" }
        if hex.count == 32, let bytes = bytes(hex: hex) { return bytes }
        return bigEndian(fnv1a(chain.file + "\u{0}" + chain.id)) + bigEndian(fnv1a(chain.id + "\u{0}" + chain.file))
    }

    /// The span id of `key` (never zero, which OTLP reads as "no span").
    static func spanID(_ key: String) -> [UInt8] {
        let hash = fnv1a(key)
        return bigEndian(hash == 0 ? 1 : hash)
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    static func bytes<S: StringProtocol>(hex: S) -> [UInt8]? {
        var out: [UInt8] = []
        var high: UInt8?
        for char in hex.utf8 {
            let digit: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = char - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = char - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | digit)
                high = nil
            } else {
                high = digit
            }
        }
        return high == nil ? out : nil
    }

    /// Unix nanoseconds of Unix seconds (0 when unknown or out of range).
    static func nanos(_ seconds: Double?) -> UInt64 {
        guard let seconds, seconds.isFinite, seconds >= 0, seconds < 9e9 else { return 0 }
        let whole = seconds.rounded(.down)
        let fraction = ((seconds - whole) * 1e9).rounded()
        return UInt64(whole) * 1_000_000_000 + UInt64(max(0, fraction))
    }

    static func link(_ kind: ChainLink.Kind) -> SpanVocabulary.Link {
        switch kind {
        case .chained: .chained
        case .waitedOn: .waitedOn
        case .returned: .returned
        case .contains: .contains
        }
    }

    static func side(_ side: LadderSide) -> SpanVocabulary.RunSide {
        side == .callback ? .callback : .errback
    }

    static func text(_ key: String, _ value: String?) -> OTLPSpan.Attribute? {
        value.map { .init(key, .string($0)) }
    }

    /// OpenTelemetry's `exception` event (semantic conventions: `exception.type`, `exception.message`).
    static func exception(at time: UInt64, type: String, message: String?) -> OTLPSpan.Event {
        var attributes: [OTLPSpan.Attribute] = [.init("exception.type", .string(type))]
        if let message, !message.isEmpty { attributes.append(.init("exception.message", .string(message))) }
        return OTLPSpan.Event(time: time, name: "exception", attributes: attributes)
    }

    // MARK: Deferred chains

    static func chainSpanID(_ chain: Chain) -> [UInt8] { spanID(chain.id + "#chain") }

    /// The spans of a Deferred chain: the chain's, a root unless `place` puts it under the action it was tracked
    /// in, then its runs and waits; `trace` gives the trace id of a linked chain.
    static func deferred(
        _ chain: Chain, place: Placement? = nil, target: (Int) -> Chain?,
        trace: (Chain) -> [UInt8] = OTLPMapping.traceID
    ) -> [OTLPSpan] {
        let traceID = place?.traceID ?? traceID(chain)
        let id = chainSpanID(chain)
        let start = nanos(chain.start)
        var end = max(start, nanos(chain.end))
        for run in chain.runs { end = max(end, nanos(run.end ?? run.start)) }
        var span = OTLPSpan(
            traceID: traceID, spanID: id, parentSpanID: place?.parentSpanID ?? [], name: chain.label, start: start,
            end: end)
        span.attributes = [
            chain.deferredID.map { .init(Key.deferredID, .int($0)) }, text(Key.outcome, chain.outcome.name),
            text(Key.createdAt, chain.createdAt), text(Key.trackedAt, chain.trackedAt),
            text(Key.trackedBy, chain.trackedBy),
            text(Key.result, chain.result), text(Key.taskUUID, place?.taskUUID ?? chain.id),
            text("eliot.task_level", place?.level), chain.outcome.isOpen ? .init(Key.open, .bool(true)) : nil,
        ].compactMap { $0 }
        if let fired = chain.firedAt {
            span.events.append(
                OTLPSpan.Event(
                    time: nanos(fired), name: SpanVocabulary.Event.fired,
                    attributes: [
                        text(
                            Key.path,
                            chain.firedSide.map { ($0 == .callback ? MonitorVocabulary.Path.success : .error).rawValue }
                        ), text(Key.value, chain.firedValue),
                    ].compactMap { $0 }))
        }
        if let cancelled = chain.cancelledAt {
            span.events.append(
                OTLPSpan.Event(time: nanos(cancelled), name: SpanVocabulary.Event.cancelled, attributes: []))
        }
        if chain.outcome.isFailure, let exception = chain.outcome.exception {
            span.status = .error
            let reason = chain.outcome.reason ?? ""
            span.statusMessage = reason.isEmpty ? exception : "\(exception): \(reason)"
        }
        for link in chain.links where link.kind != .waitedOn {
            guard let other = target(link.target), other.id != chain.id else { continue }
            span.links.append(
                OTLPSpan.Link(
                    traceID: trace(other), spanID: chainSpanID(other),
                    attributes: [
                        .init(Key.link, .string(Self.link(link.kind).rawValue)),
                        link.pairIndex.map { .init(Key.pair, .int($0)) },
                    ].compactMap { $0 }))
        }
        var spans = [span]
        for (i, run) in chain.runs.enumerated() {
            let runStart = nanos(run.start)
            var child = OTLPSpan(
                traceID: traceID, spanID: spanID(chain.id + "#run\(i)"), parentSpanID: id, name: run.name,
                start: runStart, end: max(runStart, run.end.map { nanos($0) } ?? end))
            child.attributes = [
                run.index.map { .init(Key.pair, .int($0)) }, text(Key.path, Self.side(run.side).rawValue),
                text(Key.input, run.input), text(Key.output, run.output),
                run.end == nil ? .init(Key.open, .bool(true)) : nil,
            ].compactMap { $0 }
            if let exception = run.exception {
                child.status = .error
                child.statusMessage = run.reason.map { "\(exception): \($0)" } ?? exception
                child.events.append(Self.exception(at: child.end, type: exception, message: run.reason))
            }
            spans.append(child)
        }
        for (i, wait) in chain.waits.enumerated() {
            let waitStart = nanos(wait.start)
            var child = OTLPSpan(
                traceID: traceID, spanID: spanID(chain.id + "#wait\(i)"), parentSpanID: id,
                name: "wait on #\(wait.on.map(String.init) ?? "?")", start: waitStart,
                end: max(waitStart, wait.end.map { nanos($0) } ?? end))
            child.attributes = [
                wait.on.map { .init(Key.on, .int($0)) }, text(Key.resumed, wait.resumedValue),
                wait.end == nil ? .init(Key.open, .bool(true)) : nil,
            ].compactMap { $0 }
            if let on = wait.on, let other = target(on) {
                child.links.append(
                    OTLPSpan.Link(
                        traceID: trace(other), spanID: chainSpanID(other),
                        attributes: [
                            .init(Key.link, .string(SpanVocabulary.Link.waitedOn.rawValue))
                        ]))
            }
            spans.append(child)
        }
        return spans
    }

    // MARK: Eliot tasks

    /// The spans of an Eliot task. The row of a chain tracked inside an action, when that chain is exported too
    /// (`tracked` says so of its id), is no span: the chain's own span takes its place, and `places` notes where.
    static func actions(
        _ chain: Chain, tracked: (String) -> Bool = { _ in false }, places: inout [String: Placement]
    ) -> [OTLPSpan] {
        let traceID = traceID(chain)
        var spans: [OTLPSpan] = []
        // The open actions, innermost last: (depth, index in spans).
        var open: [(depth: Int, index: Int)] = []
        for row in chain.spans {
            while let last = open.last, last.depth >= row.depth { open.removeLast() }
            if let nested = nestedChainID(row, in: chain, tracked: tracked) {
                places[nested] = Placement(
                    traceID: traceID, parentSpanID: open.last.map { spans[$0.index].spanID } ?? [],
                    taskUUID: chain.id, level: row.level)
                continue
            }
            let fields = (row.startFields + row.endFields).map { OTLPSpan.Attribute($0.key, .string($0.value)) }
            let time = nanos(row.start)
            if row.kind == .message, let parent = open.last {
                spans[parent.index].events.append(
                    OTLPSpan.Event(
                        time: time, name: row.name, attributes: [.init("eliot.task_level", .string(row.level))] + fields
                    ))
                continue
            }
            var span = OTLPSpan(
                traceID: traceID, spanID: spanID(chain.id + row.level),
                parentSpanID: open.last.map { spans[$0.index].spanID } ?? [],
                name: row.name, start: time,
                end: max(time, nanos(row.end ?? (row.kind == .message ? row.start : chain.end))))
            span.attributes =
                [.init("eliot.task_level", .string(row.level))]
                + [row.status.map { .init("eliot.action_status", .string($0)) }].compactMap { $0 } + fields
            if row.isOpen { span.attributes.append(.init(Key.open, .bool(true))) }
            if row.status == "failed" {
                span.status = .error
                let exception = row.exception ?? "failed"
                span.statusMessage = row.reason.map { "\(exception): \($0)" } ?? exception
                span.events.append(Self.exception(at: span.end, type: exception, message: row.reason))
            }
            spans.append(span)
            if row.kind == .action { open.append((row.depth, spans.count - 1)) }
        }
        return spans
    }

    /// The id of the exported chain whose action `row` is: the builder names a chain tracked inside an action by
    /// its task and the action's level, and the row carries its start message's level (the action's, with `/1`)
    /// or, when the start message is missing, the action's own.
    static func nestedChainID(_ row: ActionSpan, in chain: Chain, tracked: (String) -> Bool) -> String? {
        guard row.kind == .action, row.depth > 0 else { return nil }
        let action = row.level.hasSuffix("/1") ? String(row.level.dropLast(2)) : row.level
        for id in [chain.id + action, chain.id + row.level] where tracked(id) { return id }
        return nil
    }
}
