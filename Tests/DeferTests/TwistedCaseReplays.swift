@testable import Defer

/// One Swift replay per case of `shared/spec/deferred-cases/CASES.md`, keyed by case name.
///
/// Each replay follows the case's numbered steps in order, against the untyped `AnyDeferred` API (the typed
/// face only where the API is typed: aggregates, `deferLater`, `maybeDeferred`). `()` stands for Python's None.
enum TwistedCaseReplays {
    typealias ErrorA = TwistedErrors.ErrorA
    typealias ErrorB = TwistedErrors.ErrorB
    typealias ErrorC = TwistedErrors.ErrorC

    /// Views an untyped chain through the typed face, for the aggregate functions (both files of replays).
    static func typed(_ members: [AnyDeferred]) -> [Deferred<Any>] {
        members.map { Deferred<Any>(unchecked: $0) }
    }

    typealias Replay = (CaseRecorder) throws -> Void

    static var all: [String: Replay] {
        [
            // 1. Result flow
            "basic_callback_chain": basicCallbackChain,
            "callback_error_switches_to_errback_path": callbackErrorSwitchesToErrbackPath,
            "errback_return_value_resumes_callbacks": errbackReturnValueResumesCallbacks,
            "addCallbacks_pair_vs_separate_callback_errback": addCallbacksPairVsSeparate,
            "addBoth_sees_success_and_failure": addBothSeesSuccessAndFailure,
            "extra_args_and_kwargs": extraArgsAndKwargs,
            "trap_match_and_mismatch": trapMatchAndMismatch,
            "errback_argument_forms": errbackArgumentForms,
            // 2. Firing only once
            "already_called_errors": alreadyCalledErrors,
            // 3. Re-entrancy
            "firing_other_deferred_inside_callback_is_synchronous": firingOtherDeferredInsideCallback,
            // 4. Implicit chaining
            "callback_returns_already_fired_deferred": callbackReturnsAlreadyFiredDeferred,
            "callback_returns_unfired_deferred": callbackReturnsUnfiredDeferred,
            "inner_failure_propagates_to_outer": innerFailurePropagatesToOuter,
            "errback_returns_deferred": errbackReturnsDeferred,
            "callbacks_added_to_inner_after_chaining_see_none": callbacksAddedToInnerAfterChaining,
            "transitive_chain_three_levels": transitiveChainThreeLevels,
            "callback_order_preserved_with_gather": callbackOrderPreservedWithGather,
            "paused_outer_does_not_block_inner": pausedOuterDoesNotBlockInner,
            // 5. chainDeferred
            "chainDeferred_success_and_failure": chainDeferredSuccessAndFailure,
            "chainDeferred_many_links": chainDeferredManyLinks,
            // 6. pause / unpause
            "pause_before_fire": pauseBeforeFire,
            "pause_inside_callback": pauseInsideCallback,
            // 7. Cancellation
            "cancel_without_canceller": cancelWithoutCanceller,
            "cancel_with_canceller_that_does_nothing": cancelWithCancellerThatDoesNothing,
            "canceller_fires_the_deferred_itself": cancellerFiresTheDeferredItself,
            "canceller_raises": cancellerRaises,
            "cancel_after_fire_is_noop": cancelAfterFireIsNoop,
            "cancel_outer_waiting_on_inner_cancels_inner": cancelOuterWaitingOnInnerCancelsInner,
            "deferLater_fires_and_cancel": deferLaterFiresAndCancel,
            // 8. addTimeout
            "timeout_not_triggered": timeoutNotTriggered,
            "timeout_expires": timeoutExpires,
            "timeout_with_canceller_that_callbacks": timeoutWithCancellerThatCallbacks,
            "timeout_custom_onTimeoutCancel": timeoutCustomOnTimeoutCancel,
            // 9. Aggregates
            "deferredlist_mixed_results": deferredListMixedResults,
            "deferredlist_consumeErrors": deferredListConsumeErrors,
            "deferredlist_fireOnOneCallback": deferredListFireOnOneCallback,
            "deferredlist_empty": deferredListEmpty,
            "deferredlist_cancel": deferredListCancel,
            "gatherResults_success_and_failure": gatherResultsSuccessAndFailure,
            "gatherResults_consumeErrors": gatherResultsConsumeErrors,
            "race": race,
            // 10. succeed / fail / maybeDeferred
            "succeed_and_fail": succeedAndFail,
            "maybeDeferred_variants": maybeDeferredVariants,
            // 11. Unhandled errors
            "unhandled_error_logged_at_gc": unhandledErrorLoggedAtGC,
            // 12. Long chains
            "long_implicit_chain_no_recursion": longImplicitChainNoRecursion,
        ]
    }

