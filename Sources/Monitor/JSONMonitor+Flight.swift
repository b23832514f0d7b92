public import Actions
public import Defer
import Dispatch
import EventLog
import NIOConcurrencyHelpers

/// The flight recorder: a monitor that keeps only the recent past, and writes it out when asked or when
/// something goes wrong (see ``FlightRecorder``).
extension JSONMonitor {
    /// A monitor that keeps the recent past in memory, bounded by `flightRecorder`, and writes it as an ordinary
    /// log on ``dumpFlightRecord(to:)``, on the settings' signal and on their triggers.
    ///
    /// - Parameters:
    ///   - followChained: Also track every deferred a tracked one waits on, `chainDeferred`s to, or aggregates.
    ///   - flightRecorder: How much to keep, and when to write a record on its own.
    ///   - clock: Stamp events with this reactor's clock (see `init(followChained:bufferLimit:...)`).
    ///   - values: How much of each value is written (``ValuePolicy``).
    ///   - companion: Told of every event of every tracked chain too, after the monitor (see ``companion``).
    public convenience init(
        followChained: Bool = false, flightRecorder: FlightRecorder, clock: (any ReactorTime)? = nil,
        values: ValuePolicy = .full, companion: (any DeferredObserver)? = nil
    ) {
        self.init(
            followChained: followChained, bufferLimit: .max, clock: clock, values: values, companion: companion,
            flight: flightRecorder)
    }

    /// The flight recorder's settings (`nil` for other monitors).
    public var flightRecorder: FlightRecorder? { flight?.settings }

    /// What the flight recorder has written on its own so far (`nil` for other monitors). Records are written on
    /// a thread of their own: ``waitForFlightRecords(timeout:)`` waits for those asked for.
    public var flightReport: FlightRecorder.Report? { flight?.report }

    /// Waits until the records that signals and triggers asked for so far are written, or `timeout` passes.
    public func waitForFlightRecords(timeout: Duration = .seconds(10)) {
        flight?.flush(until: timeout.deadlineFromNow)
    }

    /// Writes what the flight recorder holds to `path` as a monitor log every command reads: the chains tracked
    /// before its start first, each with `cut_at`, then the events it kept. Chains still in flight are left open,
    /// as in a streaming log read while the program runs.
    ///
    /// - Throws: `ActionError` if the file cannot be written, or (``ActionError/Code/misuse``) if this monitor
    ///   has no flight recorder.
    public func dumpFlightRecord(to path: String) throws(ActionError) {
        guard flight != nil else {
            throw ActionError(
                code: .misuse, message: "dumpFlightRecord(to: \(path)) on a monitor made without a flight recorder")
        }
        try writeFlightRecord(to: path, reason: .call)
    }

    /// Writes the record to `path`, its header saying `reason`.
    func writeFlightRecord(to path: String, reason: FlightRecorder.Reason) throws(ActionError) {
        try DumpFile.write(flightRecordLines(reason: reason), to: path)
    }

    /// The flight record as log lines: the header (with `flight_record` and, when anything was let go, `cut_at`),
    /// the start of every chain whose own start was let go, then the events kept, each segment in time order.
    func flightRecordLines(reason: FlightRecorder.Reason) -> LineBuilder {
        let now = clock.now()
        let (segments, carried, cutAt) = state.withLockedValue { state -> ([EventBuffer], [FlightRing.CutStart], UInt64?) in
            guard state.flight != nil else { return ([state.events], [], nil) }
            state.flight!.trim(at: now)
            let ring = state.flight!
            return (ring.segments + [state.events], Array(ring.carried.values), ring.cutAt)
        }
        var encoder = MonitorEncoder(scale: clock.scale(since: origin))
        var lines = LineBuilder(capacity: segments.reduce(0) { $0 + $1.count } * 200 + 4096)
        typealias F = MonitorVocabulary.Field
        var fields: [String: JSONValue] = [F.producer: "reactortrack JSONMonitor", F.flightRecord: .string(reason.rawValue)]
        if let cutAt { fields[F.cutAt] = .double(encoder.scale.seconds(cutAt)) }
        lines.append(
            EventLogFormat.header(taskUUID: newTaskUUID(), timestamp: MonitorClock.realtime(), fields: fields))
        if let cutAt {
            for start in carried.sorted(by: { ($0.time, $0.chain) < ($1.time, $1.chain) }) {
                encoder.appendCut(start, cutAt: cutAt, to: &lines)
            }
        }
        for segment in segments {
            for event in segment.inTimeOrder() { encoder.append(event, in: segment, to: &lines) }
        }
        return lines
    }

    /// `duration` in ticks of a clock running at `ticksPerSecond` (at least one).
    static func ticks(_ duration: Duration, at ticksPerSecond: Double) -> UInt64 {
        let ticks = duration.seconds * ticksPerSecond
        return ticks.isFinite && ticks >= 1 ? UInt64(min(ticks, Double(UInt64.max / 2))) : 1
    }

    /// A trigger fired (`reason`): the control writes a record, rate-limited.
    @inline(never)
    func flightTriggered(_ reason: FlightRecorder.Reason) {
        flight?.trigger(reason)
    }

    /// Chain `chain` has just started waiting: if it now waits, through others, on itself, each chain of the cycle
    /// says so in its task, and the wait-cycle trigger fires. The walk is as long as the line of waits, and is
    /// made only when the trigger is on.
    func checkWaitCycle(from chain: Int) {
        let time = clock.now()
        let found = state.withLockedValue { state -> Bool in
            guard !state.stopped else { return false }
            var path = [chain]
            var current = chain
            for _ in 0..<state.chains.waiting.count {
                guard let next = state.chains[current]?.waitingOn, state.chains[next] != nil else { return false }
                path.append(next)
                if next == chain { break }
                current = next
            }
            guard path.count > 1, path.last == chain else { return false }
            // Each chain of the cycle, with the cycle from it round to it again (as `stop()` writes it).
            let members = path.dropLast()
            for (offset, id) in members.enumerated() {
                let cycle = Array(members[(members.startIndex + offset)...]) + Array(members.prefix(offset)) + [id]
                record(in: &state, chain: id) { record, buffer in
                    record.cycleReported = true
                    return .waitCycle(
                        chain: id, slot: record.takeSlot(), time: time, cycle: buffer.detail(.cycle(cycle)))
                }
            }
            return true
        }
        if found { flightTriggered(.waitCycle) }
    }
}
