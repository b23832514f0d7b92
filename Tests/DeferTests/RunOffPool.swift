import Defer
import Foundation

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
