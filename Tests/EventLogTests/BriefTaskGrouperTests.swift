@testable import EventLog
import Foundation
import Testing

@Suite("Brief task grouper: TaskGrouper without building plain tasks")
struct BriefTaskGrouperTests {
    static let fields = ["deferred_id", "label", "index", "name", "on", "from"]
    static let kept: Set<String> = ["deferred_id", "label", "index", "name", "on", "from", "waited"]

    /// What a grouper did with one input: the reader's warnings, messages and tasks handed out, in order (brief
    /// tasks described by their messages, as trees are); the tasks left at the end; the grouper's warnings.
    struct Run: Equatable {
        var events: [String] = []
        var rest: [String] = []
        var warnings: [String] = []
        var briefCount = 0

        static func == (a: Run, b: Run) -> Bool { a.events == b.events && a.rest == b.rest && a.warnings == b.warnings }
    }

    /// The messages of a tree in line order, as `line:timestamp:type:status` and the kept fields.
    static func describe(ordinal: Int, task: WrittenTask) -> String {
        var parts: [String] = []
        func message(_ m: WrittenMessage) {
            let fields = Self.fields.map { name -> String in
                let value = m.message.fields[name]
                return "\(value?.intValue.map(String.init) ?? value?.stringValue ?? "-")"
            }
            parts.append(
                "\(m.line ?? -1):\(m.message.timestamp ?? -1):\(m.message.type ?? "-"):"
                    + "\(m.message.actionStatus?.rawValue ?? "-"):\(fields.joined(separator: ","))")
        }
        func visit(_ node: TaskNode) {
            switch node {
            case .message(let m): message(m)
            case .action(let a):
                if let s = a.startMessage { message(s) }
                a.children.forEach(visit)
                if let e = a.endMessage { message(e) }
            }
        }
        visit(task.root)
        return "#\(ordinal) \(task.taskUUID) complete=\(task.isComplete): " + parts.joined(separator: " ")
    }

    static func describe(_ task: BriefTask) -> String {
        var parts: [String] = []
        func message(_ m: BriefMessage) {
            let fields = Self.fields.indices.map { i -> String in
                let value = task.value(i, of: m)
                return "\(value.intValue.map(String.init) ?? value.stringValue ?? "-")"
            }
            parts.append(
                "\(m.line):\(m.timestamp):\(m.type ?? "-"):\(m.status?.rawValue ?? "-"):\(fields.joined(separator: ","))")
        }
        message(task.first)
        for child in task.children {
            switch child {
            case .message(let m): message(m)
            case .action(let s, let e):
                message(s)
                message(e)
            }
        }
        if let end = task.rootEnd { message(end) }
        return "#\(task.ordinal) \(task.taskUUID) complete=true: " + parts.joined(separator: " ")
    }

    /// Reads `bytes` the usual way: EventLogReader and a streaming TaskGrouper.
    static func usual(_ bytes: [UInt8]) -> Run {
        let reader = EventLogReader(bytes: bytes, name: "f")
        reader.keptFields = kept
        var grouper = TaskGrouper(file: "f", handsOutCompletedTasks: true)
        var run = Run()
        for entry in reader {
            switch entry {
            case .warning(let w): run.events.append("warning \(w)")
            case .message(let m, let line):
                run.events.append("message at \(line)")
                if let (ordinal, task) = grouper.add(m, line: line) { run.events.append(describe(ordinal: ordinal, task: task)) }
            }
        }
        run.rest = grouper.finishNumbered().map { describe(ordinal: $0.ordinal, task: $0.task) }
        run.warnings = grouper.warnings.map(\.description)
        return run
    }

