package import EventLog
package import Dispatch
import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a writer thread writes from: a queue it empties in batches, and how the batches are written.
///
/// Its methods are called on the writer thread only, one at a time.
package protocol WriterSource: Sendable {
    associatedtype Batch
    /// Takes everything queued, and how many items the queue dropped (it was full) since the last take.
    func take() -> (batch: Batch, dropped: Int)
    /// Whether a batch holds nothing to write.
    func isEmpty(_ batch: Batch) -> Bool
    /// Writes a batch; says how much was written, how much failed, and the error.
    func write(_ batch: Batch) -> WriteOutcome
    /// Writes one message of the writer's own (the note of a loss); whether it was written.
    func write(note: EventMessage) -> Bool
}

/// What writing one batch did.
package struct WriteOutcome: Sendable {
    /// Items written.
    package var written = 0
    /// Items that failed but were reported in the log (an `eliot:destination_failure` message in their place).
    package var reported = 0
    /// Items neither written nor reported.
    package var lost = 0
    /// The last error met.
    package var error: String?

    package init(written: Int = 0, reported: Int = 0, lost: Int = 0, error: String? = nil) {
        self.written = written
        self.reported = reported
        self.lost = lost
        self.error = error
    }
}

/// What a writer has done so far: items written, items that failed, items lost, and the last error.
public struct WriteReport: Sendable, Hashable {
    /// Items written (lines, for a file).
    public var written = 0
    /// Items the destination refused (each reported in the log in its place when that could be written, or lost).
    public var failed = 0
    /// Items that never reached the destination: refused and not reported, or dropped because the queue was full.
    public var lost = 0
    /// The last write error, if any.
    public var lastError: String?

    public init(written: Int = 0, failed: Int = 0, lost: Int = 0, lastError: String? = nil) {
        self.written = written
        self.failed = failed
        self.lost = lost
        self.lastError = lastError
    }
}

