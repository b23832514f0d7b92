import EventLog
import Foundation
import Testing
import Chains

/// `reactortrack top`'s snapshot, checked against the log's own lines and against `summary --json`'s counts.
@Suite("top: the snapshot of a log")
struct TopAccumulatorTests {
    func snapshot(_ paths: [String], loader: LogLoader = LogLoader(), _ thresholds: TopSnapshot.Thresholds = .init())
        throws -> TopSnapshot
    {
        var accumulator = TopAccumulator(thresholds: thresholds)
        let log = try loader.stream(paths) { accumulator.add($0, ordinal: $1) }
        return accumulator.snapshot(
            inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count, latest: log.latestTimestamp)
    }

    /// The log's lines as objects (the lines that are objects).
    func objects(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test(
        "the short way (ended chains not built) gives the snapshot that building every chain gives",
        arguments: StreamingTests.inputs.map { $0.map(TestInputs.path) } + (0..<6).map { ["seed:\($0)"] })
    func shortWay(_ inputs: [String]) throws {
        let (loader, paths) = BriefSummaryTests.source(inputs)
        for thresholds in [TopSnapshot.Thresholds(), TopSnapshot.Thresholds(blocked: 0.001, pending: 0.01)] {
            let (log, accumulator) = try loader.snapshot(paths, thresholds: thresholds)
            let short = accumulator.snapshot(
                inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count, latest: log.latestTimestamp)
            let general = try snapshot(paths, loader: loader, thresholds)
            #expect(short == general)
            if paths == ["-"] {
                #expect(short.warning(.blocked) != nil || thresholds.blocked > 0.01)
                // Ended chains the monitor said were in a wait cycle (an array of ids; `null` is none).
                #expect(short.warning(.cycle) != nil)
            }
        }
    }

    @Test("the counts are summary --json's, on every fixture", arguments: StreamingTests.inputs)
    func countsAreTheSummary(_ names: [String]) throws {
        let paths = names.map(TestInputs.path)
        let top = try snapshot(paths)
        let (log, accumulator) = try LogLoader().summarize(paths, selection: ChainSelection(), top: 10, keepsTasks: true)
        let summary = accumulator.summary(inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count)
        let c = top.counts
        #expect(c.chains == summary.chains)
        #expect(c.outcomes == summary.outcomes)
        #expect(c.statuses == summary.statuses)
        #expect(c.complete == summary.complete && c.incomplete == summary.incomplete)
        #expect(c.messages == summary.messages)
        #expect(c.lostEvents == summary.lostEvents)
        #expect(top.warning(.dropped)?.count == (summary.lostEvents > 0 ? summary.lostEvents : nil))
    }

    @Test(
        "chains in flight, their pairs and ages, and blocked callbacks, as the monitor's lines have them",
        arguments: ["waiting.out", "dropped.out", "mon.out", "echo-service.out", "pipeline.out"])
    func inFlightFromTheLines(_ name: String) throws {
        let path = TestInputs.path(name)
        let lines = try objects(path)
        let time = { (o: [String: Any]) in (o["timestamp"] as? NSNumber)?.doubleValue }
        let asOf = try #require(lines.compactMap(time).max())
        var byTask: [String: [[String: Any]]] = [:]
        var order: [String] = []
        for o in lines {
            guard let task = o["task_uuid"] as? String else { continue }
            if byTask[task] == nil { order.append(task) }
            byTask[task, default: []].append(o)
        }
        // A Deferred whose action (at the root of its task, or inside another action) has no end message is in
        // flight: its messages are those under its action's level.
        var expected: [String: (added: Int, start: Double)] = [:]
        var blocked = 0
        for (task, messages) in byTask {
            let level = { (o: [String: Any]) in o["task_level"] as? [Int] ?? [] }
            let starts = messages.filter {
                $0["action_type"] as? String == "reactortrack:deferred" && $0["action_status"] as? String == "started"
            }
            let open = starts.map { Array(level($0).dropLast()) }.filter { prefix in
                !messages.contains {
                    $0["action_type"] as? String == "reactortrack:deferred" && $0["action_status"] as? String != "started"
                        && Array(level($0).dropLast()) == prefix
                }
            }
            // Runs: a start at [n, 1] and (maybe) an end at [n, 2].
            for start in messages where start["action_type"] as? String == "reactortrack:run" && start["action_status"] as? String == "started" {
                let level = start["task_level"] as? [Int] ?? []
                let end = messages.first {
                    $0["task_level"] as? [Int] == Array(level.dropLast()) + [2] && $0["action_type"] as? String == "reactortrack:run"
                }
                let ended = end.flatMap(time) ?? asOf
                if ended - time(start)! >= 0.1 { blocked += 1 }
            }
            try #require(open.count <= 1, "one Deferred in flight per task in these fixtures")
            guard let prefix = open.first else { continue }
            let mine = messages.filter { level($0).starts(with: prefix) && level($0).count > prefix.count }
            let added = Set(mine.filter { $0["message_type"] as? String == "reactortrack:added" }.map { $0["index"] as? Int ?? -1 })
            expected[task] = (added.count, mine.compactMap(time).min()!)
        }
        let top = try snapshot([path])
        // Foundation's parser is not always correctly rounded: a unit in the last place apart.
        #expect(abs((top.asOf ?? 0) - asOf) < 1e-6)
        #expect(Set(top.inFlight.map(\.task)) == Set(expected.keys))
        for row in top.inFlight {
            let want = try #require(expected[row.task])
            #expect(row.pairsAdded == want.added, "\(row.title)")
            #expect(abs(row.age - (asOf - want.start)) < 1e-6, "\(row.title)")
        }
        #expect((top.warning(.blocked)?.count ?? 0) == blocked)
        #expect(top.inFlight.map(\.age) == top.inFlight.map(\.age).sorted(by: >), "oldest first")
    }

    /// A monitor log with every state and warning: A waits on B, which waits on C, which never fired; D runs a
    /// callback still going at the end; E and F wait on each other (the monitor said so); G ended unhandled.
    static let everyState: String = {
        var lines: [String] = []
        func deferred(_ id: Int, _ label: String, at t: Double, _ rest: [(String, String)]) {
            let uuid = "t\(id)"
            lines.append(#"{"task_uuid":"\#(uuid)","task_level":[1],"timestamp":\#(t),"action_type":"reactortrack:deferred","action_status":"started","deferred_id":\#(id),"label":"\#(label)","tracked_by":"user"}"#)
            for (k, (level, body)) in rest.enumerated() {
                lines.append(#"{"task_uuid":"\#(uuid)","task_level":[\#(level)],"timestamp":\#(t + Double(k + 1) * 0.001),\#(body)}"#)
            }
        }
        let added = #""message_type":"reactortrack:added","callback":"cb","errback":null,"index":0"#
        let fired = #""message_type":"reactortrack:fired","path":"success","value":"1""#
        deferred(1, "A", at: 100, [("2", added), ("3", fired), ("4", #""message_type":"reactortrack:waiting","on":2"#)])
        deferred(2, "B", at: 101, [("2", fired), ("3", #""message_type":"reactortrack:waiting","on":3"#)])
        deferred(3, "C", at: 102, [("2", added)])
        deferred(4, "D", at: 103, [("2", added), ("3", fired), ("4,1", #""action_type":"reactortrack:run","action_status":"started","index":0,"name":"slowStep","path":"success""#)])
        deferred(5, "E", at: 104, [("2", fired), ("3", #""message_type":"reactortrack:waiting","on":6"#), ("4", #""message_type":"reactortrack:wait_cycle","cycle":[5,6,5]"#)])
        deferred(6, "F", at: 104.5, [("2", fired), ("3", #""message_type":"reactortrack:waiting","on":5"#)])
        deferred(7, "G", at: 105, [("2", fired), ("3", #""message_type":"reactortrack:unhandled_error","exception":"E","reason":"r""#), ("4", #""action_type":"reactortrack:deferred","action_status":"failed","exception":"E","reason":"r""#)])
        // The log's last event, 200 s after A began.
        lines.append(#"{"task_uuid":"end","task_level":[1],"timestamp":300,"message_type":"app:tick"}"#)
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test("an Eliot action task in flight is running its innermost open action, all its age")
    func openAction() throws {
        let text = [
            #"{"task_uuid":"a","task_level":[1],"timestamp":10,"action_type":"app:request","action_status":"started"}"#,
            #"{"task_uuid":"a","task_level":[2,1],"timestamp":11,"action_type":"app:query","action_status":"started"}"#,
            #"{"task_uuid":"b","task_level":[1],"timestamp":14,"message_type":"app:tick"}"#,
        ].joined(separator: "\n")
        let top = try snapshot(["-"], loader: LogLoader(standardInput: Array(text.utf8)))
        let row = try #require(top.inFlight.first)
        #expect(top.inFlight.count == 1)
        #expect(row.state == .running && row.callback == "app:query", "not a Deferred that was never fired")
        #expect(row.age == 4 && row.running == 4)
    }

    @Test("a wait cycle among the chains in flight is found before the monitor says so, and only the cycle")
    func cycleFoundLive() throws {
        // Without the monitor's wait_cycle message (it writes one only when it stops): E and F wait on each
        // other, A waits on E from outside the cycle.
        let text = Self.everyState.split(separator: "\n").map(String.init).filter { !$0.contains("wait_cycle") }
            .map { $0.contains(#""task_uuid":"t1""#) ? $0.replacingOccurrences(of: #""on":2"#, with: #""on":5"#) : $0 }
            .joined(separator: "\n")
        let loader = LogLoader(standardInput: Array(text.utf8))
        let top = try snapshot(["-"], loader: loader)
        #expect(top.warning(.cycle)?.chains == ["E #5", "F #6"])
        #expect(top.warning(.cycle)?.count == 2)
    }

    @Test("every state, the innermost Deferred a wait is stuck on, and every warning")
    func everyState() throws {
        let loader = LogLoader(standardInput: Array(Self.everyState.utf8))
        let top = try snapshot(["-"], loader: loader, TopSnapshot.Thresholds(blocked: 0.1, pending: 196.5))
        let rows = Dictionary(uniqueKeysWithValues: top.inFlight.map { ($0.title, $0) })
        #expect(top.asOf == 300)
        #expect(rows["A #1"]?.state == .waiting && rows["A #1"]?.waitingOn == 2 && rows["A #1"]?.stuckOn == 3)
        #expect(rows["B #2"]?.state == .waiting && rows["B #2"]?.stuckOn == 3)
        #expect(rows["C #3"]?.state == .notFired)
        #expect(rows["D #4"]?.state == .running && rows["D #4"]?.callback == "slowStep")
        #expect(rows["E #5"]?.state == .waiting && rows["E #5"]?.waitingOn == 6)
        #expect(rows["E #5"]?.stuckOn == nil && rows["F #6"]?.stuckOn == nil, "a wait cycle has no innermost Deferred")
        #expect(rows["G #7"] == nil, "an ended chain is not in flight")
        #expect(top.inFlight.first?.title == "A #1" && abs(top.inFlight[0].age - 200) < 1e-9)
        // D's callback began at 103.003 and was still running at 300.
        #expect(abs((rows["D #4"]?.running ?? 0) - (300 - 103.003)) < 1e-6)
        #expect(top.warning(.blocked)?.count == 1 && top.warning(.blocked)?.chains == ["D #4"])
        // The monitor reported E's cycle; F is in it too, found among the waits of the chains in flight.
        #expect(top.warning(.cycle)?.chains == ["E #5", "F #6"])
        #expect(top.warning(.unhandled)?.chains == ["G #7"])
        // In flight 196.5 s or more: A (200), B (199), C (198), D (197); not E (196) nor F (195.5).
        #expect(top.warning(.pending)?.chains == ["A #1", "B #2", "C #3", "D #4"])
        #expect(top.warning(.dropped) == nil)
        #expect(top.warnings.map(\.kind) == [.blocked, .pending, .cycle, .unhandled], "in kind order")
        // In families: B under A (A awaits it), C under B; F under E, their cycle rooted at the older.
        #expect(top.inFlight.map(\.title) == ["A #1", "B #2", "C #3", "D #4", "E #5", "F #6"])
        #expect(top.inFlight.map(\.depth) == [0, 1, 2, 0, 0, 1])
        #expect(top.inFlight.map(\.parent) == [nil, 1, 2, nil, nil, 5])
    }

    @Test("families of a line of 20,000 chains in flight, each awaiting the next: placed in one pass, no recursion")
    func longLineFamilies() throws {
        var lines: [String] = []
        // Quadratic work (each chain following the line to its end) would be 2 x 10^8 steps here.
        let count = 20_000
        for i in 1...count {
            lines.append(
                #"{"task_uuid":"l\#(i)","task_level":[1],"timestamp":\#(1000 + Double(i) / 1e6),"action_type":"reactortrack:deferred","action_status":"started","deferred_id":\#(i),"label":"L"}"#)
            if i < count {
                lines.append(
                    #"{"task_uuid":"l\#(i)","task_level":[2],"timestamp":\#(1000 + Double(i) / 1e6),"message_type":"reactortrack:waiting","on":\#(i + 1)}"#)
            }
        }
        let loader = LogLoader(standardInput: Array((lines.joined(separator: "\n") + "\n").utf8))
        let top = try snapshot(["-"], loader: loader)
        #expect(top.inFlight.count == count)
        #expect(top.inFlight.first?.title == "L #1" && top.inFlight.first?.depth == 0)
        #expect(top.inFlight.last?.title == "L #\(count)" && top.inFlight.last?.depth == count - 1)
        #expect(top.inFlight.last?.parent == count - 1)
    }
}
