import Chains
import EventLog
import Foundation
import Testing
import Visualize

/// `summary`'s text says what the log cannot show.
@Suite("Summary text")
struct SummaryFormatterTests {
    @Test("events the monitor dropped are said as lost events, and only when there are some")
    func lostEvents() throws {
        let dropped = LogSummary(try LogLoader().load([TestInputs.path("dropped.out")]))
        try #require(dropped.lostEvents > 0)
        #expect(SummaryFormatter.text(dropped).contains("lost events: \(dropped.lostEvents) "))
        let whole = LogSummary(try LogLoader().load([TestInputs.path("mon.out")]))
        #expect(whole.lostEvents == 0 && !SummaryFormatter.text(whole).contains("lost events"))
    }

    /// The summary encoded in one piece, as `summary --json` wrote it before it wrote each task as it went.
    static func whole(_ s: LogSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return TerminalText.jsonEscaped(String(decoding: try encoder.encode(s), as: UTF8.self)) + "\n"
    }

    @Test(
        "the JSON written a task at a time is byte for byte the JSON encoded whole",
        arguments: ["mon.out", "twisted-eliot.log", "dropped.out", "broken/truncated-mid-line.log"])
    func jsonInPieces(_ name: String) throws {
        let log = try LogLoader().load([TestInputs.path(name)])
        var summary = LogSummary(log, keepsTasks: true)
        let tasks = try #require(summary.tasks)
        #expect(tasks.count > 1)
        // Tasks with failed and open actions, and an escape the terminal must not see, are in there.
        if name == "twisted-eliot.log" {
            #expect(tasks.contains { !$0.failedActions.isEmpty })
        }
        if name.hasPrefix("broken/") { #expect(tasks.contains { !$0.openActions.isEmpty }) }
        summary.tasks![0].rootType = "bell\u{7} and esc\u{1b}[31m é \u{85}"
        var pieces: [String] = []
        SummaryFormatter.json(summary) { pieces.append($0) }
        #expect(pieces.count >= tasks.count, "each task is a piece of its own")
        #expect(pieces.joined() == (try Self.whole(summary)))
        for variant in [[], Array(tasks.prefix(1))] {
            summary.tasks = variant
            #expect(SummaryFormatter.json(summary) == (try Self.whole(summary)))
        }
        summary.tasks = nil
        #expect(SummaryFormatter.json(summary) == (try Self.whole(summary)))
    }
}
