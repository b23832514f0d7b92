extension OutputFile {
    /// The input among `inputs` that `output` would overwrite, compared by device and inode (so every spelling
    /// of the same file, through a symlink, `..` or a hard link, is caught), or `nil`. `-` and `<stdin>` stand
    /// for standard input; a path where nothing is yet cannot be an input.
    package static func input(among inputs: [String], overwrittenBy output: String) -> String? {
        guard let out = PosixFile.identity(of: output) else { return nil }
        return inputs.first { identity(ofInput: $0) == out }
    }

    /// The input among `inputs` that standard output is (`export LOG -o - >> LOG` would read what it writes), or
    /// `nil`.
    package static func inputOnStandardOutput(among inputs: [String]) -> String? {
        guard let out = PosixFile.identity(ofDescriptor: 1) else { return nil }
        return inputs.first { identity(ofInput: $0) == out }
    }

    /// Whether `input` names standard input.
    package static func isStandardInput(_ input: String) -> Bool { input == "-" || input == "<stdin>" }

    private static func identity(ofInput input: String) -> [UInt64]? {
        isStandardInput(input) ? PosixFile.identity(ofDescriptor: 0) : PosixFile.identity(of: input)
    }
}
