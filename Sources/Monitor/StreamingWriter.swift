import Actions
import Dispatch
import EventLog
import Foundation
import NIOConcurrencyHelpers

/// The streaming monitor's writer thread: takes the recorded events in batches (`drain`, which swaps the monitor's
/// buffer for an empty one under the monitor's lock), encodes them as Eliot messages and writes them, so the
/// tracked path only appends to the buffer.
///
/// A process that exits without `stop()` loses only what was still queued; it does not hang (the thread is not
/// joined at exit).
final class StreamingWriter: Sendable {
    private let stopping = NIOLockedValueBox(false)
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let destination: FileDestination

    /// Opens `path`, writes `header` and starts the thread, which takes batches with `drain` and converts their
    /// times with the scale `scale` gives after each drain.
    init(
        path: String, header: EventMessage, scale: @escaping @Sendable () -> TickScale,
        drain: @escaping @Sendable () -> EventBuffer
    ) throws(ActionError) {
        destination = try FileDestination(path: path, append: false)
        _ = destination.write(batch: [header])
        let thread = Thread { [self] in run(drain, scale) }
        thread.name = "reactortrack.monitor.writer"
        thread.start()
    }

    /// Tells the thread there is something to write (the monitor calls it when its buffer stops being empty).
    func wake() {
        wakeUp.signal()
    }

    /// Writes everything recorded so far and stops the thread; returns once it is on disk.
    func stop() {
        let first = stopping.withLockedValue { stopping -> Bool in
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        wakeUp.signal()
        finished.wait()
        destination.synchronize()
    }

    private func run(_ drain: @Sendable () -> EventBuffer, _ scale: @Sendable () -> TickScale) {
        var encoder = MonitorEncoder(scale: scale())
        while true {
            wakeUp.wait()
            while true {
                // Read the flag before draining: everything recorded before `stop()` is then in this batch.
                let stop = stopping.withLockedValue { $0 }
                let batch = drain()
                if !batch.isEmpty {
                    // Anchored after the drain: every event of the batch lies between the monitor's start and now.
                    encoder.scale = scale()
                    _ = destination.write(batch: batch.inTimeOrder().compactMap { encoder.encode($0, in: batch) })
                }
                if stop {
                    finished.signal()
                    return
                }
                if batch.isEmpty { break }
            }
        }
    }
}
