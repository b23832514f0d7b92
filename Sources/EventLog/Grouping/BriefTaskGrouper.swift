#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ``TaskGrouper`` with `handsOutCompletedTasks`, for a reader that needs only a few fields: it decodes each line
/// itself, keeps of each message only its level, time, type, status and the chosen ``fields``, and hands out a
/// complete task of the plainest shape as a ``BriefTask`` without building its tree.
///
/// Everything else is exactly as with ``TaskGrouper``: every line is checked in full (a line it cannot decode
/// the short way goes through ``EventLogReader``'s decoder, which gives the same message or warning), tasks are
/// handed out at the same message with the same ordinals, and the warnings are the same, in the same order.
/// For that it keeps each open task's lines as read: a task of any other shape (a message missing, out of
/// order, an action nested deeper, a line decoded the long way...) is decoded again in full and built by
/// ``TaskGrouper``, and handed out as a ``WrittenTask``.
public struct BriefTaskGrouper {
    /// A task handed out.
    public enum Handout {
        /// A task of the plainest shape.
        case brief(BriefTask)
        /// Any other complete task, with its ordinal.
        case built(ordinal: Int, task: WrittenTask)
    }

    /// What adding a line did. (An enum, not a tuple of a flag and an optional handout: the caller destroyed
    /// that tuple through the runtime's generic witnesses for every line.)
    enum Added {
        /// The line held no message (the reader's warnings say why).
        case notAMessage
        /// The line's message was added to its task.
        case message
        /// The line's message completed a task: here it is.
        case handout(Handout)
    }

    /// The fields kept in each ``BriefMessage`` besides the standard ones, in the order ``BriefTask/value(_:of:)``
    /// numbers them.
    public let fields: [String]
    /// The `action_type` of roots that may make a ``BriefTask``.
    public let rootType: String

    /// Problems found so far, as ``TaskGrouper/warnings``.
    public var warnings: [EventLogError] { builder.warnings }

    /// The number of tasks not yet handed out.
    public var openTaskCount: Int { tasks.count }

    private var builder: TaskGrouper
    var decoder: LineDecoder
    let fieldNames: FieldNames
    /// Open tasks by id: their slot in `slots`.
    private var tasks: [ByteKey: Int] = [:]
    /// The latest timestamp of any message added (the reader resets it for each input).
    package var latestTimestamp: Double?
    /// How many task slots get room for a typical chain up front (see `OpenTask.init`).
    private static let reservedSlots = 4_096
    /// The most bytes of lines a short task holds: one that held more frees its storage when it is done, and its
    /// brief shape is checked before its children are made (see `brief(_:lone:)`).
    fileprivate static let shortTaskBytes = 1 << 16
    /// Open tasks, and freed slots whose storage the next new task reuses.
    private var slots: [OpenTask] = []
    private var freeSlots: [Int] = []
    private var nextOrdinal = 0
    var strings: [ByteKey: String] = [:]
    /// The strings interned lately, by a hash of their bytes: most lines repeat a few types and names.
    var recentBytes: [[UInt8]] = Array(repeating: [], count: 256)
    var recentStrings: [String] = Array(repeating: "", count: 256)
    var levelScratch: [Int] = []
    /// The task id of the line being read, when it was written with escapes (see ``Digest``).
    var escapedUUID = ""
    /// The kept fields of the line being read: field number and value, each field once (the last one read).
    var valueScratch: [KeptValue] = []

    // One message as kept: where its level, line and values are in its task's storage.
    // (Its line is the message's.)
    private struct Entry {
        var levelStart: Int
        var levelCount: Int
        var raw: LineStore.Place
        var message: BriefMessage
        var isAction: Bool
    }

