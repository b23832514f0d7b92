import Defer
import Dispatch
import Synchronization
import Testing

@Suite("EventLoopReactor, the real reactor")
struct EventLoopReactorTests {
    @Test("delayed calls run in time order, ties in scheduling order, and stop() from a callback ends run()")
    func orderingAndStop() async {
        let reactor = EventLoopReactor()
        let log = Mutex<[String]>([])
        reactor.callLater(0.05) { log.withLock { $0.append("b") } }
        reactor.callLater(0.01) { log.withLock { $0.append("a") } }
        reactor.callLater(0.05) { log.withLock { $0.append("c") } }
        reactor.callLater(0.08) {
            log.withLock { $0.append("stop") }
            reactor.stop()
        }
        await runReactor(reactor)
        #expect(log.withLock { $0 } == ["a", "b", "c", "stop"])
    }

    @Test("a cancelled delayed call never runs; a reset one runs at its new time")
    func cancelAndReset() async {
        let reactor = EventLoopReactor()
        let log = Mutex<[String]>([])
        reactor.callLater(0) {
            let cancelled = reactor.callLater(0.01) { log.withLock { $0.append("cancelled") } }
            let moved = reactor.callLater(0.01) { log.withLock { $0.append("moved") } }
            reactor.callLater(0.02) { log.withLock { $0.append("middle") } }
            cancelled.cancel()
            moved.reset(0.04)
            reactor.callLater(0.06) { reactor.stop() }
        }
        await runReactor(reactor)
        #expect(log.withLock { $0 } == ["middle", "moved"])
    }

    @Test("callFromThread from many threads runs every call on the reactor thread")
    func callFromThreadFromManyThreads() async {
        let reactor = EventLoopReactor()
        let threads = 8
        let callsPerThread = 500
        let counted = Mutex(0)
        let offReactor = Mutex(0)
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                for _ in 0..<callsPerThread {
                    reactor.callFromThread {
                        if !reactor.isOnReactorThread { offReactor.withLock { $0 += 1 } }
                        let total = counted.withLock { count -> Int in
                            count += 1
                            return count
                        }
                        if total == threads * callsPerThread { reactor.stop() }
                    }
                }
            }
        }
        await runReactor(reactor)
        #expect(counted.withLock { $0 } == threads * callsPerThread)
        #expect(offReactor.withLock { $0 } == 0)
    }

    @Test("deferToThread runs work off the reactor thread and fires on it")
    func deferToThread() async {
        let reactor = EventLoopReactor()
        let seen = Mutex<(value: Int?, workOnReactor: Bool?, firedOnReactor: Bool?, error: Bool)>((nil, nil, nil, false))
        let d = reactor.deferToThread { () -> Int in
            seen.withLock { $0.workOnReactor = reactor.isOnReactorThread }
            return 6 * 7
        }
        d.addCallback { value in
            seen.withLock {
                $0.value = value
                $0.firedOnReactor = reactor.isOnReactorThread
            }
        }
        reactor.deferToThread { () throws -> Int in throw Oops() }
            .addErrback { failure -> Int in
                seen.withLock { $0.error = failure.error is Oops }
                reactor.stop()
                return 0
            }
        await runReactor(reactor)
        let result = seen.withLock { $0 }
        #expect(result.value == 42)
        #expect(result.workOnReactor == false)
        #expect(result.firedOnReactor == true)
        #expect(result.error)
    }

    @Test("work scheduled after stop() does not run")
    func nothingAfterStop() async {
        let reactor = EventLoopReactor()
        let ranLate = Mutex(false)
        reactor.callLater(0) {
            reactor.callLater(0.01) { ranLate.withLock { $0 = true } }
            reactor.stop()
        }
        await runReactor(reactor)
        try? await Task.sleep(for: .milliseconds(30))
        #expect(ranLate.withLock { $0 } == false)
    }
}

