import EventLog

/// Refuses an output that would destroy an input: `-o` naming one of the inputs (through a symlink, `..` or a
/// hard link too), or standard output redirected to one (`export LOG -o - >> LOG`).
enum OutputGuard {
    /// Throws if `output` is the same file as one of `inputs` (`-` or `<stdin>` is standard input).
    static func refuseOverwriting(inputs: [String], output: String) throws(CommandError) {
        guard let input = OutputFile.input(among: inputs, overwrittenBy: output) else { return }
        let message = OutputFile.isStandardInput(input) ? "the output is standard input" : "the output is the input \(input)"
        throw CommandError(code: .wouldOverwriteInput, message: message, file: output)
    }

    /// Throws if standard output is one of `inputs` (`export LOG -o - >> LOG` would read what it writes).
    static func refuseStandardOutput(inputs: [String]) throws(CommandError) {
        guard let input = OutputFile.inputOnStandardOutput(among: inputs) else { return }
        throw CommandError(code: .wouldOverwriteInput, message: "standard output is the input \(input)")
    }
}
