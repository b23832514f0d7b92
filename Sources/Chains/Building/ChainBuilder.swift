public import EventLog

/// Builds ``Chain``s from Eliot tasks: `reactortrack:deferred` tasks as Deferred chains, any other task as
/// an action tree.
public enum ChainBuilder {
    private typealias F = MonitorVocabulary.Field

    /// Builds one chain per task, skipping format headers.
    ///
    /// - Parameters:
    ///   - tasks: Tasks from ``EventLog/TaskGrouper``.
    ///   - file: The file name recorded on each chain.
    public static func chains(from tasks: [WrittenTask], file: String) -> [Chain] {
        let map = { (line: Int?) in (file: file, line: line) }
        return chains(from: tasks, locate: map)
    }

    static func chains(from tasks: [WrittenTask], locate: (Int?) -> (file: String, line: Int?)) -> [Chain] {
        var result: [Chain] = []
        result.reserveCapacity(tasks.count)
        for task in tasks { result += chains(from: task, locate: locate) }
        return result
    }

    /// The chains of one task: one, or, for an action with Deferred chains tracked inside it, the action's tree
    /// and then each of those chains (linked from it, `contains`).
    static func chains(from task: WrittenTask, locate: (Int?) -> (file: String, line: Int?)) -> [Chain] {
        if case .action(let root) = task.root, root.actionType != MonitorVocabulary.deferredAction {
            var nested: [Chain] = []
            var chain = actionChain(task: task, root: root, locate: locate, nested: &nested)
            chain.links = nested.compactMap { inner in
                inner.deferredID.map { ChainLink(kind: .contains, target: $0, pairIndex: nil, time: inner.start) }
            }
            return [chain] + nested
        }
        return shape(task, locate: locate).map { [$0] } ?? []
    }

    private static func shape(_ task: WrittenTask, locate: (Int?) -> (file: String, line: Int?)) -> Chain? {
        switch task.root {
        case .message(let written):
            if written.message.messageType == EventLogFormat.headerMessageType { return nil }
            let place = locate(written.line)
            let message = written.message
            let type = message.messageType ?? "<message>"
            let exception = message.exceptionText
            let reason = message.reasonText
            var span = ActionSpan(
                kind: .message, name: type, depth: 0, level: FieldText.level(message.taskLevel),
                start: message.timestamp, end: nil, status: nil, exception: exception, reason: reason,
                fields: FieldText.lines(message), line: place.line)
            span.startFields = FieldText.fields(message)
            // The monitor's note that a bounded buffer dropped events is kept as the task it is, marked as a
            // warning about the log so that views show it as one and not as a chain.
            let dropped =
                MonitorVocabulary.Message(of: message) == .dropped
                ? max(0, message.fields[F.count]?.intValue ?? 0) : nil
            return Chain(
                id: task.taskUUID, kind: .message, label: type, outcome: .message, start: message.timestamp,
                end: message.timestamp, spans: [span], file: place.file, line: place.line,
                facts: TaskFacts(root: task), droppedEvents: dropped)
        case .action(let root):
            if root.actionType == MonitorVocabulary.deferredAction { return deferredChain(task: task, root: root, locate: locate) }
            var nested: [Chain] = []
            return actionChain(task: task, root: root, locate: locate, nested: &nested)
        }
    }

    // MARK: - Generic Eliot tasks