/// The package's one writer thread: it empties a ``WriterSource`` in batches and writes them, so that producers
/// only append to a queue. ``ThreadedWriter`` and the monitor's streaming mode are both sources of one.
///
/// Nothing is lost without a word. Every item the source drops (its queue was full) or fails to write and cannot
/// report is counted in ``report`` with the last error; and once the destination takes lines again, a
/// `reactortrack:dropped` message says how many were lost and over which interval (Unix seconds `since` and
/// `until`). A process that exits without ``stop(timeout:)`` lets the thread drain for a bounded time
/// (``ExitDrain``).
package final class WriterThread<Source: WriterSource>: Sendable {
    private struct State {
        var report = WriteReport()
        /// Lost and not yet said in the log: the count and the interval.
        var unreported = 0
        var since: Double?
        var until: Double?
        var stopping = false
        var finished = false
        /// Rounds asked for (by `flush`) and rounds done: a round takes and writes everything queued.
        var requested: UInt64 = 0
        var completed: UInt64 = 0
        var waiters: [(round: UInt64, semaphore: DispatchSemaphore)] = []
        /// Producers waiting for the next take (their queue was full).
        var roomWaiters: [DispatchSemaphore] = []
    }

    private let source: Source
    private let state = NIOLockedValueBox(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    /// How long an exiting process lets it drain.
    private let exitDrainSeconds: Double

    /// Starts the thread, named `name`, writing what `source` queues.
    package init(name: String, source: Source, exitDrainSeconds: Double = 1) {
        self.source = source
        self.exitDrainSeconds = exitDrainSeconds
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
        ExitDrain.shared.register(self)
    }

    /// Tells the thread there is something to write (call it when the queue stops being empty).
    package func wake() {
        wakeUp.signal()
    }

    /// What has been written and lost so far.
    package var report: WriteReport { state.withLockedValue { $0.report } }

    /// Whether `stop` was called.
    package var isStopped: Bool { state.withLockedValue { $0.stopping } }

    /// Waits until everything queued before the call is written, or `deadline` passes; whether it was.
    @discardableResult
    package func flush(until deadline: DispatchTime = .distantFuture) -> Bool {
        let semaphore = DispatchSemaphore(value: 0)
        let mustWait = state.withLockedValue { state -> Bool in
            guard !state.finished else { return false }
            state.requested += 1
            state.waiters.append((state.requested, semaphore))
            return true
        }
        guard mustWait else { return true }
        wakeUp.signal()
        return semaphore.wait(timeout: deadline) == .success
    }

    /// Writes everything queued and ends the thread; returns the report once done, or once `deadline` passes.
    /// Idempotent.
    @discardableResult
    package func stop(until deadline: DispatchTime = .distantFuture) -> WriteReport {
        let first = state.withLockedValue { state -> Bool in
            defer { state.stopping = true }
            return !state.stopping
        }
        if first { wakeUp.signal() }
        // Passed on, so that every caller of stop() sees the thread end.
        if done.wait(timeout: deadline) == .success { done.signal() }
        return report
    }

    /// Lets a producer whose queue is full wait for the thread to take it: wakes the thread and sleeps until a
    /// take, checking `hasRoom` after each, until it holds or `deadline` passes; returns whether it held.
    package func waitForRoom(until deadline: ContinuousClock.Instant, _ hasRoom: () -> Bool) -> Bool {
        while !hasRoom() {
            let semaphore = DispatchSemaphore(value: 0)
            let finished = state.withLockedValue { state -> Bool in
                if !state.finished { state.roomWaiters.append(semaphore) }
                return state.finished
            }
            if finished { return false }
            wakeUp.signal()
            // A take between the check above and the registration would not signal: look once more.
            if hasRoom() { return true }
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            if semaphore.wait(timeout: left.deadlineFromNow) == .timedOut { return hasRoom() }
        }
        return true
    }

    private func run() {
        while true {
            let (stop, round) = state.withLockedValue { ($0.stopping, $0.requested) }
            // Everything queued before `stop` or `flush` was called is in this take.
            let (batch, dropped) = source.take()
            let waiting = state.withLockedValue { state in
                defer { state.roomWaiters.removeAll() }
                return state.roomWaiters
            }
            for semaphore in waiting { semaphore.signal() }
            if dropped > 0 { noteLost(dropped, error: nil) }
            if !source.isEmpty(batch) {
                writeNote()
                let outcome = source.write(batch)
                state.withLockedValue { state in
                    state.report.written += outcome.written
                    state.report.failed += outcome.reported + outcome.lost
                }
                if outcome.lost > 0 || outcome.error != nil { noteLost(outcome.lost, error: outcome.error) }
            }
            // The last round says what is still unsaid, this batch's losses too: no later round will.
            if stop { writeNote() }
            let ready = state.withLockedValue { state -> [DispatchSemaphore] in
                state.completed = round
                state.finished = stop
                if stop {
                    for semaphore in state.roomWaiters { semaphore.signal() }
                    state.roomWaiters.removeAll()
                }
                let ready = state.waiters.filter { $0.round <= round || stop }.map(\.semaphore)
                state.waiters.removeAll { $0.round <= round || stop }
                return ready
            }
            for semaphore in ready { semaphore.signal() }
            if stop {
                done.signal()
                return
            }
            // Something was written: look again before sleeping (more may have come meanwhile).
            if source.isEmpty(batch) { wakeUp.wait() }
        }
    }

    /// Writes the `reactortrack:dropped` note for what was lost and not yet said, if anything was.
    private func writeNote() {
        let pending = state.withLockedValue { ($0.unreported, $0.since, $0.until) }
        guard pending.0 > 0 else { return }
        typealias V = MonitorVocabulary
        var fields: [String: JSONValue] = [V.Field.count: .int(pending.0)]
        if let since = pending.1 { fields[V.Field.since] = .double(since) }
        if let until = pending.2 { fields[V.Field.until] = .double(until) }
        let note = EventMessage(
            taskUUID: newTaskUUID(), taskLevel: [1], timestamp: Date().timeIntervalSince1970,
            messageType: V.Message.dropped.rawValue, fields: fields)
        guard source.write(note: note) else { return }
        state.withLockedValue { state in
            state.unreported -= pending.0
            if state.unreported == 0 {
                state.since = nil
                state.until = nil
            }
        }
    }

    private func noteLost(_ count: Int, error: String?) {
        let now = Date().timeIntervalSince1970
        state.withLockedValue { state in
            if let error { state.report.lastError = error }
            guard count > 0 else { return }
            state.report.lost += count
            state.unreported += count
            state.since = state.since ?? now
            state.until = now
        }
    }
}

extension WriterThread: ExitDrainable {
    /// Writes what is queued, for a bounded time (the process is exiting without `stop`).
    package func drainAtExit(seconds: Double) {
        stop(until: .now() + seconds * exitDrainSeconds)
    }
}
