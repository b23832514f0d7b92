import Defer
import Foundation
import NIOConcurrencyHelpers
import Testing

@Suite("Chains never recurse")
struct DeepChainTests {
    /// Makes d0 wait on d1 wait on ... wait on dN, then fires dN: the whole chain resolves in one go.
    static func resolveChain(depth: Int) -> Int? {
        let deferreds = (0...depth).map { _ in Deferred<Int>() }
        for index in 0..<depth {
            let next = deferreds[index + 1]
            deferreds[index].addCallback { _ in next }
        }
        var final: Int?
        deferreds[0].addCallback { final = $0 }
        for index in 0..<depth { try? deferreds[index].callback(0) }
        #expect(deferreds[0].isPaused)
        try? deferreds[depth].callback(42)
        return final
    }

    /// Runs `body` on a thread with a 512 KiB stack (Apple's default for secondary threads): a recursive run loop
    /// would overflow it long before a million links.
    static func onSmallStack(_ body: @escaping @Sendable () -> Void) async {
        await onOwnThread(stackSize: 512 * 1024, body)
    }

    @Test("a 1,000,000-deep chain of returned deferreds resolves on a 512 KiB stack")
    func millionDeep() async {
        let result = NIOLockedValueBox<Int?>(nil)
        await Self.onSmallStack {
            let value = Self.resolveChain(depth: 1_000_000)
            result.withLockedValue { $0 = value }
        }
        #expect(result.withLockedValue { $0 } == 42)
    }

    @Test("a 100,000-step chain of callbacks on one deferred runs in a loop")
    func longCallbackList() async {
        let result = NIOLockedValueBox<Int?>(nil)
        await Self.onSmallStack {
            let d = Deferred<Int>()
            for _ in 0..<100_000 { d.addCallback { $0 + 1 } }
            d.addCallback { value in result.withLockedValue { $0 = value } }
            try? d.callback(0)
        }
        #expect(result.withLockedValue { $0 } == 100_000)
    }
}
