public import Chains
import EventLog

/// Chains as a Chrome trace (the Trace Event Format that Perfetto and `chrome://tracing` open): a process per
/// input log, a track (thread) per chain, named by metadata events; on it the chain as one slice, each
/// callback/errback run and each wait as a slice inside it, Eliot actions as nested slices and messages as
/// instant events; links between chains (`chainDeferred`, a returned or awaited Deferred) as flow arrows.
///
/// Perfetto requires the slices of one track to nest, and chains overlap in time, hence a track per chain.
/// Timestamps are the log's, in microseconds since the Unix epoch. See `docs/exports.md`.
public enum ChromeTrace {
    /// The trace of `chains` (read from `inputs`) as JSON: `{"traceEvents":[…],"displayTimeUnit":"ms"}`.
    public static func json(_ chains: [Chain], inputs: [String]) -> [UInt8] {
        var trace = Writer(out: LineBuilder(capacity: 1 << 20))
        trace.out.raw("{\"traceEvents\":[")
        let shown = chains.filter { !$0.isDropMarker }
        var pids: [String: Int] = [:]
        for input in inputs where pids[input] == nil { pids[input] = pids.count + 1 }
        for chain in shown where pids[chain.file] == nil { pids[chain.file] = pids.count + 1 }
        for (file, pid) in pids.sorted(by: { $0.value < $1.value }) {
            trace.metadata("process_name", pid: pid, tid: 0, name: file)
        }
        // Where each Deferred's chain is, for the flow arrows: links resolve within their file.
        var tracks: [String: [Int: Int]] = [:]
        for (i, chain) in shown.enumerated() {
            if let id = chain.deferredID, tracks[chain.file]?[id] == nil { tracks[chain.file, default: [:]][id] = i }
        }
        // Each chain's tracks first (an Eliot task whose actions overlap without nesting needs more than one),
        // and every track's name before any event, so that a flow's end finds its track named.
        var lanes: [[Int]] = [], firstTID: [Int] = [], next = 1
        for chain in shown {
            let (lane, count) = chain.isDeferred ? ([], 1) : Self.lanes(chain)
            lanes.append(lane)
            firstTID.append(next)
            next += count
        }
        for (i, chain) in shown.enumerated() {
            let pid = pids[chain.file] ?? 0
            let count = (i + 1 < firstTID.count ? firstTID[i + 1] : next) - firstTID[i]
            for k in 0..<count {
                let name = k == 0 ? chain.title : "\(chain.title) (concurrent \(k))"
                trace.metadata("thread_name", pid: pid, tid: firstTID[i] + k, name: name)
                trace.sortIndex(pid: pid, tid: firstTID[i] + k, index: firstTID[i] + k)
            }
        }
        var flow = 0
        for (i, chain) in shown.enumerated() {
            let pid = pids[chain.file] ?? 0, tid = firstTID[i]
            if chain.isDeferred {
                trace.deferred(chain, pid: pid, tid: tid)
            } else {
                trace.actions(chain, pid: pid, tid: tid, lanes: lanes[i])
            }
            for link in chain.links {
                guard let target = tracks[chain.file]?[link.target], target != i else { continue }
                flow += 1
                trace.flow(flow, link: link, from: chain, pid: pid, tid: tid, to: shown[target],
                           targetTID: firstTID[target], targetPID: pids[shown[target].file] ?? 0)
            }
        }
        trace.out.raw("],\"displayTimeUnit\":\"ms\"}\n")
        return trace.out.bytes
    }

    /// The track (0, 1, …) of each of an Eliot task's spans, and how many tracks: an action goes on the first
    /// track where it nests (inside the action open there, or after it), so concurrent actions that overlap
    /// without nesting go side by side. Messages are instants and go on the first track.
    static func lanes(_ chain: Chain) -> (lanes: [Int], count: Int) {
        var open: [[Double]] = [[]]
        var lanes: [Int] = []
        for span in chain.spans {
            guard span.kind == .action, let start = micros(span.start) else {
                lanes.append(0)
                continue
            }
            let end = max(start, micros(span.end) ?? micros(chain.end) ?? start)
            var placed = -1
            for lane in open.indices {
                while let top = open[lane].last, top <= start, top < end { open[lane].removeLast() }
                if open[lane].last.map({ $0 >= end }) ?? true {
                    placed = lane
                    break
                }
            }
            if placed < 0 {
                open.append([])
                placed = open.count - 1
            }
            open[placed].append(end)
            lanes.append(placed)
        }
        return (lanes, open.count)
    }

