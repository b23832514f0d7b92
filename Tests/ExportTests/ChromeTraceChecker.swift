import Foundation

/// A structural checker of Chrome traces, of our own: what Perfetto (and the legacy `chrome://tracing` viewer)
/// need to draw a trace as it was meant, and what our export promises on top.
///
/// - Every event has its fields; every track is named by a `thread_name` before its first event, and no two
///   tracks of one process have the same name.
/// - On each track (pid, tid), **every** slice (`X`) and every thread-scoped instant (`i`, which Perfetto keeps
///   as a zero-length slice) is taken, in the order Perfetto takes them: by time, the file's order among equal
///   times. Among equal times the longer comes first (otherwise the two viewers, one of which sorts longer first,
///   nest them differently); each one starts after the slice open before it ended, or ends inside it (no
///   overlap); and the slice it lands in is the one it belongs to: a run or a wait directly in its chain's slice,
///   a chain at the top, an Eliot action or message directly in the nearest of its ancestors (by task level)
///   that is on the same track, or at the top when none is (siblings never nest in one another).
/// - Every flow has one start and one end, each at a time inside a slice of its track, the end not before the
///   start, and the end bound to its enclosing slice (`bp:"e"`).
enum ChromeTraceChecker {
    struct Track: Hashable, CustomStringConvertible {
        var pid: Int
        var tid: Int
        var description: String { "\(pid)/\(tid)" }
    }

    /// One slice or thread-scoped instant on a track.
    struct Slice {
        var index: Int
        var name: String
        var category: String
        var start: Double
        var end: Double
        /// The Eliot action's own level (`/2`), for an action.
        var actionLevel: String?
        /// The task level of an action's start message or of a message (`/2/1`).
        var taskLevel: String?
    }

    /// What is wrong with `events` as a trace; empty when nothing is.
    static func problems(_ events: [[String: Any]]) -> [String] {
        var problems: [String] = []
        var names: [Track: String] = [:]
        var namesInProcess: [Int: Set<String>] = [:]
        var slices: [Track: [Slice]] = [:]
        var flows: [Int: (starts: [(Track, Double)], ends: [(Track, Double)])] = [:]
        for (i, event) in events.enumerated() {
            guard let ph = event["ph"] as? String, let pid = event["pid"] as? Int, let tid = event["tid"] as? Int else {
                problems.append("event \(i): no ph, pid or tid")
                continue
            }
            let track = Track(pid: pid, tid: tid)
            if ph == "M" {
                guard let kind = event["name"] as? String, let args = event["args"] as? [String: Any] else {
                    problems.append("event \(i): metadata without name or args")
                    continue
                }
                if kind == "thread_name" {
                    guard let name = args["name"] as? String, !name.isEmpty else {
                        problems.append("event \(i): a thread_name without a name")
                        continue
                    }
                    if names[track] != nil { problems.append("event \(i): track \(track) named twice") }
                    names[track] = name
                    if !namesInProcess[pid, default: []].insert(name).inserted {
                        problems.append("event \(i): two tracks of process \(pid) are named \(name)")
                    }
                }
                continue
            }
            guard let ts = event["ts"] as? Double, ts.isFinite, let name = event["name"] as? String else {
                problems.append("event \(i) (\(ph)): no ts or name")
                continue
            }
            if names[track] == nil { problems.append("event \(i): track \(track) has no thread_name before it") }
            let args = event["args"] as? [String: Any] ?? [:]
            var slice = Slice(
                index: i, name: name, category: event["cat"] as? String ?? "", start: ts, end: ts,
                actionLevel: args["action_level"] as? String, taskLevel: args["task_level"] as? String)
            switch ph {
            case "X":
                guard let dur = event["dur"] as? Double, dur.isFinite, dur >= 0 else {
                    problems.append("event \(i): a complete event without a duration")
                    continue
                }
                slice.end = ts + dur
                slices[track, default: []].append(slice)
            case "i":
                if event["s"] as? String != "t" {
                    problems.append("event \(i): an instant not scoped to its thread")
                    continue
                }
                slices[track, default: []].append(slice)
            case "s", "f":
                guard let id = event["id"] as? Int else {
                    problems.append("event \(i): a flow without an id")
                    continue
                }
                if ph == "s" {
                    flows[id, default: ([], [])].starts.append((track, ts))
                } else {
                    if event["bp"] as? String != "e" {
                        problems.append("event \(i): a flow end not bound to its slice")
                    }
                    flows[id, default: ([], [])].ends.append((track, ts))
                }
            default:
                problems.append("event \(i): unexpected ph \(ph)")
            }
        }
        for track in slices.keys.sorted(by: { ($0.pid, $0.tid) < ($1.pid, $1.tid) }) {
            problems += nesting(slices[track] ?? [], on: track)
        }
        // Every flow has one start and one end, each at a time inside a slice of its track, in time order.
        func bound(_ track: Track, _ ts: Double) -> Bool {
            slices[track, default: []].contains { $0.start <= ts && ts <= $0.end }
        }
        for (id, flow) in flows.sorted(by: { $0.key < $1.key }) {
            guard flow.starts.count == 1, flow.ends.count == 1 else {
                problems.append("flow \(id): \(flow.starts.count) starts, \(flow.ends.count) ends")
                continue
            }
            let (from, to) = (flow.starts[0], flow.ends[0])
            if !bound(from.0, from.1) { problems.append("flow \(id): its start is in no slice of track \(from.0)") }
            if !bound(to.0, to.1) { problems.append("flow \(id): its end is in no slice of track \(to.0)") }
            if to.1 < from.1 { problems.append("flow \(id): it ends at \(to.1), before it starts at \(from.1)") }
        }
        return problems
    }