    private struct OpenTask {
        var uuid: String
        var ordinal: Int
        var entries: [Entry] = []
        var levels: [Int] = []
        var raw = LineStore()
        var values: [KeptValue] = []
        /// End messages seen, the sum of their last slots, and whether the root's is one (see TaskGrouper).
        var ends = 0
        var endSlots = 0
        var rootEnded = false
        /// Whether some line was decoded the long way (so the task cannot be brief).
        var slow = false
        /// Whether each message's level came after the previous one's.
        var sorted = true
        /// Once a message came out of order: the line of each level, to find duplicates without a scan of every
        /// message (which made a long task with one line out of order quadratic).
        var lineByLevel: [[Int]: Int]?
        /// The last message's level (its first `lastLevelCount` numbers, when at most four) and line, kept in the
        /// task itself: the next message is compared with it without touching the task's storage, which in an
        /// interleaved log is rarely still in the cache. `lastLevelCount` is 0 before the first message.
        var lastLevel: (Int, Int, Int, Int) = (0, 0, 0, 0)
        var lastLevelCount = 0
        var lastLine = 0

        init(uuid: String, ordinal: Int, reserving: Bool) {
            self.uuid = uuid
            self.ordinal = ordinal
            // Room for a typical chain (a dozen runs: about 25 lines, 4 KiB): growing there from empty took eight
            // reallocations and copies per task, and the first tasks of an interleaved log all grow at once.
            // About 10 KiB a task: only the first slots get it (slots are reused as tasks end), so that a log
            // of 200,000 tasks left open does not reserve 2 GB.
            guard reserving else { return }
            entries.reserveCapacity(32)
            levels.reserveCapacity(64)
            raw.reserveFirst(4_096)
            values.reserveCapacity(64)
        }

        /// Empties the task for another, keeping its storage unless an unusually long task grew it.
        mutating func reuse(uuid: String, ordinal: Int) {
            self.uuid = uuid
            self.ordinal = ordinal
            let keep = raw.isSmall(BriefTaskGrouper.shortTaskBytes)
            entries.removeAll(keepingCapacity: keep)
            levels.removeAll(keepingCapacity: keep)
            raw.removeAll(keepingCapacity: keep)
            values.removeAll(keepingCapacity: keep)
            ends = 0
            endSlots = 0
            rootEnded = false
            slow = false
            sorted = true
            lineByLevel = nil
            lastLevelCount = 0
        }

        func level(_ entry: Entry) -> ArraySlice<Int> { levels[entry.levelStart..<entry.levelStart + entry.levelCount] }
    }

    /// Creates an empty grouper.
    ///
    /// - Parameters:
    ///   - file: The name used in warnings.
    ///   - fields: The fields to keep in each ``BriefMessage``.
    ///   - keptFields: The fields kept when a line is decoded in full (see ``EventLogReader/keptFields``).
    ///   - rootType: The `action_type` of roots that may make a ``BriefTask``.
    public init(file: String, fields: [String], keptFields: Set<String>?, rootType: String) {
        builder = TaskGrouper(file: file, handsOutCompletedTasks: true)
        decoder = LineDecoder(file: file)
        decoder.keptFields = keptFields.map { KeptFields($0.union([EventLogFormat.versionField])) }
        self.fields = fields
        self.rootType = rootType
        fieldNames = FieldNames(fields)
    }

    /// Decodes one line and adds its message: ``head(_:line:localLine:atEndWithoutNewline:decoder:readerWarnings:)``
    /// then ``place(_:raw:)``.
    ///
    /// - Parameters:
    ///   - raw: The line, without its `\n`.
    ///   - line: Its number among all lines grouped (as ``TaskGrouper/add(_:line:)`` takes it).
    ///   - localLine: Its number in its file, for the reader's warnings.
    ///   - decoder: Where the line comes from: its reader.
    ///   - readerWarnings: Gets the reader's warnings about the line, as ``EventLogReader`` gives them.
    /// - Returns: Whether the line held a message, and the task it completed.
    mutating func add(
        _ raw: UnsafeBufferPointer<UInt8>, line: Int, localLine: Int, atEndWithoutNewline: Bool,
        decoder reader: EventLogReader, readerWarnings: inout [EventLogError]
    ) -> Added {
        guard
            let head = head(
                raw, line: line, localLine: localLine, atEndWithoutNewline: atEndWithoutNewline, decoder: reader,
                readerWarnings: &readerWarnings)
        else { return .notAMessage }
        return place(head, raw: raw)
    }

