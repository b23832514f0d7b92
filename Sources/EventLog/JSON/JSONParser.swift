#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict, byte-level JSON parser (RFC 8259) over a buffer it does not own.
///
/// It rejects everything JSON rejects: trailing commas, single quotes, unescaped control characters,
/// leading zeros, `NaN`, comments, invalid UTF-8. Nesting is limited to ``maxDepth`` so that no input can
/// overflow the stack. A lone UTF-16 surrogate in a `\u` escape (which Python accepts) becomes U+FFFD,
/// because a Swift `String` cannot hold one.
struct JSONParser: ~Copyable {
    /// The deepest nesting of arrays and objects accepted.
    static let maxDepth = 256

    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0
    var depth = 0
    /// Scratch space for strings with escapes, reused across strings.
    var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func error(_ message: String) -> JSONParseError {
        JSONParseError(offset: pos, message: message)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    /// Parses one complete document: a value with only whitespace around it.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        try expectEnd()
        return value
    }

    /// Throws unless only whitespace remains.
    mutating func expectEnd() throws(JSONParseError) {
        skipWhitespace()
        if pos != bytes.count { throw error("unexpected data after the JSON value") }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard pos < bytes.count else { throw error("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw error("unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - pos >= count else { throw error("unexpected end of input in a literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for i in 0..<count where bytes[pos + i] != expected[i] {
            throw error("invalid literal")
        }
        pos += count
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth)") }
    }

    mutating func parseArray() throws(JSONParseError) -> [JSONValue] {
        var result: [JSONValue] = []
        try parseArrayElements { parser throws(JSONParseError) in result.append(try parser.parseValue()) }
        return result
    }

    /// Parses an array, calling `element` at each element, which must consume it.
    mutating func parseArrayElements(_ element: (inout JSONParser) throws(JSONParseError) -> Void)
        throws(JSONParseError)
    {
        try enter()
        defer { depth -= 1 }
        pos += 1  // [
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return
        }
        while true {
            try element(&self)
            if try endOfItem(closer: UInt8(ascii: "]")) { return }
        }
    }

    mutating func parseObject() throws(JSONParseError) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        try parseObjectMembers { key, parser throws(JSONParseError) in
            result[key] = try parser.parseValue()
        }
        return result
    }

    /// Parses an object, handing each key to `member`, which must consume the value.
    mutating func parseObjectMembers(
        _ member: (String, inout JSONParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        try parseObjectKeys { key, parser throws(JSONParseError) in try member(key.string, &parser) }
    }

    /// An object's key: its bytes in the input when it is plain ASCII without escapes (the usual case, where
    /// comparing bytes saves making a `String`), or else the decoded string.
    struct Key {
        let raw: UnsafeBufferPointer<UInt8>
        let decoded: String?

        var string: String { decoded ?? String(decoding: raw, as: UTF8.self) }

        /// Whether the key is exactly `name` (pure ASCII bytes).
        @inline(__always)
        func `is`(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
            if let decoded { return decoded.utf8.elementsEqual(name) }
            return raw.count == name.count && memcmp(raw.baseAddress!, name.baseAddress!, name.count) == 0
        }
    }

    /// ``parseObjectMembers(_:)`` with each key as a ``Key``.
    mutating func parseObjectKeys(
        _ member: (Key, inout JSONParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        try enter()
        defer { depth -= 1 }
        pos += 1  // {
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw error("expected a string key")
            }
            let key = try parseKey()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
            pos += 1
            try member(key, &self)
            if try endOfItem(closer: UInt8(ascii: "}")) { return }
        }
    }

    /// A string as a ``Key``: its raw bytes if they are plain ASCII without escapes, else ``parseString()``'s.
    mutating func parseKey() throws(JSONParseError) -> Key {
        if let raw = parsePlainString() { return Key(raw: raw, decoded: nil) }
        let decoded = try parseString()
        return Key(raw: UnsafeBufferPointer(start: nil, count: 0), decoded: decoded)
    }

