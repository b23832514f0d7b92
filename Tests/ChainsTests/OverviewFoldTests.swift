import EventLog
import Foundation
import Testing
import Chains

/// `render --view overview` folds most tasks without building their chain (``LogLoader/overview(_:selection:)``):
/// its figures (groups by signature, representatives, outcomes with their exceptions, medians, the summary) must
/// be those of building every chain.
@Suite("The overview the short way: LogLoader.overview")
struct OverviewFoldTests {
    /// The figures of the general streaming path: every chain built (with the fields the overview reads), then
    /// selected and added; markers of dropped events whatever the selection.
    static func general(_ paths: [String], _ selection: ChainSelection, loader: LogLoader) throws
        -> (OverviewFigures, [String], Int)
    {
        var loader = loader
        loader.keptFields = OverviewAccumulator.fieldsUsed
        var accumulator = OverviewAccumulator()
        var selected = 0
        let log = try loader.stream(paths) { chain, ordinal in
            let admitted = selection.admits(chain)
            if admitted { selected += 1 }
            if admitted || chain.isDropMarker { accumulator.add(chain, ordinal: ordinal) }
        }
        let figures = accumulator.figures(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
        return (figures, log.warnings.map(\.description), selected)
    }

    static func short(_ paths: [String], _ selection: ChainSelection, loader: LogLoader) throws
        -> (OverviewFigures, [String], Int)
    {
        let (log, accumulator, selected) = try loader.overview(paths, selection: selection)
        let figures = accumulator.figures(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
        return (figures, log.warnings.map(\.description), selected)
    }

    /// A generated log (``BriefSummaryTests/log(seed:damaged:)``) with what that one lacks for the overview:
    /// errbacks named, runs on the errback path, and failures passed on by `fired` and `resumed` and said by
    /// `unhandled_error`, each with an exception and a reason.
    static func varied(seed: UInt64, damaged: Bool) -> [UInt8] {
        let lines = String(decoding: BriefSummaryTests.log(seed: seed, damaged: damaged), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let changed = lines.enumerated().map { i, line -> String in
            var line = String(line)
            if i % 3 == 0 { line = line.replacingOccurrences(of: #""path":"success""#, with: #""path":"error""#) }
            if i % 2 == 0 { line = line.replacingOccurrences(of: #""errback":null"#, with: #""errback":"eb\#(i % 3)""#) }
            if i % 5 == 0 { line = line.replacingOccurrences(of: #""callback":"cb""#, with: #""callback":null"#) }
            if i % 4 == 1 {
                line = line.replacingOccurrences(
                    of: #""message_type":"reactortrack:fired""#,
                    with: #""message_type":"reactortrack:fired","path":"error","exception":"F\#(i % 3)","reason":"why""#)
                line = line.replacingOccurrences(
                    of: #""waited":0.25"#, with: #""waited":0.25,"path":"error","exception":"R\#(i % 2)","reason":"late""#)
                line = line.replacingOccurrences(
                    of: #""message_type":"reactortrack:unhandled_error""#,
                    with: #""message_type":"reactortrack:unhandled_error","exception":"U","reason":"lost""#)
            }
            return line
        }
        return Array(changed.joined(separator: "\n").utf8)
    }

    static let selections: [ChainSelection] = [
        ChainSelection(), ChainSelection(failedOnly: true), ChainSelection(errorsOnly: true),
        ChainSelection(tasks: ["#1", "#3"]), ChainSelection(since: 1_795_431_274.5),
    ]

    @Test(
        "fixture logs: the same figures, warnings and count selected as building every chain",
        arguments: StreamingTests.inputs + [["broken/late-message-after-end.log"], ["concurrent-clients.log"], ["pipeline.out"]])
    func fixtures(_ names: [String]) throws {
        let paths = names.map(TestInputs.path)
        for selection in Self.selections {
            let short = try Self.short(paths, selection, loader: LogLoader())
            let general = try Self.general(paths, selection, loader: LogLoader())
            #expect(short.0 == general.0, "\(names) \(selection)")
            #expect(short.1 == general.1)
            #expect(short.2 == general.2)
        }
    }

    @Test("generated logs, plain and damaged, with errbacks and failures: the same figures", arguments: 0..<8)
    func generated(_ seed: Int) throws {
        var groupsWithExceptions = 0
        for damaged in [false, true] {
            let loader = LogLoader(standardInput: Self.varied(seed: UInt64(seed), damaged: damaged))
            for selection in Self.selections {
                let short = try Self.short(["-"], selection, loader: loader)
                let general = try Self.general(["-"], selection, loader: loader)
                #expect(short.0 == general.0, "seed \(seed) damaged \(damaged) \(selection)")
                #expect(short.1 == general.1)
                #expect(short.2 == general.2)
                groupsWithExceptions += short.0.groups.count { $0.outcome.exception != nil }
            }
        }
        // Something to compare: outcomes that carry an exception, as recovered, failed and unhandled chains do.
        #expect(groupsWithExceptions > 0)
    }
}
