import Chains

extension ChromeTrace {
    /// Where the rows of an Eliot task go: a track (0 = the task's own, 1… its extra tracks) for each action and
    /// message, so that on every track each row lies directly inside its parent action or at the top.
    ///
    /// A row goes on its parent's track when it lies inside the parent and after the siblings already there;
    /// otherwise (it runs at the same time as a sibling, or outlives its parent) on the parent's extra track
    /// that has been free the longest, if it comes after the siblings already there, or on a new one. Siblings
    /// never nest in one another, and a message (an instant, which viewers keep as a zero-length slice) sits with
    /// its own action. Each parent's children are placed in the order they started. Loops over the rows with an
    /// explicit stack of ancestors, no recursion, so a tree 100,000 deep is fine; sorting each parent's children
    /// and a heap of its extra tracks by when they are free keep it O(n log n) however many children run at once.
    struct ActionTracks {
        /// An extra track: whose children it holds, and its number among that action's extra tracks (from 1).
        struct Lane {
            /// The row whose children the track holds; `nil` for rows at the top of the task (its roots).
            var parent: Int?
            /// 1 for the parent's first extra track, and so on.
            var number: Int
        }

        /// The track of each row; `nil` for a row without a time, which is not drawn.
        var track: [Int?]
        /// The interval of each drawn row, microseconds (a message's has no length).
        var interval: [(start: Double, end: Double)?]
        /// The extra tracks, track 1 first.
        var lanes: [Lane]
        /// The level of each row's action (`/` for the root, `/2` for the action whose start message is `/2/1`),
        /// `nil` for messages.
        var actionLevel: [String?]

        /// How many tracks the task takes.
        var count: Int { lanes.count + 1 }

        /// Where a parent's children can go: after `last` on `track`.
        private struct Slot {
            var track: Int
            var lastStart = -Double.infinity
            var lastEnd = -Double.infinity

            /// Whether a row from `start` to `end` comes after the last one here without the viewers taking one
            /// for the other's parent: after its end, and not at the same start (unless both have no length).
            func fits(_ start: Double, _ end: Double) -> Bool {
                lastEnd <= start && (lastStart < start || (lastStart == lastEnd && start == end))
            }
        }

        /// A parent's slots: its own track (where children must also lie inside it) and its extra tracks, kept
        /// as a min-heap by when they are free (ties: the lower track).
        private struct Slots {
            var own: Slot?
            var extra: [Slot] = []

            static func before(_ a: Slot, _ b: Slot) -> Bool {
                a.lastEnd != b.lastEnd ? a.lastEnd < b.lastEnd : a.track < b.track
            }

            mutating func push(_ slot: Slot) {
                extra.append(slot)
                var child = extra.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard Self.before(extra[child], extra[parent]) else { break }
                    extra.swapAt(child, parent)
                    child = parent
                }
            }

            /// Takes the earliest-free extra track when a row from `start` to `end` fits on it.
            mutating func takeEarliest(fitting start: Double, _ end: Double) -> Slot? {
                guard let first = extra.first, first.fits(start, end) else { return nil }
                let last = extra.removeLast()
                if !extra.isEmpty {
                    extra[0] = last
                    var parent = 0
                    while true {
                        let left = 2 * parent + 1
                        let right = left + 1
                        var smallest = parent
                        if left < extra.count, Self.before(extra[left], extra[smallest]) { smallest = left }
                        if right < extra.count, Self.before(extra[right], extra[smallest]) { smallest = right }
                        if smallest == parent { break }
                        extra.swapAt(parent, smallest)
                        parent = smallest
                    }
                }
                return first
            }
        }

        init(_ chain: Chain) {
            let spans = chain.spans
            let chainEnd = ChromeTrace.micros(chain.end)
            track = Array(repeating: nil, count: spans.count)
            interval = Array(repeating: nil, count: spans.count)
            actionLevel = Array(repeating: nil, count: spans.count)
            lanes = []
            // First each drawn row's interval and parent (the nearest drawn action above it; rows at the top of
            // the task hang from -1), with the rows open above the current one kept on a stack, by depth.
            var children: [Int: [Int]] = [:]
            var ancestors: [(row: Int, drawn: Int?)] = []
            for (row, span) in spans.enumerated() {
                if ancestors.count > span.depth { ancestors.removeLast(ancestors.count - span.depth) }
                let parent = ancestors.last?.drawn
                if span.kind == .action { actionLevel[row] = Self.actionLevel(span.level, depth: span.depth) }
                guard let start = ChromeTrace.micros(span.start) else {
                    if span.kind == .action { ancestors.append((row, parent)) }
                    continue
                }
                let end = span.kind == .message ? start : max(start, ChromeTrace.micros(span.end) ?? chainEnd ?? start)
                interval[row] = (start, end)
                children[parent ?? -1, default: []].append(row)
                if span.kind == .action { ancestors.append((row, row)) }
            }
            // Then each parent's children, in the order they started (task levels follow the order things were
            // logged, and a child continued in another process may start after a later sibling): a parent comes
            // before its children in tree order, so it is placed before them.
            place(children[-1] ?? [], under: nil, own: 0)
            for row in spans.indices {
                guard let own = track[row], let list = children[row] else { continue }
                place(list, under: row, own: own)
            }
        }

        /// Places the children of `parent` (the task's roots when `nil`), whose own track is `own`.
        private mutating func place(_ list: [Int], under parent: Int?, own: Int) {
            let bounds = parent.flatMap { interval[$0] }
            var here = Slots(own: Slot(track: own))
            let sorted = list.sorted { a, b in
                let (x, y) = (interval[a]?.start ?? 0, interval[b]?.start ?? 0)
                return x != y ? x < y : a < b
            }
            for row in sorted {
                guard let (start, end) = interval[row] else { continue }
                var placed: Slot
                if var mine = here.own, mine.fits(start, end), Self.lies(start, end, inside: bounds) {
                    placed = mine
                    mine.lastStart = start
                    mine.lastEnd = end
                    here.own = mine
                } else {
                    if let free = here.takeEarliest(fitting: start, end) {
                        placed = free
                    } else {
                        lanes.append(Lane(parent: parent, number: here.extra.count + 1))
                        placed = Slot(track: lanes.count)
                    }
                    placed.lastStart = start
                    placed.lastEnd = end
                    here.push(placed)
                }
                track[row] = placed.track
            }
        }

        /// Whether a child from `start` to `end` lies inside its parent's interval so that viewers put it there:
        /// within it, and starting before its end (a child at the very end would follow it instead).
        static func lies(_ start: Double, _ end: Double, inside parent: (start: Double, end: Double)?) -> Bool {
            guard let parent else { return true }
            return parent.start <= start && end <= parent.end && start < parent.end
        }

        /// An action's own level from the level shown for it (its start message's, `/2/1`, or, when the start
        /// message is missing, its own, `/2`) and its depth: the first `depth` components.
        static func actionLevel(_ shown: String, depth: Int) -> String {
            "/" + shown.split(separator: "/").prefix(depth).joined(separator: "/")
        }
    }
}
