@testable import Defer

/// The replays of sections 6 and on: pause, cancellation, timeouts and the rest (see ``TwistedCaseReplays``).
extension TwistedCaseReplays {
    // MARK: 6. pause / unpause

    static func pauseBeforeFire(_ r: CaseRecorder) throws {
        let d = r.track("d", AnyDeferred())
        d.addCallback(r.cb("cb1", .add(1)))
        r.pause(d)
        r.callback(d, 1)
        d.addCallback(r.cb("cb2", .add(1)))
        r.snapshot(d)
        r.unpause(d)

        let f = r.track("f", AnyDeferred.failed(ErrorA("f")))
        r.pause(f)
        f.addErrback(r.eb("f_eb", .ret("ok")))
        r.snapshot(f)
        r.unpause(f)
    }

    static func pauseInsideCallback(_ r: CaseRecorder) throws {
        let d = r.track("d", AnyDeferred())
        d.addCallback(
            r.cb(
                "cb1",
                .custom { input in
                    r.pause(d)
                    return .value((try input.get() as? Int ?? 0) + 1)
                }))
        d.addCallback(r.cb("cb2", .add(1)))
        r.callback(d, 0)
        r.snapshot(d)
        d.addCallback(r.cb("cb3", .add(1)))
        r.mark("cb3 added while paused")
        r.unpause(d)
    }

    // MARK: 7. Cancellation

    static func cancelWithoutCanceller(_ r: CaseRecorder) throws {
        let d = r.track("d", AnyDeferred())
        d.addCallbacks(r.cb("cb1", .pass), r.eb("eb1", .pass))
        r.cancel(d)
        r.callback(d, "late-1")
        r.callback(d, "late-2")
        r.errback(d, ErrorA("late-3"))
        d.addErrback(r.eb("eb2", .ret(())))

        let e = r.track("e", AnyDeferred())
        e.addErrback(r.eb("e_eb1", .pass))
        r.cancel(e)
        r.errback(e, ErrorA("late"))
        r.cancel(e)
        e.addErrback(r.eb("e_eb2", .ret(())))
    }

    static func cancelWithCancellerThatDoesNothing(_ r: CaseRecorder) throws {
        let d = r.track("d", AnyDeferred(canceller: r.canceller("canc")))
        d.addErrback(r.eb("eb1", .pass))
        r.cancel(d)
        r.cancel(d)
        r.callback(d, "late")
        d.addErrback(r.eb("eb2", .ret(())))
    }

    /// Recorded from real Twisted by scripts/record_twisted_cases.py (Inputs/extra-cases.jsonl).
    static func cancellerRaises(_ r: CaseRecorder) throws {
        let d = r.track("d", AnyDeferred(canceller: r.canceller("canc") { _ in throw ErrorA("cannot stop") }))
        d.addErrback(r.eb("eb1", .pass))
        r.cancel(d)
        r.snapshot(d)
        r.cancel(d)
        r.callback(d, "late")
        d.addCallback(
            r.cb("cb1", .custom { input in .value(((try? input.get()) as? String ?? "") + "!") }))
    }