    /// An action tree; a `reactortrack:deferred` action inside it (a chain the monitor tracked inside the action)
    /// is one span of the tree, and its chain is built apart, into `nested`, to be drawn as a ladder below.
    static func actionChain(
        task: WrittenTask, root: WrittenAction, locate: (Int?) -> (file: String, line: Int?), nested: inout [Chain]
    ) -> Chain {
        var spans: [ActionSpan] = []
        var lastTime: Double?
        // The task's facts are noted in the same walk (the root's own in `init(root:)`).
        var facts = TaskFacts(root: task)
        func note(_ t: Double?) { if let t { lastTime = max(lastTime ?? t, t) } }
        // Depth first in slot order, a loop over an explicit stack rather than recursion, however deep the
        // actions nest: each node's span, then its children's.
        var stack: [(node: TaskNode, depth: Int)] = [(.action(root), 0)]
        // The first span's line as read (its span holds it located): where a root with no start message begins.
        var firstLine: Int??
        while let (node, depth) = stack.popLast() {
            if firstLine == nil {
                switch node {
                case .message(let written): firstLine = .some(written.line)
                case .action(let action): firstLine = .some(action.startMessage?.line ?? action.endMessage?.line)
                }
            }
            switch node {
            case .message(let written):
                let m = written.message
                note(m.timestamp)
                facts.note(message: m)
                var span = ActionSpan(
                    kind: .message, name: m.messageType ?? "<message>", depth: depth,
                    level: FieldText.level(m.taskLevel), start: m.timestamp, end: nil, status: nil,
                    exception: m.exceptionText,
                    reason: m.reasonText, fields: FieldText.lines(m),
                    line: locate(written.line).line)
                span.startFields = FieldText.fields(m)
                spans.append(span)
            case .action(let action):
                note(action.startTime)
                note(action.endTime)
                if depth > 0 { facts.note(action: action) }
                let status = action.isOpen ? "open" : (action.status?.rawValue ?? "open")
                let level = action.startMessage.map { FieldText.level($0.taskLevel) } ?? FieldText.level(action.taskLevel)
                var fields = FieldText.lines(action.startMessage?.message)
                fields += FieldText.lines(action.endMessage?.message).filter { !$0.hasPrefix("exception: ") && !$0.hasPrefix("reason: ") }
                if action.isPlaceholder { fields.insert("(start message missing)", at: 0) }
                let line = action.startMessage?.line ?? action.endMessage?.line
                var span = ActionSpan(
                    kind: .action, name: action.actionType ?? "<action>", depth: depth, level: level,
                    start: TaskNode.action(action).firstTime,
                    end: action.endTime, status: status, exception: action.exception, reason: action.reason,
                    fields: fields, line: locate(line).line)
                span.startFields = FieldText.fields(action.startMessage?.message)
                if let end = action.endMessage {
                    span.endLevel = FieldText.level(end.taskLevel)
                    span.endFields = FieldText.fields(end.message)
                }
                if depth > 0, action.actionType == MonitorVocabulary.deferredAction {
                    var chain = deferredChain(task: task, root: action, locate: locate)
                    // One task, several chains: this one is named by its level, and the task's facts stay with
                    // the action's chain (counted once, as eliot.parse counts the task once).
                    chain.id = task.taskUUID + FieldText.level(action.taskLevel)
                    chain.facts = nil
                    chain.isLinkTarget = true
                    // The span marks where in the action the chain was tracked; its fields (`deferred_id`,
                    // `label`, `tracked_by`, the end's) are the chain's, shown once, with the chain.
                    span.name = chain.title
                    span.fields = []
                    span.startFields = []
                    span.endFields = []
                    span.chainDeferredID = chain.deferredID
                    spans.append(span)
                    for child in action.children { facts.note(child) }
                    nested.append(chain)
                    continue
                }
                spans.append(span)
                for child in action.children.reversed() { stack.append((child, depth + 1)) }
            }
        }
        let place = locate(root.startMessage?.line ?? firstLine ?? nil)
        let outcome: ChainOutcome
        switch (root.isOpen, root.status) {
        case (true, _): outcome = .pending
        case (false, .failed?): outcome = .failed(exception: root.exception ?? "?", reason: root.reason ?? "")
        default:
            // An action inside that failed, or a traceback logged, under a root that succeeded: handled.
            if let failed = facts.failedActions.last {
                outcome = .recovered(exception: failed.exception ?? "?", reason: failed.reason ?? "")
            } else {
                outcome = .succeeded
            }
        }
        let start = spans.first?.start ?? spans.compactMap(\.start).min()
        return Chain(
            id: task.taskUUID, kind: .action, label: root.actionType ?? "<action>", outcome: outcome, start: start,
            end: root.endTime ?? lastTime, spans: spans, file: place.file, line: place.line, facts: facts)
    }

