import Defer
import EventLog
@testable import Monitor
import Testing

/// The writer's encoder on its own, batch after batch, as the streaming writer feeds it.
@Suite("The monitor's encoder, batch after batch")
struct MonitorEncoderTests {
    private typealias F = MonitorVocabulary.Field

    private let scale = TickScale(
        from: MonitorClock.Anchor(ticks: 0, realtime: 1_700_000_000, monotonic: 0),
        to: MonitorClock.Anchor(ticks: 1_000_000_000, realtime: 1_700_000_001, monotonic: 1), nanosecondTicks: true)

    /// The encoder keeps what it made of a batch's call sites while it reads that batch. A new batch stores its
    /// sites from the start again, so the same place in it holds another site: the names must be the new
    /// batch's, and a pair added in an earlier batch must keep its own names when it runs in a later one.
    @Test("each pair is named from its own batch's call site, also when it runs in a later batch")
    func sitesAcrossBatches() {
        var encoder = MonitorEncoder(scale: scale)
        var lines = LineBuilder()

        var first = EventBuffer()
        let started = MonitorEvent.Detail.started(
            label: first.text("chain"), site: nil, siteIsCreation: false, trackedBy: first.text("test"), context: nil)
        first.append(.chainStarted(chain: 1, time: 1, detail: first.detail(started)))
        let siteA = first.site(callback: .named("first"), errback: .passThrough, kind: "addCallback", file: "A.swift", line: 1)
        first.append(.added(chain: 1, slot: 2, time: 2, index: 0, site: siteA))
        for event in first.inTimeOrder() { #expect(encoder.append(event, in: first, to: &lines)) }

        var second = EventBuffer()
        let siteB = second.site(
            callback: .named("second \"quoted\""), errback: .named("second's errback"), kind: "addCallbacks",
            file: "B.swift", line: 2)
        // The same place in another buffer: what the test is about.
        #expect(siteA == siteB)
        second.append(.added(chain: 1, slot: 3, time: 3, index: 1, site: siteB))
        second.append(.runStarted(chain: 1, slot: 4, time: 4, index: 0, onErrorPath: false))
        second.append(.runStarted(chain: 1, slot: 5, time: 5, index: 1, onErrorPath: true))
        second.append(.runStarted(chain: 1, slot: 6, time: 6, index: 0, onErrorPath: true))
        second.append(.runStarted(chain: 1, slot: 7, time: 7, index: 9, onErrorPath: false))
        for event in second.inTimeOrder() { #expect(encoder.append(event, in: second, to: &lines)) }

        let messages = EventLogReader(bytes: lines.bytes).readAll().messages.map(\.message)
        #expect(messages.count == 7)
        let added = messages.filter { $0.messageType == MonitorVocabulary.Message.added.rawValue }
        #expect(added.map { $0.fields[F.callback] } == [.string("first"), .string("second \"quoted\"")])
        #expect(added.map { $0.fields[F.errback] } == [.null, .string("second's errback")])
        #expect(added.map { $0.fields[F.site] } == [.string("A.swift:1"), .string("B.swift:2")])
        #expect(added.map { $0.fields[F.index] } == [.int(0), .int(1)])
        // Pair 0 from the first batch, pair 1 on its error path, pair 0's pass-through errback, a pair never added.
        let runs = messages.filter { $0.actionType == MonitorVocabulary.runAction }
        #expect(runs.map { $0.fields[F.name] } == [
            .string("first"), .string("second's errback"), .string("pair 0"), .string("pair 9"),
        ])
    }
}
