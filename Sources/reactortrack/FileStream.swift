#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import EventLog

/// Standard output or standard error, written unbuffered with `write(2)`.
struct FileStream: Sendable {
    let descriptor: Int32

    static let standardOutput = FileStream(descriptor: 1)
    static let standardError = FileStream(descriptor: 2)

    /// Whether the stream is a terminal.
    var isTerminal: Bool { isatty(descriptor) == 1 }

    /// Writes all of `text`. A closed pipe (the reader went away, as `| head` does) ends the command quietly;
    /// any other failure of standard output (a full disk) is said on standard error and ends it with status 1,
    /// so that no output is lost without a word.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    /// Writes all of `bytes`, as ``write(_:)-(String)`` does.
    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    private func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        let failure = PosixFile.writeAll(bytes, to: descriptor)
        guard failure != 0, descriptor != 2 else { return }
        if failure == EPIPE { exit(0) }
        let reason = String(cString: strerror(failure))
        let name = ReactorTrack.configuration.commandName ?? "reactortrack"
        var message = "\(name): error: cannot write standard output: \(reason)\n"
        _ = message.withUTF8 { PosixFile.writeAll($0, to: 2) }
        exit(1)
    }
}

