/// A failure to write an output file (`-o PATH`): the one error of ``OutputFile``, whatever the format.
///
/// Its ``description`` is one line naming the path, `out.svg: cannot write: No space left on device`, and the
/// previous file at the path is left as it was.
package struct OutputFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path given for the output (as the user wrote it).
    package var path: String
    /// Why the write failed, in words.
    package var message: String

    /// A failure to write `path`, saying `message`.
    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: cannot write: message`.
    package var description: String { "\(path): cannot write: \(message)" }
}
