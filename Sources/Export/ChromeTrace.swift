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
        var trace = Stream(inputs: inputs)
        trace.add(chains, to: put)
        trace.finish(to: put)
    }

    /// The trace written a set of chains at a time, each set as soon as it is read (a ``ChainFamily`` of a
    /// streamed log): links are drawn between the chains of one set, and memory holds one set, the track names
    /// taken and a number per input.
    package struct Stream: ~Copyable {
        private var trace = Writer(out: .exportPiece())
        private var pids: [String: Int] = [:]
        private var names = TrackNames()
        /// The next track number, and the flow arrows drawn so far.
        private var next = 1
        private var flows = 0

        /// Starts the trace: a process per input, in their order.
        package init(inputs: [String]) {
            trace.out.raw("{\"traceEvents\":[")
            for input in inputs { _ = pid(of: input) }
        }

        /// The process of a file, named when it is first met.
        private mutating func pid(of file: String) -> Int {
            if let pid = pids[file] { return pid }
            let pid = pids.count + 1
            pids[file] = pid
            trace.metadata("process_name", pid: pid, tid: 0, name: file)
            return pid
        }

        /// Writes `chains` (the monitor's dropped-events markers left out): their tracks, slices, and the links
        /// between them as flow arrows.
        package mutating func add(_ chains: [Chain], to put: ([UInt8]) -> Void) {
            let shown = chains.filter { !$0.isDropMarker }
            for chain in shown { _ = pid(of: chain.file) }
            // Where each Deferred's chain is, for the flow arrows: links resolve within their file.
            var byDeferred: [String: [Int: Int]] = [:]
            for (i, chain) in shown.enumerated() {
                if let id = chain.deferredID, byDeferred[chain.file]?[id] == nil {
                    byDeferred[chain.file, default: [:]][id] = i
                }
            }
            // Each chain's tracks first (an Eliot task whose actions run at the same time takes more than one),
            // and every track's name before any event, so that a flow's end finds its track named.
            var plans: [ActionTracks?] = []
            var firstTID: [Int] = []
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
        }

        /// Ends the trace.
        package consuming func finish(to put: ([UInt8]) -> Void) {
            trace.out.raw("],\"displayTimeUnit\":\"ms\"}\n")
            trace.out.handOn(atLeast: 1, to: put)
        }
    }

    /// Microseconds since the epoch (Chrome trace timestamps), or `nil`.
    static func micros(_ seconds: Double?) -> Double? {
        guard let seconds, seconds.isFinite else { return nil }
        return (seconds * 1e6).rounded()
    }
}
