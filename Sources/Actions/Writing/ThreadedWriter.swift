public import EventLog
import Dispatch
import NIOConcurrencyHelpers

/// A non-blocking destination that hands messages to a writer thread (Eliot's `ThreadedWriter`).
///
/// ``write(_:)`` only appends to a queue under a lock; the package's writer thread (``WriterThread``) takes
/// everything queued and writes it to the wrapped destination as one batch (one system call for a
/// ``FileDestination``).
///
/// - ``flush()`` returns once everything written before it is in the destination; ``stop()`` does the same
///   and ends the thread. After `stop()`, writes go straight to the destination on the caller's thread.
/// - The queue holds at most `queueLimit` messages. A message that finds it full waits up to `queueWait` for the
///   thread to take it, then is dropped and counted; the drop is said in the log (`reactortrack:dropped`, with the
///   count and the interval) once the destination takes messages again.
/// - When the destination throws, the failure is counted (``failureCount``) and an `eliot:destination_failure`
///   message is written in its place (Eliot's behaviour); if that fails too, the message is lost: counted in
///   ``droppedCount``, kept in ``report`` with the error, and said in the log when it can be.
/// - A process that exits without `stop()` does not hang (the thread does not keep it alive); an `atexit`
///   handler gives each running writer up to a second to drain its queue first.
public final class ThreadedWriter: LogDestination {
    /// The destination the writer thread writes to.
    public let destination: any LogDestination
    /// The most messages queued for the thread.
    public let queueLimit: Int
    /// How long a message that finds the queue full waits for room before it is dropped.
    public let queueWait: Duration

    private let queue: NIOLockedValueBox<Queue>
    private let thread: WriterThread<Source>

    private struct Queue {
        var messages: [EventMessage] = []
        var dropped = 0
        var stopped = false
        /// Set when a message was dropped: later ones are dropped at once until the thread takes the queue.
        var overflowing = false
        var takes: UInt64 = 0
    }

    private struct Source: WriterSource {
        let queue: NIOLockedValueBox<Queue>
        let destination: any LogDestination

        func take() -> (batch: [EventMessage], dropped: Int) {
            queue.withLockedValue { queue in
                defer {
                    queue.messages.removeAll(keepingCapacity: true)
                    queue.dropped = 0
                    queue.overflowing = false
                    queue.takes &+= 1
                }
                return (queue.messages, queue.dropped)
            }
        }

        func isEmpty(_ batch: [EventMessage]) -> Bool { batch.isEmpty }

        func write(_ batch: [EventMessage]) -> WriteOutcome {
            ThreadedWriter.deliver(batch, to: destination)
        }

        func write(note: EventMessage) -> Bool {
            (try? destination.write(note)) != nil
        }
    }

    /// Starts the writer thread.
    ///
    /// - Parameters:
    ///   - queueLimit: The most messages waiting for the thread (65,536 by default: some tens of MiB for typical
    ///     messages).
    ///   - queueWait: How long a message that finds the queue full waits before it is dropped and counted (a
    ///     second by default).
    public init(destination: any LogDestination, queueLimit: Int = 65_536, queueWait: Duration = .seconds(1)) {
        self.destination = destination
        self.queueLimit = max(1, queueLimit)
        self.queueWait = queueWait
        let queue = NIOLockedValueBox(Queue())
        self.queue = queue
        thread = WriterThread(
            name: "reactortrack.ThreadedWriter", source: Source(queue: queue, destination: destination))
    }

    private enum Queued { case queued, wake, full(UInt64), direct, dropped }

    /// Queues the message for the writer thread; never blocks on I/O and never throws. When the queue is full it
    /// waits at most ``queueWait`` for room.
    public func write(_ message: EventMessage) {
        let limit = queueLimit
        func enqueue(mayWait: Bool) -> Queued {
            queue.withLockedValue { queue in
                if queue.stopped { return .direct }
                if queue.messages.count >= limit {
                    if mayWait && !queue.overflowing { return .full(queue.takes) }
                    queue.dropped += 1
                    queue.overflowing = true
                    return .dropped
                }
                queue.messages.append(message)
                return queue.messages.count == 1 ? .wake : .queued
            }
        }
        var result = enqueue(mayWait: true)
        if case .full = result {
            // Others may fill the queue again before this one gets in: it waits until the deadline, not once.
            let deadline = ContinuousClock.now + queueWait
            while case .full(let takes) = result {
                let inTime = thread.waitForRoom(until: deadline) { queue.withLockedValue { $0.takes != takes } }
                result = enqueue(mayWait: inTime)
            }
        }
        switch result {
        case .wake: thread.wake()
        case .direct: _ = Self.deliver([message], to: destination)
        case .queued, .dropped, .full: break
        }
    }

    /// How many messages the destination failed to write.
    public var failureCount: Int { thread.report.failed }

    /// How many messages were lost: the queue was full, or the destination also failed to take the failure report.
    public var droppedCount: Int { report.lost }

    /// What the writer has written and lost so far (including messages dropped and not yet taken by the thread),
    /// with the last error.
    public var report: WriteReport {
        var report = thread.report
        report.lost += queue.withLockedValue { $0.dropped }
        return report
    }

    /// Blocks until every message written before this call has been handed to the destination.
    public func flush() {
        thread.flush()
    }

    /// Writes everything queued, then ends the writer thread. Idempotent; later writes go straight through.
    public func stop() {
        _ = stop(until: .distantFuture)
    }

    /// Like ``stop()``, but gives up waiting after `timeout`; returns whether everything was written.
    @discardableResult
    public func stop(timeout: Duration) -> Bool {
        stop(until: timeout.deadlineFromNow)
    }

    private func stop(until deadline: DispatchTime) -> Bool {
        queue.withLockedValue { $0.stopped = true }
        thread.stop(until: deadline)
        return thread.flush(until: .now())
    }

    /// Writes a batch to `destination`; a message it refuses is replaced by an `eliot:destination_failure` report
    /// (once one report has failed too, the rest of the batch's failures are not tried: the destination is down).
    fileprivate static func deliver(_ batch: [EventMessage], to destination: any LogDestination) -> WriteOutcome {
        let failures = destination.write(batch: batch)
        var outcome = WriteOutcome(written: batch.count - failures.count)
        var reporting = true
        for (index, error) in failures {
            outcome.error = "\(error)"
            if reporting, (try? destination.write(DestinationFailure.message(for: batch[index], error: error))) != nil {
                outcome.reported += 1
            } else {
                reporting = false
                outcome.lost += 1
            }
        }
        return outcome
    }
}
