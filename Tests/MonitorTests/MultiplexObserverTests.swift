import Defer
import EventLog
import Foundation
@testable import Monitor
import NIOConcurrencyHelpers
import Testing

/// Writes down every hook it is called with, as text.
private final class Recorder: MonitorChainObserver, Sendable {
    let lines = NIOLockedValueBox<[String]>([])
    let tokens = NIOLockedValueBox<[UInt64]>([])

    func deferred(_ deferred: AnyDeferred, didRecord event: DeferredEvent) {
        let line: String
        switch event {
        case .added(let index, _, _, _, _, _): line = "added \(index)"
        case .fired: line = "fired"
        case .willRun(let index, _): line = "will \(index)"
        case .didRun(let index, _): line = "did \(index)"
        case .skipped(let index): line = "skipped \(index)"
        default: line = "other"
        }
        lines.withLockedValue { $0.append(line) }
    }

    func deferred(
        _ deferred: AnyDeferred, willRunPairAt index: Int, onErrorPath: Bool, after previous: UInt64?
    ) -> UInt64 {
        lines.withLockedValue { $0.append("will \(index)") }
        return 7
    }

    func deferred(
        _ deferred: AnyDeferred, didRunPairAt index: Int, onErrorPath: Bool, returned: AnyDeferred?, token: UInt64
    ) -> UInt64 {
        tokens.withLockedValue { $0.append(token) }
        lines.withLockedValue { $0.append("did \(index)") }
        return 0
    }

    func deferredWasReleased(_ id: ObjectIdentifier, observerSlot: Int, unhandled: Failure?) {
        lines.withLockedValue { $0.append("released \(observerSlot)") }
    }

    func monitorTracked(_ deferred: AnyDeferred, label: String, id: Int, from parent: AnyDeferred?) {
        lines.withLockedValue { $0.append("tracked \(label) \(id)") }
    }

    func monitorStopped() {
        lines.withLockedValue { $0.append("stopped") }
    }
}

@Suite("The observer slot's fan-out")
struct MultiplexObserverTests {
    @Test("a MultiplexObserver tells each observer every hook, in order, and hands the first one its own tokens")
    func fansOut() throws {
        let first = Recorder()
        let second = Recorder()
        do {
            let d = Deferred<Int>()
            d.base.observer = MultiplexObserver([first, second])
            d.base.observerSlot = 3
            d.addCallback { $0 + 1 }.addErrback { _ in 0 }
            try d.callback(1)
        }
        let expected = ["added 0", "added 1", "fired", "will 0", "did 0", "skipped 1", "released 3"]
        #expect(first.lines.withLockedValue { $0 } == expected)
        #expect(second.lines.withLockedValue { $0 } == expected)
        // The token `willRunPairAt` returned comes back to the first observer only.
        #expect(first.tokens.withLockedValue { $0 } == [7])
        #expect(second.tokens.withLockedValue { $0 } == [0])
    }

    @Test("a JSONMonitor's companion is one more observer: every event of a tracked chain, after the monitor's")
    func companionIsAnObserver() throws {
        let companion = Recorder()
        let monitor = JSONMonitor(companion: companion)
        do {
            let d = Deferred<Int>()
            // A pair added before tracking is told to the companion too, when the monitor records it.
            d.addCallback { $0 + 1 }
            monitor.track(d, label: "counted")
            d.addCallback { $0 * 2 }
            try d.callback(1)
            #expect(d.base.observer is MultiplexObserver)
        }
        monitor.stop()
        let lines = companion.lines.withLockedValue { $0 }
        #expect(lines == ["tracked counted 1", "added 0", "added 1", "fired", "will 0", "did 0", "will 1", "did 1", "released 1", "stopped"])
        // The monitor recorded the same run: one chain, two runs, ended when released.
        let messages = monitor.messages
        #expect(messages.filter { $0.actionType == MonitorVocabulary.runAction && $0.actionStatus == .started }.count == 2)
        #expect(messages.filter { $0.actionType == MonitorVocabulary.deferredAction }.count == 2)
    }

    @Test("a monitor without a companion is itself in the slot: no fan-out on its path")
    func noFanOutAlone() {
        let monitor = JSONMonitor()
        let d = Deferred<Int>()
        monitor.track(d, label: "alone")
        #expect(d.base.observer === monitor)
    }
}
