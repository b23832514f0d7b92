import EventLog
import Foundation
import Testing
import Chains

@Suite("Summary the short way: LogLoader.summarize")
struct BriefSummaryTests {
    /// The summary and warnings of the general streaming path: every chain built, then selected and added.
    /// With `keepsTasks`, every field is kept and every task's facts come from its tree: what `summary --json`
    /// did before it took the short way.
    func general(
        _ paths: [String], _ selection: ChainSelection, top: Int, loader: LogLoader = LogLoader(),
        keepsTasks: Bool = false
    ) throws -> (LogSummary, [String]) {
        var loader = loader
        loader.keptFields = keepsTasks ? nil : SummaryAccumulator.fieldsUsed
        var accumulator = SummaryAccumulator(top: top)
        accumulator.keepsTasks = keepsTasks
        let log = try loader.stream(paths) { chain, ordinal in
            // The monitor's dropped-events marker is about the log, whatever the selection.
            if chain.isDropMarker || selection.admits(chain) { accumulator.add(chain, ordinal: ordinal) }
        }
        let summary = accumulator.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
        return (summary, log.warnings.map(\.description))
    }

    @Test("the monitor's dropped-events marker is lost events, never a chain, on every path and selection")
    func lostEvents() throws {
        let path = TestInputs.path("dropped.out")
        // From the log's own lines: the markers' counts, and the tasks that are neither a marker nor the header.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let type = { (o: [String: Any]) in o["message_type"] as? String }
        let markers = objects.filter { type($0) == MonitorVocabulary.Message.dropped.rawValue }
        let lost = markers.compactMap { $0[MonitorVocabulary.Field.count] as? Int }.reduce(0, +)
        try #require(lost > 0)
        let skipped = Set(objects.filter { type($0) == MonitorVocabulary.Message.dropped.rawValue || type($0) == EventLogFormat.headerMessageType }.compactMap { $0["task_uuid"] as? String })
        let tasks = Set(objects.compactMap { $0["task_uuid"] as? String }).subtracting(skipped)
        for selection in [ChainSelection(), ChainSelection(failedOnly: true)] {
            let (summary, _) = try short([path], selection, top: 10)
            let (general, _) = try general([path], selection, top: 10)
            #expect(summary.lostEvents == lost && general.lostEvents == lost)
            if selection == ChainSelection() {
                #expect(summary.chains == tasks.count)
                #expect(summary.outcomes["message"] == nil)
            }
        }
        let whole = LogSummary(try LogLoader().load([path]))
        #expect(whole.lostEvents == lost && whole.chains == tasks.count)
    }

    func short(
        _ paths: [String], _ selection: ChainSelection, top: Int, loader: LogLoader = LogLoader(),
        keepsTasks: Bool = false
    ) throws -> (LogSummary, [String]) {
        let (log, accumulator) = try loader.summarize(paths, selection: selection, top: top, keepsTasks: keepsTasks)
        let summary = accumulator.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
        return (summary, log.warnings.map(\.description))
    }

    static let selections: [ChainSelection] = [
        ChainSelection(), ChainSelection(failedOnly: true), ChainSelection(tasks: ["#1", "#3"]), ChainSelection(tasks: ["a100", "t7"]),
        ChainSelection(since: 1_795_431_274.5), ChainSelection(until: 1_795_431_274.5),
    ]

    @Test(
        "the same summary and warnings (in order) as building every chain",
        arguments: StreamingTests.inputs + [["broken/late-message-after-end.log"]])
    func sameAsStreaming(_ names: [String]) throws {
        let paths = names.map(TestInputs.path)
        for selection in Self.selections {
            for top in [0, 2, 10] {
                let (summary, warnings) = try short(paths, selection, top: top)
                let (expected, expectedWarnings) = try general(paths, selection, top: top)
                #expect(summary == expected)
                #expect(warnings == expectedWarnings)
            }
        }
    }

    /// What a test argument names: fixture paths, or `seed:N`, the generated log of that seed (damaged for an odd
    /// one) on standard input.
    static func source(_ inputs: [String]) -> (loader: LogLoader, paths: [String]) {
        guard inputs[0].hasPrefix("seed:"), let seed = UInt64(inputs[0].dropFirst(5)) else { return (LogLoader(), inputs) }
        return (LogLoader(standardInput: log(seed: seed, damaged: seed % 2 == 1)), ["-"])
    }

