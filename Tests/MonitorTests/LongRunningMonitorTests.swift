import Actions
import Defer
import EventLog
import Foundation
@testable import Monitor
import NIOConcurrencyHelpers
import Testing

/// What a monitor left on for weeks needs: its memory stays flat, its ids never wrap, and it stops in time.
@Suite("A monitor left on")
struct LongRunningMonitorTests {
    @Test("the chain table drops ended chains: it holds the live ones, not every chain ever tracked")
    func chainTableDropsEndedChains() throws {
        let monitor = JSONMonitor(bufferLimit: 10)
        let tracked = 10 * ChainTable.smallestCut
        // Three chains stay open throughout (never fired); the rest fire and are released at once.
        let open = (0..<3).map { _ in Deferred<Int>() }
        for (i, d) in open.enumerated() { monitor.track(d, label: "open \(i)") }
        for i in 0..<tracked {
            let d = Deferred<Int>()
            monitor.track(d, label: "short")
            d.addCallback { $0 + 1 }
            try d.callback(i)
        }
        let held = monitor.state.withLockedValue { $0.chains.count }
        // At most the live chains and as many ended ones as the window holds before it is cut.
        #expect(held <= open.count + 2 * ChainTable.smallestCut, "\(held) of \(tracked + open.count) chains held")
        // The chains that stayed open are still recorded, from the older table, and end when released.
        #expect(monitor.state.withLockedValue { state in (1...3).allSatisfy { state.chains[$0] != nil } })
        for d in open { d.addCallback { $0 * 2 } }
        #expect(monitor.state.withLockedValue { state in (1...3).map { state.chains[$0]?.pairsAdded } } == [1, 1, 1])
        withExtendedLifetime(open) {}
    }

    @Test("a wait cycle among long-lived chains is still found after the table was cut")
    func waitCycleAfterCut() throws {
        let monitor = JSONMonitor(followChained: true, bufferLimit: 100_000)
        let a = Deferred<Int>()
        let b = Deferred<Int>()
        monitor.track(a, label: "a")
        a.addCallback { _ in b }
        b.addCallback { _ in a }
        for i in 0..<(4 * ChainTable.smallestCut) {
            let d = Deferred<Int>()
            monitor.track(d, label: "short")
            try d.callback(i)
        }
        try a.callback(1)
        try b.callback(2)
        let cycles = monitor.state.withLockedValue { JSONMonitor.waitCycles(in: $0.chains) }
        let ids = monitor.state.withLockedValue { state in state.chains.liveIDs.filter { state.chains[$0]?.waitingOn != nil } }
        #expect(cycles.map(\.id) == ids)
        #expect(cycles.map(\.cycle.count) == [3, 3])
        withExtendedLifetime((a, b)) {}
    }
}
