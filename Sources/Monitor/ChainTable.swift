/// The records of the chains a monitor is recording, by id: a monitor left on for weeks tracks billions of
/// Deferreds, so a chain's record goes as soon as the chain ends (its end is the last line of its task).
///
/// Recent chains sit in a window indexed by `id - base` (the tracked path's lookup is a subtraction and a bounds
/// check). When at least half the window has ended, its older half goes: the chains still live there move to
/// `older`, a dictionary (chains that stay open a long time, the few), and the window's array is reused. So the
/// table holds the live chains plus at most as many ended ones, and stays flat however many chains come and go.
///
/// It also keeps the ids of the chains waiting on another, so that the wait-cycle check at stop walks those
/// only, not every chain.
struct ChainTable: Sendable {
    private var window: [ChainRecord] = []
    /// The id of `window[0]`.
    private var base = 1
    /// Live chains older than the window.
    private var older: [Int: ChainRecord] = [:]
    /// How many of the window's chains have ended.
    private var endedInWindow = 0
    /// The chains waiting on another (their `waitingOn` is set).
    private(set) var waiting: Set<Int> = []

    /// An empty table whose first chain gets `firstID` (1; a test starts it near 2^31 to cross it).
    init(firstID: Int = 1) {
        base = firstID
    }

    /// The smallest window that is ever cut.
    static let smallestCut = 1_024

    /// The id the next chain gets.
    var nextID: Int { base + window.count }

    /// How many chain records are held (live, and ended ones not yet dropped).
    var count: Int { window.count + older.count }

    /// Adds the record of the next chain (its id must be `nextID`).
    mutating func append(_ record: ChainRecord) {
        precondition(record.id == nextID, "chains are added in id order")
        if window.count >= Self.smallestCut, endedInWindow * 2 >= window.count { dropOlderHalf() }
        window.append(record)
    }

    /// Runs `body` on the record of live chain `id`, in place; `nil` if the chain has ended or never was.
    @inline(__always)
    mutating func update<Result>(_ id: Int, _ body: (inout ChainRecord) -> Result) -> Result? {
        let index = id &- base
        if index >= 0, index < window.count {
            // A chain that ended or started or stopped waiting is noted after (a copy, on those rare events only).
            var changed: ChainRecord?
            let result = window.withUnsafeMutableBufferPointer { records -> Result? in
                guard !records[index].ended else { return nil }
                let wasWaiting = records[index].waitingOn != nil
                let result = body(&records[index])
                if records[index].ended || (records[index].waitingOn != nil) != wasWaiting { changed = records[index] }
                return result
            }
            if let changed { noteChange(of: changed, inWindow: true) }
            return result
        }
        return updateOlder(id, body)
    }

    @inline(never)
    private mutating func updateOlder<Result>(_ id: Int, _ body: (inout ChainRecord) -> Result) -> Result? {
        guard var record = older.removeValue(forKey: id) else { return nil }
        let result = body(&record)
        noteChange(of: record, inWindow: false)
        if !record.ended { older[id] = record }
        return result
    }

    /// The record of live chain `id`, if any.
    subscript(id: Int) -> ChainRecord? {
        let index = id &- base
        if index >= 0, index < window.count { return window[index].ended ? nil : window[index] }
        return older[id]
    }

    /// The ids of every live chain, oldest first.
    var liveIDs: [Int] {
        older.keys.sorted() + window.lazy.filter { !$0.ended }.map(\.id)
    }

    private mutating func noteChange(of record: ChainRecord, inWindow: Bool) {
        if record.ended {
            if inWindow { endedInWindow += 1 }
            waiting.remove(record.id)
        } else if record.waitingOn != nil {
            waiting.insert(record.id)
        } else {
            waiting.remove(record.id)
        }
    }

    /// Drops the older half of the window: its live chains move to `older`, its ended ones go.
    private mutating func dropOlderHalf() {
        let cut = window.count / 2
        for record in window[..<cut] {
            if record.ended { endedInWindow -= 1 } else { older[record.id] = record }
        }
        window.removeFirst(cut)
        base += cut
    }
}