    /// A generated monitor log: plain tasks of every kind of child, some interleaved, some lines damaged.
    static func log(seed: UInt64, damaged: Bool) -> [UInt8] {
        var lines: [String] = [
            #"{"task_uuid":"h","task_level":[1],"timestamp":1795431274,"message_type":"reactortrack:format","format_version":1}"#,
            #"{"task_uuid":"lone","task_level":[1],"timestamp":1795431274.25,"message_type":"eliot:traceback","exception":"E"}"#,
            #"{"task_uuid":"a","task_level":[1],"timestamp":1795431274.5,"action_type":"app:thing","action_status":"started"}"#,
            #"{"task_uuid":"a","task_level":[2,1],"timestamp":1795431274.6,"action_type":"app:step","action_status":"started"}"#,
            #"{"task_uuid":"a","task_level":[2,2],"timestamp":1795431274.7,"action_type":"app:step","action_status":"failed"}"#,
            #"{"task_uuid":"a","task_level":[3],"timestamp":1795431274.8,"action_type":"app:thing","action_status":"succeeded"}"#,
        ]
        var state = seed
        func random(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var time = 1_795_431_274.0
        var queues: [[String]] = []
        for n in 1...120 {
            var task: [String] = []
            var slot = 1
            func add(_ level: String, _ rest: String) {
                time += Double(random(5000)) / 1_000_000
                task.append(#"{"task_uuid":"t\#(n)","task_level":[\#(level)],"timestamp":\#(time),\#(rest)}"#)
            }
            add("1", #""action_type":"reactortrack:deferred","action_status":"started","deferred_id":\#(n),"label":"\#(["fetch", "store", "caf\u{e9}"][random(3)])","tracked_by":"user""#)
            for _ in 0..<random(8) {
                slot += 1
                let index = random(4)
                switch random(7) {
                case 0, 1: add("\(slot)", #""message_type":"reactortrack:added","callback":"cb","errback":null,"index":\#(index)"#)
                case 2, 3:
                    add("\(slot),1", #""action_type":"reactortrack:run","action_status":"started","index":\#(random(2) == 0 ? "\(index)" : "null"),"name":"run\#(random(4))","path":"success""#)
                    add("\(slot),2", #""action_type":"reactortrack:run","action_status":"\#(random(4) == 0 ? "failed" : "succeeded")",\#(Self.failure(random(5)))"#)
                case 4: add("\(slot)", #""message_type":"reactortrack:waiting","on":\#(random(3))"#)
                case 5: add("\(slot)", #""message_type":"reactortrack:resumed","from":\#(random(2) == 0 ? "\(random(3))" : "null"),"waited":0.25"#)
                default:
                    switch random(5) {
                    case 0: add("\(slot)", #""message_type":"reactortrack:wait_cycle","cycle":\#(random(3) == 0 ? "null" : "[\(n),1,\(n)]")"#)
                    default: add("\(slot)", #""message_type":"reactortrack:\#(["unhandled_error", "cancelled", "fired"][random(3)])""#)
                    }
                }
            }
            slot += 1
            if random(20) != 0 {
                add("\(slot)", #""action_type":"reactortrack:deferred","action_status":"\#(random(5) == 0 ? "failed" : "succeeded")",\#(Self.failure(random(5)))"#)
            }
            queues.append(task)
        }
        while !queues.isEmpty {
            let q = random(min(queues.count, 5))
            lines.append(queues[q].removeFirst())
            if queues[q].isEmpty { queues.remove(at: q) }
        }
        if damaged {
            for _ in 0..<(lines.count / 10) {
                let i = 6 + random(lines.count - 6)
                switch random(6) {
                case 0: lines.remove(at: i)
                case 1: lines.insert(lines[i], at: i)
                case 2: lines.swapAt(i, 6 + random(lines.count - 6))
                case 3: lines[i] = String(lines[i].dropLast(random(20) + 1))
                case 4: lines[i] = lines[i].replacingOccurrences(of: "\"timestamp\":", with: "\"timestamp\":\"x\",\"t\":")
                default: lines[i] = lines[i].replacingOccurrences(of: "[2", with: "[2,1,1")
                }
            }
        }
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// An end message's `exception` and `reason`, of the kinds a log holds: plain, escaped, missing, not a string,
    /// given twice.
    static func failure(_ kind: Int) -> String {
        switch kind {
        case 0: #""exception":"E","reason":"r""#
        case 1: #""exception":"builtins.KeyError","reason":"caf\u00e9 \"x\"\n""#
        case 2: #""reason":"no exception""#
        case 3: #""exception":7,"reason":null"#
        default: #""exception":"First","exception":"Second","reason":"r""#
        }
    }

    @Test(
        "summary --json: every task's facts the short way, as from every chain's tree with every field",
        arguments: StreamingTests.inputs.map { $0.map(TestInputs.path) } + (0..<4).map { ["seed:\($0)"] })
    func sameTaskFacts(_ inputs: [String]) throws {
        let (loader, paths) = Self.source(inputs)
        for selection in [ChainSelection(), ChainSelection(failedOnly: true)] {
            let (summary, warnings) = try short(paths, selection, top: 3, loader: loader, keepsTasks: true)
            let (expected, expectedWarnings) = try general(paths, selection, top: 3, loader: loader, keepsTasks: true)
            let tasks = try #require(summary.tasks)
            #expect(tasks == expected.tasks)
            #expect(summary == expected)
            #expect(warnings == expectedWarnings)
            if paths == ["-"], selection == ChainSelection() {
                // Something to compare: failed actions with their texts, of every kind.
                let failures = tasks.flatMap(\.failedActions)
                #expect(failures.contains { $0.exception == "builtins.KeyError" && $0.reason == "caf\u{e9} \"x\"\n" })
                #expect(failures.contains { $0.exception == nil && $0.reason == "no exception" })
                #expect(failures.contains { $0.exception == "Second" })
            }
        }
    }

    @Test("generated logs, plain and damaged: the same summary and warnings", arguments: 0..<6)
    func generated(_ seed: Int) throws {
        for damaged in [false, true] {
            let bytes = Self.log(seed: UInt64(seed), damaged: damaged)
            let loader = LogLoader(standardInput: bytes)
            for selection in Self.selections {
                let (summary, warnings) = try short(["-"], selection, top: 5, loader: loader)
                let (expected, expectedWarnings) = try general(["-"], selection, top: 5, loader: loader)
                #expect(summary == expected)
                #expect(warnings == expectedWarnings)
                if !damaged { #expect(warnings.isEmpty, "an unfinished deferred root is no warning") }
            }
            if damaged { #expect(try short(["-"], ChainSelection(), top: 5, loader: loader).1.count > 10) }
        }
    }
}