    /// Reads `bytes` with a BriefTaskGrouper.
    static func brief(_ bytes: [UInt8]) -> Run {
        let reader = EventLogReader(bytes: bytes, name: "f")
        reader.keptFields = kept
        var grouper = BriefTaskGrouper(file: "f", fields: fields, keptFields: kept, rootType: "reactortrack:deferred")
        var run = Run()
        while let raw = reader.nextLine() {
            switch raw {
            case .warning(let w): run.events.append("warning \(w)")
            case .line(let range, let atEnd):
                var warnings: [EventLogError] = []
                let added = grouper.add(
                    reader.bytes(range), line: reader.lineNumber, localLine: reader.lineNumber,
                    atEndWithoutNewline: atEnd, decoder: reader, readerWarnings: &warnings)
                run.events += warnings.map { "warning \($0)" }
                switch added {
                case .notAMessage: break
                case .message: run.events.append("message at \(reader.lineNumber)")
                case .handout(let handout):
                    run.events.append("message at \(reader.lineNumber)")
                    switch handout {
                    case .brief(let task):
                        run.events.append(describe(task))
                        run.briefCount += 1
                    case .built(let ordinal, let task): run.events.append(describe(ordinal: ordinal, task: task))
                    }
                }
            }
        }
        run.rest = grouper.finishNumbered().map { describe(ordinal: $0.ordinal, task: $0.task) }
        run.warnings = grouper.warnings.map(\.description)
        return run
    }

