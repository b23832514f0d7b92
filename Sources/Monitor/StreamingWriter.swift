import Actions
import Dispatch
import EventLog
import Foundation
import NIOConcurrencyHelpers

/// The streaming monitor's writer thread: takes the recorded events in batches (`drain`, which swaps the monitor's
/// buffer for an empty one under the monitor's lock), encodes them as Eliot messages and writes them, so the
/// tracked path only appends to the buffer.
///
/// Nothing is lost without a word: a batch the file does not take (a full disk) is counted, with the error, in
/// ``report``; events the monitor dropped (its bound) are counted too; and once the file takes lines again, a
/// `reactortrack:dropped` message says how many were lost and over which interval. A line is written whole or not
/// at all. A process that exits without `stop()` lets the writer drain for up to three seconds (``ExitDrain``).
final class StreamingWriter: Sendable {
    /// What the writer did: lines written, events lost, and the last write error.
    struct Report: Sendable {
        var written = 0
        /// Events that were never written: the file refused them, or the monitor dropped them (its bound).
        var lost = 0
        var lastError: String?
        /// Lost and not yet said in the log: the count and the interval (Unix seconds).
        var unreported = 0
        var since: Double?
        var until: Double?
    }

    private let stopping = NIOLockedValueBox(false)
    private let report = NIOLockedValueBox(Report())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let destination: FileDestination

    /// Opens `path`, writes `header` and starts the thread, which takes batches with `drain` (the events, and how
    /// many the monitor dropped since the last batch) and converts their times with the scale `scale` gives.
    init(
        path: String, header: EventMessage, scale: @escaping @Sendable () -> TickScale,
        drain: @escaping @Sendable () -> (events: EventBuffer, dropped: Int)
    ) throws(ActionError) {
        destination = try FileDestination(path: path, append: false)
        if let failure = destination.write(batch: [header]).first {
            throw ActionError(code: .ioFailure, message: "\(path): \(failure.error)")
        }
        let thread = Thread { [self] in run(drain, scale) }
        thread.name = "reactortrack.monitor.writer"
        thread.start()
        ExitDrain.shared.register(self)
    }

    /// Tells the thread there is something to write (the monitor calls it when its buffer stops being empty).
    func wake() {
        wakeUp.signal()
    }

    /// What has been written and lost so far.
    var currentReport: Report { report.withLockedValue { $0 } }

    /// Writes everything recorded so far and stops the thread; returns once it is on disk (or after `timeout`).
    @discardableResult
    func stop(timeout: DispatchTime = .distantFuture) -> Report {
        let first = stopping.withLockedValue { stopping -> Bool in
            defer { stopping = true }
            return !stopping
        }
        if first {
            wakeUp.signal()
            if finished.wait(timeout: timeout) == .success { destination.synchronize() }
        }
        return currentReport
    }

    private func run(
        _ drain: @Sendable () -> (events: EventBuffer, dropped: Int), _ scale: @Sendable () -> TickScale
    ) {
        var encoder = MonitorEncoder(scale: scale())
        while true {
            wakeUp.wait()
            while true {
                // Read the flag before draining: everything recorded before `stop()` is then in this batch.
                let stop = stopping.withLockedValue { $0 }
                let (batch, dropped) = drain()
                if dropped > 0 { noteLost(dropped, error: nil) }
                if !batch.isEmpty || (stop && report.withLockedValue({ $0.unreported }) > 0) {
                    // Anchored after the drain: every event of the batch lies between the monitor's start and now.
                    encoder.scale = scale()
                    write(batch.inTimeOrder().compactMap { encoder.encode($0, in: batch) })
                }
                if stop {
                    finished.signal()
                    return
                }
                if batch.isEmpty { break }
            }
        }
    }

    /// Writes a batch, led by a `reactortrack:dropped` message when events were lost since the last one written.
    private func write(_ messages: [EventMessage]) {
        let pending = report.withLockedValue { ($0.unreported, $0.since, $0.until) }
        var batch = messages
        if pending.0 > 0 {
            typealias V = MonitorVocabulary
            var fields: [String: JSONValue] = [V.Field.count: .int(pending.0)]
            if let since = pending.1 { fields[V.Field.since] = .double(since) }
            if let until = pending.2 { fields[V.Field.until] = .double(until) }
            batch.insert(
                EventMessage(
                    taskUUID: UUID().uuidString.lowercased(), taskLevel: [1], timestamp: MonitorClock.realtime(),
                    messageType: V.Message.dropped.rawValue, fields: fields),
                at: 0)
        }
        let failures = destination.write(batch: batch)
        let markerWritten = pending.0 > 0 && failures.first?.index != 0
        report.withLockedValue { report in
            report.written += batch.count - failures.count
            if markerWritten {
                report.unreported -= pending.0
                report.since = report.unreported > 0 ? report.since : nil
                report.until = report.unreported > 0 ? report.until : nil
                report.written -= 1
            }
        }
        // The marker itself does not count as a lost event if the file refused it.
        let lost = failures.count - (pending.0 > 0 && !markerWritten ? 1 : 0)
        if lost > 0 { noteLost(lost, error: failures.first.map { "\($0.error)" }) }
    }

    private func noteLost(_ count: Int, error: String?) {
        let now = MonitorClock.realtime()
        report.withLockedValue { report in
            report.lost += count
            report.unreported += count
            report.since = report.since ?? now
            report.until = now
            if let error { report.lastError = error }
        }
    }
}

extension StreamingWriter: ExitDrainable {
    /// Writes what is queued, for at most `seconds` (the process is exiting without `stop()`).
    func drainAtExit(seconds: Double) {
        // A monitor's backlog can be large: it gets three times the registry's bound.
        stop(timeout: .now() + 3 * seconds)
    }
}
