/// Appends log lines to one growing block of bytes: the package's JSON-lines writer. ``EventLogEncoder`` writes
/// whole messages with it, and a writer that encodes many messages of a known shape (the monitor's writer thread)
/// writes them field by field, without building an ``EventMessage`` (a dictionary per message was most of its cost).
///
/// Field by field, the caller writes the keys in ``EventLogEncoder``'s order (task fields, `message_type` or
/// `action_type` and `action_status`, `exception`, `reason`, then the other fields in sorted key order), so a line
/// reads back to a message that encodes to the same keys in the same order (the monitor's tests check that for
/// every kind of line it writes).
///
/// The bytes live in memory of its own (allocated and freed here, never handed out beyond a closure's borrow):
/// appending is a bounds check and a copy, where an array checked its uniqueness at every byte.
package struct LineBuilder: ~Copyable, @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes were built.
    package private(set) var byteCount = 0
    /// Where each line ends (the offset after its `\n`).
    package private(set) var ends: [Int] = []
    /// The second of the last timestamp written, and its ten digits (`double`).
    private var lastSecond: UInt = .max
    private var lastSecondDigits: (high: UInt64, low: UInt16) = (0, 0)

    package init(capacity: Int = 1 << 16) {
        self.capacity = Swift.max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// How many lines were built.
    package var count: Int { ends.count }
    package var isEmpty: Bool { ends.isEmpty }

    /// A copy of the bytes built.
    package var bytes: [UInt8] { withBytes { Array($0) } }

    /// Lends the bytes built to `body`.
    package func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: byteCount))
    }

    /// Forgets every line, keeping the memory.
    package mutating func removeAll() {
        byteCount = 0
        ends.removeAll(keepingCapacity: true)
    }

    // MARK: Lines

    /// Appends a whole message, ending its line.
    package mutating func append(_ message: EventMessage) {
        EventLogEncoder.write(message, to: &self)
        close()
    }

    /// The bytes every line of a task starts with, `{"task_uuid":"…","task_level":[` and the `levels` its
    /// lines are under (each with its comma): built once per task and passed to
    /// ``open(prefix:level:sublevel:timestamp:)``.
    package static func prefix(taskUUID: String, levels: [Int] = []) -> [UInt8] {
        var line = LineBuilder(capacity: 64)
        line.byte(UInt8(ascii: "{"))
        line.key("task_uuid", first: true)
        line.string(taskUUID)
        line.key("task_level")
        line.byte(UInt8(ascii: "["))
        for level in levels {
            line.int(level)
            line.byte(UInt8(ascii: ","))
        }
        return line.bytes
    }

    /// Starts a line: `{"task_uuid":…,"task_level":[level, sublevel?],"timestamp":…`, from the task's
    /// ``prefix(taskUUID:)``.
    package mutating func open(prefix: [UInt8], level: Int, sublevel: Int? = nil, timestamp: Double) {
        raw(prefix)
        int(level)
        if let sublevel {
            byte(UInt8(ascii: ","))
            int(sublevel)
        }
        raw(#"],"timestamp":"# as StaticString)
        double(timestamp)
    }

    /// Ends the line: `}` and a newline.
    package mutating func close() {
        reserve(2)
        base[byteCount] = UInt8(ascii: "}")
        base[byteCount + 1] = UInt8(ascii: "\n")
        byteCount += 2
        ends.append(byteCount)
    }

    // MARK: Fields

    /// Appends `,"key":"value"`.
    package mutating func field(_ key: String, _ value: String) {
        self.key(key)
        string(value)
    }

    /// Appends `,"key":value`.
    package mutating func field(_ key: String, _ value: Int) {
        self.key(key)
        int(value)
    }

    /// Appends `,"key":value` (`null` when not finite).
    package mutating func field(_ key: String, _ value: Double) {
        self.key(key)
        double(value)
    }

    /// Appends `,"key":value`, or `,"key":null` when `value` is nil.
    package mutating func field(_ key: String, _ value: Int?) {
        guard let value else { return null(key) }
        field(key, value)
    }

    /// Appends `,"key":"value"`, or `,"key":null` when `value` is nil.
    package mutating func field(_ key: String, _ value: String?) {
        guard let value else { return null(key) }
        field(key, value)
    }

    /// Appends `,"key":[1,2,…]`.
    package mutating func field(_ key: String, _ values: [Int]) {
        self.key(key)
        byte(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { byte(UInt8(ascii: ",")) }
            int(value)
        }
        byte(UInt8(ascii: "]"))
    }

    /// Appends `,"key":null`.
    package mutating func null(_ key: String) {
        self.key(key)
        raw("null")
    }

    /// `,"key":` (or `"key":` when `first`). Keys are written as they are: the log vocabulary's names, and the
    /// keys ``EventLogEncoder`` escapes itself, need no escaping.
    mutating func key(_ key: String, first: Bool = false) {
        if !first { byte(UInt8(ascii: ",")) }
        byte(UInt8(ascii: "\""))
        raw(key)
        byte(UInt8(ascii: "\""))
        byte(UInt8(ascii: ":"))
    }

    // MARK: Values

    /// One byte.
    @inline(__always)
    package mutating func byte(_ byte: UInt8) {
        reserve(1)
        base[byteCount] = byte
        byteCount += 1
    }

    /// Bytes as they are.
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + byteCount).update(from: source, count: bytes.count)
        byteCount += bytes.count
    }

    /// A literal's bytes as they are.
    @inline(__always)
    package mutating func raw(_ text: StaticString) {
        raw(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Bytes as they are.
    package mutating func raw(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { raw($0) }
    }

    /// A string's UTF-8 as it is (for text known to need no escaping).
    package mutating func raw(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ raw($0) }) != nil { return }
        var text = text
        text.withUTF8 { raw($0) }
    }

    /// A JSON string: quoted, with the escapes JSON requires (quote, backslash, every control character below
    /// U+0020); other characters as raw UTF-8, as Eliot writes them.
    package mutating func string(_ string: String) {
        byte(UInt8(ascii: "\""))
        if string.utf8.withContiguousStorageIfAvailable({ escaped($0) }) == nil {
            var string = string
            string.withUTF8 { escaped($0) }
        }
        byte(UInt8(ascii: "\""))
    }

    /// An integer as a JSON string: `"42"`.
    package mutating func quoted(_ value: Int) {
        byte(UInt8(ascii: "\""))
        int(value)
        byte(UInt8(ascii: "\""))
    }

    /// The bytes of `,"key":`, to append whole with ``raw(_:)-([UInt8])`` where a writer puts the same key on
    /// many lines.
    package static func key(_ key: String) -> [UInt8] {
        var line = LineBuilder(capacity: key.utf8.count + 4)
        line.key(key)
        return line.bytes
    }

    /// The bytes of `,"key":"value"` (the value escaped), to append whole.
    package static func field(_ key: String, _ value: String) -> [UInt8] {
        var line = LineBuilder(capacity: key.utf8.count + value.utf8.count + 8)
        line.field(key, value)
        return line.bytes
    }

    /// The bytes of a JSON string (quoted and escaped, as ``string(_:)`` writes it), to append whole.
    package static func jsonString(_ text: String) -> [UInt8] {
        var line = LineBuilder(capacity: text.utf8.count + 8)
        line.string(text)
        return line.bytes
    }

    /// Lower-case hex digits, for `\u` escapes and ids.
    package static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `bytes` with JSON's escapes: runs that need none are copied whole. Eight bytes are looked at a time
    /// (`PlainWord`); a word that may hold a byte to escape is looked at byte by byte.
    mutating func escaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        let count = bytes.count
        let words = UnsafeRawPointer(start)
        var runStart = 0
        var index = 0
        while index < count {
            if index &+ 8 <= count,
                PlainWord.special(words.loadUnaligned(fromByteOffset: index, as: UInt64.self)) == 0
            {
                index &+= 8
                continue
            }
            let b = start[index]
            // 0x22 is the quote, 0x5C the backslash.
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                index &+= 1
                continue
            }
            raw(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            byte(0x5C)
            switch b {
            case 0x22, 0x5C: byte(b)
            case 0x0A: byte(UInt8(ascii: "n"))
            case 0x0D: byte(UInt8(ascii: "r"))
            case 0x09: byte(UInt8(ascii: "t"))
            case 0x08: byte(UInt8(ascii: "b"))
            case 0x0C: byte(UInt8(ascii: "f"))
            default:
                raw("u00")
                byte(Self.hexDigits[Int(b >> 4)])
                byte(Self.hexDigits[Int(b & 0xF)])
            }
            index &+= 1
            runStart = index
        }
        raw(UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    /// An integer in decimal.
    package mutating func int(_ value: Int) {
        if value >= 0 && value < 10 {
            byte(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        if value >= 10 && value < 100 {
            // Levels and pair indexes: the common case after one digit.
            reserve(2)
            Self.writeDigits(UInt(value), count: 2, endingAt: base + byteCount + 2)
            byteCount += 2
            return
        }
        let sign = value < 0 ? 1 : 0
        let magnitude = value.magnitude
        let digits = Self.digitCount(magnitude)
        reserve(digits + sign)
        if sign == 1 { base[byteCount] = UInt8(ascii: "-") }
        Self.writeDigits(magnitude, count: digits, endingAt: base + byteCount + sign + digits)
        byteCount += digits + sign
    }

    /// How many decimal digits `value` has (1 for 0).
    @inline(__always)
    static func digitCount(_ value: UInt) -> Int {
        var digits = 1
        var bound: UInt = 10
        while digits < 20, value >= bound {
            digits &+= 1
            bound = bound &* 10
        }
        return digits
    }

    /// Writes the last `count` decimal digits of `value` into the bytes before `end`, two per division.
    @inline(__always)
    static func writeDigits(_ value: UInt, count: Int, endingAt end: UnsafeMutablePointer<UInt8>) {
        var value = value
        var at = end
        var left = count
        while left >= 2 {
            let pair = value % 100
            value /= 100
            at -= 2
            at[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: pair / 10)
            at[1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: pair % 10)
            left &-= 2
        }
        if left == 1 { (at - 1).pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10) }
    }

    /// A number (`null` when not finite).
    package mutating func double(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        // A Unix timestamp of 2004–2038 (2^30 to 2^31 seconds) is written with seven decimals, from integers:
        // doubles there are 2^-22 s (about 2.4e-7) apart, so the nearest seven-decimal number reads back as the
        // same double. Much cheaper than `description`, which allocates a string for each.
        if value >= 1_073_741_824, value < 2_147_483_648 {
            // Ten digits of seconds and seven of fraction, written whole, then the fraction's trailing zeros
            // dropped (a whole second keeps one: `.0`). The fraction is taken apart from the seconds, where the
            // subtraction is exact (the product `value * 1e7` is past 2^53 and would round).
            let seconds = UInt(value)
            let ticks = seconds &* 10_000_000 &+ UInt(((value - Double(seconds)) * 1e7).rounded())
            reserve(18)
            let at = base + byteCount
            // Lines written together share their second: its ten digits are made once and copied after.
            let second = ticks / 10_000_000
            let digits = UnsafeMutableRawPointer(at)
            if second == lastSecond {
                digits.storeBytes(of: lastSecondDigits.high, as: UInt64.self)
                digits.storeBytes(of: lastSecondDigits.low, toByteOffset: 8, as: UInt16.self)
            } else {
                Self.writeDigits(second, count: 10, endingAt: at + 10)
                lastSecond = second
                lastSecondDigits = (
                    digits.loadUnaligned(as: UInt64.self), digits.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
                )
            }
            at[10] = UInt8(ascii: ".")
            Self.writeDigits(ticks % 10_000_000, count: 7, endingAt: at + 18)
            var end = 18
            while end > 12, at[end - 1] == UInt8(ascii: "0") { end -= 1 }
            byteCount += end
            return
        }
        // Swift's description is the shortest text that round-trips, and is valid JSON for finite values.
        raw(value.description)
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if byteCount + extra > capacity { grow(to: byteCount + extra) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        let newCapacity = Swift.max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: byteCount)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
