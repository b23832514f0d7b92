import NIOConcurrencyHelpers
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes the random (version 4) UUID strings written as `task_uuid`, cheaply.
///
/// Foundation's `UUID()` costs about a microsecond on Linux (it opens, reads and closes `/dev/urandom` for
/// each one) and `uuidString.lowercased()` formats through `printf` and then copies. This pool instead
/// fetches random bytes from the system (`getentropy`) 4 KiB at a time, under a lock, and formats 16 of them
/// straight into a lowercase 8-4-4-4-12 string with the version (4) and variant (10xx) bits set, as RFC 9562
/// asks. The bytes come from the same kernel generator Foundation uses, so the
/// UUIDs are as random and as unique across processes as Foundation's.
///
/// A forked child must not hand out the bytes its parent had buffered (both would then write the same task
/// ids), so a `pthread_atfork` child handler bumps ``forkGeneration`` and the pool refills when it sees a
/// generation other than the one it filled under. (A child forked while another thread held the pool's lock
/// inherits it locked, as with every lock; only `fork` followed by `exec` is safe in a threaded process.)
final class TaskUUIDPool: Sendable {
    /// The process's pool.
    static let shared = TaskUUIDPool()

    /// How many times this process has been the child of a `fork` (since the pool was first used).
    static let forkGeneration = Atomic<UInt64>(0)

    /// Random words fetched at a time: 4 KiB, 256 UUIDs per system call.
    private static let capacity = 512

    private struct Buffer {
        var words: [UInt64]
        /// The index of the next unused word; `words.count` when the buffer is used up.
        var next: Int
        /// The ``forkGeneration`` the words were fetched under.
        var generation: UInt64
    }

    private let buffer: NIOLockedValueBox<Buffer>

    private init() {
        buffer = NIOLockedValueBox(
            Buffer(words: [UInt64](repeating: 0, count: Self.capacity), next: Self.capacity, generation: 0))
        pthread_atfork(nil, nil) { TaskUUIDPool.forkGeneration.add(1, ordering: .relaxed) }
    }

    /// A new random UUID, as a lowercase 36-character string (`"1b4e28ba-2fa1-41d2-883f-0016d3cca427"`).
    func next() -> String {
        let (high, low) = nextWords()
        // Version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8 (big-endian bytes).
        return Self.format(high: (high & ~0xF000) | 0x4000, low: (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }

    /// Two fresh random words, refilling the buffer first if it is used up or was inherited through `fork`.
    private func nextWords() -> (UInt64, UInt64) {
        let generation = Self.forkGeneration.load(ordering: .relaxed)
        return buffer.withLockedValue { buffer in
            if buffer.next + 2 > buffer.words.count || buffer.generation != generation {
                buffer.words.withUnsafeMutableBytes { Self.fillRandom($0) }
                buffer.next = 0
                buffer.generation = generation
            }
            defer { buffer.next += 2 }
            return (buffer.words[buffer.next], buffer.words[buffer.next + 1])
        }
    }

    /// Fills `bytes` from the system's cryptographically secure generator, 256 bytes (`getentropy`'s limit)
    /// per system call.
    private static func fillRandom(_ bytes: UnsafeMutableRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var filled = 0
        while filled < bytes.count {
            let chunk = Swift.min(256, bytes.count - filled)
            if getentropy(base + filled, chunk) == 0 {
                filled += chunk
            } else {
                // No getrandom system call (a Linux kernel older than 3.17): the standard library's generator
                // finds another source, or traps rather than hand out predictable ids.
                var generator = SystemRandomNumberGenerator()
                for index in filled..<bytes.count { bytes[index] = generator.next() }
                filled = bytes.count
            }
        }
    }

    /// Formats 128 bits, `high` then `low`, most significant nibble first, as 8-4-4-4-12 lowercase hex.
    static func format(high: UInt64, low: UInt64) -> String {
        let words = (
            hexDigits(UInt32(truncatingIfNeeded: high &>> 32)), hexDigits(UInt32(truncatingIfNeeded: high)),
            hexDigits(UInt32(truncatingIfNeeded: low &>> 32)), hexDigits(UInt32(truncatingIfNeeded: low))
        )
        return String(unsafeUninitializedCapacity: 36) { out in
            // 8 digits, dash, 4, dash, 4, dash, 4, dash, 12: copied as 4- and 8-byte groups.
            let out = UnsafeMutableRawBufferPointer(out)
            withUnsafeBytes(of: words) { digits in
                for (from, to, count) in [(0, 0, 8), (8, 9, 4), (12, 14, 4), (16, 19, 4), (20, 24, 12)] {
                    out.baseAddress!.advanced(by: to).copyMemory(from: digits.baseAddress! + from, byteCount: count)
                }
            }
            for dash in [8, 13, 18, 23] { out[dash] = UInt8(ascii: "-") }
            return 36
        }
    }

    /// The 8 lowercase hex digits of `value` as ASCII bytes, laid out in memory most significant first.
    private static func hexDigits(_ value: UInt32) -> UInt64 {
        // Spread the 8 nibbles into the low halves of 8 bytes, most significant nibble in the top byte.
        var x = UInt64(value)
        x = (x | x &<< 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x &<< 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x &<< 4) & 0x0F0F_0F0F_0F0F_0F0F
        // Bytes 10...15 get an extra 39 to skip from after "9" to "a".
        let letters = ((x &+ 0x0606_0606_0606_0606) &>> 4) & 0x0101_0101_0101_0101
        let ascii = x &+ 0x3030_3030_3030_3030 &+ letters &* 39
        return ascii.bigEndian
    }
}