    // MARK: - reactortrack:deferred tasks

    static func deferredChain(task: WrittenTask, root: WrittenAction, locate: (Int?) -> (file: String, line: Int?))
        -> Chain
    {
        let startFields = root.startMessage?.message.fields ?? [:]
        let deferredID = startFields[F.deferredID]?.intValue
        let label = startFields[F.label]?.stringValue ?? deferredID.map { "Deferred #\($0)" } ?? "Deferred"
        // The pairs in the order first met, and each index's place among them: a dictionary of places, not of
        // pairs, so that a chain of 100,000 pairs is not rehashed and moved a pair (about 300 bytes) at a time.
        var pairs: [LadderPair] = []
        var pairAt: [Int: Int] = [:]
        func pair(_ index: Int) -> LadderPair? { pairAt[index].map { pairs[$0] } }
        func setPair(_ pair: LadderPair) {
            if let i = pairAt[pair.index] {
                pairs[i] = pair
            } else {
                pairAt[pair.index] = pairs.count
                pairs.append(pair)
            }
        }
        var extraRuns: [ChainRun] = []
        var waits: [ChainWait] = []
        var links: [ChainLink] = []
        var firedAt: Double?
        var firedSide: LadderSide?
        var firedValue: String?
        var cancelled = false
        var cancelledAt: Double?
        var waitCycle: [Int]?
        var beforeTracking = Set<Int>()
        var unhandled: (String, String)?
        // The last failure on the way (fired with one, a run that raised, a wait that resumed with one): for a
        // chain that ends well, the one something recovered from.
        var lastFailure: (exception: String, reason: String)?
        func noteFailure(_ m: EventMessage) {
            guard side(m.fields[F.path]) == .errback else { return }
            lastFailure = (m.exceptionText ?? "?", m.reasonText ?? "")
        }
        // Links of format-1 `chained` messages written before the pair that makes them was added.
        var linksAwaitingPair: [Int] = []
        // The highest pair index so far (a format without indexes numbers the next pair after it), the returned
        // links by target, and the links a later wait on their target replaced: kept as they go, as searching
        // every pair or link at each message made a chain of many pairs or waits quadratic.
        var maxPairIndex: Int?
        var returnedLinks: [Int: [Int]] = [:]
        var dropped = Set<Int>()
        var lastAdded: Int?
        var lastRunPair: Int?
        var lastTime = root.startTime
        // The task's facts are noted in the same walk (the root's own in `init(root:)`).
        var facts = TaskFacts(root: task)
        func note(_ t: Double?) { if let t { lastTime = max(lastTime ?? t, t) } }

        for child in root.children {
            switch child {
            case .message(let written):
                let m = written.message
                note(m.timestamp)
                facts.note(message: m)
                let f = m.fields
                switch MonitorVocabulary.Message(of: m) {
                case .added:
                    let index = f[F.index]?.intValue ?? (maxPairIndex.map { $0.addingSaturating(1) } ?? 0)
                    maxPairIndex = max(maxPairIndex ?? index, index)
                    setPair(
                        LadderPair(
                            index: index, callback: f[F.callback]?.stringValue, errback: f[F.errback]?.stringValue,
                            site: f[F.site]?.stringValue))
                    for link in linksAwaitingPair { links[link].pairIndex = index }
                    linksAwaitingPair.removeAll()
                    lastAdded = index
                case .fired:
                    firedAt = m.timestamp
                    firedSide = side(f[F.path])
                    firedValue = outcomeText(m)
                    noteFailure(m)
                case .waiting:
                    let on = f[F.on]?.intValue
                    waits.append(ChainWait(on: on, start: m.timestamp, end: nil, pairIndex: lastRunPair))
                    if let on {
                        // The returned links to it so far are this wait's (dropped at the end, so that the places
                        // noted in `linksAwaitingPair` stay put).
                        for i in returnedLinks.removeValue(forKey: on) ?? [] { dropped.insert(i) }
                        links.append(ChainLink(kind: .waitedOn, target: on, pairIndex: lastRunPair, time: m.timestamp))
                    }
                case .resumed:
                    let from = f[F.from]?.intValue
                    if let i = waits.lastIndex(where: { $0.end == nil && ($0.on == from || from == nil) }) {
                        let waited = f[F.waited]?.doubleValue
                        waits[i].end = m.timestamp ?? waited.flatMap { w in waits[i].start.map { $0 + w } }
                        waits[i].resumedSide = side(f[F.path])
                        waits[i].resumedValue = outcomeText(m)
                    }
                    noteFailure(m)
                case .chained:
                    if let to = f[F.to]?.intValue {
                        // Format 2 names the pair that passes the result on; in format 1 it is the next one added.
                        var index = f[F.index]?.intValue
                        if index == nil {
                            if let last = lastAdded, Self.passesResult(pair(last), to: to) {
                                index = last
                            } else {
                                linksAwaitingPair.append(links.count)
                            }
                        }
                        links.append(ChainLink(kind: .chained, target: to, pairIndex: index, time: m.timestamp))
                    }
                case .cancelled:
                    cancelled = true
                    cancelledAt = cancelledAt ?? m.timestamp
                case .beforeTracking:
                    if let index = f[F.index]?.intValue { beforeTracking.insert(index) }
                case .waitCycle:
                    if case .array(let ids)? = f[F.cycle] { waitCycle = ids.compactMap(\.intValue) }
                case .unhandledError:
                    unhandled = (
                        m.exceptionText ?? "?", m.reasonText ?? ""
                    )
                default:
                    break
                }
            case .action(let action):
                note(action.startTime)
                note(action.endTime)
                facts.note(action: action)
                for inner in action.children { facts.note(inner) }
                guard action.actionType == MonitorVocabulary.runAction else { continue }
                let run = self.run(from: action, locate: locate)
                if let exception = run.exception { lastFailure = (exception, run.reason ?? "") }
                if let index = run.index {
                    var ran = pair(index) ?? LadderPair(index: index, callback: nil, errback: nil)
                    if ran.name(on: run.side) == nil {
                        if run.side == .callback { ran.callback = run.name } else { ran.errback = run.name }
                    }
                    ran.run = run
                    setPair(ran)
                    maxPairIndex = max(maxPairIndex ?? index, index)
                    lastRunPair = index
                } else {
                    extraRuns.append(run)
                }
                if let returned = run.returnedDeferred {
                    returnedLinks[returned, default: []].append(links.count)
                    links.append(ChainLink(kind: .returned, target: returned, pairIndex: run.index, time: run.end))
                }
            }
        }
        note(root.endTime)
        if !dropped.isEmpty { links = links.indices.filter { !dropped.contains($0) }.map { links[$0] } }
        for wait in waits {
            if let index = wait.pairIndex, let i = pairAt[index], pairs[i].wait == nil { pairs[i].wait = wait }
        }
        // Usually in order already (indexes are given in the order added), which the sort checks in one pass.
        pairs.sort { $0.index < $1.index }
        var ordered: [LadderPair] = []
        swap(&ordered, &pairs)
        let openWait = waits.last { $0.end == nil }
        let openRun = ordered.contains { $0.run != nil && $0.run!.end == nil }
        let ended = !root.isOpen
        tracePath(&ordered, firedSide: firedSide, canPassAtEnd: ended || (firedSide != nil && openWait == nil && !openRun))
        for i in ordered.indices where beforeTracking.contains(ordered[i].index) && ordered[i].run == nil {
            ordered[i].fate = .beforeTracking
            ordered[i].pathIn = nil
            ordered[i].pathOut = nil
        }

        let outcome: ChainOutcome
        if let unhandled {
            outcome = .unhandled(exception: unhandled.0, reason: unhandled.1)
        } else if !root.isOpen, root.status == .failed {
            outcome = .failed(exception: root.exception ?? "?", reason: root.reason ?? "")
        } else if !root.isOpen, let lastFailure {
            outcome = .recovered(exception: lastFailure.exception, reason: lastFailure.reason)
        } else if !root.isOpen {
            outcome = .succeeded
        } else if cancelled {
            outcome = .cancelled
        } else if let openWait {
            outcome = .waiting(on: openWait.on)
        } else {
            outcome = .pending
        }
        let place = locate(root.startMessage?.line ?? root.children.first.flatMap(\.firstLine))
        var chain = Chain(
            id: task.taskUUID, kind: .deferred, label: label, deferredID: deferredID,
            createdAt: startFields[F.createdAt]?.stringValue, trackedBy: startFields[F.trackedBy]?.stringValue,
            trackedAt: startFields[F.trackedAt]?.stringValue,
            outcome: outcome, start: root.startTime ?? firedAt ?? ordered.compactMap(\.run?.start).min(),
            end: root.endTime ?? lastTime, firedAt: firedAt, firedSide: firedSide, firedValue: firedValue,
            result: root.endMessage?.message.fields[F.result]?.stringValue, pairs: ordered, extraRuns: extraRuns,
            waits: waits, links: links, cancelled: cancelled, cancelledAt: cancelledAt, file: place.file, line: place.line, facts: facts)
        chain.waitCycle = waitCycle
        chain.cutAt = startFields[F.cutAt]?.doubleValue
        return chain
    }

