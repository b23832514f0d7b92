@testable import EventLog
import Testing

@Suite("TaskReader on two threads: what one thread reads, in the same order")
struct TaskReaderPipelineTests {
    /// Everything a brief read gives: each handout described, the progress calls, and the result's figures.
    struct Reading: Equatable {
        var handouts: [String] = []
        var progress: [Int] = []
        var warnings: [String] = []
        var messages = 0
        var bytes = 0
        var ordinals = 0
        var latest: Double?
    }

    static func read(_ bytes: [UInt8], twoThreads: Bool, maxValueBytes: Int = 64 << 10) throws -> Reading {
        var reading = Reading()
        var reader = TaskReader(streaming: true, keptFields: Set(BriefTaskGrouperTests.kept))
        reader.brief = (BriefTaskGrouperTests.fields, "reactortrack:deferred")
        reader.readsAhead = twoThreads
        reader.maxValueBytes = maxValueBytes
        var calls: [Int] = []
        reader.progress = { calls.append($0) }
        let result = try reader.read([.bytes(bytes, name: "piped.log")]) { handout, _ in
            switch handout {
            case .brief(let task): reading.handouts.append(BriefTaskGrouperTests.describe(task))
            case .task(let task, let ordinal, let atEnd):
                reading.handouts.append("\(atEnd) " + BriefTaskGrouperTests.describe(ordinal: ordinal, task: task))
            }
        }
        reading.progress = calls
        reading.warnings = result.warnings.map(\.description)
        reading.messages = result.messageCount
        reading.bytes = result.byteCount
        reading.ordinals = result.ordinalCount
        reading.latest = result.latestTimestamp
        return reading
    }

    @Test("damaged, interleaved logs of many batches: the same tasks, warnings, progress and figures", arguments: 0..<2)
    func damaged(_ seed: Int) throws {
        // About 55,000 lines: seven batches and more, progress past 50,000, tasks crossing from one batch to the next.
        let bytes = BriefTaskGrouperTests.damagedLog(seed: UInt64(100 + seed), tasks: 10_000)
        let one = try Self.read(bytes, twoThreads: false)
        let two = try Self.read(bytes, twoThreads: true)
        #expect(one.messages > 2 * TaskReader.PipedBatch.lineLimit)
        #expect(!one.warnings.isEmpty && one.progress.count > 0)
        let first = zip(one.handouts, two.handouts).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(first == nil, "handout \(first?.offset ?? -1): \(String(describing: first?.element))")
        #expect(one == two)
    }

    @Test("lines longer than a batch, and values over the limit cut on the reading thread, come out the same")
    func longLines() throws {
        var lines: [String] = []
        for n in 0..<40 {
            let pad = String(repeating: "x", count: n % 7 == 0 ? TaskReader.PipedBatch.byteLimit + 17 : 90_000)
            lines.append(#"{"task_uuid":"t\#(n)","task_level":[1],"timestamp":\#(n),"action_type":"reactortrack:deferred","action_status":"started","deferred_id":\#(n),"label":"\#(pad)"}"#)
            lines.append(#"{"task_uuid":"t\#(n)","task_level":[2],"timestamp":\#(n),"action_type":"reactortrack:deferred","action_status":"succeeded"}"#)
        }
        let bytes = Array(lines.joined(separator: "\n").utf8)  // and no newline at the end
        let one = try Self.read(bytes, twoThreads: false)
        let two = try Self.read(bytes, twoThreads: true)
        #expect(one.warnings.contains { $0.contains("bytes)") || $0.contains("cut") })
        #expect(one.handouts.count == 40)
        #expect(one == two)
        let uncut = try Self.read(bytes, twoThreads: true, maxValueBytes: 0)
        #expect(uncut == (try Self.read(bytes, twoThreads: false, maxValueBytes: 0)))
    }

    @Test("an input with no message at all fails the same way on two threads")
    func noContent() {
        let bytes = Array("not json\n{}\n[1]\n".utf8)
        var errors: [String] = []
        for twoThreads in [false, true] {
            do {
                _ = try Self.read(bytes, twoThreads: twoThreads)
                errors.append("read")
            } catch {
                errors.append(String(describing: error))
            }
        }
        #expect(errors.count == 2 && errors[0] == errors[1] && errors[0] != "read")
    }
}
