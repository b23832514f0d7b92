/// A failure that belongs to the command, not to reading or drawing: nothing selected, an output that is one
/// of the inputs, or warnings under `--strict`.
///
/// Its ``description`` is one line, as every error the command prints: `out.json: refusing to overwrite input:
/// the output is the input out.json`, or `nothing selected: no chain matches the selection`.
struct CommandError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of a ``CommandError``.
    struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's text as it appears in ``CommandError/description``.
        let description: String

        private init(_ description: String) { self.description = description }

        /// The selection (`--task`, `--failed`, `--since`, ...) left nothing to draw.
        static let nothingSelected = Code("nothing selected")
        /// The output is one of the inputs.
        static let wouldOverwriteInput = Code("refusing to overwrite input")
        /// `--strict` was given and the input had warnings.
        static let strictWarnings = Code("warnings with --strict")
    }

    /// What kind of failure this is.
    var code: Code
    /// A human-readable explanation.
    var message: String
    /// The output concerned, if any.
    var file: String?

    /// `file: code: message`, or `code: message`.
    var description: String { (file.map { "\($0): " } ?? "") + "\(code): \(message)" }
}
