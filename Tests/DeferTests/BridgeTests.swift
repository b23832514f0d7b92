import Defer
import NIOCore
import NIOPosix
import NIOConcurrencyHelpers
import Testing

@Suite("Bridges to async/await and SwiftNIO")
struct BridgeTests {
    @Test("awaiting a fired Deferred returns its value or throws its error")
    func awaitFired() async throws {
        let value = try await Deferred<Int>.succeeded(5).value
        #expect(value == 5)
        await #expect(throws: Oops.self) { try await Deferred<Int>.failed(Oops()).value }
    }

    @Test("awaiting a failed Deferred handles the failure: nothing is reported unhandled")
    func awaitHandles() async throws {
        let d = Deferred<Int>.failed(Oops(message: "awaited"))
        _ = try? await d.value
        if case .failure = d.state { Issue.record("the failure is still pending after await") }
    }

    @Test("fromAsync delivers an async function's result on the reactor thread")
    func fromAsync() async {
        let reactor = EventLoopReactor()
        let seen = NIOLockedValueBox<(value: Int?, onReactor: Bool?, failed: Bool)>((nil, nil, false))
        let deliveries = StopAfterDeliveries(2, of: reactor)
        reactor.callLater(0) {
            Deferred.fromAsync(on: reactor) { () async throws -> Int in
                try await Task.sleep(for: .milliseconds(5))
                return 11
            }.addCallback { value in
                seen.withLockedValue {
                    $0.value = value
                    $0.onReactor = reactor.isOnReactorThread
                }
                deliveries.arrived()
            }
            ensureDeferred(on: reactor) { () async throws -> Int in throw Oops() }
                .addErrback { failure -> Int in
                    seen.withLockedValue { $0.failed = failure.error is Oops }
                    deliveries.arrived()
                    return 0
                }
        }
        await runReactor(reactor)
        let result = seen.withLockedValue { $0 }
        #expect(result.value == 11)
        #expect(result.onReactor == true)
        #expect(result.failed)
    }

    @Test("cancelling a fromAsync Deferred cancels the task and fails with CancelledError")
    func fromAsyncCancel() async {
        let reactor = EventLoopReactor()
        let seen = NIOLockedValueBox<(cancelled: Bool, taskSawCancel: Bool)>((false, false))
        reactor.callLater(0) {
            let d = Deferred.fromAsync(on: reactor) { () async throws -> Int in
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    seen.withLockedValue { $0.taskSawCancel = error is CancellationError }
                    reactor.callFromThread { reactor.stop() }
                    throw error
                }
                return 1
            }
            d.addErrback { failure -> Int in
                seen.withLockedValue { $0.cancelled = failure.error is CancelledError }
                return 0
            }
            reactor.callLater(0.01) { d.cancel() }
            reactor.callLater(30) { reactor.stop() }  // only if the task never saw the cancel
        }
        await runReactor(reactor)
        let result = seen.withLockedValue { $0 }
        #expect(result.cancelled)
        #expect(result.taskSawCancel)
    }

    @Test("an EventLoopFuture becomes a Deferred, and a Deferred becomes a future")
    func nioFutures() async throws {
        let reactor = EventLoopReactor()
        let otherGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let other = otherGroup.next()
        let seen = NIOLockedValueBox<(Int?, Bool?, String?)>((nil, nil, nil))
        // The two conversions complete in either order; stop once both have.
        let deliveries = StopAfterDeliveries(2, of: reactor)
        let promise = other.makePromise(of: Int.self)
        reactor.callLater(0) {
            Deferred(promise.futureResult, reactor: reactor).addCallback { value in
                seen.withLockedValue { $0.0 = value; $0.1 = reactor.isOnReactorThread }
                deliveries.arrived()
            }
            let d = Deferred<String>()
            d.eventLoopFuture(on: other).whenSuccess { text in
                seen.withLockedValue { $0.2 = text }
                deliveries.arrived()
            }
            reactor.callLater(0.01) { try? d.callback("from deferred") }
        }
        other.execute { promise.succeed(99) }
        await runReactor(reactor)
        let result = seen.withLockedValue { $0 }
        #expect(result.0 == 99)
        #expect(result.1 == true)
        #expect(result.2 == "from deferred")
        try await otherGroup.shutdownGracefully()
    }
}