    /// At a string: its bytes when they are plain ASCII without escapes (and then consumes it); else `nil`,
    /// leaving the string to ``parseString()``.
    @inline(__always)
    mutating func parsePlainString() -> UnsafeBufferPointer<UInt8>? {
        let start = pos + 1
        var seen: UInt64 = 0
        var i = skipPlainWords(from: start, stopAtNonASCII: true, seen: &seen)
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                pos = i + 1
                return UnsafeBufferPointer(rebasing: bytes[start..<i])
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return nil }
            i += 1
        }
        return nil
    }

    /// After an array element (`closer` `]`) or an object member (`}`): consumes the `,` before the next one
    /// and returns `false`, or consumes the closer and returns `true`.
    @inline(__always)
    mutating func endOfItem(closer: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        let inArray = closer == UInt8(ascii: "]")
        guard pos < bytes.count else {
            throw error(inArray ? "unexpected end of input in an array" : "unexpected end of input in an object")
        }
        switch bytes[pos] {
        case UInt8(ascii: ","):
            pos += 1
            return false
        case closer:
            pos += 1
            return true
        default: throw error(inArray ? "expected ',' or ']'" : "expected ',' or '}'")
        }
    }

    mutating func parseString() throws(JSONParseError) -> String {
        pos += 1  // opening quote
        let start = pos
        var seen: UInt64 = 0
        pos = skipPlainWords(from: pos, stopAtNonASCII: false, seen: &seen)
        var high: UInt8 = seen & 0x8080_8080_8080_8080 != 0 ? 0x80 : 0
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                if high < 0x80 { return String(decoding: slice, as: UTF8.self) }
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw JSONParseError(offset: start, message: "invalid UTF-8 in a string")
                }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("unescaped control character in a string") }
            high |= b
            pos += 1
        }
        guard pos < bytes.count else { throw error("unterminated string") }
        // Slow path: copy into scratch, decoding escapes.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: scratch, as: UTF8.self) else {
                    throw JSONParseError(offset: start, message: "invalid UTF-8 in a string")
                }
                return s
            }
            if b < 0x20 { throw error("unescaped control character in a string") }
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                pos += 1
                continue
            }
            pos += 1
            guard pos < bytes.count else { throw error("unterminated escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                let unit = try parseHex4()
                var scalar: Unicode.Scalar
                if (0xD800..<0xDC00).contains(unit) {
                    // A high surrogate must be followed by \u and a low surrogate; otherwise it is lone.
                    if bytes.count - pos >= 6, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        let save = pos
                        pos += 2
                        let low = try parseHex4()
                        if (0xDC00..<0xE000).contains(low) {
                            let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                            scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                        } else {
                            pos = save
                            scalar = "\u{FFFD}"
                        }
                    } else {
                        scalar = "\u{FFFD}"
                    }
                } else {
                    scalar = Unicode.Scalar(UInt32(unit)) ?? "\u{FFFD}"
                }
                scratch.append(contentsOf: UTF8.encode(scalar)!)
            default:
                throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    /// Checks one value as strictly as ``parseValue()`` does, without building it: for fields nobody reads.
    mutating func skipValue() throws(JSONParseError) {
        skipWhitespace()
        guard pos < bytes.count else { throw error("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            try parseObjectMembers { _, p throws(JSONParseError) in try p.skipValue() }
        case UInt8(ascii: "["):
            try parseArrayElements { parser throws(JSONParseError) in try parser.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw error("unexpected character")
        }
    }

    /// Checks a string as ``parseString()`` does (escapes, control characters, UTF-8) without making it.
    mutating func skipString() throws(JSONParseError) {
        pos += 1  // opening quote
        let start = pos
        var seen: UInt64 = 0
        pos = skipPlainWords(from: pos, stopAtNonASCII: false, seen: &seen)
        // A byte over 0x7F in the words skipped has the string's UTF-8 checked when it ends, as one in the rest.
        var high: UInt8 = seen & 0x8080_8080_8080_8080 != 0 ? 0x80 : 0
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                // Escapes decode to whole UTF-8 sequences, so the raw bytes are valid exactly when the
                // decoded ones are.
                if high >= 0x80, !Self.isValidUTF8(raw) {
                    throw JSONParseError(offset: start, message: "invalid UTF-8 in a string")
                }
                return
            }
            if b < 0x20 { throw error("unescaped control character in a string") }
            high |= b
            pos += 1
            guard b == UInt8(ascii: "\\") else { continue }
            guard pos < bytes.count else { throw error("unterminated escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                break
            case UInt8(ascii: "u"): _ = try parseHex4()
            default: throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    /// The first offset from `start` of an 8-byte word, read whole, that may hold a quote, a backslash or a
    /// control character (or, with `stopAtNonASCII`, a byte over 0x7F); the end of the last whole word if none
    /// does. The bytes before it are plain string content: the byte loops after it decide the rest exactly.
    /// `seen` gets every word skipped or'ed into it.
    ///
    /// Eight bytes are tested at once (`PlainWord`); a false alarm only stops the skip early.
    @inline(__always)
    func skipPlainWords(from start: Int, stopAtNonASCII: Bool, seen: inout UInt64) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        var i = start
        while i &+ 8 <= bytes.count {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            var special = PlainWord.special(x)
            if stopAtNonASCII { special |= x & PlainWord.highs }
            if special != 0 { break }
            seen |= x
            i &+= 8
        }
        return i
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt16 {
        guard bytes.count - pos >= 4 else { throw error("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            pos += 1
        }
        return value
    }

    /// 10^0 ... 10^22, every one an exact double.
    static let powersOfTen: [Double] = (0...22).map { (e: Int) -> Double in
        var value = 1.0
        for _ in 0..<e { value *= 10 }
        return value
    }

    @inline(__always)
    func isDigit(_ i: Int) -> Bool {
        i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        var negative = false
        if bytes[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        guard isDigit(pos) else { throw error("expected a digit") }
        var integer = true
        var mantissa: UInt64 = 0
        var digits = 0
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if isDigit(pos) { throw error("leading zero in a number") }
        } else {
            while isDigit(pos) {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[pos] - UInt8(ascii: "0")) }
                digits += 1
                pos += 1
            }
        }
        var fractionDigits = 0
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            integer = false
            pos += 1
            guard isDigit(pos) else { throw error("expected a digit after '.'") }
            while isDigit(pos) {
                if digits + fractionDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[pos] - UInt8(ascii: "0"))
                }
                fractionDigits += 1
                pos += 1
            }
        }
        var exponent = false
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            integer = false
            exponent = true
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard isDigit(pos) else { throw error("expected a digit in the exponent") }
            while isDigit(pos) { pos += 1 }
        }
        if integer && digits <= 18 {
            let magnitude = Int(mantissa)
            return .int(negative ? -magnitude : magnitude)
        }
        // Clinger's fast path: a significand below 2^53 and a power of ten up to 10^22 are both exact doubles,
        // so one correctly rounded division gives exactly what parsing the text gives (timestamps take it).
        if !exponent && digits + fractionDigits <= 19 && mantissa <= 1 << 53 && fractionDigits <= 22 {
            let magnitude = Double(mantissa) / Self.powersOfTen[fractionDigits]
            return .double(negative ? -magnitude : magnitude)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if integer, let exact = Int(text) { return .int(exact) }
        guard let value = Double(text) else { throw JSONParseError(offset: start, message: "unreadable number") }
        return .double(value)
    }
}