    // MARK: 1. Result flow

    static func basicCallbackChain(_ r: CaseRecorder) throws {
        let d = r.track("d", AnyDeferred())
        d.addCallback(r.cb("cb1", .add(1)))
        d.addCallback(r.cb("cb2", .add(10)))
        r.callback(d, 1)
        r.mark("adding cb3 to the already-fired deferred")
        d.addCallback(r.cb("cb3", .add(100)))
        r.mark("addCallback returned")
    }

    static func callbackErrorSwitchesToErrbackPath(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        d1.addCallback(r.cb("cb1", .raise(ErrorA("boom"))))
        d1.addCallback(r.cb("cb2", .add(1)))
        d1.addErrback(r.eb("eb1", .ret("recovered")))
        d1.addCallback(r.cb("cb3", .pass))
        r.callback(d1, 1)
        let d2 = r.track("d2", AnyDeferred())
        d2.addCallback(r.cb("cb4", .fail(ErrorB("returned"))))
        d2.addCallback(r.cb("cb5", .add(1)))
        d2.addErrback(r.eb("eb2", .pass))
        r.callback(d2, 1)
    }

    static func errbackReturnValueResumesCallbacks(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        d1.addCallback(r.cb("cb1", .add(1)))
        d1.addErrback(r.eb("eb1", .ret(7)))
        d1.addCallback(r.cb("cb2", .add(1)))
        d1.addErrback(r.eb("eb2", .ret(-1)))
        r.errback(d1, ErrorA("bad"))
        let d2 = r.track("d2", AnyDeferred())
        d2.addErrback(r.eb("eb3", .ret(())))
        d2.addCallback(r.cb("cb3", .pass))
        r.errback(d2, ErrorA("bad"))
    }

    static func addCallbacksPairVsSeparate(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        d1.addCallbacks(r.cb("cb1", .raise(ErrorA("in cb1"))), r.eb("eb1", .ret("eb1")))
        d1.addCallbacks(r.cb("cb2", .ret("cb2")), r.eb("eb2", .ret("eb2")))
        r.callback(d1, 1)
        let d2 = r.track("d2", AnyDeferred())
        d2.addCallback(r.cb("cb3", .raise(ErrorA("in cb3"))))
        d2.addErrback(r.eb("eb3", .ret("eb3")))
        r.callback(d2, 1)
    }

    static func addBothSeesSuccessAndFailure(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        let d2 = r.track("d2", AnyDeferred())
        let d3 = r.track("d3", AnyDeferred())
        d1.addBoth(r.both("both1", .pass))
        r.callback(d1, 3)
        d2.addBoth(r.both("both2", .ret("handled")))
        d2.addCallback(r.cb("cb2", .pass))
        r.errback(d2, ErrorA("x"))
        d3.addBoth(r.both("both3", .pass))
        d3.addCallback(r.cb("cb3", .pass))
        d3.addErrback(r.eb("eb3", .ret("eb3")))
        r.errback(d3, ErrorB("y"))
    }

    static func extraArgsAndKwargs(_ r: CaseRecorder) throws {
        let d = r.track("d", AnyDeferred())
        d.addCallback(r.cb("cb1", args: ["x", 2], kw: ["key": "k"], .pass))
        d.addCallbacks(
            r.cb("cb2", args: [1], kw: ["a": "A"], .raise(ErrorA("r"))),
            r.eb("eb2", args: ["e"], kw: ["b": "B"], .pass))
        d.addErrback(r.eb("eb3", args: ["extra"], .ret("done")))
        d.addBoth(r.both("both4", args: ["both-arg"], .pass))
        r.callback(d, "v")
    }

    static func trapMatchAndMismatch(_ r: CaseRecorder) throws {
        let d = r.track("d", AnyDeferred())
        d.addErrback(r.eb("eb_trapB", .trap([ErrorB.self], "trappedB")))
        d.addErrback(r.eb("eb_trapCorA", .trap([ErrorC.self, ErrorA.self], "trappedA")))
        d.addCallback(r.cb("cb_after", .pass))
        r.errback(d, ErrorA("orig"))

        let d2 = r.track("d2", AnyDeferred())
        var remembered: Failure?
        d2.addErrback { failure in
            remembered = failure
            return .failure(failure)
        }
        d2.addErrback(r.eb("eb_trapC", .trap([ErrorC.self], "never")))
        d2.addErrback { failure in
            let same =
                remembered === failure && (failure.error as? ErrorA)?.message == (remembered?.error as? ErrorA)?.message
            r.record(["ev": "sameExceptionObject", "value": .bool(same)])
            return .failure(failure)
        }
        r.errback(d2, ErrorA("orig2"))
    }

