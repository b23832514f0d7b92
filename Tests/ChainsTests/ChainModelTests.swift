import EventLog
import Foundation
import Testing
import Chains

@Suite("Chain model")
struct ChainModelTests {
    @Test("the seed's d fails in problem, recovers in simpleErrback and chains to d2")
    func seed() throws {
        let log = try LogLoader().load([TestInputs.path("mon.out")])
        #expect(log.warnings.isEmpty)
        #expect(log.chains.map(\.title) == ["d #1", "d2 #2"])
        let d = log.chains[0]
        // problem() raised and simpleErrback recovered: the chain ended well, with a failure on the way.
        #expect(d.outcome == .recovered(exception: "seed_example.Problem", reason: "something went wrong in problem()"))
        #expect(d.outcome.badge == "recovered from Problem" && !d.outcome.isFailure && d.raised)
        #expect(d.pairs.map(\.fate) == Array(repeating: .ran, count: 6))
        #expect(d.pairs.map { $0.run?.side } == [.callback, .callback, .callback, .errback, .callback, .callback])
        #expect(d.pairs[2].run?.exception == "seed_example.Problem")
        #expect(d.pairs[2].pathOut == .errback)
        #expect(d.pairs[3].pathOut == .callback)
        #expect(d.links == [ChainLink(kind: .chained, target: 2, pairIndex: 4, time: d.links.first?.time)])
        #expect(abs((d.pairs[0].run?.duration ?? 0) - 1.0002) < 1e-6)
        #expect(abs(d.runningTime - 2.00046) < 1e-3)
        let families = ChainFamily.group(log.chains)
        #expect(families.count == 1)
        #expect(families[0].members.map(\.depth) == [0, 1])
    }

    @Test("a chain's title names its Deferred once, whatever its label, and copies of a chain change apart")
    func titles() throws {
        let bytes = Array(
            [
                #"{"task_uuid":"a","task_level":[1],"timestamp":1,"action_type":"reactortrack:deferred","action_status":"started","deferred_id":7}"#,
                #"{"task_uuid":"a","task_level":[2],"timestamp":2,"action_type":"reactortrack:deferred","action_status":"succeeded"}"#,
                #"{"task_uuid":"b","task_level":[1],"timestamp":1,"action_type":"reactortrack:deferred","action_status":"started","deferred_id":8,"label":"req #3"}"#,
                #"{"task_uuid":"b","task_level":[2],"timestamp":2,"action_type":"reactortrack:deferred","action_status":"succeeded"}"#,
            ].joined(separator: "\n").utf8) + [0x0A]
        let chains = ChainBuilder.chains(from: TaskGrouper.group(EventLogReader(bytes: bytes, name: "t")).tasks, file: "t")
        #expect(chains.map(\.title) == ["Deferred #7", "req #3 (Deferred #8)"])
        // Chains share their fields until one copy changes (copy on write): the other keeps its own.
        var copy = chains[0]
        copy.pairs.append(LadderPair(index: 0, callback: "cb", errback: nil))
        copy.label = "changed"
        #expect(chains[0].pairs.isEmpty && chains[0].label == "Deferred #7")
        #expect(copy != chains[0] && copy.pairs.count == 1)
        #expect(chains[0] == chains.first! && Set(chains + [copy]).count == 3)
    }

    @Test("waits, pending chains and unhandled errors")
    func waiting() throws {
        let log = try LogLoader().load([TestInputs.path("waiting.out")])
        let byLabel = Dictionary(uniqueKeysWithValues: log.chains.map { ($0.label, $0) })
        let fetch = try #require(byLabel["fetchUser"])
        #expect(fetch.waits.count == 1)
        #expect(abs((fetch.waits[0].duration ?? 0) - 0.4001) < 1e-6)
        #expect(fetch.pairs[0].wait?.on == 2)
        #expect(fetch.links.map(\.kind) == [.waitedOn])
        #expect(byLabel["timeout"]?.outcome == .pending)
        #expect(byLabel["timeout"]?.pairs.first?.fate == .notReached)
        #expect(byLabel["timeout"]?.end == log.end)
        #expect(byLabel["sendMail"]?.outcome.name == "unhandled")
        #expect(byLabel["query"]?.outcome == .succeeded)
    }

    @Test("the original Reactor Track format is recognised")
    func reactorTrackFormat() throws {
        let log = try LogLoader().load([TestInputs.path("reactor-track.log")])
        #expect(log.formats == [.reactorTrack])
        #expect(log.chains.map(\.deferredID) == [25657144, 25656712])
        let first = log.chains[0]
        #expect(first.pairs.map { $0.run?.name } == ["__main__.simpleCallback", "__main__.followup", "__main__.problem", "__main__.simpleErrback"])
        #expect(first.pairs[3].run?.side == .errback)
        #expect(first.pairs[2].pathOut == .errback)
        #expect(abs(first.duration - 1.0014) < 1e-9)
        // Runs are laid end to end in file order.
        #expect(log.chains[1].start == first.end)
    }

