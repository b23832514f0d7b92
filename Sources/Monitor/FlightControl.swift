import Actions
import Dispatch
import EventLog
import Foundation
import NIOConcurrencyHelpers
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a flight recorder does besides keeping events: it writes records on a signal and on triggers, from the
/// package's writer thread (``WriterThread``), so the thread where a trigger fires (a tracked callback's) never
/// waits for a disk. Triggers are rate-limited (``FlightRecorder/minimumInterval``); a signal always writes one.
final class FlightControl: Sendable {
    let settings: FlightRecorder
    /// The triggers that write records: none without a directory to write them into.
    let triggers: FlightRecorder.Triggers

    private struct State {
        var pending: [FlightRecorder.Reason] = []
        var lastTriggered: ContinuousClock.Instant?
        var report = FlightRecorder.Report()
        var sequence = 0
        var thread: WriterThread<FlightDumps>?
        var signal: SignalWatch?
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())

    init(_ settings: FlightRecorder) {
        self.settings = settings
        triggers = settings.directory == nil ? [] : settings.triggers
    }

    /// Starts the writer thread and the signal watch, for records that `monitor` writes (held weakly: the thread
    /// must not keep the monitor alive).
    func start(for monitor: JSONMonitor) {
        guard settings.directory != nil, triggers != [] || settings.signal != nil else { return }
        let source = FlightDumps(control: self) { [weak monitor] path, reason throws(ActionError) in
            guard let monitor else { return }
            try monitor.writeFlightRecord(to: path, reason: reason)
        }
        let thread = WriterThread(name: "reactortrack.monitor.flight", source: source, exitDrainSeconds: 1)
        let watch = settings.signal.map { number in SignalWatch(number) { [weak self] in self?.request(.signal) } }
        state.withLockedValue { state in
            state.thread = thread
            state.signal = watch
        }
    }

    /// A trigger fired: writes a record unless one was written within the minimum interval.
    func trigger(_ reason: FlightRecorder.Reason) {
        let now = ContinuousClock.now
        let thread = state.withLockedValue { state -> WriterThread<FlightDumps>? in
            guard !state.stopped, let thread = state.thread else { return nil }
            if let last = state.lastTriggered, now - last < settings.minimumInterval {
                state.report.skipped += 1
                return nil
            }
            state.lastTriggered = now
            state.pending.append(reason)
            return thread
        }
        thread?.wake()
    }

    /// Writes a record (the signal): one for any number of requests not yet taken.
    func request(_ reason: FlightRecorder.Reason) {
        let thread = state.withLockedValue { state -> WriterThread<FlightDumps>? in
            guard !state.stopped, let thread = state.thread else { return nil }
            if !state.pending.contains(reason) { state.pending.append(reason) }
            return thread
        }
        thread?.wake()
    }

    /// Waits until every record asked for so far is written (or `deadline` passes).
    func flush(until deadline: DispatchTime) {
        state.withLockedValue { $0.thread }?.flush(until: deadline)
    }

    /// What has been written so far.
    var report: FlightRecorder.Report { state.withLockedValue { $0.report } }

    /// Stops the signal watch and the thread, once the records asked for are written (or `deadline` passes).
    func stop(until deadline: DispatchTime) {
        let (thread, watch) = state.withLockedValue { state in
            state.stopped = true
            defer {
                state.thread = nil
                state.signal = nil
            }
            return (state.thread, state.signal)
        }
        watch?.cancel()
        thread?.stop(until: deadline)
    }

    fileprivate func take() -> [FlightRecorder.Reason] {
        state.withLockedValue { state in
            defer { state.pending.removeAll() }
            return state.pending
        }
    }

    /// Where the next record goes: `flight-20261207T061500Z-<pid>-<n>-<reason>.out` in the directory.
    fileprivate func nextPath(_ reason: FlightRecorder.Reason) -> String {
        let sequence = state.withLockedValue { state -> Int in
            state.sequence += 1
            return state.sequence
        }
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let stamp =
            "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
        let directory = settings.directory ?? "."
        return "\(directory)/flight-\(stamp)-\(getpid())-\(sequence)-\(reason.rawValue).out"
    }

    fileprivate func noteWritten(_ path: String) {
        state.withLockedValue { state in
            state.report.written.append(path)
            if state.report.written.count > 100 { state.report.written.removeFirst() }
        }
    }

