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
    private var decoder: LineDecoder
    private let fieldBytes: [[UInt8]]
    /// Open tasks by id: their slot in `slots`.
    private var tasks: [ByteKey: Int] = [:]
    /// Open tasks, and freed slots whose storage the next new task reuses.
    private var slots: [OpenTask] = []
    private var freeSlots: [Int] = []
    private var nextOrdinal = 0
    private var strings: [ByteKey: String] = [:]
    /// The strings interned lately, by a hash of their bytes: most lines repeat a few types and names.
    private var recentBytes: [[UInt8]] = Array(repeating: [], count: 256)
    private var recentStrings: [String] = Array(repeating: "", count: 256)
    private var levelScratch: [Int] = []
    /// The kept fields of the line being read: field number and value, each field once (the last one read).
    private var valueScratch: [(field: Int, value: BriefValue)] = []

    // One message as kept: where its level, line and values are in its task's storage.
    private struct Entry {
        var line: Int
        var levelStart: Int
        var levelCount: Int
        var rawStart: Int
        var rawCount: Int
        var message: BriefMessage
        var isAction: Bool
    }

    private struct OpenTask {
        var uuid: String
        var ordinal: Int
        var entries: [Entry] = []
        var levels: [Int] = []
        var raw: [UInt8] = []
        var values: [(field: Int, value: BriefValue)] = []
        /// End messages seen, the sum of their last slots, and whether the root's is one (see TaskGrouper).
        var ends = 0
        var endSlots = 0
        var rootEnded = false
        /// Whether some line was decoded the long way (so the task cannot be brief).
        var slow = false
        /// Whether each message's level came after the previous one's.
        var sorted = true
        /// The last message's level (its first `lastLevelCount` numbers, when at most four) and line, kept in the
        /// task itself: the next message is compared with it without touching the task's storage, which in an
        /// interleaved log is rarely still in the cache. `lastLevelCount` is 0 before the first message.
        var lastLevel: (Int, Int, Int, Int) = (0, 0, 0, 0)
        var lastLevelCount = 0
        var lastLine = 0

        init(uuid: String, ordinal: Int) {
            self.uuid = uuid
            self.ordinal = ordinal
            // Room for a typical chain (a dozen runs: about 25 lines, 4 KiB): growing there from empty took eight
            // reallocations and copies per task, and the first tasks of an interleaved log all grow at once.
            entries.reserveCapacity(32)
            levels.reserveCapacity(64)
            raw.reserveCapacity(4_096)
            values.reserveCapacity(64)
        }

        /// Empties the task for another, keeping its storage unless an unusually long task grew it.
        mutating func reuse(uuid: String, ordinal: Int) {
            self.uuid = uuid
            self.ordinal = ordinal
            let keep = raw.capacity <= 1 << 16
            entries.removeAll(keepingCapacity: keep)
            levels.removeAll(keepingCapacity: keep)
            raw.removeAll(keepingCapacity: keep)
            values.removeAll(keepingCapacity: keep)
            ends = 0
            endSlots = 0
            rootEnded = false
            slow = false
            sorted = true
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
        fieldBytes = fields.map { Array($0.utf8) }
    }

    /// Decodes one line and adds its message.
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
    ) -> (isMessage: Bool, handout: Handout?) {
        var bytes = raw
        if let last = bytes.last, last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        var message = BriefMessage(line: line, timestamp: 0, type: nil, status: nil, valuesStart: 0)
        var isAction = false
        var key: ByteKey
        var uuid: String?
        var uuidBytes: UnsafeBufferPointer<UInt8>?
        var slow = false
        if let digest = self.digest(bytes, into: &message) {
            key = digest.key
            uuid = digest.uuid
            uuidBytes = digest.uuidBytes
            isAction = digest.isAction
        } else {
            levelScratch.removeAll(keepingCapacity: true)
            switch reader.decoder.decode(raw, line: localLine, atEndWithoutNewline: atEndWithoutNewline) {
            case .failure(let problem):
                readerWarnings.append(problem)
                return (false, nil)
            case .message(let full, let warning):
                if let warning { readerWarnings.append(warning) }
                key = ByteKey(full.taskUUID)
                uuid = full.taskUUID
                levelScratch.append(contentsOf: full.taskLevel)
                isAction = full.isActionMessage
                message.status = full.actionStatus
                slow = true
            }
        }
        let t: Int
        if let open = tasks[key] {
            t = open
        } else {
            let id = uuid ?? String(decoding: uuidBytes!, as: UTF8.self)
            if let free = freeSlots.popLast() {
                t = free
                slots[t].reuse(uuid: id, ordinal: nextOrdinal)
            } else {
                t = slots.count
                slots.append(OpenTask(uuid: id, ordinal: nextOrdinal))
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
            return (true, nil)
        }
        if let afterLast, afterLast != -1 { slots[t].sorted = false }
        if slow { slots[t].slow = true }
        message.valuesStart = slots[t].values.count
        message.valuesCount = valueScratch.count
        slots[t].values.append(contentsOf: valueScratch)
        slots[t].entries.append(
            Entry(
                line: line, levelStart: slots[t].levels.count, levelCount: levelScratch.count,
                rawStart: slots[t].raw.count, rawCount: raw.count, message: message, isAction: isAction))
        slots[t].levels.append(contentsOf: levelScratch)
        slots[t].lastLine = line
        slots[t].lastLevelCount = levelScratch.count
        levelScratch.withUnsafeBufferPointer { level in
            if level.count <= 4 {
                slots[t].lastLevel = (
                    level[0], level.count > 1 ? level[1] : 0, level.count > 2 ? level[2] : 0, level.count > 3 ? level[3] : 0
                )
            }
        }
        slots[t].raw.append(contentsOf: raw)
        if isAction, let status = message.status, status != .started {
            slots[t].ends += 1
            slots[t].endSlots += levelScratch.last!
            if levelScratch.count == 1 { slots[t].rootEnded = true }
        }
        let count = slots[t].entries.count
        let lone = count == 1 && !isAction && levelScratch.count == 1 && levelScratch[0] == 1
        guard lone || (slots[t].rootEnded && count == slots[t].endSlots - (slots[t].ends - 1)) else {
            return (true, nil)
        }
        if !slots[t].slow, let brief = brief(slots[t], lone: lone) {
            close(t, key: key)
            return (true, .brief(brief))
        }
        let warningCount = builder.warnings.count
        let built = build(slots[t])
        guard built.isComplete else {
            builder.warnings.removeSubrange(warningCount...)
            return (true, nil)
        }
        let ordinal = slots[t].ordinal
        close(t, key: key)
        return (true, .built(ordinal: ordinal, task: built))
    }

    /// Forgets a task handed out; its slot's storage is kept for the next new task.
    private mutating func close(_ t: Int, key: ByteKey) {
        tasks.removeValue(forKey: key)
        freeSlots.append(t)
    }

    /// Builds the trees of every task not handed out yet, in order of first message, adding their structural
    /// warnings, as ``TaskGrouper/finishNumbered()``; the grouper is empty afterwards.
    public mutating func finishNumbered() -> [(ordinal: Int, task: WrittenTask)] {
        let open = tasks.values.map { slots[$0] }.sorted { $0.ordinal < $1.ordinal }
        tasks = [:]
        slots = []
        freeSlots = []
        return open.map { ($0.ordinal, build($0)) }
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
    private func duplicate(inTask t: Int, comparedWithLast last: Int?) -> Int? {
        guard let last else { return nil }
        if slots[t].sorted {
            // In order so far: every earlier level comes before the last one.
            if last == -1 { return nil }
            if last == 0 { return slots[t].lastLine }
        }
        for entry in slots[t].entries where compareLevel(of: entry, inTask: t) == 0 { return entry.line }
        return nil
    }

    /// The task as a ``BriefTask`` if it has the plainest shape (its messages are in level order).
    private func brief(_ task: OpenTask, lone: Bool) -> BriefTask? {
        guard task.sorted else { return nil }
        let entries = task.entries
        if lone {
            return BriefTask(
                taskUUID: task.uuid, ordinal: task.ordinal, first: entries[0].message, rootEnd: nil, children: [],
                values: task.values)
        }
        guard entries.count >= 2 else { return nil }
        let first = entries[0]
        let end = entries[entries.count - 1]
        guard first.isAction, first.message.status == .started, first.message.type == rootType,
            task.level(first).elementsEqual([1])
        else { return nil }
        var children: [BriefTask.Child] = []
        var slot = 2
        var i = 1
        while i < entries.count - 1 {
            let entry = entries[i]
            let level = task.level(entry)
            if !entry.isAction {
                guard level.count == 1, level.first == slot else { return nil }
                children.append(.message(entry.message))
                i += 1
            } else {
                guard i + 1 < entries.count - 1 else { return nil }
                let next = entries[i + 1]
                guard entry.message.status == .started, level.elementsEqual([slot, 1]), next.isAction,
                    let status = next.message.status, status != .started, task.level(next).elementsEqual([slot, 2]),
                    next.message.type == entry.message.type
                else { return nil }
                children.append(.action(start: entry.message, end: next.message))
                i += 2
            }
            slot += 1
        }
        guard end.isAction, let status = end.message.status, status != .started, end.message.type == rootType,
            task.level(end).elementsEqual([slot])
        else { return nil }
        return BriefTask(
            taskUUID: task.uuid, ordinal: task.ordinal, first: first.message, rootEnd: end.message,
            children: children, values: task.values)
    }

    /// Decodes the task's lines in full and builds its tree with ``TaskGrouper``.
    private mutating func build(_ task: OpenTask) -> WrittenTask {
        var messages: [[Int]: WrittenMessage] = [:]
        task.raw.withUnsafeBufferPointer { raw in
            for entry in task.entries {
                let bytes = UnsafeBufferPointer(rebasing: raw[entry.rawStart..<entry.rawStart + entry.rawCount])
                // Each line decoded once already: this gives the same message (its warnings were given then).
                guard case .message(let message, _) = decoder.decode(bytes, line: entry.line) else {
                    preconditionFailure("a line that decoded once no longer decodes")
                }
                messages[message.taskLevel] = WrittenMessage(message: message, line: entry.line)
            }
        }
        return builder.build(uuid: task.uuid, messages: messages)
    }

    // MARK: - Decoding the short way

    private struct Digest {
        var key: ByteKey
        /// The task id as bytes when it is plain ASCII, else as a string.
        var uuidBytes: UnsafeBufferPointer<UInt8>?
        var uuid: String?
        var isAction: Bool
    }

    /// The message of a line as the short way reads it, or `nil` when the line needs the full decoder: not an
    /// object, damaged, a required field missing or of the wrong type, or anything unusual.
    ///
    /// The object is walked here as ``JSONParser/parseObjectKeys(_:)`` walks it (the same checks, in the same
    /// order), without a closure, so that nothing of the grouper is copied or captured per line.
    private mutating func digest(_ bytes: UnsafeBufferPointer<UInt8>, into message: inout BriefMessage) -> Digest? {
        var p = JSONParser(bytes)
        p.skipWhitespace()
        guard p.pos < bytes.count, bytes[p.pos] == UInt8(ascii: "{") else { return nil }
        var key: ByteKey?
        var uuid: String?
        var uuidBytes: UnsafeBufferPointer<UInt8>?
        var hasLevel = false
        var timestamp: Double?
        var messageType: String?
        var actionType: String?
        var status: ActionStatus?
        var statusValid = false
        var usual = true
        levelScratch.removeAll(keepingCapacity: true)
        valueScratch.removeAll(keepingCapacity: true)
        do throws(JSONParseError) {
            try p.enter()
            p.pos += 1  // {
            p.skipWhitespace()
            if p.pos < bytes.count, bytes[p.pos] == UInt8(ascii: "}") {
                p.pos += 1
            } else {
                members: while true {
                    p.skipWhitespace()
                    guard p.pos < bytes.count, bytes[p.pos] == UInt8(ascii: "\"") else {
                        throw p.error("expected a string key")
                    }
                    let name = try p.parseKey()
                    p.skipWhitespace()
                    guard p.pos < bytes.count, bytes[p.pos] == UInt8(ascii: ":") else { throw p.error("expected ':'") }
                    p.pos += 1
                    p.skipWhitespace()
                    guard p.pos < bytes.count else { throw p.error("unexpected end of input") }
                    let first = bytes[p.pos]
                    switch Self.standardKey(name) {
                    case 0:
                        guard first == UInt8(ascii: "\"") else {
                            usual = false
                            try p.skipValue()
                            break
                        }
                        if let plain = p.parsePlainString() {
                            key = ByteKey(ascii: plain)
                            uuid = nil
                            uuidBytes = plain
                            if plain.isEmpty { usual = false }
                        } else {
                            let text = try p.parseString()
                            key = ByteKey(text)
                            uuid = text
                            uuidBytes = nil
                            if text.isEmpty { usual = false }
                        }
                    case 1:
                        levelScratch.removeAll(keepingCapacity: true)
                        hasLevel = true
                        guard first == UInt8(ascii: "[") else {
                            usual = false
                            try p.skipValue()
                            break
                        }
                        // As parseArrayElements with parseValue for each element.
                        try p.enter()
                        p.pos += 1  // [
                        p.skipWhitespace()
                        if p.pos < bytes.count, bytes[p.pos] == UInt8(ascii: "]") {
                            p.pos += 1
                        } else {
                            elements: while true {
                                p.skipWhitespace()
                                if p.pos < bytes.count, bytes[p.pos] == UInt8(ascii: "-") || Self.isDigit(bytes[p.pos]) {
                                    if let n = try p.parseNumber().intValue, n >= 1 {
                                        levelScratch.append(n)
                                    } else {
                                        usual = false
                                    }
                                } else {
                                    usual = false
                                    try p.skipValue()
                                }
                                if try p.endOfItem(closer: UInt8(ascii: "]")) { break elements }
                            }
                        }
                        p.depth -= 1
                    case 2:
                        if first == UInt8(ascii: "-") || Self.isDigit(first) {
                            timestamp = try p.parseNumber().doubleValue
                        } else {
                            timestamp = nil
                            try p.skipValue()
                        }
                    case 3: messageType = try stringValue(&p, usual: &usual)
                    case 4: actionType = try stringValue(&p, usual: &usual)
                    case 5:
                        let text = try stringValue(&p, usual: &usual, optional: true)
                        status = text.flatMap(ActionStatus.init(rawValue:))
                        statusValid = status != nil
                    case 6, 7: try p.skipValue()
                    default:
                        if let field = field(name) {
                            let value = try value(&p)
                            if let i = valueScratch.firstIndex(where: { $0.field == field }) {
                                valueScratch[i].value = value
                            } else {
                                valueScratch.append((field, value))
                            }
                        } else {
                            try p.skipValue()
                        }
                    }
                    if try p.endOfItem(closer: UInt8(ascii: "}")) { break members }
                }
            }
            p.depth -= 1
            try p.expectEnd()
        } catch {
            return nil
        }
        guard usual, let key, hasLevel, !levelScratch.isEmpty, levelScratch.count <= LineDecoder.maxLevelDepth,
            let timestamp
        else { return nil }
        message.timestamp = timestamp
        if let actionType {
            guard statusValid else { return nil }
            message.type = actionType
            message.status = status
        } else {
            message.type = messageType
        }
        return Digest(key: key, uuidBytes: uuidBytes, uuid: uuid, isAction: actionType != nil)
    }

    /// A string value as an interned `String`; anything else is skipped, and makes the line unusual unless
    /// `optional`.
    private mutating func stringValue(_ p: inout JSONParser, usual: inout Bool, optional: Bool = false)
        throws(JSONParseError) -> String?
    {
        p.skipWhitespace()
        guard p.pos < p.bytes.count, p.bytes[p.pos] == UInt8(ascii: "\"") else {
            if !optional { usual = false }
            try p.skipValue()
            return nil
        }
        if let plain = p.parsePlainString() { return intern(plain) }
        let text = try p.parseString()
        return string(for: ByteKey(text), text: text)
    }

    /// The one `String` of plain ASCII bytes: from the recent ones when it is there, else from the table.
    private mutating func intern(_ plain: UnsafeBufferPointer<UInt8>) -> String {
        let count = plain.count
        let h = count == 0 ? 0 : (count &* 31 &+ Int(plain[count - 1]) &* 7 &+ Int(plain[count / 2])) & 255
        let hit = recentBytes[h].withUnsafeBufferPointer { recent in
            recent.count == count && (count == 0 || memcmp(recent.baseAddress!, plain.baseAddress!, count) == 0)
        }
        if hit { return recentStrings[h] }
        let made = string(for: ByteKey(ascii: plain), bytes: plain)
        recentBytes[h] = Array(plain)
        recentStrings[h] = made
        return made
    }

    private mutating func value(_ p: inout JSONParser) throws(JSONParseError) -> BriefValue {
        p.skipWhitespace()
        guard p.pos < p.bytes.count else { throw p.error("unexpected end of input") }
        let b = p.bytes[p.pos]
        if b == UInt8(ascii: "\"") {
            if let plain = p.parsePlainString() { return .string(intern(plain)) }
            let text = try p.parseString()
            return .string(string(for: ByteKey(text), text: text))
        }
        if b == UInt8(ascii: "-") || Self.isDigit(b) {
            switch try p.parseNumber() {
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            default: return .other
            }
        }
        try p.skipValue()
        return .other
    }

    /// The one `String` of a key, made the first time it is seen.
    private mutating func string(for key: ByteKey, bytes: UnsafeBufferPointer<UInt8>? = nil, text: String? = nil)
        -> String
    {
        if let known = strings[key] { return known }
        let made = text ?? bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
        // Task ids are looked up here only for new tasks; keep the table to the names that repeat.
        if strings.count < 100_000 { strings[key] = made }
        return made
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private static func matches(_ key: JSONParser.Key, _ name: StaticString) -> Bool {
        key.raw.count == name.utf8CodeUnitCount && memcmp(key.raw.baseAddress!, name.utf8Start, key.raw.count) == 0
    }

    /// The index of a standard key (as ``LineDecoder/standardKey(_:)`` numbers them), or `nil`.
    @inline(__always)
    private static func standardKey(_ key: JSONParser.Key) -> Int? {
        if key.decoded != nil { return LineDecoder.standardKey(key) }
        switch key.raw.count {
        case 9:
            if matches(key, "task_uuid") { return 0 }
            if matches(key, "timestamp") { return 2 }
            if matches(key, "exception") { return 6 }
        case 10: if matches(key, "task_level") { return 1 }
        case 12: if matches(key, "message_type") { return 3 }
        case 11: if matches(key, "action_type") { return 4 }
        case 13: if matches(key, "action_status") { return 5 }
        case 6: if matches(key, "reason") { return 7 }
        default: break
        }
        return nil
    }

    private func field(_ key: JSONParser.Key) -> Int? {
        if let decoded = key.decoded { return fields.firstIndex(of: decoded) }
        let count = key.raw.count
        for i in fieldBytes.indices where fieldBytes[i].count == count {
            let same = fieldBytes[i].withUnsafeBufferPointer { memcmp($0.baseAddress!, key.raw.baseAddress!, count) == 0 }
            if same { return i }
        }
        return nil
    }
}

@available(*, unavailable)
extension BriefTaskGrouper: Sendable {}  // holds open tasks as references; use from one thread
