import Actions
import Dispatch
import EventLog
import Foundation
import NIOConcurrencyHelpers

/// The streaming monitor's writer thread: takes recorded events off a queue, encodes them as Eliot messages and
/// writes them in batches, so the tracked path only appends to the queue.
///
/// A process that exits without `stop()` loses only what was still queued; it does not hang (the thread is not
/// joined at exit).
final class StreamingWriter: Sendable {
    private struct Queue {
        var events: [MonitorEvent] = []
        var stopping = false
    }

    private let queue = NIOLockedValueBox(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let destination: FileDestination

    init(path: String, header: EventMessage) throws(ActionError) {
        destination = try FileDestination(path: path, append: false)
        _ = destination.write(batch: [header])
        let thread = Thread { [self] in run() }
        thread.name = "reactortrack.monitor.writer"
        thread.start()
    }

    /// Queues one event; wakes the writer when the queue was empty.
    func enqueue(_ event: MonitorEvent) {
        let wasEmpty = queue.withLockedValue { queue -> Bool in
            queue.events.append(event)
            return queue.events.count == 1
        }
        if wasEmpty { wake.signal() }
    }

    /// Writes everything queued so far and stops the thread; returns once it is on disk.
    func stop() {
        let first = queue.withLockedValue { queue -> Bool in
            defer { queue.stopping = true }
            return !queue.stopping
        }
        guard first else { return }
        wake.signal()
        finished.wait()
        destination.synchronize()
    }

    private func run() {
        var encoder = MonitorEncoder()
        while true {
            wake.wait()
            while true {
                let (batch, stopping) = queue.withLockedValue { queue -> ([MonitorEvent], Bool) in
                    defer { queue.events.removeAll(keepingCapacity: true) }
                    return (queue.events, queue.stopping)
                }
                if !batch.isEmpty {
                    _ = destination.write(batch: batch.compactMap { encoder.encode($0) })
                }
                if stopping {
                    finished.signal()
                    return
                }
                if batch.isEmpty { break }
            }
        }
    }
}
