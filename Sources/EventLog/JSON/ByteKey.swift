/// A short ASCII string held inline, for keys looked up once per line (task ids, type names) without
/// allocating a `String`; any other string is held as one.
///
/// Two keys are equal exactly when their strings are: ASCII is held inline whether it came as bytes or as a
/// `String`, and anything else is compared as a `String` (with its Unicode equivalence).
struct ByteKey: Hashable {
    static let inlineCapacity = 48

    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    private var count = 0
    private var long: String?

    /// The key of bytes known to be ASCII.
    init(ascii bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count <= Self.inlineCapacity {
            count = bytes.count
            if let base = bytes.baseAddress {
                withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
            }
        } else {
            count = -1
            long = String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The key of any string.
    init(_ string: String) {
        var string = string
        let inline = string.withUTF8 { bytes -> ByteKey? in
            bytes.allSatisfy { $0 < 0x80 } ? ByteKey(ascii: bytes) : nil
        }
        if let inline {
            self = inline
        } else {
            count = -1
            long = string
        }
    }

    static func == (a: ByteKey, b: ByteKey) -> Bool {
        a.count == b.count && a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
            && a.words.3 == b.words.3 && a.words.4 == b.words.4 && a.words.5 == b.words.5 && a.long == b.long
    }

    func hash(into hasher: inout Hasher) {
        if let long {
            hasher.combine(long)
            return
        }
        hasher.combine(count)
        hasher.combine(words.0)
        if count > 8 { hasher.combine(words.1) }
        if count > 16 { hasher.combine(words.2) }
        if count > 24 { hasher.combine(words.3) }
        if count > 32 { hasher.combine(words.4) }
        if count > 40 { hasher.combine(words.5) }
    }
}