    /// What reading a line found, before it is placed in its task: the message as kept and the task's id. Its
    /// level is in `levelScratch` and its kept values in `valueScratch`. Holds no pointer: it may be placed by
    /// another grouper, on another thread, from a copy of the line (see `TaskReader+Pipeline`).
    struct LineHead {
        var message: BriefMessage
        var isAction: Bool
        /// Where the task id is in the line when it is written there as plain ASCII (`uuidCount` bytes from
        /// `uuidOffset`); otherwise `uuid` holds it.
        var uuidOffset = 0
        var uuidCount = 0
        var uuid: String?
        /// Whether the line was decoded the long way (so its task cannot be brief).
        var slow = false
    }

    /// The first half of ``add(_:line:localLine:atEndWithoutNewline:decoder:readerWarnings:)``: decodes the line,
    /// the short way when it can; `nil` when it holds no message (the reader's warnings say why).
    mutating func head(
        _ raw: UnsafeBufferPointer<UInt8>, line: Int, localLine: Int, atEndWithoutNewline: Bool,
        decoder reader: EventLogReader, readerWarnings: inout [EventLogError]
    ) -> LineHead? {
        var bytes = raw
        if let last = bytes.last, last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        var message = BriefMessage(line: line, timestamp: 0, type: nil, status: nil, valuesStart: 0)
        // A line that may hold a value over the reader's limit takes the full decoder, which cuts it and says so.
        let limit = reader.maxValueBytes
        if limit == 0 || bytes.count <= limit, let digest = self.digest(bytes, into: &message) {
            var head = LineHead(message: message, isAction: digest.isAction)
            if let id = digest.uuidBytes {
                head.uuidOffset = id.baseAddress.map { $0 - raw.baseAddress! } ?? 0
                head.uuidCount = id.count
            } else {
                head.uuid = escapedUUID
            }
            return head
        }
        levelScratch.removeAll(keepingCapacity: true)
        switch reader.decoder.decode(raw, line: localLine, atEndWithoutNewline: atEndWithoutNewline) {
        case .failure(let problem):
            readerWarnings.append(problem)
            return nil
        case .message(let full, let warning):
            if let warning { readerWarnings.append(warning) }
            levelScratch.append(contentsOf: full.taskLevel)
            message.status = full.actionStatus
            message.timestamp = full.timestamp ?? 0
            return LineHead(message: message, isAction: full.isActionMessage, uuid: full.taskUUID, slow: true)
        }
    }

