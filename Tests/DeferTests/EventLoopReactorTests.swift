import Defer
import Dispatch
import NIOConcurrencyHelpers
import Testing

@Suite("EventLoopReactor, the real reactor")
struct EventLoopReactorTests {
    @Test("delayed calls run in time order, ties in scheduling order, and stop() from a callback ends run()")
    func orderingAndStop() async {
        let reactor = EventLoopReactor()
        let log = NIOLockedValueBox<[String]>([])
        reactor.callLater(0.05) { log.withLockedValue { $0.append("b") } }
        reactor.callLater(0.01) { log.withLockedValue { $0.append("a") } }
        reactor.callLater(0.05) { log.withLockedValue { $0.append("c") } }
        reactor.callLater(0.08) {
            log.withLockedValue { $0.append("stop") }
            reactor.stop()
        }
        await runReactor(reactor)
        #expect(log.withLockedValue { $0 } == ["a", "b", "c", "stop"])
    }

    @Test("a cancelled delayed call never runs; a reset one runs at its new time")
    func cancelAndReset() async {
        let reactor = EventLoopReactor()
        let log = NIOLockedValueBox<[String]>([])
        reactor.callLater(0) {
            let cancelled = reactor.callLater(0.01) { log.withLockedValue { $0.append("cancelled") } }
            let moved = reactor.callLater(0.01) { log.withLockedValue { $0.append("moved") } }
            reactor.callLater(0.02) { log.withLockedValue { $0.append("middle") } }
            cancelled.cancel()
            moved.reset(0.04)
            reactor.callLater(0.06) { reactor.stop() }
        }
        await runReactor(reactor)
        #expect(log.withLockedValue { $0 } == ["middle", "moved"])
    }

    @Test("callFromThread from many threads runs every call on the reactor thread")
    func callFromThreadFromManyThreads() async {
        let reactor = EventLoopReactor()
        let threads = 8
        let callsPerThread = 500
        let counted = NIOLockedValueBox(0)
        let offReactor = NIOLockedValueBox(0)
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                for _ in 0..<callsPerThread {
                    reactor.callFromThread {
                        if !reactor.isOnReactorThread { offReactor.withLockedValue { $0 += 1 } }
                        let total = counted.withLockedValue { count -> Int in
                            count += 1
                            return count
                        }
                        if total == threads * callsPerThread { reactor.stop() }
                    }
                }
            }
        }
        await runReactor(reactor)
        #expect(counted.withLockedValue { $0 } == threads * callsPerThread)
        #expect(offReactor.withLockedValue { $0 } == 0)
    }

    @Test("deferToThread runs work off the reactor thread and fires on it")
    func deferToThread() async {
        let reactor = EventLoopReactor()
        let seen = NIOLockedValueBox<(value: Int?, workOnReactor: Bool?, firedOnReactor: Bool?, error: Bool)>(
            (nil, nil, nil, false))
        // Both outcomes arrive in either order; stop once both have.
        let deliveries = StopAfterDeliveries(2, of: reactor)
        let d = reactor.deferToThread { () -> Int in
            seen.withLockedValue { $0.workOnReactor = reactor.isOnReactorThread }
            return 6 * 7
        }
        d.addCallback { value in
            seen.withLockedValue {
                $0.value = value
                $0.firedOnReactor = reactor.isOnReactorThread
            }
            deliveries.arrived()
        }
        reactor.deferToThread { () throws -> Int in throw Oops() }
            .addErrback { failure -> Int in
                seen.withLockedValue { $0.error = failure.error is Oops }
                deliveries.arrived()
                return 0
            }
        await runReactor(reactor)
        let result = seen.withLockedValue { $0 }
        #expect(result.value == 42)
        #expect(result.workOnReactor == false)
        #expect(result.firedOnReactor == true)
        #expect(result.error)
    }

    @Test("work scheduled after stop() does not run")
    func nothingAfterStop() async {
        let reactor = EventLoopReactor()
        let ranLate = NIOLockedValueBox(false)
        reactor.callLater(0) {
            reactor.callLater(0.01) { ranLate.withLockedValue { $0 = true } }
            reactor.stop()
        }
        await runReactor(reactor)
        try? await Task.sleep(for: .milliseconds(30))
        #expect(ranLate.withLockedValue { $0 } == false)
    }
}