    static func errbackArgumentForms(_ r: CaseRecorder) throws {
        let d0 = r.track("d0", AnyDeferred())
        let d1 = r.track("d1", AnyDeferred())
        let d2 = r.track("d2", AnyDeferred())
        let d3 = r.track("d3", AnyDeferred())
        d0.addCallbacks(r.cb("cb0", .ret("cb")), r.eb("eb0", .ret("eb")))
        r.callback(d0, Failure(ErrorA("as-value")))
        d1.addErrback(r.eb("eb1", .ret(())))
        r.errback(d1, ErrorA("wrapped"))
        d2.addErrback(r.eb("eb2", .ret(())))
        do {
            throw ErrorB("current")
        } catch {
            // Deviation: Swift has no "current exception"; the caught error is passed explicitly.
            r.errback(d2, error, recordedValue: "<current exception>")
        }
        // Deviation: `d3.errback()` with no argument cannot be written (errback requires an Error), so Twisted's
        // NoCurrentExceptionError step is recorded literally; d3 stays unfired, which `final` checks.
        r.record(["ev": "errback", "d": "d3", "value": "<no argument, no current exception>"])
        r.record(["ev": "raised", "op": "errback", "d": "d3", "error": ["failure": "NoCurrentExceptionError"]])
        _ = d3
    }

    // MARK: 2. Firing only once

    static func alreadyCalledErrors(_ r: CaseRecorder) throws {
        let dCC = r.track("dCC", AnyDeferred())
        let dCE = r.track("dCE", AnyDeferred())
        let dEC = r.track("dEC", AnyDeferred())
        let dEE = r.track("dEE", AnyDeferred())
        r.callback(dCC, "dCC-1")
        r.callback(dCC, "dCC-2")
        r.callback(dCE, "dCE-1")
        r.errback(dCE, ErrorA("dCE-2"))
        r.errback(dEC, ErrorA("dEC-1"))
        r.callback(dEC, "dEC-2")
        r.errback(dEE, ErrorA("dEE-1"))
        r.errback(dEE, ErrorA("dEE-2"))
        dEC.addErrback(r.eb("eb_dEC", .ret(())))
        dEE.addErrback(r.eb("eb_dEE", .ret(())))
    }

    // MARK: 3. Re-entrancy

    static func firingOtherDeferredInsideCallback(_ r: CaseRecorder) throws {
        let d1 = r.track("d1", AnyDeferred())
        let d2 = r.track("d2", AnyDeferred())
        d2.addCallback(r.cb("d2_cb", .add(1)))
        d1.addCallback(
            r.cb(
                "d1_cb",
                .custom { input in
                    let value = try input.get() as? Int ?? 0
                    r.callback(d2, value * 10)
                    r.mark("d1_cb returning")
                    return .value(value)
                }))
        d1.addCallback(r.cb("d1_cb2", .pass))
        r.callback(d1, 2)
    }

    // MARK: 4. Callbacks returning Deferreds

    static func callbackReturnsAlreadyFiredDeferred(_ r: CaseRecorder) throws {
        let inner = r.track("inner", AnyDeferred())
        let outer = r.track("outer", AnyDeferred())
        r.callback(inner, 5)
        outer.addCallback(r.cb("cb1", .retd(inner)))
        outer.addCallback(r.cb("cb2", .add(1)))
        r.callback(outer, 0)
        r.snapshot(inner)
        inner.addCallback(r.cb("inner_late", .pass))
    }

    static func callbackReturnsUnfiredDeferred(_ r: CaseRecorder) throws {
        let inner = r.track("inner", AnyDeferred())
        let outer = r.track("outer", AnyDeferred())
        outer.addCallback(r.cb("cb1", .retd(inner)))
        outer.addCallback(r.cb("cb2", .add(1)))
        r.callback(outer, 0)
        r.snapshot(outer)
        r.snapshot(inner)
        r.callback(inner, 9)
        r.snapshot(outer)
        r.snapshot(inner)
    }