    fileprivate func noteFailed(_ error: ActionError) {
        state.withLockedValue { state in
            state.report.failed += 1
            state.report.lastError = error.message
        }
    }
}

/// The flight recorder's requests as a source of the writer thread: each batch is the reasons asked for, and
/// writing one is writing a record.
struct FlightDumps: WriterSource {
    let control: FlightControl
    let write: @Sendable (String, FlightRecorder.Reason) throws(ActionError) -> Void

    func take() -> (batch: [FlightRecorder.Reason], dropped: Int) { (control.take(), 0) }

    func isEmpty(_ batch: [FlightRecorder.Reason]) -> Bool { batch.isEmpty }

    func write(_ batch: [FlightRecorder.Reason]) -> WriteOutcome {
        var outcome = WriteOutcome()
        for reason in batch {
            let path = control.nextPath(reason)
            do {
                try write(path, reason)
                control.noteWritten(path)
                outcome.written += 1
            } catch {
                control.noteFailed(error)
                outcome.lost += 1
                outcome.error = error.message
            }
        }
        return outcome
    }

    /// The writer's note of a loss has no log to go into: the report says it.
    func write(note: EventMessage) -> Bool { false }
}

/// A signal, taken over while watched: its default action (for SIGUSR1, ending the process) is replaced by a
/// handler that writes the signal's number into a pipe, and `handler` runs on the thread that reads the pipe.
/// `cancel()` puts the previous action back.
///
/// Not a dispatch signal source: on Linux that reads a signalfd, which sees a signal only while the thread it goes to
/// blocks it, and a process-directed signal goes to any thread that does not (with the action ignored, it was
/// lost in a test run with many threads). A handler runs on whichever thread takes the signal; the reading thread
/// unblocks the signals it watches, so at least one thread can.
private final class SignalWatch: Sendable {
    private let number: Int32
    private let previous: SignalAction

    init(_ number: Int32, handler: @escaping @Sendable () -> Void) {
        self.number = number
        // The handler to run first, then the action that runs it.
        SignalPipe.watch(number, handler: handler)
        previous = SignalAction(signal(number, SignalPipe.handler))
    }

    func cancel() {
        _ = signal(number, previous.value)
        SignalPipe.unwatch(number)
    }
}

/// A signal action, kept to be put back (a C function pointer, which Swift does not check for sendability).
private struct SignalAction: @unchecked Sendable {
    // Unchecked: a C function pointer (or nil), never called from Swift, only handed back to `signal`.
    let value: sighandler_t?
    init(_ value: sighandler_t?) { self.value = value }
}

/// The pipe the signal handler writes into, and the thread that reads it and runs the watchers' handlers.
private enum SignalPipe {
    /// The pipe's write end, read by the handler (an atomic load, which is async-signal-safe).
    static let writeEnd = Atomic<Int32>(-1)
    private static let handlers = NIOLockedValueBox<[Int32: @Sendable () -> Void]>([:])

    /// Writes the signal's number into the pipe: all a signal handler may safely do here.
    static let handler: @convention(c) (Int32) -> Void = { number in
        var byte = UInt8(truncatingIfNeeded: number)
        let saved = errno
        _ = write(SignalPipe.writeEnd.load(ordering: .relaxed), &byte, 1)
        errno = saved
    }

    /// The reading thread, started with the pipe on first use.
    private static let started: Bool = {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return false }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        writeEnd.store(ends[1], ordering: .relaxed)
        let readEnd = ends[0]
        let thread = Thread {
            // A signal reaches a thread that does not block it: this one blocks none, so the signals watched
            // reach the process even when every other thread blocks them (libdispatch's workers do).
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_UNBLOCK, &all, nil)
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count < 0, errno == EINTR { continue }
                guard count == 1 else { return }
                let handler = handlers.withLockedValue { $0[Int32(byte)] }
                handler?()
            }
        }
        thread.name = "reactortrack.monitor.signals"
        thread.start()
        return true
    }()

    /// Runs `handler` on each `number` signal from now on.
    static func watch(_ number: Int32, handler: @escaping @Sendable () -> Void) {
        _ = started
        handlers.withLockedValue { $0[number] = handler }
    }

    static func unwatch(_ number: Int32) {
        handlers.withLockedValue { $0[number] = nil }
    }
}
