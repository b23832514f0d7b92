import EventLog

/// Refuses an output that would destroy an input: `-o` naming one of the inputs (through a symlink, `..` or a
/// hard link too), or standard output redirected to one (`export LOG -o - >> LOG`). (`render` is guarded by
/// `Renderer.render` itself.)
enum OutputGuard {
    /// Throws if `output` is the same file as one of `inputs` (`-` or `<stdin>` is standard input).
    static func refuseOverwriting(inputs: [String], output: String) throws(CommandError) {
        guard let reason = OutputFile.overwrites(inputs, output: output) else { return }
        throw CommandError(code: .wouldOverwriteInput, message: reason, file: output)
    }

    /// Throws if standard output is one of `inputs`.
    static func refuseStandardOutput(inputs: [String]) throws(CommandError) {
        guard let reason = OutputFile.standardOutputOverwrites(inputs) else { return }
        throw CommandError(code: .wouldOverwriteInput, message: reason)
    }
}
