public import Chains
import EventLog

/// Chains as a Chrome trace (the Trace Event Format that Perfetto and `chrome://tracing` open): a process per
/// input log, a track (thread) per chain, named by metadata events; on it the chain as one slice, each
/// callback/errback run and each wait as a slice inside it, Eliot actions as nested slices and messages as
/// instant events; links between chains (`chainDeferred`, a returned or awaited Deferred) as flow arrows.
///
/// Perfetto requires the slices of one track to nest, and chains overlap in time, hence a track per chain; an
/// Eliot task whose actions run at the same time (a client's three requests at once) takes extra tracks, so that
/// on every track each slice lies directly in its parent. Timestamps are the log's, in microseconds since the
/// Unix epoch. See `docs/exports.md`.
public enum ChromeTrace {
    /// The trace of `chains` (read from `inputs`) as JSON: `{"traceEvents":[…],"displayTimeUnit":"ms"}`.
    public static func json(_ chains: [Chain], inputs: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        write(chains, inputs: inputs) { bytes += $0 }
        return bytes
    }

    /// The same JSON, handed to `put` a piece (about a megabyte) at a time as it is made: the trace of a hundred
    /// thousand chains is written without being held whole.
    package static func write(_ chains: [Chain], inputs: [String], to put: ([UInt8]) -> Void) {
        var trace = Writer(out: .exportPiece())
        trace.out.raw("{\"traceEvents\":[")
        let shown = chains.filter { !$0.isDropMarker }
        var pids: [String: Int] = [:]
        for input in inputs where pids[input] == nil { pids[input] = pids.count + 1 }
        for chain in shown where pids[chain.file] == nil { pids[chain.file] = pids.count + 1 }
        for (file, pid) in pids.sorted(by: { $0.value < $1.value }) {
            trace.metadata("process_name", pid: pid, tid: 0, name: file)
        }
        // Where each Deferred's chain is, for the flow arrows: links resolve within their file.
        var byDeferred: [String: [Int: Int]] = [:]
        for (i, chain) in shown.enumerated() {
            if let id = chain.deferredID, byDeferred[chain.file]?[id] == nil {
                byDeferred[chain.file, default: [:]][id] = i
            }
        }
        // Each chain's tracks first (an Eliot task whose actions run at the same time takes more than one), and
        // every track's name before any event, so that a flow's end finds its track named.
        var plans: [ActionTracks?] = []
        var firstTID: [Int] = []
        var next = 1
        var names = TrackNames()
        for chain in shown {
            let plan = chain.isDeferred ? nil : ActionTracks(chain)
            let pid = pids[chain.file] ?? 0
            let base = TrackNames.base(of: chain)
            trace.thread(pid: pid, tid: next, name: names.unique(base, pid: pid, chain: chain))
            for (k, lane) in (plan?.lanes ?? []).enumerated() {
                let name = names.unique(TrackNames.lane(lane, of: chain, base: base), pid: pid, chain: chain)
                trace.thread(pid: pid, tid: next + 1 + k, name: name)
            }
            plans.append(plan)
            firstTID.append(next)
            next += plan?.count ?? 1
        }
        var flows = 0
        // Each chain's end of its links, made once, when its first link is drawn.
        var ends = [End?](repeating: nil, count: shown.count)
        func end(_ i: Int) -> End {
            if let made = ends[i] { return made }
            let made = End(chain: shown[i], pid: pids[shown[i].file] ?? 0, tid: firstTID[i], plan: plans[i])
            ends[i] = made
            return made
        }
        for (i, chain) in shown.enumerated() {
            let pid = pids[chain.file] ?? 0
            let tid = firstTID[i]
            if let plan = plans[i] {
                trace.actions(chain, plan: plan, pid: pid, tid: tid)
            } else {
                trace.deferred(chain, pid: pid, tid: tid)
            }
            for link in chain.links {
                guard let t = byDeferred[chain.file]?[link.target], t != i else { continue }
                guard let arrow = Arrow(link, from: end(i), to: end(t)) else { continue }
                flows += 1
                trace.flow(flows, arrow)
            }
            trace.out.handOn(to: put)
        }
        trace.out.raw("],\"displayTimeUnit\":\"ms\"}\n")
        trace.out.handOn(atLeast: 1, to: put)
    }

    /// Microseconds since the epoch (Chrome trace timestamps), or `nil`.
    static func micros(_ seconds: Double?) -> Double? {
        guard let seconds, seconds.isFinite else { return nil }
        return (seconds * 1e6).rounded()
    }
}