    /// The second half of ``add(_:line:localLine:atEndWithoutNewline:decoder:readerWarnings:)``: places a line's
    /// message (its level in `levelScratch`, its kept values in `valueScratch`) in its task.
    ///
    /// - Parameters:
    ///   - head: What ``head(_:line:localLine:atEndWithoutNewline:decoder:readerWarnings:)`` found in the line.
    ///   - raw: The line, without its `\n`.
    mutating func place(_ head: LineHead, raw: UnsafeBufferPointer<UInt8>) -> Added {
        var message = head.message
        let line = message.line
        let isAction = head.isAction
        let slow = head.slow
        let idBytes = UnsafeBufferPointer(rebasing: raw[head.uuidOffset..<head.uuidOffset + head.uuidCount])
        let key = head.uuid.map(ByteKey.init) ?? ByteKey(ascii: idBytes)
        if message.timestamp.isFinite, message.timestamp > latestTimestamp ?? -.infinity {
            latestTimestamp = message.timestamp
        }
        let t: Int
        if let open = tasks[key] {
            t = open
        } else {
            let id = head.uuid ?? String(decoding: idBytes, as: UTF8.self)
            if let free = freeSlots.popLast() {
                t = free
                slots[t].reuse(uuid: id, ordinal: nextOrdinal)
            } else {
                t = slots.count
                slots.append(OpenTask(uuid: id, ordinal: nextOrdinal, reserving: slots.count < Self.reservedSlots))
            }
            nextOrdinal += 1
            tasks[key] = t
        }
        // One comparison with the task's last level answers both questions in the common case: the new level
        // comes after it (no duplicate, still in order).
        let afterLast = compareWithLast(inTask: t)
        if let first = duplicate(inTask: t, comparedWithLast: afterLast) {
            builder.warnings.append(
                EventLogError(
                    code: .duplicateLevel, file: builder.file, line: line,
                    message: "task \(slots[t].uuid) already has a message at \(TaskGrouper.text(levelScratch))"
                        + " (first at line \(first))"))
            return .message
        }
        if let afterLast, afterLast != -1 { slots[t].sorted = false }
        if slow { slots[t].slow = true }
        message.valuesStart = slots[t].values.count
        message.valuesCount = valueScratch.count
        slots[t].values.append(contentsOf: valueScratch)
        slots[t].entries.append(
            Entry(
                levelStart: slots[t].levels.count, levelCount: levelScratch.count, raw: slots[t].raw.append(raw),
                message: message, isAction: isAction))
        slots[t].levels.append(contentsOf: levelScratch)
        if slots[t].lineByLevel != nil { slots[t].lineByLevel![levelScratch] = line }
        slots[t].lastLine = line
        slots[t].lastLevelCount = levelScratch.count
        levelScratch.withUnsafeBufferPointer { level in
            if level.count <= 4 {
                slots[t].lastLevel = (
                    level[0], level.count > 1 ? level[1] : 0, level.count > 2 ? level[2] : 0, level.count > 3 ? level[3] : 0
                )
            }
        }
        if isAction, let status = message.status, status != .started {
            slots[t].ends += 1
            slots[t].endSlots = slots[t].endSlots.addingSaturating(levelScratch.last!)
            if levelScratch.count == 1 { slots[t].rootEnded = true }
        }
        let count = slots[t].entries.count
        let lone = count == 1 && !isAction && levelScratch.count == 1 && levelScratch[0] == 1
        guard lone || (slots[t].rootEnded && count == slots[t].endSlots - (slots[t].ends - 1)) else {
            return .message
        }
        if !slots[t].slow, let brief = brief(t, lone: lone) {
            close(t, key: key)
            return .handout(.brief(brief))
        }
        let warningCount = builder.warnings.count
        let built = build(slots[t])
        guard built.isComplete else {
            builder.warnings.removeSubrange(warningCount...)
            return .message
        }
        let ordinal = slots[t].ordinal
        close(t, key: key)
        return .handout(.built(ordinal: ordinal, task: built))
    }

    /// Forgets a task handed out; its slot's storage is kept for the next new task.
    private mutating func close(_ t: Int, key: ByteKey) {
        tasks.removeValue(forKey: key)
        freeSlots.append(t)
    }

    /// Builds the trees of every task not handed out yet, in order of first message, adding their structural
    /// warnings, as ``TaskGrouper/finishNumbered()``; the grouper is empty afterwards.
    public mutating func finishNumbered() -> [(ordinal: Int, task: WrittenTask)] {
        var result: [(ordinal: Int, task: WrittenTask)] = []
        finishEach { result.append(($0, $1)) }
        return result
    }

    /// ``finishNumbered()``, handing each task to `each` as soon as its tree is built and letting go of its
    /// storage: only one tree at a time is built, however many tasks are still open.
    public mutating func finishEach(_ each: (_ ordinal: Int, _ task: WrittenTask) -> Void) {
        finishEach { ordinal, task, _ in each(ordinal, task) }
    }

    /// As ``finishEach(_:)``, with the lines of every message each task holds.
    package mutating func finishEach(_ each: (_ ordinal: Int, _ task: WrittenTask, _ lines: [Int]) -> Void) {
        var open = tasks.values.map { slots[$0] }.sorted { $0.ordinal > $1.ordinal }
        tasks = [:]
        slots = []
        freeSlots = []
        while let task = open.popLast() { each(task.ordinal, build(task), task.entries.compactMap(\.message.line)) }
    }

