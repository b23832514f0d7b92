import Chains

extension ChromeTrace {
    /// Track names a user can tell apart, unique within each process (each input log), however many tracks.
    ///
    /// A Deferred's track is its title (`fetchUser #3`: the monitor numbers Deferreds); an Eliot task's, its
    /// root's type and the start of its `task_uuid` (`client:session · 95da5109`); an extra track of a task, the
    /// task's name, its number among the action's extra tracks, and the action whose children run on it at the
    /// same time (`client:session · 95da5109 · concurrent 1 of client:session /1`). A name already taken (two
    /// runs of the monitor in one file, uuids alike at the start) gets the whole task uuid, then a number.
    struct TrackNames {
        private var used: [Int: Set<String>] = [:]
        private var repeats: [String: Int] = [:]

        /// The name of a chain's own track.
        static func base(of chain: Chain) -> String {
            chain.isDeferred ? chain.title : "\(chain.title) · \(chain.id.prefix(8))"
        }

        /// The name of one of a task's extra tracks.
        static func lane(_ lane: ActionTracks.Lane, of chain: Chain, base: String) -> String {
            guard let parent = lane.parent, chain.spans.indices.contains(parent) else {
                return "\(base) · concurrent \(lane.number)"
            }
            let action = chain.spans[parent]
            return "\(base) · concurrent \(lane.number) of \(action.name) \(action.level)"
        }

        /// `name`, or the first of its longer forms that no track of process `pid` has yet.
        mutating func unique(_ name: String, pid: Int, chain: Chain) -> String {
            if used[pid, default: []].insert(name).inserted { return name }
            let whole = "\(name) · \(chain.id)"
            if used[pid, default: []].insert(whole).inserted { return whole }
            // Counted per name, so that many repeats of one name cost one step each.
            var n = repeats[whole, default: 1]
            var numbered: String
            repeat {
                n += 1
                numbered = "\(whole) [\(n)]"
            } while !used[pid, default: []].insert(numbered).inserted
            repeats[whole] = n
            return numbered
        }
    }
}
