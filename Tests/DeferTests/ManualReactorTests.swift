import Defer
import Testing

@Suite("ManualReactor, the test clock")
struct ManualReactorTests {
    @Test("calls run in time order, and calls due at the same time in the order they were scheduled")
    func ordering() {
        let clock = ManualReactor()
        var log: [String] = []
        clock.callLater(2) { log.append("b@2") }
        clock.callLater(1) { log.append("a@1") }
        clock.callLater(2) { log.append("c@2") }
        clock.callLater(0) { log.append("now") }
        clock.advance(by: 1.5)
        #expect(log == ["now", "a@1"])
        clock.advance(by: 0.5)
        #expect(log == ["now", "a@1", "b@2", "c@2"])
        #expect(clock.seconds == 2)
    }

    @Test("cancel, reset and delay move or drop a call")
    func cancelResetDelay() {
        let clock = ManualReactor()
        var log: [String] = []
        let cancelled = clock.callLater(1) { log.append("cancelled") }
        let reset = clock.callLater(1) { log.append("reset") }
        let delayed = clock.callLater(1) { log.append("delayed") }
        cancelled.cancel()
        #expect(!cancelled.isActive)
        reset.reset(3)
        delayed.delay(1)
        #expect(clock.pendingCalls.map(\.time) == [2, 3])
        clock.advance(by: 2)
        #expect(log == ["delayed"])
        #expect(delayed.isCalled && !delayed.isActive)
        clock.advance(by: 1)
        #expect(log == ["delayed", "reset"])
        #expect(clock.pendingCalls.isEmpty)
    }

    @Test("a call scheduled by a running call runs in the same advance if it is due")
    func scheduledFromACall() {
        let clock = ManualReactor()
        var log: [String] = []
        clock.callLater(1) {
            log.append("first")
            clock.callLater(0) { log.append("second") }
        }
        clock.advance(by: 1)
        #expect(log == ["first", "second"])
    }

    @Test("cancelling a delayed call twice is a programmer error")
    func doubleCancelTraps() async {
        await #expect(processExitsWith: .failure) {
            let clock = ManualReactor()
            let call = clock.callLater(1) {}
            call.cancel()
            call.cancel()
        }
    }

    @Test("deferLater fires with the work's result at the deadline, and cancelling it drops the timer")
    func deferLaterFiresAndCancels() throws {
        let clock = ManualReactor()
        var got: String?
        deferLater(clock, delay: 2) { "done" }.addCallback { got = $0 }
        clock.advance(by: 1)
        #expect(got == nil)
        clock.advance(by: 1)
        #expect(got == "done")

        var failure: Failure?
        let cancelled = deferLater(clock, delay: 5) { "never" }
        cancelled.addErrback { f -> String in failure = f; return "" }
        #expect(clock.pendingCalls.count == 1)
        cancelled.cancel()
        #expect(clock.pendingCalls.isEmpty)
        #expect(failure?.error is CancelledError)
    }

    @Test("addTimeout turns a late deferred into TimeoutError and cancels its timer when it fires in time")
    func timeouts() throws {
        let clock = ManualReactor()
        let slow = Deferred<Int>()
        var slowFailure: Failure?
        slow.addTimeout(1, reactor: clock).addErrback { f -> Int in slowFailure = f; return 0 }
        clock.advance(by: 1)
        #expect((slowFailure?.error as? TimeoutError)?.seconds == 1)

        let quick = Deferred<Int>()
        var quickValue: Int?
        quick.addTimeout(1, reactor: clock).addCallback { quickValue = $0 }
        try quick.callback(3)
        #expect(quickValue == 3)
        #expect(clock.pendingCalls.isEmpty)
    }
}