    /// How `entry`'s level in task `t` compares with the new message's (`levelScratch`): -1 if it comes before,
    /// 0 if it is the same, 1 if it comes after (levels compare element by element, a prefix first).
    ///
    /// Done on the task's storage in place: comparing slices generically, and passing the task by value, were a
    /// tenth of the summary's time on interleaved logs.
    private func compareLevel(of entry: Entry, inTask t: Int) -> Int {
        slots[t].levels.withUnsafeBufferPointer { levels in
            levelScratch.withUnsafeBufferPointer { new in
                let count = entry.levelCount
                for i in 0..<min(count, new.count) {
                    let old = levels[entry.levelStart + i]
                    if old != new[i] { return old < new[i] ? -1 : 1 }
                }
                return count == new.count ? 0 : (count < new.count ? -1 : 1)
            }
        }
    }

    /// How task `t`'s last message's level compares with the new message's, as ``compareLevel(of:inTask:)``
    /// (`nil` before its first message), from the copy kept in the task when it is at most four deep.
    private func compareWithLast(inTask t: Int) -> Int? {
        let count = slots[t].lastLevelCount
        guard count > 0 else { return nil }
        guard count <= 4 else { return compareLevel(of: slots[t].entries[slots[t].entries.count - 1], inTask: t) }
        let last = slots[t].lastLevel
        return levelScratch.withUnsafeBufferPointer { new -> Int in
            for i in 0..<min(count, new.count) {
                let old = i == 0 ? last.0 : i == 1 ? last.1 : i == 2 ? last.2 : last.3
                if old != new[i] { return old < new[i] ? -1 : 1 }
            }
            return count == new.count ? 0 : (count < new.count ? -1 : 1)
        }
    }

    /// The line of the message already at the new message's level in task `t`, if there is one, knowing how the
    /// last message's level compared (`compareWithLast`).
    private mutating func duplicate(inTask t: Int, comparedWithLast last: Int?) -> Int? {
        guard let last else { return nil }
        if slots[t].sorted {
            // In order so far: every earlier level comes before the last one.
            if last == -1 { return nil }
            if last == 0 { return slots[t].lastLine }
        }
        if slots[t].lineByLevel == nil {
            var lines: [[Int]: Int] = [:]
            lines.reserveCapacity(slots[t].entries.count)
            for entry in slots[t].entries { lines[Array(slots[t].level(entry))] = entry.message.line }
            slots[t].lineByLevel = lines
        }
        return slots[t].lineByLevel![levelScratch]
    }

    /// Task `t` as a ``BriefTask`` if it has the plainest shape (its messages are in level order).
    ///
    /// A long task's shape is checked first, then its kept lines are let go (a hub of a million lines does not hold
    /// them and its children at once), then its children are made, in an array of the right size.
    private mutating func brief(_ t: Int, lone: Bool) -> BriefTask? {
        guard slots[t].sorted else { return nil }
        if lone {
            let task = slots[t]
            return BriefTask(
                taskUUID: task.uuid, ordinal: task.ordinal, first: task.entries[0].message, rootEnd: nil, children: [],
                values: task.values)
        }
        var children: [BriefTask.Child] = []
        if slots[t].raw.isSmall(Self.shortTaskBytes) {
            // A short task (most of them): one walk, whose children are dropped if it is not brief after all.
            guard briefChildren(of: slots[t], { children.append($0) }) != nil else { return nil }
        } else {
            guard let count = briefChildren(of: slots[t], { _ in }) else { return nil }
            slots[t].raw.removeAll(keepingCapacity: false)
            children.reserveCapacity(count)
            _ = briefChildren(of: slots[t]) { children.append($0) }
        }
        let task = slots[t]
        return BriefTask(
            taskUUID: task.uuid, ordinal: task.ordinal, first: task.entries[0].message,
            rootEnd: task.entries[task.entries.count - 1].message, children: children, values: task.values)
    }