    static func run(from action: WrittenAction, locate: (Int?) -> (file: String, line: Int?)) -> ChainRun {
        let start = action.startMessage?.message.fields ?? [:]
        let end = action.endMessage?.message
        let side = Self.side(start[F.path]) ?? .callback
        var run = ChainRun(
            index: start[F.index]?.intValue, name: start[F.name]?.stringValue ?? "<callback>", side: side,
            start: action.startTime, end: action.endTime, input: start[F.input]?.stringValue,
            line: locate(action.startMessage?.line ?? action.endMessage?.line).line)
        if let end {
            run.output = end.fields[F.output]?.stringValue
            run.returnedDeferred = end.fields[F.returnedDeferred]?.intValue
            if end.actionStatus == .failed {
                run.exception = end.exception ?? "?"
                run.reason = end.reason ?? ""
                run.outputSide = .errback
            } else {
                run.outputSide = Self.side(end.fields[F.outputPath])
            }
        }
        return run
    }

    /// Walks the pairs in order and records the path the chain was on at each, and which pairs were passed.
    static func tracePath(_ pairs: inout [LadderPair], firedSide: LadderSide?, canPassAtEnd: Bool) {
        guard let firedSide else { return }
        let lastRan = pairs.lastIndex { $0.run != nil } ?? -1
        var path = firedSide
        for i in pairs.indices {
            if let run = pairs[i].run {
                pairs[i].fate = .ran
                pairs[i].pathIn = path
                let out = run.outputSide ?? pairs[i].wait?.resumedSide ?? (run.failed ? .errback : nil)
                pairs[i].pathOut = out
                if let out { path = out }
            } else if i < lastRan || canPassAtEnd {
                pairs[i].fate = .passedThrough
                pairs[i].pathIn = path
                pairs[i].pathOut = path
            }
        }
    }

    /// Whether `pair` is the one `chainDeferred` adds to pass the result on to Deferred `to` (by its names, for
    /// format-1 logs, whose `chained` message does not say which pair it is).
    static func passesResult(_ pair: LadderPair?, to: Int) -> Bool {
        guard let callback = pair?.callback else { return false }
        return callback == "chainDeferred.callback" || callback == "Deferred #\(to).callback"
    }

    static func side(_ value: JSONValue?) -> LadderSide? {
        guard let text = value?.stringValue else { return nil }
        if text == MonitorVocabulary.Path.success.rawValue { return .callback }
        if text == MonitorVocabulary.Path.error.rawValue { return .errback }
        return nil
    }

    static func outcomeText(_ m: EventMessage) -> String? {
        if let value = m.fields[F.value] { return FieldText.text(value) }
        let exception = m.exceptionText
        let reason = m.reasonText
        guard let exception else { return nil }
        return reason.map { "\(exception): \($0)" } ?? exception
    }
}