    static func innerFailurePropagatesToOuter(_ r: CaseRecorder) throws {
        let inner1 = r.track("inner1", AnyDeferred())
        let outer1 = r.track("outer1", AnyDeferred())
        outer1.addCallback(r.cb("cb1", .retd(inner1)))
        outer1.addCallback(r.cb("cb2", .pass))
        outer1.addErrback(r.eb("eb1", .ret("handled")))
        r.callback(outer1, 0)
        r.errback(inner1, ErrorA("inner failed"))
        inner1.addBoth(r.both("inner1_late", .pass))

        let inner2 = r.track("inner2", AnyDeferred.failed(ErrorB("pre-failed")))
        let outer2 = r.track("outer2", AnyDeferred())
        outer2.addCallback(r.cb("cb3", .retd(inner2)))
        outer2.addErrback(r.eb("eb3", .pass))
        r.callback(outer2, 0)
        inner2.addBoth(r.both("inner2_late", .pass))
    }

    static func errbackReturnsDeferred(_ r: CaseRecorder) throws {
        let inner = r.track("inner", AnyDeferred())
        let outer = r.track("outer", AnyDeferred())
        outer.addErrback(r.eb("eb1", .retd(inner)))
        outer.addCallback(r.cb("cb1", .pass))
        r.errback(outer, ErrorA("x"))
        r.snapshot(outer)
        r.callback(inner, "result")
    }

    static func callbacksAddedToInnerAfterChaining(_ r: CaseRecorder) throws {
        let inner = r.track("inner", AnyDeferred())
        let outer = r.track("outer", AnyDeferred())
        outer.addCallback(r.cb("outer_cb1", .retd(inner)))
        r.callback(outer, 0)
        inner.addCallback(r.cb("inner_late", .pass))
        outer.addCallback(r.cb("outer_cb2", .pass))
        r.callback(inner, "R")
    }

    static func transitiveChainThreeLevels(_ r: CaseRecorder) throws {
        let first = r.track("first", AnyDeferred())
        let second = r.track("second", AnyDeferred())
        let third = r.track("third", AnyDeferred())
        second.addCallback(r.cb("second_cb", .retd(first)))
        third.addCallback(r.cb("third_cb", .retd(second)))
        third.addCallback(r.cb("third_final", .pass))
        r.callback(second, ())
        r.callback(third, ())
        r.snapshot(third)
        r.callback(first, "X")
    }

    static func callbackOrderPreservedWithGather(_ r: CaseRecorder) throws {
        let a = r.track("a", AnyDeferred())
        let outer = r.track("outer", AnyDeferred())
        outer.addCallback(
            r.cb(
                "outer_cb",
                .custom { _ in
                    let inner = r.track("inner", AnyDeferred())
                    inner.addCallback(
                        r.cb(
                            "inner_first",
                            .custom { _ in
                                .deferred(r.track("gathered", gatherResults(typed([a])).base))
                            }))
                    inner.addCallback(r.cb("inner_second", .pass))
                    r.callback(inner, ())
                    return .deferred(inner)
                }))
        outer.addCallback(r.cb("outer_final", .pass))
        r.callback(outer, "o")
        r.callback(a, "withers")
    }

    static func pausedOuterDoesNotBlockInner(_ r: CaseRecorder) throws {
        let first = r.track("first", AnyDeferred())
        let second = r.track("second", AnyDeferred())
        first.addCallback(r.cb("first_cb", .retd(second)))
        r.callback(first, ())
        r.pause(first)
        r.callback(second, "S")
        second.addCallback(r.cb("second_late", .pass))
        first.addCallback(r.cb("first_cb2", .pass))
        r.snapshot(first)
        r.unpause(first)
    }

    // MARK: 5. chainDeferred

    static func chainDeferredSuccessAndFailure(_ r: CaseRecorder) throws {
        let a = r.track("a", AnyDeferred())
        let b = r.track("b", AnyDeferred())
        b.addCallback(r.cb("b_cb", .add(1)))
        a.chainDeferred(b)
        r.snapshot(b)
        r.callback(a, 3)
        r.snapshot(b)
        a.addCallback(r.cb("a_after", .pass))

        let a2 = r.track("a2", AnyDeferred())
        let b2 = r.track("b2", AnyDeferred())
        b2.addErrback(r.eb("b2_eb", .ret("b2 handled")))
        a2.chainDeferred(b2)
        r.errback(a2, ErrorA("x"))
        a2.addBoth(r.both("a2_after", .pass))
    }

    static func chainDeferredManyLinks(_ r: CaseRecorder) throws {
        let links = (0..<50).map { _ in AnyDeferred() }
        r.track("c0", links[0])
        r.track("c1", links[1])
        r.track("c49", links[49])
        for index in 0..<49 { links[index].chainDeferred(links[index + 1]) }
        links[49].addCallback(r.cb("last_cb", .pass))
        r.callback(links[0], "go")
    }
}
