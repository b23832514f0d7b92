extension OutputFile {
    /// Why writing `output` would destroy one of `inputs` (`the output is the input LOG`, or `the output is
    /// standard input`), or `nil` when it would not. Files are compared by device and inode, so every spelling of
    /// the same file (a symlink, `..`, a hard link) is caught; `-` and `<stdin>` stand for standard input; a path
    /// where nothing is yet cannot be an input.
    package static func overwrites(_ inputs: [String], output: String) -> String? {
        guard let out = PosixFile.identity(of: output), let input = inputs.first(where: { identity(ofInput: $0) == out })
        else { return nil }
        return isStandardInput(input) ? "the output is standard input" : "the output is the input \(input)"
    }

    /// Why writing to standard output would destroy one of `inputs` (`export LOG -o - >> LOG` would read what it
    /// writes), or `nil`.
    package static func standardOutputOverwrites(_ inputs: [String]) -> String? {
        guard let out = PosixFile.identity(ofDescriptor: 1), let input = inputs.first(where: { identity(ofInput: $0) == out })
        else { return nil }
        return "standard output is the input \(input)"
    }

    private static func isStandardInput(_ input: String) -> Bool { input == "-" || input == "<stdin>" }

    private static func identity(ofInput input: String) -> [UInt64]? {
        isStandardInput(input) ? PosixFile.identity(ofDescriptor: 0) : PosixFile.identity(of: input)
    }
}
