import Chains
import EventLog

extension ChromeTrace {
    /// Writes events, a comma before each but the first.
    struct Writer: ~Copyable {
        var out: LineBuilder
        var first = true

        mutating func begin(_ ph: String, pid: Int, tid: Int) {
            if !first { out.byte(UInt8(ascii: ",")) }
            first = false
            out.raw("\n{\"ph\":\"\(ph)\",\"pid\":")
            out.int(pid)
            out.raw(",\"tid\":")
            out.int(tid)
        }

        mutating func metadata(_ kind: String, pid: Int, tid: Int, name: String) {
            begin("M", pid: pid, tid: tid)
            out.raw(",\"name\":\"\(kind)\",\"args\":{\"name\":")
            out.string(name)
            out.raw("}}")
        }

        /// A track: its name, and its place (tracks are shown in the order they are numbered).
        mutating func thread(pid: Int, tid: Int, name: String) {
            metadata("thread_name", pid: pid, tid: tid, name: name)
            begin("M", pid: pid, tid: tid)
            out.raw(",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":")
            out.int(tid)
            out.raw("}}")
        }

        /// A complete event (`ph:"X"`) from `start` to `end`, with `args` as string fields.
        mutating func slice(
            _ name: String, category: String, pid: Int, tid: Int, start: Double, end: Double, args: [(String, String?)]
        ) {
            begin("X", pid: pid, tid: tid)
            out.raw(",\"name\":")
            out.string(name)
            out.raw(",\"cat\":\"\(category)\",\"ts\":")
            out.double(start)
            out.raw(",\"dur\":")
            out.double(max(0, end - start))
            self.args(args)
            out.raw("}")
        }

        mutating func instant(
            _ name: String, category: String, pid: Int, tid: Int, at time: Double, args: [(String, String?)]
        ) {
            begin("i", pid: pid, tid: tid)
            out.raw(",\"s\":\"t\",\"name\":")
            out.string(name)
            out.raw(",\"cat\":\"\(category)\",\"ts\":")
            out.double(time)
            self.args(args)
            out.raw("}")
        }

        mutating func args(_ args: [(String, String?)]) {
            out.raw(",\"args\":{")
            var first = true
            for (key, value) in args {
                guard let value else { continue }
                if !first { out.byte(UInt8(ascii: ",")) }
                first = false
                out.string(key)
                out.byte(UInt8(ascii: ":"))
                out.string(value)
            }
            out.raw("}")
        }

        /// The chain as a slice, its runs and waits as slices inside, the cancel as an instant.
        mutating func deferred(_ chain: Chain, pid: Int, tid: Int) {
            guard let (start, end) = ChromeTrace.deferredInterval(chain) else { return }
            slice(
                chain.title, category: "chain", pid: pid, tid: tid, start: start, end: end,
                args: [
                    ("outcome", chain.outcome.badge), ("label", chain.label),
                    ("created_at", chain.createdAt ?? chain.trackedAt),
                    (
                        "fired",
                        chain.firedSide.map { ($0 == .callback ? MonitorVocabulary.Path.success : .error).rawValue }
                    ), ("value", chain.firedValue),
                    ("result", chain.result), ("task_uuid", chain.id),
                ])
            // Runs and waits follow one another on the track; one that starts before the one before it ended (a
            // wait noted a moment before its run's end) starts at that end, so that slices nest.
            var items: [(start: Double, run: ChainRun?, wait: ChainWait?)] = []
            for run in chain.runs { if let t = micros(run.start) { items.append((t, run, nil)) } }
            for wait in chain.waits { if let t = micros(wait.start) { items.append((t, nil, wait)) } }
            var last = start
            for item in items.sorted(by: { $0.start < $1.start }) {
                let from = max(item.start, last)
                if let run = item.run {
                    let to = max(from, micros(run.end) ?? end)
                    last = to
                    slice(
                        run.name, category: run.side == .callback ? "callback" : "errback", pid: pid, tid: tid,
                        start: from, end: to,
                        args: [
                            ("pair", run.index.map(String.init)), ("path", run.side.rawValue), ("input", run.input),
                            ("output", run.output),
                            ("exception", run.exception.map { e in run.reason.map { "\(e): \($0)" } ?? e }),
                        ])
                } else if let wait = item.wait {
                    let to = max(from, micros(wait.end) ?? end)
                    last = to
                    slice(
                        "waiting on #\(wait.on.map(String.init) ?? "?")", category: "wait", pid: pid, tid: tid,
                        start: from, end: to, args: [("on", wait.on.map(String.init)), ("resumed", wait.resumedValue)])
                }
            }
            if let cancelled = micros(chain.cancelledAt) {
                instant("cancelled", category: "cancel", pid: pid, tid: tid, at: max(start, cancelled), args: [])
            }
        }

        /// An Eliot task: each action a slice, each message an instant event, each on the track `plan` gives it
        /// (`tid` is the task's own track, its extra tracks follow), in tree order.
        mutating func actions(_ chain: Chain, plan: ActionTracks, pid: Int, tid: Int) {
            for (row, span) in chain.spans.enumerated() {
                guard let track = plan.track[row], let (start, end) = plan.interval[row] else { continue }
                let fields = (span.startFields + span.endFields).map { ($0.key, Optional($0.value)) }
                switch span.kind {
                case .action:
                    slice(
                        span.name, category: "action", pid: pid, tid: tid + track, start: start, end: end,
                        args: [
                            ("task_level", span.level), ("action_level", plan.actionLevel[row]),
                            ("status", span.status),
                        ] + fields)
                case .message:
                    instant(
                        span.name, category: "message", pid: pid, tid: tid + track, at: start,
                        args: [("task_level", span.level)] + fields)
                }
            }
        }

        /// A flow arrow: its start bound to the slice it leaves, its end to the slice it arrives in.
        mutating func flow(_ id: Int, _ arrow: Arrow) {
            begin("s", pid: arrow.from.pid, tid: arrow.from.tid)
            out.raw(",\"name\":")
            out.string(arrow.name)
            out.raw(",\"cat\":\"link\",\"id\":")
            out.int(id)
            out.raw(",\"ts\":")
            out.double(arrow.from.time)
            out.raw("}")
            begin("f", pid: arrow.to.pid, tid: arrow.to.tid)
            out.raw(",\"bp\":\"e\",\"name\":")
            out.string(arrow.name)
            out.raw(",\"cat\":\"link\",\"id\":")
            out.int(id)
            out.raw(",\"ts\":")
            out.double(arrow.to.time)
            out.raw("}")
        }
    }

    /// A Deferred chain's slice, microseconds: from its start to its end, or to the end of the last of its runs and
    /// waits or its cancel, when later (the slice holds everything on its track).
    static func deferredInterval(_ chain: Chain) -> (start: Double, end: Double)? {
        guard let start = micros(chain.start) else { return nil }
        var end = micros(chain.end) ?? start
        for run in chain.runs { end = max(end, micros(run.end) ?? micros(run.start) ?? end) }
        for wait in chain.waits { end = max(end, micros(wait.end) ?? micros(wait.start) ?? end) }
        if let cancelled = micros(chain.cancelledAt) { end = max(end, cancelled) }
        return (start, end)
    }
}
