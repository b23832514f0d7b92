#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The short way of reading a line: the fields a brief task needs, picked out of the bytes without building a
/// message (``BriefTaskGrouper/add(_:line:localLine:atEndWithoutNewline:decoder:readerWarnings:)`` calls it per line).
extension BriefTaskGrouper {
    /// What a line's digest found besides its message. Nothing here needs counting references (the task id
    /// given with escapes is left in `escapedUUID`): making and dropping this for every line is free.
    struct Digest {
        /// The task id as bytes when it is plain ASCII; `nil` when it is in `escapedUUID`.
        var uuidBytes: UnsafeBufferPointer<UInt8>?
        var isAction: Bool
    }

    /// The message of a line as the short way reads it, or `nil` when the line needs the full decoder: not an
    /// object, damaged, a required field missing or of the wrong type, or anything unusual.
    ///
    /// The object is walked here as ``JSONParser/parseObjectKeys(_:)`` walks it (the same checks, in the same
    /// order), without a closure, so that nothing of the grouper is copied or captured per line.
    mutating func digest(_ bytes: UnsafeBufferPointer<UInt8>, into message: inout BriefMessage) -> Digest? {
        var p = JSONParser(bytes)
        p.skipWhitespace()
        guard p.pos < bytes.count, bytes[p.pos] == UInt8(ascii: "{") else { return nil }
        var hasKey = false
        var uuidBytes: UnsafeBufferPointer<UInt8>?
        var hasLevel = false
        var timestamp: Double?
        var messageType: String?
        var actionType: String?
        var status: ActionStatus?
        var statusValid = false
        var usual = true
        // (`levelScratch` is emptied where `task_level` is read: a line without one is not digested.)
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
                            hasKey = true
                            uuidBytes = plain
                            if plain.isEmpty { usual = false }
                        } else {
                            let text = try p.parseString()
                            hasKey = true
                            escapedUUID = text
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
                        if first == UInt8(ascii: "\""), let plain = p.parsePlainString() {
                            status = Self.status(plain)
                        } else {
                            let text = try stringValue(&p, usual: &usual, optional: true)
                            status = text.flatMap(ActionStatus.init(rawValue:))
                        }
                        statusValid = status != nil
                    case 6, 7:
                        // `exception` and `reason`: kept as the other fields when asked for.
                        if let field = field(name) { keep(field, try value(&p)) } else { try p.skipValue() }
                    default:
                        if let field = field(name) { keep(field, try value(&p)) } else { try p.skipValue() }
                    }
                    if try p.endOfItem(closer: UInt8(ascii: "}")) { break members }
                }
            }
            p.depth -= 1
            try p.expectEnd()
        } catch {
            return nil
        }
        guard usual, hasKey, hasLevel, !levelScratch.isEmpty, levelScratch.count <= LineDecoder.maxLevelDepth,
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
        return Digest(uuidBytes: uuidBytes, isAction: actionType != nil)
    }

    /// Keeps a field's value for the line: each field once, the last one read (as a decoded object has it).
    private mutating func keep(_ field: Int, _ value: BriefValue) {
        if let i = valueScratch.firstIndex(where: { $0.field == field }) {
            valueScratch[i].value = value
        } else {
            valueScratch.append(KeptValue(field: field, value: value))
        }
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
        return b == UInt8(ascii: "[") ? .array : .other
    }

    /// The one `String` of a key, made the first time it is seen.
    private mutating func string(for key: ByteKey, bytes: UnsafeBufferPointer<UInt8>? = nil, text: String? = nil)
        -> String
    {
        if let known = strings[key] { return known }
        let made = text ?? bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
        // Task ids are looked up here only for new tasks; keep the table to the names that repeat.
        if strings.count < 32_768 { strings[key] = made }
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
        return fieldNames.index(of: key.raw)
    }

    /// An `action_status` given as plain bytes, without making a `String` of it.
    @inline(__always)
    private static func status(_ plain: UnsafeBufferPointer<UInt8>) -> ActionStatus? {
        func equal(_ name: StaticString) -> Bool {
            plain.count == name.utf8CodeUnitCount && memcmp(plain.baseAddress!, name.utf8Start, plain.count) == 0
        }
        switch plain.count {
        case 7: return equal("started") ? .started : nil
        case 9: return equal("succeeded") ? .succeeded : nil
        case 6: return equal("failed") ? .failed : nil
        default: return nil
        }
    }
}

/// The names of the fields a grouper keeps, in one buffer: a key is matched against them as bytes, with no array
/// per name to retain and release for every key of every line.
struct FieldNames {
    private struct Span {
        var start: Int
        var count: Int
    }

    private let bytes: [UInt8]
    private let spans: [Span]

    init(_ names: [String]) {
        var bytes: [UInt8] = []
        var spans: [Span] = []
        for name in names {
            spans.append(Span(start: bytes.count, count: name.utf8.count))
            bytes.append(contentsOf: name.utf8)
        }
        self.bytes = bytes
        self.spans = spans
    }

    /// The number of the name equal to `raw`, or `nil`.
    func index(of raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = raw.count
        return spans.withUnsafeBufferPointer { spans -> Int? in
            bytes.withUnsafeBufferPointer { all -> Int? in
                for i in 0..<spans.count where spans[i].count == count {
                    if count == 0 || memcmp(all.baseAddress! + spans[i].start, raw.baseAddress!, count) == 0 { return i }
                }
                return nil
            }
        }
    }
}
