import Chains

extension ChromeTrace {
    /// One side of a link: a chain, where its tracks are, and what the arrows ask of it, worked out once (a chain
    /// at the hub of a fan-out of 100,000 is asked for each link, and walking its runs each time was quadratic).
    struct End {
        var chain: Chain
        var pid: Int
        /// The chain's own track.
        var tid: Int
        /// Where an Eliot task's rows are; `nil` for a Deferred.
        var plan: ActionTracks?
        /// The chain's slice on its own track, microseconds: the Deferred's, or the task's first row's.
        var interval: (start: Double, end: Double)?
        /// The start of the first run of each pair, microseconds (`nil` when it has none).
        var runStart: [Int: Double?] = [:]
        /// The chain's waits, by the Deferred waited on.
        var waits: [Int: [ChainWait]] = [:]
        /// The rows of the task's actions, by name, in order.
        var actionRows: [String: [Int]] = [:]

        init(chain: Chain, pid: Int, tid: Int, plan: ActionTracks?) {
            self.chain = chain
            self.pid = pid
            self.tid = tid
            self.plan = plan
            if let plan {
                interval = plan.interval.first { $0 != nil } ?? nil
                for (row, span) in chain.spans.enumerated() where span.kind == .action {
                    actionRows[span.name, default: []].append(row)
                }
            } else {
                interval = ChromeTrace.deferredInterval(chain)
            }
            for run in chain.runs {
                if let index = run.index, runStart[index] == nil { runStart[index] = ChromeTrace.micros(run.start) }
            }
            for wait in chain.waits { if let on = wait.on { waits[on, default: []].append(wait) } }
        }

        /// The point on the chain's own track nearest to `time` that lies in its slice.
        func point(near time: Double?) -> Arrow.Point? {
            guard let interval else { return nil }
            let t = min(max(time ?? interval.start, interval.start), interval.end)
            return Arrow.Point(pid: pid, tid: tid, time: t)
        }

        /// The point at `time` in the row of an Eliot task that holds the Deferred `inner` (the
        /// `reactortrack:deferred` action the monitor wrote inside it), or in the task's slice.
        func point(holding inner: Chain, at time: Double?) -> Arrow.Point? {
            guard let plan, let start = ChromeTrace.micros(inner.start) else { return point(near: time) }
            for row in actionRows[inner.title] ?? [] {
                guard let track = plan.track[row], let (a, b) = plan.interval[row], a == start else { continue }
                return Arrow.Point(pid: pid, tid: tid + track, time: min(max(time ?? a, a), b))
            }
            return point(near: time)
        }
    }

    /// A flow arrow between two chains' tracks, at the moment the link takes effect: where a result passes from
    /// one chain to the other.
    ///
    /// - `chained` (`a.chainDeferred(b)`): from the run of `a`'s pair that passes its result on, to `b` when it
    ///   fires with it.
    /// - `waitedOn` (a callback of `a` returned `b`, and `a` waited): from `b` when it fires, to `a` when it resumes
    ///   with the result; a wait that never resumed, from `a` when it began to wait, named `waitedOn (never
    ///   resumed)`.
    /// - `returned` (a callback of `a` returned `b`, already fired): from `b` (at the latest when its slice ends)
    ///   to `a` when the run returned it.
    /// - `contains` (the monitor tracked `b` inside one of the task `a`'s actions): from that action to `b`, when
    ///   it was tracked.
    ///
    /// Each end is moved into its chain's slice, so that it binds to it; an arrow that would go back in time is
    /// left out.
    struct Arrow {
        /// One end: a track and a time.
        struct Point {
            var pid: Int
            var tid: Int
            var time: Double
        }

        var name: String
        var from: Point
        var to: Point

        init?(_ link: ChainLink, from a: End, to b: End) {
            let made = ChromeTrace.micros(link.time)
            var name = link.kind.rawValue
            var source: Point?
            var target: Point?
            switch link.kind {
            case .chained:
                let runStart = link.pairIndex.flatMap { a.runStart[$0] } ?? nil
                source = a.point(near: runStart ?? made)
                target = b.point(near: ChromeTrace.micros(b.chain.firedAt) ?? source?.time)
            case .waitedOn:
                let wait = a.waits[link.target]?.first { link.pairIndex == nil || $0.pairIndex == link.pairIndex }
                if let resumed = ChromeTrace.micros(wait?.end) {
                    source = b.point(near: min(ChromeTrace.micros(b.chain.firedAt) ?? resumed, resumed))
                    target = a.point(near: resumed)
                } else {
                    name += " (never resumed)"
                    source = a.point(near: made ?? ChromeTrace.micros(wait?.start))
                    target = b.point(near: source?.time)
                }
            case .returned:
                source = b.point(near: made)
                target = a.point(near: made)
            case .contains:
                let tracked = ChromeTrace.micros(b.chain.start) ?? made
                source = a.point(holding: b.chain, at: tracked)
                target = b.point(near: tracked)
            }
            guard let source, var target else { return nil }
            if target.time < source.time {
                // Moved into its slice, the end came before the start: at the start's time, if the slice allows.
                guard let moved = (link.kind == .waitedOn || link.kind == .returned ? a : b).point(near: source.time),
                    moved.time >= source.time
                else { return nil }
                target = moved
            }
            self.name = name
            self.from = source
            self.to = target
        }
    }
}