    /// The lines of one monitor-shaped task: a deferred root, `added` messages, runs and waits.
    static func task(_ n: Int, rng: inout SplitMix64, time: inout Double) -> [String] {
        let uuid = "task-\(n)-\(String(rng.next() % 1000, radix: 16))"
        var lines: [String] = []
        var slot = 1
        func line(_ level: String, _ rest: String) {
            time += Double(rng.next() % 1000) / 1_000_000
            // Now and then the id with its `t` escaped: the same task, read the long way round.
            let written = rng.next() % 5 == 0 ? #"\u0074"# + uuid.dropFirst() : uuid
            lines.append(#"{"task_uuid":"\#(written)","task_level":[\#(level)],"timestamp":\#(time),\#(rest)}"#)
        }
        let label = ["\"fetch\"", "\"f\\u00e9tch\"", "7", "null"].randomElement(using: &rng)!
        let id = ["\(n)", "\(n).0", "\"x\""].randomElement(using: &rng)!
        line("1", #""action_type":"reactortrack:deferred","action_status":"started","deferred_id":\#(id),"label":\#(label),"big":{"a":[1,2.5e3]}"#)
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            slot += 1
            let index = ["0", "1", "2", "\"2\"", "1.0"].randomElement(using: &rng)!
            switch Int.random(in: 0..<6, using: &rng) {
            case 0, 1:
                line("\(slot)", #""message_type":"reactortrack:added","callback":"cb","errback":null,"index":\#(index)"#)
            case 2:
                let status = ["succeeded", "failed"].randomElement(using: &rng)!
                line("\(slot),1", #""action_type":"reactortrack:run","action_status":"started","index":\#(index),"name":"run\#(slot % 3)""#)
                line("\(slot),2", #""action_type":"reactortrack:run","action_status":"\#(status)","output":"v""#)
            case 3:
                line("\(slot)", #""message_type":"reactortrack:waiting","on":\#(slot % 2)"#)
            case 4:
                line("\(slot)", #""message_type":"reactortrack:resumed","from":\#(["0", "1", "null"].randomElement(using: &rng)!),"waited":0.5"#)
            default:
                line("\(slot)", #""message_type":"reactortrack:unhandled_error","exception":"E","reason":"r""#)
            }
        }
        slot += 1
        line("\(slot)", #""action_type":"reactortrack:deferred","action_status":"\#(["succeeded", "failed"].randomElement(using: &rng)!)""#)
        return lines
    }

    /// Monitor-shaped tasks, interleaved, with some lines damaged, dropped, repeated or moved.
    static func damagedLog(seed: UInt64, tasks: Int) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var time = 1_795_431_274.0
        var queues: [[String]] = [[#"{"task_uuid":"h","task_level":[1],"timestamp":1,"message_type":"reactortrack:format","format_version":1}"#]]
        for n in 0..<tasks { queues.append(task(n, rng: &rng, time: &time)) }
        var lines: [String] = []
        while !queues.isEmpty {
            let q = Int.random(in: 0..<min(queues.count, 4), using: &rng)
            lines.append(queues[q].removeFirst())
            if queues[q].isEmpty { queues.remove(at: q) }
        }
        var bytes: [[UInt8]] = lines.map { Array($0.utf8) }
        let alphabet = Array(#"{}[]",:\/-+.eE0123456789 x"#.utf8) + [0x80, 0xC3]
        for _ in 0..<(bytes.count / 8) {
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: bytes.remove(at: i)
            case 1: bytes.insert(bytes[i], at: i)
            case 2: bytes.swapAt(i, Int.random(in: 0..<bytes.count, using: &rng))
            case 3:
                let j = Int.random(in: 0..<bytes[i].count, using: &rng)
                bytes[i][j] = alphabet.randomElement(using: &rng)!
            case 4:
                let j = Int.random(in: 0..<bytes[i].count, using: &rng)
                bytes[i].insert(alphabet.randomElement(using: &rng)!, at: j)
            case 5: bytes[i] = Array(String(decoding: bytes[i], as: UTF8.self).replacingOccurrences(of: "[2", with: "[2,1,1").utf8)
            default: bytes[i] = Array(String(decoding: bytes[i], as: UTF8.self).replacingOccurrences(of: #""timestamp":"#, with: #""timestamp":"t","x":"#).utf8)
            }
        }
        return Array(bytes.joined(separator: [0x0A]))
    }

    @Test("plain tasks come out brief, with the messages TaskGrouper would build them from")
    func plain() {
        var rng = SplitMix64(seed: 7)
        var time = 1.0
        var lines: [String] = []
        for n in 0..<50 { lines += Self.task(n, rng: &rng, time: &time) }
        let bytes = Array(lines.joined(separator: "\n").utf8) + [0x0A]
        let brief = Self.brief(bytes)
        #expect(brief == Self.usual(bytes))
        #expect(brief.briefCount == 50)
    }

    @Test("damaged, interleaved logs: the same messages, warnings, tasks and ordinals as TaskGrouper", arguments: 0..<8)
    func damaged(_ seed: Int) {
        let bytes = Self.damagedLog(seed: UInt64(seed), tasks: 150)
        let brief = Self.brief(bytes)
        let usual = Self.usual(bytes)
        let first = zip(brief.events, usual.events).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(first == nil, "event \(first?.offset ?? -1): \(String(describing: first?.element))")
        #expect(brief.events.count == usual.events.count)
        #expect(brief.rest == usual.rest)
        #expect(brief.warnings == usual.warnings)
        #expect(brief.briefCount > 20 && !usual.warnings.isEmpty)
    }

    @Test("a task of several megabytes, not brief, is decoded from its kept lines as TaskGrouper reads it", arguments: [false, true])
    func longTask(outOfOrder: Bool) {
        // Lines kept across several chunks (one of them a line longer than a chunk): the full decode must find each.
        var lines = [#"{"task_uuid":"hub","task_level":[1],"timestamp":1,"action_type":"reactortrack:deferred","action_status":"started","deferred_id":1}"#]
        let count = 3 * LineStore.chunkLimit / 120
        for slot in 2...count {
            let pad = slot == count / 2 ? String(repeating: "x", count: LineStore.chunkLimit + 10) : "p\(slot)"
            lines.append(#"{"task_uuid":"hub","task_level":[\#(slot)],"timestamp":\#(slot),"message_type":"m","index":\#(slot),"pad":"\#(pad)"}"#)
        }
        // A nested action makes the task not brief, and a swap puts two lines out of order.
        lines.append(#"{"task_uuid":"hub","task_level":[\#(count + 1),1],"timestamp":9e5,"action_type":"a","action_status":"started"}"#)
        lines.append(#"{"task_uuid":"hub","task_level":[\#(count + 1),2],"timestamp":9e5,"message_type":"inner","index":7}"#)
        lines.append(#"{"task_uuid":"hub","task_level":[\#(count + 1),3],"timestamp":9e5,"action_type":"a","action_status":"succeeded"}"#)
        lines.append(#"{"task_uuid":"hub","task_level":[\#(count + 2)],"timestamp":9e5,"action_type":"reactortrack:deferred","action_status":"succeeded"}"#)
        if outOfOrder { lines.swapAt(5, 6) }
        let bytes = Array(lines.joined(separator: "\n").utf8) + [0x0A]
        #expect(bytes.count > 3 * LineStore.chunkLimit)
        let brief = Self.brief(bytes)
        #expect(brief == Self.usual(bytes))
        #expect(brief.briefCount == 0)
        #expect(brief.events.contains { $0.hasPrefix("#0 hub complete=true") })
    }

    @Test("the checked-in inputs give what TaskGrouper gives", arguments: TaskGrouperStreamingTests.inputs)
    func inputs(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name))))
        #expect(Self.brief(bytes) == Self.usual(bytes))
    }
}