    /// Microseconds since the epoch (Chrome trace timestamps), or `nil`.
    static func micros(_ seconds: Double?) -> Double? {
        guard let seconds, seconds.isFinite else { return nil }
        return (seconds * 1e6).rounded()
    }
}

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

        mutating func sortIndex(pid: Int, tid: Int, index: Int) {
            begin("M", pid: pid, tid: tid)
            out.raw(",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":")
            out.int(index)
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

        mutating func instant(_ name: String, category: String, pid: Int, tid: Int, at time: Double, args: [(String, String?)]) {
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
            guard let start = micros(chain.start) else { return }
            // The chain's slice holds everything on its track: it spans its runs and waits too.
            var end = micros(chain.end) ?? start
            for run in chain.runs { end = max(end, micros(run.end) ?? micros(run.start) ?? end) }
            for wait in chain.waits { end = max(end, micros(wait.end) ?? micros(wait.start) ?? end) }
            slice(chain.title, category: "chain", pid: pid, tid: tid, start: start, end: end, args: [
                ("outcome", chain.outcome.badge), ("label", chain.label), ("created_at", chain.createdAt ?? chain.trackedAt),
                ("fired", chain.firedSide.map { ($0 == .callback ? MonitorVocabulary.Path.success : .error).rawValue }), ("value", chain.firedValue),
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
                    slice(run.name, category: run.side == .callback ? "callback" : "errback", pid: pid, tid: tid,
                          start: from, end: to, args: [
                            ("pair", run.index.map(String.init)), ("path", run.side.rawValue), ("input", run.input),
                            ("output", run.output),
                            ("exception", run.exception.map { e in run.reason.map { "\(e): \($0)" } ?? e }),
                          ])
                } else if let wait = item.wait {
                    let to = max(from, micros(wait.end) ?? end)
                    last = to
                    slice("waiting on #\(wait.on.map(String.init) ?? "?")", category: "wait", pid: pid, tid: tid,
                          start: from, end: to, args: [("on", wait.on.map(String.init)), ("resumed", wait.resumedValue)])
                }
            }
            if let cancelled = micros(chain.cancelledAt) {
                instant("cancelled", category: "cancel", pid: pid, tid: tid, at: cancelled, args: [])
            }
        }

        /// An Eliot task: each action a slice (nested by depth), each message an instant event.
        mutating func actions(_ chain: Chain, pid: Int, tid: Int, lanes: [Int]) {
            let end = micros(chain.end)
            for (s, span) in chain.spans.enumerated() {
                guard let start = micros(span.start) else { continue }
                let fields = (span.startFields + span.endFields).map { ($0.key, Optional($0.value)) }
                switch span.kind {
                case .action:
                    slice(span.name, category: "action", pid: pid, tid: tid + lanes[s], start: start,
                          end: max(start, micros(span.end) ?? end ?? start),
                          args: [("task_level", span.level), ("status", span.status)] + fields)
                case .message:
                    instant(span.name, category: "message", pid: pid, tid: tid, at: start,
                            args: [("task_level", span.level)] + fields)
                }
            }
        }

        /// A flow arrow from `chain`'s track to `target`'s, bound to the slices it joins.
        mutating func flow(
            _ id: Int, link: ChainLink, from chain: Chain, pid: Int, tid: Int, to target: Chain, targetTID: Int,
            targetPID: Int
        ) {
            guard let chainStart = micros(chain.start), let targetStart = micros(target.start) else { return }
            // It leaves from the pair the link names (its run, or the wait it began) and arrives at the target's
            // chain slice, no earlier than it left and within the target's life.
            let pairRun = chain.runs.first { $0.index == link.pairIndex }
            var from = micros(link.time) ?? micros(pairRun?.end) ?? chainStart
            from = max(from, chainStart)
            let targetEnd = max(targetStart, micros(target.end) ?? targetStart)
            let to = min(max(from, targetStart), targetEnd)
            let name = link.kind.rawValue
            begin("s", pid: pid, tid: tid)
            out.raw(",\"name\":\"\(name)\",\"cat\":\"link\",\"id\":")
            out.int(id)
            out.raw(",\"ts\":")
            out.double(from)
            out.raw("}")
            begin("f", pid: targetPID, tid: targetTID)
            out.raw(",\"bp\":\"e\",\"name\":\"\(name)\",\"cat\":\"link\",\"id\":")
            out.int(id)
            out.raw(",\"ts\":")
            out.double(to)
            out.raw("}")
        }
    }
}
