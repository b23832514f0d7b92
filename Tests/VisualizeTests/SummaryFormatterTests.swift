import Chains
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
}
