public import EventLog

/// Reads the original Python Reactor Track format: one JSON object per line, `attached` (a pair was added)
/// and `executed` (a callback ran for `time` seconds, written when it ended) records keyed by the Deferred's
/// address.
///
/// The format records no start times: ``ReactorTrackTimeline`` reconstructs them from the durations, nesting a
/// chained Deferred's runs inside the `chainDeferred` run that fired it, and the chain that fired it gets a
/// `.chained` link to it from that pair. It records no outcome either: a chain that ran is shown as succeeded,
/// one that never ran as pending. Each chain lists what was inferred in ``Chain/inferred``.
public enum ReactorTrackLogReader {
    private typealias Record = ReactorTrackTimeline.Record

    /// Reads every line of `bytes` into chains, with one warning per unusable line.
    ///
    /// - Returns: The chains in order of their first record, the warnings, and the number of records read
    ///   (lines that are an `attached` or `executed` record): the log's messages.
    public static func read(_ bytes: [UInt8], file: String) -> (
        chains: [Chain], warnings: [EventLogError], records: Int
    ) {
        var order: [Int] = []
        var pairs: [Int: [LadderPair]] = [:]
        var runsOf: [Int: [Int]] = [:]
        var firstLine: [Int: Int] = [:]
        var executed: [Record] = []
        var warnings: [EventLogError] = []
        var records = 0
        var lineNumber = 0
        var rawLines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.last == 0x0A { rawLines.removeLast() }
        for rawLine in rawLines {
            lineNumber += 1
            var line = rawLine
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty {
                warnings.append(
                    EventLogError(code: .malformedLine, file: file, line: lineNumber, message: "blank line"))
                continue
            }
            guard let value = try? JSONValue(parsing: line), case .object(let fields) = value else {
                warnings.append(
                    EventLogError(code: .malformedLine, file: file, line: lineNumber, message: "not a JSON object"))
                continue
            }
            guard let deferred = fields["deferred"]?.intValue, let action = fields["action"]?.stringValue else {
                warnings.append(
                    EventLogError(
                        code: .invalidMessage, file: file, line: lineNumber,
                        message: "no \"action\" and \"deferred\" fields"))
                continue
            }
            guard action == "attached" || action == "executed" else {
                warnings.append(
                    EventLogError(
                        code: .invalidMessage, file: file, line: lineNumber, message: "unknown action \"\(action)\""))
                continue
            }
            records += 1
            if pairs[deferred] == nil {
                order.append(deferred)
                pairs[deferred] = []
                runsOf[deferred] = []
                firstLine[deferred] = lineNumber
            }
            if action == "attached" {
                let index = pairs[deferred]!.count
                pairs[deferred]!.append(
                    LadderPair(
                        index: index, callback: fields["callback"]?.stringValue, errback: fields["errback"]?.stringValue
                    ))
            } else {
                let isCallback = fields["callback?"].map { $0 == .bool(true) } ?? true
                let name =
                    (isCallback ? fields["callback"] : fields["errback"])?.stringValue
                    ?? fields["callback"]?.stringValue ?? fields["errback"]?.stringValue ?? "<callback>"
                runsOf[deferred]!.append(executed.count)
                executed.append(
                    Record(
                        deferred: deferred, name: name, side: isCallback ? .callback : .errback,
                        duration: max(0, fields["time"]?.doubleValue ?? 0), line: lineNumber))
            }
        }
        let timeline = ReactorTrackTimeline(executed)
        // The Deferred each chained one was fired by.
        var chainedBy: [Int: Int] = [:]
        for (record, target) in timeline.chained { chainedBy[target] = executed[record].deferred }
        var chains: [Chain] = []
        for deferred in order {
            let recordIndexes = runsOf[deferred]!
            var chainRuns = recordIndexes.map { i in
                let record = executed[i]
                return ChainRun(
                    index: nil, name: record.name, side: record.side, start: timeline.starts[i],
                    end: timeline.starts[i] + record.duration, line: record.line)
            }
            // Where the chain went after each run is the side of the next run.
            for i in chainRuns.indices where i + 1 < chainRuns.count { chainRuns[i].outputSide = chainRuns[i + 1].side }
            var chainPairs = pairs[deferred]!
            var extra: [ChainRun] = []
            var pairOfRecord: [Int: Int] = [:]
            var next = 0
            for (run, record) in zip(chainRuns, recordIndexes) {
                if let found = chainPairs[next...].firstIndex(where: { $0.name(on: run.side) == run.name }) {
                    var placed = run
                    placed.index = found
                    chainPairs[found].run = placed
                    pairOfRecord[record] = found
                    next = found + 1
                } else {
                    extra.append(run)
                }
            }
            let firedSide = chainRuns.first?.side
            ChainBuilder.tracePath(&chainPairs, firedSide: firedSide, canPassAtEnd: true)
            let links = recordIndexes.compactMap { record in
                timeline.chained[record].map {
                    ChainLink(
                        kind: .chained, target: $0, pairIndex: pairOfRecord[record], time: timeline.starts[record])
                }
            }
            var inferred: [Inference] = [.outcome]
            if !chainRuns.isEmpty { inferred.append(.startTimes) }
            if !links.isEmpty || chainedBy[deferred] != nil { inferred += [.nesting, .link] }
            let start = chainRuns.compactMap(\.start).min()
            chains.append(
                Chain(
                    id: "deferred:\(deferred)", kind: .legacy, label: "Deferred", deferredID: deferred,
                    trackedBy: chainedBy[deferred] != nil ? MonitorVocabulary.TrackedBy.chained.rawValue : nil,
                    outcome: chainRuns.isEmpty ? .pending : .succeeded, start: start,
                    end: chainRuns.compactMap(\.end).max(), firedAt: start, firedSide: firedSide, pairs: chainPairs,
                    extraRuns: extra, links: links, file: file, line: firstLine[deferred], inferred: inferred.sorted()))
        }
        return (chains, warnings, records)
    }
}
