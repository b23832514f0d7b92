import EventLog

/// How both exports are written: made into a ``EventLog/LineBuilder`` and handed on a piece at a time, so that an
/// export of any size is never held whole.
package enum ExportPieces {
    /// How much of an output is made before it is handed on: a megabyte.
    package static let size = 1 << 20
    /// Room past ``size`` for what one step (a chain's events, a line of spans) writes before the size is checked.
    static let slack = 1 << 16
}

extension LineBuilder {
    /// A builder with room for a piece of an export and one step past it.
    static func exportPiece() -> LineBuilder { LineBuilder(capacity: ExportPieces.size + ExportPieces.slack) }

    /// Hands the bytes made so far to `put` and starts again, once there are at least `size` of them.
    mutating func handOn(atLeast size: Int = ExportPieces.size, to put: ([UInt8]) -> Void) {
        guard byteCount >= size else { return }
        put(bytes)
        removeAll()
    }
}
