import EventLog

/// Refuses an output that would destroy an input: `-o` naming one of the inputs (through a symlink, `..` or a
/// hard link too), or standard output redirected to one (`export LOG -o - >> LOG`).
///
/// Files are compared by device and inode, so every spelling of the same file is caught; a path where nothing
/// is yet cannot be an input.
enum OutputGuard {
    /// Throws if `output` is the same file as one of `inputs` (`-` or `<stdin>` is standard input).
    static func refuseOverwriting(inputs: [String], output: String) throws(CommandError) {
        guard let out = PosixFile.identity(of: output) else { return }
        for input in inputs {
            let standardInput = input == "<stdin>" || input == "-"
            let id = standardInput ? PosixFile.identity(ofDescriptor: 0) : PosixFile.identity(of: input)
            if id == out {
                let message = standardInput ? "the output is standard input" : "the output is the input \(input)"
                throw CommandError(code: .wouldOverwriteInput, message: message, file: output)
            }
        }
    }

    /// Throws if standard output is one of `inputs` (`export LOG -o - >> LOG` would read what it writes).
    static func refuseStandardOutput(inputs: [String]) throws(CommandError) {
        guard let out = PosixFile.identity(ofDescriptor: 1) else { return }
        for input in inputs {
            let id = input == "<stdin>" || input == "-" ? PosixFile.identity(ofDescriptor: 0) : PosixFile.identity(of: input)
            if id == out {
                throw CommandError(code: .wouldOverwriteInput, message: "standard output is the input \(input)")
            }
        }
    }
}
