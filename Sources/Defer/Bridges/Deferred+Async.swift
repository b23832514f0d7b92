extension Deferred where Value: Sendable {
    /// Waits for the chain's result: returns the value, or throws the failure's error.
    ///
    /// Awaiting adds a callback pair at the end of the chain that handles the outcome, so a failure awaited
    /// here is not reported as unhandled; later callbacks see `()`. Await from code that owns the deferred (on the
    /// reactor thread, or a deferred confined to one task); the callback pair is added synchronously.
    public var value: Value {
        get async throws {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                base.addCallbacks(
                    { value in
                        switch castInput(value, to: Value.self) {
                        case .success(let typed): continuation.resume(returning: typed)
                        case .failure(let failure): continuation.resume(throwing: failure.error)
                        }
                        return .value(())
                    },
                    { failure in
                        continuation.resume(throwing: failure.error)
                        return .value(())
                    }, callbackLabel: "await", errbackLabel: "await")
            }
        }
    }

    /// Runs an `async` function and delivers its outcome as a deferred on the reactor thread
    /// (Twisted's `Deferred.fromCoroutine` / `ensureDeferred`).
    ///
    /// Cancelling the deferred cancels the task (so the function sees `Task.isCancelled` / `CancellationError`)
    /// and fails the deferred with `CancelledError` at once; the function's late result is then dropped.
    ///
    /// - Precondition: Called on the reactor thread, or before `run()`.
    public static func fromAsync(
        on reactor: any Reactor, file: String = #fileID, line: UInt = #line,
        _ body: @escaping @Sendable () async throws -> Value
    ) -> Deferred<Value> {
        let task = Task { try await body() }
        let deferred = Deferred<Value>(canceller: { _ in task.cancel() }, file: file, line: line)
        let bound = ReactorBound(deferred)
        Task {
            let outcome = await task.result
            reactor.callFromThread {
                switch outcome {
                case .success(let value): try? bound.value.callback(value)
                case .failure(let error): try? bound.value.errback(error)
                }
            }
        }
        return deferred
    }
}

/// Runs an `async` function as a deferred; see `Deferred.fromAsync(on:_:)`.
public func ensureDeferred<Value: Sendable>(
    on reactor: any Reactor, file: String = #fileID, line: UInt = #line,
    _ body: @escaping @Sendable () async throws -> Value
) -> Deferred<Value> {
    Deferred.fromAsync(on: reactor, file: file, line: line, body)
}
