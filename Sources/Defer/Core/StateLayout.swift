public import Synchronization

/// See `StateLayout.current`.
@usableFromInline
let stateLayoutProbe = Atomic<UInt8>(0)

/// Where a `DeferredState` keeps its case and its success value, learned by probing sample values once: it lets
/// a success value of a small plain type (an `Int`, a `Double`) be read where it lies.
///
/// Matching `case .success(let value)` on the stored state copies the whole state, then the `Any`, through value
/// witnesses: more than a hundred instructions before the value's type is even looked at. With the layout known,
/// reading an `Int` result is a tag check, a type check and a load.
///
/// What is relied on, and checked here rather than assumed: the state is its payload followed by one tag byte,
/// the same tag for every success and another one for each other case; a success's `Any` sits at the start
/// (buffer, then type metadata); a small plain value is stored inline at the start of the buffer. If any check
/// fails (another compiler, another platform), `current` is `nil` and every read takes the general path.
@usableFromInline
struct StateLayout: Sendable {
    @usableFromInline let successTag: UInt8
    /// The tag byte follows the `Any`.
    @usableFromInline var tagOffset: Int { MemoryLayout<Any>.size }
    /// An `Any` is three words of buffer, then its type's metadata.
    @usableFromInline var metadataOffset: Int { 3 * MemoryLayout<UnsafeRawPointer>.size }

    @usableFromInline
    init(successTag: UInt8) {
        self.successTag = successTag
    }

    /// The layout, probed on first use. Read on every typed callback, so it is kept in an atomic byte (a `static
    /// let` would cost a `swift_once` call per read): 0 before the probe, 255 if it failed, else the success tag
    /// plus one. Threads that race to probe store the same value.
    @inlinable
    static var current: StateLayout? {
        let known = stateLayoutProbe.load(ordering: .relaxed)
        if known == 0 { return probeAndRemember() }
        return known == 255 ? nil : StateLayout(successTag: known &- 1)
    }

    @usableFromInline @inline(never)
    static func probeAndRemember() -> StateLayout? {
        let layout = probe()
        stateLayoutProbe.store(layout.map { $0.successTag &+ 1 } ?? 255, ordering: .relaxed)
        return layout
    }

    private static func probe() -> StateLayout? {
        let payload = MemoryLayout<Any>.size
        guard MemoryLayout<DeferredState>.size == payload + 1, payload == 4 * MemoryLayout<UInt>.size else {
            return nil
        }
        let metadataOffset = 3 * MemoryLayout<UnsafeRawPointer>.size
        func tag(_ state: DeferredState) -> UInt8 {
            var state = state
            return withUnsafeBytes(of: &state) { $0[payload] }
        }
        let successTag = tag(.success(1))
        let others: [DeferredState] = [
            .pending, .failure(Failure(error: StateLayoutProbe(), origin: nil, site: nil)), .waiting(AnyDeferred()),
        ]
        guard successTag < 254, tag(.success("text")) == successTag, tag(.success(Probe())) == successTag,
            others.allSatisfy({ tag($0) != successTag })
        else { return nil }
        // A success's value and its type, where they are expected.
        let marker = Int(bitPattern: 0x5A5A_1234_0F0F_7E7E)
        var sample = DeferredState.success(marker)
        let found = withUnsafeBytes(of: &sample) { raw in
            raw.load(as: Int.self) == marker
                && raw.load(fromByteOffset: metadataOffset, as: UnsafeRawPointer.self) == metadata(of: Int.self)
        }
        guard found else { return nil }
        return StateLayout(successTag: successTag)
    }

    private final class Probe {}
    private struct StateLayoutProbe: Error {}

    /// The success value of `state`, read in place when `V` is a small plain type: `.some(nil)` when the state is
    /// not a success, `.some(value)` when it holds exactly a `V`, and `nil` when this cannot tell (another type,
    /// or a `V` that is not small and plain): then ask the general way.
    @inlinable @inline(__always)
    func successValue<V>(in state: UnsafeRawPointer, as _: V.Type) -> V?? {
        guard _isPOD(V.self), MemoryLayout<V>.size <= metadataOffset,
            MemoryLayout<V>.alignment <= MemoryLayout<UnsafeRawPointer>.alignment
        else { return nil }
        guard state.load(fromByteOffset: tagOffset, as: UInt8.self) == successTag else { return .some(nil) }
        guard state.load(fromByteOffset: metadataOffset, as: UnsafeRawPointer.self) == metadata(of: V.self) else {
            return nil
        }
        return .some(state.load(as: V.self))
    }
}

/// A type's metadata pointer (what an `Any` holding a value of the type stores next to it).
@inlinable @inline(__always)
func metadata<V>(of _: V.Type) -> UnsafeRawPointer {
    unsafeBitCast(V.self as Any.Type, to: UnsafeRawPointer.self)
}

extension AnyDeferred {
    /// The current success value read in place when `V` is a small plain type, as
    /// ``StateLayout/successValue(in:as:)`` gives it: `nil` when that cannot tell (or the layout is unknown), and
    /// the caller asks the general way.
    @inlinable @inline(__always)
    func successValueInPlace<V>(_: V.Type) -> V?? {
        guard let layout = StateLayout.current else { return nil }
        return withUnsafeMutablePointer(to: &stateStorage) { layout.successValue(in: $0, as: V.self) }
    }
}
