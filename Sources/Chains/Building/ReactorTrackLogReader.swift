public import EventLog

/// Reads the original Python Reactor Track format: one JSON object per line, `attached` (a pair was added)
/// and `executed` (a callback ran for `time` seconds) records keyed by the Deferred's address.
///
/// The original recorded no start times, so runs are laid end to end in file order from t = 0. It recorded
/// no outcome either: a chain that ran is shown as succeeded, one that never ran as pending.
public enum ReactorTrackLogReader {
    /// Reads every line of `bytes` into chains, with one warning per unusable line.
    public static func read(_ bytes: [UInt8], file: String) -> (chains: [Chain], warnings: [EventLogError]) {
        var order: [Int] = []
        var pairs: [Int: [LadderPair]] = [:]
        var runs: [Int: [ChainRun]] = [:]
        var firstLine: [Int: Int] = [:]
        var warnings: [EventLogError] = []
        var clock = 0.0
        var lineNumber = 0
        var rawLines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.last == 0x0A { rawLines.removeLast() }
        for rawLine in rawLines {
            lineNumber += 1
            var line = rawLine
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty {
                warnings.append(EventLogError(code: .malformedLine, file: file, line: lineNumber, message: "blank line"))
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
            if pairs[deferred] == nil {
                order.append(deferred)
                pairs[deferred] = []
                runs[deferred] = []
                firstLine[deferred] = lineNumber
            }
            switch action {
            case "attached":
                let index = pairs[deferred]!.count
                pairs[deferred]!.append(
                    LadderPair(
                        index: index, callback: fields["callback"]?.stringValue, errback: fields["errback"]?.stringValue))
            case "executed":
                let isCallback = fields["callback?"].map { $0 == .bool(true) } ?? true
                let name =
                    (isCallback ? fields["callback"] : fields["errback"])?.stringValue
                    ?? fields["callback"]?.stringValue ?? fields["errback"]?.stringValue ?? "<callback>"
                let time = max(0, fields["time"]?.doubleValue ?? 0)
                runs[deferred]!.append(
                    ChainRun(
                        index: nil, name: name, side: isCallback ? .callback : .errback, start: clock, end: clock + time,
                        line: lineNumber))
                clock += time
            default:
                warnings.append(
                    EventLogError(
                        code: .invalidMessage, file: file, line: lineNumber, message: "unknown action \"\(action)\""))
            }
        }
        var chains: [Chain] = []
        for deferred in order {
            var chainPairs = pairs[deferred]!
            var extra: [ChainRun] = []
            var chainRuns = runs[deferred]!
            // Where the chain went after each run is the side of the next run.
            for i in chainRuns.indices where i + 1 < chainRuns.count { chainRuns[i].outputSide = chainRuns[i + 1].side }
            var next = 0
            for run in chainRuns {
                if let found = chainPairs[next...].firstIndex(where: { $0.name(on: run.side) == run.name }) {
                    var placed = run
                    placed.index = found
                    chainPairs[found].run = placed
                    next = found + 1
                } else {
                    extra.append(run)
                }
            }
            let firedSide = chainRuns.first?.side
            ChainBuilder.tracePath(&chainPairs, firedSide: firedSide, canPassAtEnd: true)
            let start = chainRuns.first?.start
            let end = chainRuns.last?.end
            chains.append(
                Chain(
                    id: "deferred:\(deferred)", kind: .legacy, label: "Deferred", deferredID: deferred,
                    outcome: chainRuns.isEmpty ? .pending : .succeeded, start: start, end: end, firedAt: start,
                    firedSide: firedSide, pairs: chainPairs, extraRuns: extra, file: file, line: firstLine[deferred]))
        }
        return (chains, warnings)
    }
}