    /// What is wrong with the nesting of one track's slices, taken as Perfetto takes them.
    static func nesting(_ list: [Slice], on track: Track) -> [String] {
        var problems: [String] = []
        // The actions on this track by their own level, for "the nearest ancestor on the same track".
        var actions: [String: Int] = [:]
        for (k, slice) in list.enumerated() where slice.category == "action" {
            if let level = slice.actionLevel { actions[level] = k }
        }
        // Stable: equal times keep the file's order, as Perfetto keeps it.
        let order = list.indices.sorted { list[$0].start != list[$1].start ? list[$0].start < list[$1].start : $0 < $1 }
        var open: [Int] = []
        var previous: Int?
        for k in order {
            let slice = list[k]
            let label = "track \(track): \(slice.name) [\(slice.start), \(slice.end)] (event \(slice.index))"
            if let p = previous, list[p].start == slice.start, list[p].end < slice.end {
                problems.append(
                    "\(label) starts with the shorter \(list[p].name) before it: the viewers nest them differently")
            }
            previous = k
            while let top = open.last, list[top].end <= slice.start { open.removeLast() }
            if let top = open.last, slice.end > list[top].end {
                problems.append("\(label) overlaps \(list[top].name) ending at \(list[top].end)")
            }
            let parent = open.last.map { list[$0] }
            switch slice.category {
            case "chain":
                if let parent {
                    problems.append("\(label) is inside \(parent.name): a chain is at the top of its track")
                }
            case "callback", "errback", "wait":
                if parent?.category != "chain" {
                    problems.append("\(label) is inside \(parent?.name ?? "nothing"), not directly in its chain")
                }
            case "cancel":
                if !open.contains(where: { list[$0].category == "chain" }) {
                    problems.append("\(label) is outside its chain")
                }
            case "action", "message":
                let expected = nearestAncestor(of: slice, among: actions).map { list[$0] }
                if parent?.category != (expected == nil ? nil : "action")
                    || parent?.actionLevel != expected?.actionLevel
                {
                    let found = parent.map { "\($0.name) \($0.actionLevel ?? "?")" } ?? "nothing"
                    let wanted = expected.map { "\($0.name) \($0.actionLevel ?? "?")" } ?? "nothing (the top)"
                    problems.append("\(label) is inside \(found), not \(wanted)")
                }
            default:
                break
            }
            open.append(k)
        }
        return problems
    }

    /// The nearest of the slice's Eliot ancestors that is on the track (its index in `actions`' list), or `nil`.
    static func nearestAncestor(of slice: Slice, among actions: [String: Int]) -> Int? {
        // An action's parent level is its own without the last component; a message's, its level without it.
        guard var level = (slice.category == "action" ? slice.actionLevel : slice.taskLevel).map(components) else {
            return nil
        }
        while !level.isEmpty {
            level.removeLast()
            if let k = actions["/" + level.joined(separator: "/")] { return k }
        }
        return nil
    }

    static func components(_ level: String) -> [Substring] { level.split(separator: "/") }
}
