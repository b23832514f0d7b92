@testable import Defer
import Testing

private struct Pair: Equatable {
    var a: Int32
    var b: Double
}

private struct Large: Equatable {
    var a = 1, b = 2, c = 3, d = 4
}

@Suite("Reading a deferred's value in place")
struct StateLayoutTests {
    @Test("the layout probe finds where the state keeps its case and value on this platform")
    func probeSucceeds() throws {
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        let layout = try #require(StateLayout.current)
        #expect(layout.tagOffset == MemoryLayout<Any>.size)
        #endif
    }

    @Test("an in-place read agrees with matching and casting, for every case and several types")
    func inPlaceReadsAgree() throws {
        let layout = try #require(StateLayout.current)
        /// `smallAndPlain`: the fast read decides for `V` (else it always defers to the general path).
        func check<V: Equatable>(
            _ state: DeferredState, as type: V.Type, smallAndPlain: Bool, sourceLocation: SourceLocation = #_sourceLocation
        ) {
            var state = state
            let general: V? = if case .success(let value) = state { value as? V } else { nil }
            let fast = withUnsafeMutablePointer(to: &state) { layout.successValue(in: $0, as: V.self) }
            switch fast {
            case .some(let value): #expect(value == general, sourceLocation: sourceLocation)
            case .none: break  // cannot tell (another type, or an Optional that `as?` unwraps): the general way decides
            }
            if !smallAndPlain { #expect(fast == nil, sourceLocation: sourceLocation) }
            if case .success = state {} else if smallAndPlain {
                #expect(fast == .some(nil), sourceLocation: sourceLocation)
            }
        }
        let failure = Failure(error: DeferredTypeError(expected: "a", actual: "b"), origin: nil, site: nil)
        let states: [DeferredState] = [
            .pending, .success(7), .success(-1), .success(Int32(7)), .success(2.5), .success(Pair(a: 1, b: 2)),
            .success(Large()), .success("7"), .success(Optional(7) as Any), .failure(failure), .waiting(AnyDeferred()),
        ]
        for state in states {
            check(state, as: Int.self, smallAndPlain: true)
            check(state, as: Int32.self, smallAndPlain: true)
            check(state, as: Double.self, smallAndPlain: true)
            check(state, as: Pair.self, smallAndPlain: true)
            check(state, as: Large.self, smallAndPlain: false)
            check(state, as: String.self, smallAndPlain: false)
        }
        // Exactly the small plain types are read in place; anything else is left to the general path.
        var int = DeferredState.success(42)
        #expect(withUnsafeMutablePointer(to: &int) { layout.successValue(in: $0, as: Int.self) } == .some(42))
        var large = DeferredState.success(Large())
        #expect(withUnsafeMutablePointer(to: &large) { layout.successValue(in: $0, as: Large.self) } == nil)
        var text = DeferredState.success("x")
        #expect(withUnsafeMutablePointer(to: &text) { layout.successValue(in: $0, as: String.self) } == nil)
    }

    @Test("typed callbacks read small plain inputs in place and still report a type mismatch")
    func typedCallbacksInPlace() throws {
        let d = Deferred<Pair>()
        var seen: [Pair] = []
        d.addCallback { pair -> Pair in
            seen.append(pair)
            return Pair(a: pair.a + 1, b: pair.b * 2)
        }
        .addCallback { pair -> Pair in
            seen.append(pair)
            return pair
        }
        try d.callback(Pair(a: 1, b: 1.5))
        #expect(seen == [Pair(a: 1, b: 1.5), Pair(a: 2, b: 3)])

        let mismatch = AnyDeferred()
        var failure: Failure?
        Deferred<Int>(unchecked: mismatch).addCallback { $0 + 1 }.addErrback { error -> Int in
            failure = error
            return 0
        }
        try mismatch.callback(Int32(5))
        #expect(failure?.error is DeferredTypeError)

        let failed = Deferred<Int>()
        var ran = false
        failed.addCallback { value -> Int in
            ran = true
            return value
        }
        try failed.errback(DeferredTypeError(expected: "x", actual: "y"))
        #expect(!ran)
        failed.addErrback { _ in 0 }
    }
}
