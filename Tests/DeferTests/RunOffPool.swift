import Defer
import Foundation
import NIOConcurrencyHelpers

/// Runs `reactor.run()` on a thread of its own and waits for it without blocking a Swift concurrency thread
/// (a blocked cooperative pool of two threads would starve the tasks that `fromAsync` starts).
func runReactor(_ reactor: EventLoopReactor) async {
    await onOwnThread { reactor.run() }
}

/// Runs `body` on a new thread with the given stack size and waits for it asynchronously.
func onOwnThread(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let thread = Thread {
            body()
            continuation.resume()
        }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }
}

/// Stops a reactor once the expected number of deliveries have arrived, in whatever order they come.
final class StopAfterDeliveries: Sendable {
    private let remaining: NIOLockedValueBox<Int>
    private let reactor: EventLoopReactor

    init(_ count: Int, of reactor: EventLoopReactor) {
        self.remaining = NIOLockedValueBox(count)
        self.reactor = reactor
    }

    /// Counts one delivery; the last one stops the reactor (after the current turn, from any thread).
    func arrived() {
        let left = remaining.withLockedValue { count -> Int in
            count -= 1
            return count
        }
        if left == 0 { reactor.callFromThread { [reactor] in reactor.stop() } }
    }
}