    @Test("any Eliot log becomes action trees")
    func eliotTasks() throws {
        let log = try LogLoader().load([TestInputs.path("twisted-eliot.log")])
        #expect(log.warnings.isEmpty)
        #expect(log.chains.count == 11)
        let pipeline = try #require(log.chains.first { $0.label == "rt:inline_pipeline" })
        #expect(pipeline.kind == .action)
        #expect(pipeline.spans.filter { $0.status == "failed" }.map(\.name) == ["rt:step", "rt:fetch"])
        let connect = try #require(log.chains.first { $0.label == "rt:connect" })
        #expect(connect.outcome == .failed(exception: "builtins.ConnectionRefusedError", reason: "[Errno 111] Connection refused"))
    }

    @Test("several files merge, and warnings keep each file's own line numbers")
    func merge() throws {
        let log = try LogLoader().load([TestInputs.path("mon.out"), TestInputs.path("broken/blank-line.log")])
        #expect(log.chains.count == 13)
        #expect(log.warnings.map(\.line) == [32])
        #expect(log.warnings.first?.file.hasSuffix("blank-line.log") == true)
        #expect(ChainFamily.group(log.chains).count == 12)
    }

    @Test("merged, a task whose root has no start message is placed in its own file, at the line it has alone")
    func mergedWithoutStart() throws {
        let broken = TestInputs.path("broken/missing-start-message.log")
        let alone = try LogLoader().load([broken]).chains.filter { $0.label == "rt:deferred_chain" }
        let merged = try LogLoader().load([TestInputs.path("waiting.out"), broken]).chains
            .filter { $0.label == "rt:deferred_chain" }
        #expect(alone.count == 1 && merged.count == 1)
        // Its place was once located twice: the file's own line read as a merged one, in the first file.
        #expect(merged.first?.file == broken && merged.first?.line == alone.first?.line)
    }

    @Test("standard input is read with -")
    func standardInput() throws {
        let bytes = Array(try String(contentsOfFile: TestInputs.path("mon.out"), encoding: .utf8).utf8)
        let log = try LogLoader(standardInput: bytes).load(["-"])
        #expect(log.inputs == ["<stdin>"])
        #expect(log.chains.count == 2)
    }

    @Test("selection by task, failure, slowness and time")
    func selection() throws {
        let log = try LogLoader().load([TestInputs.path("waiting.out")])
        #expect(ChainSelection(failedOnly: true).apply(to: log.chains).map(\.label) == ["sendMail"])
        #expect(ChainSelection(tasks: ["a3000000"]).apply(to: log.chains).map(\.label) == ["timeout"])
        #expect(ChainSelection(tasks: ["#2"]).apply(to: log.chains).map(\.label) == ["query"])
        #expect(ChainSelection(slowest: 1).apply(to: log.chains).map(\.label) == ["fetchUser"])
        let start = try #require(log.start)
        #expect(ChainSelection(since: start + 0.3).apply(to: log.chains).map(\.label).sorted() == ["fetchUser", "query", "timeout"])
        #expect(ChainSelection.parseTime("2026-11-23T10:54:34Z") == 1_795_431_274)
    }
}

@Suite("Reading --since/--until times")
struct TimeArgumentTests {
    @Test("ISO 8601 times in UTC or with an offset, with or without a fraction, and Unix seconds")
    func validTimes() {
        #expect(ChainSelection.parseTime("2026-11-23T10:54:34Z") == 1_795_431_274)
        #expect(ChainSelection.parseTime("2026-11-23T11:54:34+01:00") == 1_795_431_274)
        let fraction = ChainSelection.parseTime("2026-11-23T10:54:34.250Z")
        #expect(fraction.map { abs($0 - 1_795_431_274.25) < 1e-6 } == true)
        #expect(ChainSelection.parseTime("2024-02-29T00:00:00Z") != nil)
        #expect(ChainSelection.parseTime("1795431274.5") == 1_795_431_274.5)
    }

    @Test("out-of-range fields are refused, not rolled over", arguments: [
        "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-23T24:00:00Z",
        "2026-11-23T25:00:00Z", "2026-11-23T10:60:00Z", "2026-11-23T10:54:60Z", "2026-00-10T00:00:00Z",
        " 2026-11-23T10:54:34Z", "2026-11-23", "yesterday",
    ])
    func invalidTimes(text: String) {
        #expect(ChainSelection.parseTime(text) == nil)
    }
}
