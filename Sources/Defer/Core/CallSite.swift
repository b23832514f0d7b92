/// A place in the source, as `#fileID` and `#line`.
public struct CallSite: Sendable, Hashable, CustomStringConvertible {
    /// The file, as `#fileID` gives it (`Module/File.swift`).
    public let file: String
    /// The line.
    public let line: UInt
    /// Makes a call site.
    public init(file: String, line: UInt) {
        self.file = file
        self.line = line
    }
    /// `file:line`.
    public var description: String { "\(file):\(line)" }
}
