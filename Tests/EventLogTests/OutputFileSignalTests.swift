@testable import EventLog
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// The output writer in a library: an app that renders keeps its own signal handlers.
@Suite("Output files and signals")
struct OutputFileSignalTests {
    @Test("writing an output installs no signal handler (only the command asks for the temporary-file cleanup)")
    func leavesSignalsAlone() throws {
        let path = TestFixtures.scratch.appendingPathComponent("out-\(UUID().uuidString).txt").path
        defer { unlink(path) }
        try OutputFile.write(Array("hello\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
        for number in [SIGTERM, SIGHUP] {
            // `signal` gives back the handler it replaces: still the default (nil), not ours.
            let previous = signal(number, SIG_DFL)
            #expect(previous == nil, "signal \(number) has a handler after an output was written")
        }
    }
}
