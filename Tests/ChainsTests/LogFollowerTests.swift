import EventLog
import Foundation
import Testing
import Chains
import TestSupport

/// `top` following a growing log reads only what was added: after each read, its snapshot must be the one a
/// whole read of the file as it then stands gives.
@Suite("top: following a growing log, a read at a time")
struct LogFollowerTests {
    /// A file in a fresh directory, removed with it.
    final class Scratch {
        let directory: URL
        let path: String
        init(_ name: String = "followed.out") throws {
            directory = TestFixtures.scratch.appendingPathComponent("follow-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent(name).path
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        func append(_ bytes: some Collection<UInt8>) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
            try handle.close()
        }
        /// Empties the file in place (same inode).
        func truncate() throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 0)
            try handle.close()
        }
        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    /// The snapshot of a whole read of `path`, as `top --once` takes it.
    func whole(_ path: String, keepsChains: Bool, retain: Double = TopSnapshot.defaultRetain) throws -> TopSnapshot {
        let (log, accumulator) = try LogLoader().snapshot(
            [path], thresholds: TopSnapshot.Thresholds(), keepsChains: keepsChains, retain: retain)
        return accumulator.snapshot(
            inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count, latest: log.latestTimestamp)
    }

    /// Equal but for what top does not show and a follower does not keep: the count of reading warnings (it
    /// counts the last read's), the time waiting and in callbacks (bounded memory).
    func same(_ a: TopSnapshot, _ b: TopSnapshot) -> Bool {
        var a = a
        var b = b
        for s in [\TopSnapshot.counts.warnings] {
            a[keyPath: s] = 0
            b[keyPath: s] = 0
        }
        for s in [\TopSnapshot.counts.running, \TopSnapshot.counts.waiting] {
            a[keyPath: s] = 0
            b[keyPath: s] = 0
        }
        return a == b
    }

    /// The bytes of a fixture or of a generated log (`seed:N`).
    static func bytes(_ input: String) throws -> [UInt8] {
        if input.hasPrefix("seed:"), let seed = UInt64(input.dropFirst(5)) {
            return BriefSummaryTests.log(seed: seed, damaged: seed % 2 == 1)
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: TestInputs.path(input))))
    }

    static let inputs =
        StreamingTests.inputs.filter { $0.count == 1 }.map(\.[0]) + ["echo-service.out", "pipeline.out"]
        + (0..<6).map { "seed:\($0)" }

    @Test("grown in pieces, each read's snapshot is the whole file's", arguments: inputs)
    func grownInPieces(_ input: String) throws {
        let bytes = try Self.bytes(input)
        // Whole lines only: a follower reads a line once its newline is written.
        let lineEnds = bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
        guard let last = lineEnds.last, lineEnds.count >= 4 else { return }
        for keepsChains in [false, true] {
            let file = try Scratch()
            var follower = LogFollower(
                path: file.path, loader: LogLoader(), thresholds: TopSnapshot.Thresholds(), keepsChains: keepsChains)
            // Four pieces at line ends, each after half a line more than the last (read before its newline).
            var written = 0
            var previous: TopSnapshot?
            for k in 1...4 {
                let cut = lineEnds[lineEnds.count * k / 4 - 1]
                let halfway = cut - 1 > written ? (written + cut) / 2 : cut
                try file.append(bytes[written..<halfway])
                if halfway < cut, let previous, bytes[written..<halfway].contains(0x0A) == false {
                    // Half a line: nothing new is read.
                    #expect(same(try follower.read().snapshot, previous), "\(input): half a line is not read")
                }
                try file.append(bytes[halfway..<cut])
                written = cut
                let expected: TopSnapshot
                do { expected = try whole(file.path, keepsChains: keepsChains) } catch {
                    #expect(throws: ReportError.self) { try follower.read() }
                    continue
                }
                let snapshot = try follower.read().snapshot
                #expect(same(snapshot, expected), "\(input): after \(cut) of \(last) bytes (chains kept: \(keepsChains))")
                previous = snapshot
            }
            // Nothing new: the same snapshot, nothing read.
            let again = try follower.read()
            #expect(again.log == nil && previous.map { same(again.snapshot, $0) } == true, "\(input)")
        }
    }

    @Test("a file rotated or truncated is read again from its start")
    func rotatedAndTruncated() throws {
        let file = try Scratch()
        let first = try Self.bytes("mon.out")
        let second = try Self.bytes("waiting.out")
        try file.append(first)
        var follower = LogFollower(path: file.path, loader: LogLoader(), thresholds: TopSnapshot.Thresholds())
        #expect(same(try follower.read().snapshot, try whole(file.path, keepsChains: false)))
        // Rotated: another file by the same name.
        let rotated = file.directory.appendingPathComponent("new.out").path
        _ = FileManager.default.createFile(atPath: rotated, contents: Data(second))
        try FileManager.default.removeItem(atPath: file.path)
        try FileManager.default.moveItem(atPath: rotated, toPath: file.path)
        let afterRotation = try follower.read().snapshot
        #expect(same(afterRotation, try whole(file.path, keepsChains: false)))
        #expect(afterRotation.counts.chains == 4)
        // Truncated, then written again, shorter.
        try file.truncate()
        let short = Array(second.prefix(through: second.firstIndex(of: 0x0A)!))
        try file.append(short)
        let afterTruncation = try follower.read().snapshot
        #expect(same(afterTruncation, try whole(file.path, keepsChains: false)))
        #expect(afterTruncation.counts.messages == 1)
        // Truncated and written again past where the last read stopped, between two reads (as logrotate's
        // copytruncate and a writer that goes on may leave it): the same file, longer, other bytes.
        try file.truncate()
        try file.append(first)
        let rewritten = try follower.read().snapshot
        #expect(same(rewritten, try whole(file.path, keepsChains: false)))
        #expect(rewritten.counts.messages == (try whole(file.path, keepsChains: false)).counts.messages)
    }

    @Test("what it keeps between reads is the lines of the tasks in flight, not the log")
    func keepsWhatIsInFlight() throws {
        let file = try Scratch()
        var follower = LogFollower(path: file.path, loader: LogLoader(), thresholds: TopSnapshot.Thresholds())
        func deferred(_ id: Int, at t: Double, ends: Bool) -> String {
            var lines = [
                #"{"task_uuid":"t\#(id)","task_level":[1],"timestamp":\#(t),"action_type":"reactortrack:deferred","action_status":"started","deferred_id":\#(id),"label":"D"}"#,
                #"{"task_uuid":"t\#(id)","task_level":[2],"timestamp":\#(t + 0.001),"message_type":"reactortrack:added","callback":"cb","errback":null,"index":0}"#,
            ]
            if ends {
                lines.append(
                    #"{"task_uuid":"t\#(id)","task_level":[3],"timestamp":\#(t + 0.002),"action_type":"reactortrack:deferred","action_status":"succeeded"}"#)
            }
            return lines.joined(separator: "\n") + "\n"
        }
        // Three chains stay open among 3,000 that end, written in three reads.
        var id = 0
        for round in 0..<3 {
            var text = deferred(id, at: 1000 + Double(round), ends: false)
            id += 1
            for _ in 0..<1_000 {
                text += deferred(id, at: 1000 + Double(round) + Double(id) * 1e-4, ends: true)
                id += 1
            }
            try file.append(Array(text.utf8))
            let snapshot = try follower.read().snapshot
            #expect(snapshot.inFlight.count == round + 1)
            #expect(follower.keptLines == 2 * (round + 1), "two lines for each chain in flight")
            #expect(same(snapshot, try whole(file.path, keepsChains: false)))
        }
    }
}