    /// Walks a task of more than one message as a ``BriefTask``'s children, handing each to `each`: the number
    /// of them if the task has the plainest shape (a started root of the root type at `/1`, then messages at
    /// `/n` and actions at `/n/1` and `/n/2`, then the root's end), else `nil`, perhaps after handing out some.
    private func briefChildren(of task: OpenTask, _ each: (BriefTask.Child) -> Void) -> Int? {
        let entries = task.entries
        guard entries.count >= 2 else { return nil }
        let first = entries[0]
        let end = entries[entries.count - 1]
        guard first.isAction, first.message.status == .started, first.message.type == rootType,
            task.level(first).elementsEqual([1])
        else { return nil }
        var count = 0
        var slot = 2
        var i = 1
        while i < entries.count - 1 {
            let entry = entries[i]
            let level = task.level(entry)
            if !entry.isAction {
                guard level.count == 1, level.first == slot else { return nil }
                each(.message(entry.message))
                i += 1
            } else {
                guard i + 1 < entries.count - 1 else { return nil }
                let next = entries[i + 1]
                guard entry.message.status == .started, level.elementsEqual([slot, 1]), next.isAction,
                    let status = next.message.status, status != .started, task.level(next).elementsEqual([slot, 2]),
                    next.message.type == entry.message.type
                else { return nil }
                each(.action(start: entry.message, end: next.message))
                i += 2
            }
            count += 1
            slot += 1
        }
        guard end.isAction, let status = end.message.status, status != .started, end.message.type == rootType,
            task.level(end).elementsEqual([slot])
        else { return nil }
        return count
    }

    /// Decodes the task's lines in full and builds its tree with ``TaskGrouper``.
    private mutating func build(_ task: OpenTask) -> WrittenTask {
        var messages: [[Int]: WrittenMessage] = [:]
        for entry in task.entries {
            let line = entry.message.line
            task.raw.withLine(at: entry.raw) { bytes in
                // Each line decoded once already: this gives the same message (its warnings were given then).
                guard case .message(let message, _) = decoder.decode(bytes, line: line) else {
                    preconditionFailure("a line that decoded once no longer decodes")
                }
                messages[message.taskLevel] = WrittenMessage(message: message, line: line)
            }
        }
        return builder.build(uuid: task.uuid, messages: messages)
    }
}

/// An open task's lines as read, for the full decode should the task not be brief after all: in chunks of at most
/// ``chunkLimit`` bytes (a longer line gets a chunk of its own). A task of a million lines (a fan-out's hub) grows
/// by new chunks, never by copying everything it holds into an array twice its size, which took a second copy
/// of the lines at the moment of growing and up to twice their size after.
struct LineStore {
    static let chunkLimit = 1 << 20

    /// Where a line is.
    struct Place {
        var chunk: Int32
        var start: Int32
        var count: Int
    }

    /// The first chunk (grown as an array grows, up to the limit: a short task's lines fit in it) and the rest.
    private var first: [UInt8] = []
    private var more: [[UInt8]] = []

    mutating func reserveFirst(_ capacity: Int) { first.reserveCapacity(capacity) }

    /// Whether it holds no chunk but the first, of at most `capacity` bytes (worth keeping for another task).
    func isSmall(_ capacity: Int) -> Bool { more.isEmpty && first.capacity <= capacity }

    mutating func removeAll(keepingCapacity keep: Bool) {
        first.removeAll(keepingCapacity: keep)
        more = []
    }

    /// Adds a line; returns its place.
    mutating func append(_ line: UnsafeBufferPointer<UInt8>) -> Place {
        if more.isEmpty && (first.count + line.count <= Self.chunkLimit || first.isEmpty) {
            defer { first.append(contentsOf: line) }
            return Place(chunk: 0, start: Int32(first.count), count: line.count)
        }
        if more.isEmpty || more[more.count - 1].count + line.count > Self.chunkLimit {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(max(Self.chunkLimit, line.count))
            more.append(chunk)
        }
        let last = more.count - 1
        defer { more[last].append(contentsOf: line) }
        return Place(chunk: Int32(last + 1), start: Int32(more[last].count), count: line.count)
    }

    /// Calls `body` with the line at `place`.
    func withLine<R>(at place: Place, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let chunk = place.chunk == 0 ? first : more[Int(place.chunk) - 1]
        return chunk.withUnsafeBufferPointer { bytes in
            body(UnsafeBufferPointer(rebasing: bytes[Int(place.start)..<Int(place.start) + place.count]))
        }
    }
}

@available(*, unavailable)
extension BriefTaskGrouper: Sendable {}  // holds open tasks as references; use from one thread
