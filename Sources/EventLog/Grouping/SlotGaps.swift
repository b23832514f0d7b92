/// The slots missing between an action's start (slot 1) and its end, found from the slots present and never by
/// listing every slot: a crafted level such as `[100000000]` costs what a level `[3]` costs.
enum SlotGaps {
    /// The first `limit` slots of `2..<end` that are not in `present`, and how many are missing in all.
    static func missing(in present: some Sequence<Int>, below end: Int, limit: Int = 5) -> (first: [Int], count: Int) {
        let inside = Set(present.lazy.filter { $0 >= 2 && $0 < end }).sorted()
        var first: [Int] = []
        var expected = 2
        for slot in inside where first.count < limit {
            while expected < slot, first.count < limit {
                first.append(expected)
                expected += 1
            }
            expected = slot + 1
        }
        while expected < end, first.count < limit {
            first.append(expected)
            expected += 1
        }
        return (first, max(end - 2, 0) - inside.count)
    }
}