    static func cancellerFiresTheDeferredItself(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred(canceller: r.canceller("canc1") { r.fireQuietly($0, "cancel-value") }))
        d1.addCallbacks(r.cb("cb1", .pass), r.eb("eb1", .pass))
        r.cancel(d1)
        let d2 = r.track(
            "d2", AnyDeferred(canceller: r.canceller("canc2") { r.errbackQuietly($0, ErrorB("from canceller")) }))
        d2.addCallbacks(r.cb("cb2", .pass), r.eb("eb2", .ret(())))
        r.cancel(d2)
    }

    static func cancelAfterFireIsNoop(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred(canceller: r.canceller("canc1") { r.errbackQuietly($0, ErrorB("canc1")) }))
        d1.addCallback(r.cb("cb1", .pass))
        r.callback(d1, "fired")
        r.cancel(d1)
        let d2 = r.track("d2", AnyDeferred(canceller: r.canceller("canc2") { r.errbackQuietly($0, ErrorB("canc2")) }))
        d2.addErrback(r.eb("eb2", .pass))
        r.errback(d2, ErrorA("fired"))
        r.cancel(d2)
        d2.addErrback(r.eb("eb3", .ret(())))
    }

    static func cancelOuterWaitingOnInnerCancelsInner(_ r: CaseRecorder) throws {
        let inner = r.track("inner", AnyDeferred(canceller: r.canceller("inner_canc")))
        let outer = r.track("outer", AnyDeferred(canceller: r.canceller("outer_canc")))
        r.callback(outer, ())
        outer.addCallback(r.cb("cb1", .retd(inner)))
        r.cancel(outer)
        outer.addCallbacks(r.cb("cb2", .pass), r.eb("eb2", .ret("handled")))
    }

    static func deferLaterFiresAndCancel(_ r: CaseRecorder) throws {
        let clock = ManualReactor()
        let d1 = r.track("d1", deferLater(clock, delay: 5) { "later-value" }.base)
        d1.addCallback(r.cb("cb1", .pass))
        r.advance(clock, by: 4)
        r.snapshot(d1)
        r.advance(clock, by: 1)

        let d2 = r.track("d2", deferLater(clock, delay: 5) { "never" }.base)
        d2.addErrback(r.eb("eb2", .pass))
        r.cancel(d2)
        r.recordPendingCalls(clock)
        d2.addErrback(r.eb("eb3", .ret(())))
    }

    // MARK: 8. addTimeout

    static func timeoutNotTriggered(_ r: CaseRecorder) throws {
        let clock = ManualReactor()
        let d = r.track("d", AnyDeferred())
        d.addTimeout(10, reactor: clock)
        d.addCallback(r.cb("cb1", .pass))
        r.recordPendingCalls(clock)
        r.advance(clock, by: 5)
        r.callback(d, "in time")
        r.recordPendingCalls(clock)
        r.advance(clock, by: 10)

        let e = r.track("e", AnyDeferred())
        e.addTimeout(10, reactor: clock)
        e.addBoth(r.both("e_after", .pass))
        r.cancel(e)
        r.recordPendingCalls(clock)
        r.advance(clock, by: 20)
        e.addErrback(r.eb("e_end", .ret(())))
    }

    static func timeoutExpires(_ r: CaseRecorder) throws {
        let clock = ManualReactor()
        let d = r.track("d", AnyDeferred())
        d.addErrback(r.eb("eb_before", .pass))
        d.addTimeout(10, reactor: clock)
        d.addErrback(r.eb("eb_after", .pass))
        r.advance(clock, by: 9)
        r.snapshot(d)
        r.advance(clock, by: 1)
        r.callback(d, "too late")
        d.addErrback(r.eb("eb_end", .ret(())))
    }

    static func timeoutWithCancellerThatCallbacks(_ r: CaseRecorder) throws {
        let clock = ManualReactor()
        let d = r.track("d", AnyDeferred(canceller: r.canceller("canc") { r.fireQuietly($0, "cancel-result") }))
        d.addCallback(r.cb("cb_before", .pass))
        d.addTimeout(10, reactor: clock)
        d.addBoth(r.both("after", .pass))
        r.advance(clock, by: 15)
    }

    static func timeoutCustomOnTimeoutCancel(_ r: CaseRecorder) throws {
        let clock = ManualReactor()
        let d = r.track("d", AnyDeferred())
        d.addTimeout(10, reactor: clock) { result, timeout in
            try r.recordCall("onTimeoutCancel", input: result, args: [timeout]) { .value("OVERRIDDEN") }
        }
        d.addBoth(r.both("after", .pass))
        r.advance(clock, by: 10)
    }

    // MARK: 9. DeferredList, gatherResults, race

    static func deferredListMixedResults(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        let d2 = r.track("d2", AnyDeferred())
        let d3 = r.track("d3", AnyDeferred())
        let dl = r.track("dl", deferredList(typed([d1, d2, d3])).base)
        dl.addCallback(r.cb("dl_cb", .pass))
        r.callback(d3, "three")
        r.errback(d2, ErrorA("two"))
        r.snapshot(dl)
        r.callback(d1, "one")
        d2.addErrback(r.eb("d2_eb_after", .ret("d2 handled")))
    }

    static func deferredListConsumeErrors(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        let d2 = r.track("d2", AnyDeferred())
        let dl = r.track("dl", deferredList(typed([d1, d2]), consumeErrors: true).base)
        dl.addCallback(r.cb("dl_cb", .pass))
        r.errback(d1, ErrorA("x"))
        d1.addBoth(r.both("d1_after", .pass))
        r.callback(d2, 2)
    }

    static func deferredListFireOnOneCallback(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        let d2 = r.track("d2", AnyDeferred())
        let d3 = r.track("d3", AnyDeferred())
        let dl = r.track("dl", deferredList(typed([d1, d2, d3]), fireOnOneCallback: true).base)
        dl.addCallback(r.cb("dl_cb", .pass))
        r.errback(d1, ErrorA("x"))
        r.callback(d3, "winner")
        r.callback(d2, "later")
        d1.addErrback(r.eb("d1_eb", .ret(())))

        let e1 = r.track("e1", AnyDeferred())
        let e2 = r.track("e2", AnyDeferred())
        let dl2 = r.track("dl2", deferredList(typed([e1, e2]), fireOnOneCallback: true).base)
        dl2.addCallback(r.cb("dl2_cb", .pass))
        r.errback(e1, ErrorA("e1"))
        r.errback(e2, ErrorB("e2"))
        e1.addErrback(r.eb("e1_eb", .ret(())))
        e2.addErrback(r.eb("e2_eb", .ret(())))
    }

    static func deferredListEmpty(_ r: CaseRecorder) throws {
        let dl1 = r.track("dl1", deferredList(typed([])).base)
        dl1.addCallback(r.cb("dl1_cb", .pass))
        let dl2 = r.track("dl2", deferredList(typed([]), fireOnOneCallback: true).base)
        dl2.addCallback(r.cb("dl2_cb", .pass))
    }

    static func deferredListCancel(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred(canceller: r.canceller("canc1") { r.fireQuietly($0, "Callback Result") }))
        let d2 = r.track("d2", AnyDeferred())
        let dl = r.track("dl", deferredList(typed([d1, d2])).base)
        dl.addCallback(r.cb("dl_cb", .pass))
        r.cancel(dl)
        d2.addErrback(r.eb("d2_eb", .ret(())))

        let d3 = r.track("d3", AnyDeferred())
        let d4 = r.track("d4", AnyDeferred())
        let dl2 = r.track("dl2", deferredList(typed([d3, d4]), fireOnOneCallback: true).base)
        r.callback(d3, "first")
        r.cancel(dl2)
        r.snapshot(d4)
    }

    static func gatherResultsSuccessAndFailure(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        let d2 = r.track("d2", AnyDeferred())
        let g = r.track("g", gatherResults(typed([d1, d2])).base)
        g.addCallback(r.cb("g_cb", .pass))
        r.callback(d2, 20)
        r.callback(d1, 10)

        let d3 = r.track("d3", AnyDeferred.succeeded(1))
        let d4 = r.track("d4", AnyDeferred.failed(ErrorA("bad")))
        let g2 = r.track("g2", gatherResults(typed([d3, d4])).base)
        g2.addErrback(r.eb("g2_eb", .pass))
        g2.addErrback(r.eb("g2_eb2", .ret(())))
        d4.addErrback(r.eb("d4_eb", .ret("d4 still failing")))
    }

    static func gatherResultsConsumeErrors(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred.succeeded(1))
        let d2 = r.track("d2", AnyDeferred.failed(ErrorA("bad")))
        let g = r.track("g", gatherResults(typed([d1, d2]), consumeErrors: true).base)
        d2.addBoth(r.both("d2_after", .pass))
        g.addErrback(r.eb("g_eb", .pass))
        g.addErrback(r.eb("g_eb2", .ret(())))
    }

    static func race(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred(canceller: r.canceller("canc1")))
        let d2 = r.track("d2", AnyDeferred(canceller: r.canceller("canc2")))
        let d3 = r.track("d3", AnyDeferred(canceller: r.canceller("canc3")))
        let winner = r.track("r", Defer.race(typed([d1, d2, d3])).base)
        winner.addCallback(r.cb("r_cb", .pass))
        r.errback(d1, ErrorA("lost"))
        r.callback(d2, "won")

        let e1 = r.track("e1", AnyDeferred())
        let e2 = r.track("e2", AnyDeferred())
        let r2 = r.track("r2", Defer.race(typed([e1, e2])).base)
        r2.addErrback(r.eb("r2_eb", .pass))
        r2.addErrback(r.eb("r2_eb2", .ret(())))
        r.errback(e2, ErrorB("two"))
        r.errback(e1, ErrorA("one"))
    }

    // MARK: 10. succeed / fail / maybeDeferred

    static func succeedAndFail(_ r: CaseRecorder) throws {
        let s = r.track("s", AnyDeferred.succeeded(3))
        r.snapshot(s)
        s.addCallback(r.cb("s_cb", .add(1)))
        let f = r.track("f", AnyDeferred.failed(ErrorA("failed")))
        r.snapshot(f)
        f.addCallback(r.cb("f_cb", .pass))
        f.addErrback(r.eb("f_eb", .ret("rescued")))
        // Deviation: `fail()` with no argument cannot be written (Deferred.failed requires an Error), so
        // Twisted's NoCurrentExceptionError is recorded literally.
        r.record(["ev": "raised", "op": "fail()", "d": nil, "error": ["failure": "NoCurrentExceptionError"]])
    }

    static func maybeDeferredVariants(_ r: CaseRecorder) throws {
        let argument = 1
        let m1 = r.track("m1", maybeDeferred { argument + 1 }.base)
        r.snapshot(m1)
        let m2 = r.track("m2", maybeDeferred { () throws -> Int in throw ErrorA("sync raise") }.base)
        r.snapshot(m2)
        m2.addErrback(r.eb("m2_eb", .ret(())))
        let m3 = r.track("m3", maybeDeferred { () throws -> Failure in Failure(ErrorB("returned failure")) }.base)
        r.snapshot(m3)
        m3.addErrback(r.eb("m3_eb", .ret(())))
        let orig = r.track("orig", AnyDeferred())
        let m4 = maybeDeferred { () throws -> Deferred<Any> in Deferred(unchecked: orig) }
        r.record([
            "ev": "sameObject", "a": "maybeDeferred(returns orig)", "b": "orig", "value": .bool(m4.base === orig),
        ])
        orig.addCallback(r.cb("orig_cb", .pass))
        r.callback(orig, "async")
    }

    // MARK: 11. Unhandled errors

    static func unhandledErrorLoggedAtGC(_ r: CaseRecorder) throws {
        do {
            let d = AnyDeferred()  // deliberately not named: the recorder must not keep it alive
            d.addCallback(r.cb("cb1", .raise(ErrorA("gc-unhandled"))))
            r.callback(d, 1, recordedName: "(unnamed, then dropped)")
            r.recordUnhandledReports()  // a report before the drop would show up before the mark
            withExtendedLifetime(d) { r.mark("dropping last reference") }
        }
        r.recordUnhandledReports()
        r.mark("after gc")
    }

    // MARK: 12. Long chains

    static func longImplicitChainNoRecursion(_ r: CaseRecorder) throws {
        let count = 10_000
        let chain = (0..<count).map { _ in AnyDeferred() }
        let top = r.track("top", chain[0])
        r.track("second", chain[1])
        let last = r.track("last", chain[count - 1])
        for index in 0..<(count - 1) {
            let next = chain[index + 1]
            chain[index].addCallback { _ in .deferred(next) }
        }
        top.addCallback(r.cb("top_final", .pass))
        for index in 0..<(count - 1) { try chain[index].callback(()) }
        r.snapshot(top)
        r.callback(last, "bottom-value")
        r.snapshot(top)
    }
}
