public import EventLog
import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// A non-blocking destination that hands messages to a writer thread (Eliot's `ThreadedWriter`).
///
/// ``write(_:)`` only appends to a queue under a lock; a dedicated thread takes everything queued, and
/// writes it to the wrapped destination as one batch (one system call for a ``FileDestination``).
///
/// - ``flush()`` returns once everything written before it is in the destination; ``stop()`` does the same
///   and ends the thread. After `stop()`, writes go straight to the destination on the caller's thread.
/// - When the destination throws, the writer counts the failure (``failureCount``) and writes an
///   `eliot:destination_failure` message in its place; if that fails too it is counted in ``droppedCount``.
///   The thread keeps going either way. (Eliot's `ThreadedWriter` silently drops the message.)
/// - A process that exits without `stop()` does not hang (the thread does not keep it alive); an `atexit`
///   handler gives each running writer up to a second to drain its queue first.
public final class ThreadedWriter: LogDestination {
    /// The destination the writer thread writes to.
    public let destination: any LogDestination

    private struct State {
        var queue: [EventMessage] = []
        var writerSleeping = false
        var stopRequested = false
        var threadDone = false
        var enqueued: UInt64 = 0
        var written: UInt64 = 0
        var waiters: [(target: UInt64, semaphore: DispatchSemaphore)] = []
        var failures = 0
        var dropped = 0
    }

    private let state = NIOLockedValueBox(State())
    private let wakeup = DispatchSemaphore(value: 0)

    /// Starts the writer thread.
    public init(destination: any LogDestination) {
        self.destination = destination
        let thread = Thread { [self] in self.runWriter() }
        thread.name = "reactortrack.ThreadedWriter"
        thread.start()
        ExitDrain.shared.register(self)
    }

    /// Queues the message for the writer thread; never blocks on I/O and never throws.
    public func write(_ message: EventMessage) {
        let (direct, wake) = state.withLockedValue { state -> (Bool, Bool) in
            if state.stopRequested { return (true, false) }
            state.queue.append(message)
            state.enqueued += 1
            if state.writerSleeping {
                state.writerSleeping = false
                return (false, true)
            }
            return (false, false)
        }
        if direct {
            deliver([message])
        } else if wake {
            wakeup.signal()
        }
    }

    /// How many messages the destination failed to write.
    public var failureCount: Int { state.withLockedValue { $0.failures } }

    /// How many messages were lost because the destination also failed to take the failure report.
    public var droppedCount: Int { state.withLockedValue { $0.dropped } }

    /// Blocks until every message written before this call has been handed to the destination.
    public func flush() {
        _ = waitForQueued(timeout: .distantFuture)
    }

    /// Writes everything queued, then ends the writer thread. Idempotent; later writes go straight through.
    public func stop() {
        _ = stop(until: .distantFuture)
    }

    /// Like ``stop()``, but gives up waiting after `timeout`; returns whether everything was written.
    @discardableResult
    public func stop(timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow, seconds >= 0 else { return stop(until: .distantFuture) }
        let total = Swift.max(0, nanoseconds.partialValue + attoseconds / 1_000_000_000)
        return stop(until: .now() + .nanoseconds(Int(clamping: total)))
    }

    private func stop(until deadline: DispatchTime) -> Bool {
        let wake = state.withLockedValue { state -> Bool in
            state.stopRequested = true
            if state.writerSleeping {
                state.writerSleeping = false
                return true
            }
            return false
        }
        if wake { wakeup.signal() }
        return waitForQueued(timeout: deadline)
    }

    private func waitForQueued(timeout: DispatchTime) -> Bool {
        let semaphore = DispatchSemaphore(value: 0)
        let mustWait = state.withLockedValue { state -> Bool in
            guard state.written < state.enqueued else { return false }
            state.waiters.append((state.enqueued, semaphore))
            return true
        }
        guard mustWait else { return true }
        return semaphore.wait(timeout: timeout) == .success
    }

    private func runWriter() {
        while true {
            // Decide under the lock: take the batch, or go to sleep, or end.
            let batch = state.withLockedValue { state -> [EventMessage]? in
                if !state.queue.isEmpty {
                    defer { state.queue.removeAll(keepingCapacity: true) }
                    return state.queue
                }
                if state.stopRequested {
                    state.threadDone = true
                    return nil
                }
                state.writerSleeping = true
                return []
            }
            guard let batch else { return }
            if batch.isEmpty {
                wakeup.wait()
                continue
            }
            deliver(batch)
            let ready = state.withLockedValue { state -> [DispatchSemaphore] in
                state.written += UInt64(batch.count)
                let written = state.written
                let ready = state.waiters.filter { $0.target <= written }.map(\.semaphore)
                state.waiters.removeAll { $0.target <= written }
                return ready
            }
            for semaphore in ready { semaphore.signal() }
        }
    }

    private func deliver(_ batch: [EventMessage]) {
        let failures = destination.write(batch: batch)
        guard !failures.isEmpty else { return }
        var dropped = 0
        for (index, error) in failures {
            let report = DestinationFailure.message(for: batch[index], error: error)
            do { try destination.write(report) } catch { dropped += 1 }
        }
        state.withLockedValue {
            $0.failures += failures.count
            $0.dropped += dropped
        }
    }
}

extension ThreadedWriter: ExitDrainable {
    /// Lets the writer drain for at most `seconds` (the process is exiting).
    public func drainAtExit(seconds: Double) {
        stop(timeout: .milliseconds(Int(seconds * 1000)))
    }
}
