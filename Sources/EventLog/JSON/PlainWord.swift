/// The eight-bytes-at-once (SWAR) test the JSON reader and writer share: which bytes of a word a JSON string
/// cannot hold as they are (a quote, a backslash, a control character below 0x20).
enum PlainWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// A word with the high bit set in each byte of `x` that may be a quote, a backslash or a control character,
    /// and zero when none is; a byte over 0x7F is plain (`| x` adds those where they must stop a scan too).
    ///
    /// A byte equal to `c` is a zero byte of `x ^ (c * ones)`, and `(v &- ones) & ~v & highs` is non-zero when
    /// some byte of `v` is zero (and never misses one); a byte below 0x20 shows the same way in
    /// `x &- 0x20 * ones`. Bits above a real hit may be false alarms, so a non-zero result only says "look at
    /// these bytes one by one".
    @inline(__always)
    static func special(_ x: UInt64) -> UInt64 {
        let q = x ^ (ones &* 0x22)
        let b = x ^ (ones &* 0x5C)
        return (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((x &- ones &* 0x20) & ~x)) & highs
    }
}
