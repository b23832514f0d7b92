import EventLog
import Foundation
import Testing
import Chains

/// `reactortrack top`'s recently ended chains: listed for `--retain` after they end, then only counted; checked
/// against the log's own lines.
@Suite("top: the chains that ended, for --retain")
struct TopEndedTests {
    func snapshot(_ paths: [String], loader: LogLoader = LogLoader(), retain: Double) throws -> TopSnapshot {
        let (log, accumulator) = try loader.snapshot(paths, thresholds: TopSnapshot.Thresholds(), retain: retain)
        return accumulator.snapshot(
            inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count, latest: log.latestTimestamp)
    }

    /// Of each task that is a Deferred tracked at its root and whose root action ended, from its lines: its start,
    /// its end, and the pairs added (distinct indexes).
    func endedRoots(_ path: String) throws -> [String: (start: Double, end: Double, pairs: Int)] {
        var start: [String: Double] = [:]
        var end: [String: Double] = [:]
        var indexes: [String: Set<Int>] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let task = o["task_uuid"] as? String, let level = o["task_level"] as? [Int],
                let time = Self.timestamp(line)
            else { continue }
            if level.count == 1, o["action_type"] as? String == "reactortrack:deferred" {
                if o["action_status"] as? String == "started" { start[task] = time } else { end[task] = time }
            }
            if o["message_type"] as? String == "reactortrack:added", let index = o["index"] as? Int {
                indexes[task, default: []].insert(index)
            }
        }
        var out: [String: (start: Double, end: Double, pairs: Int)] = [:]
        for (task, end) in end {
            guard let start = start[task] else { continue }
            out[task] = (start, end, indexes[task]?.count ?? 0)
        }
        return out
    }

    /// The line's timestamp read from its text: Foundation's JSON numbers on Linux are not always the nearest
    /// double, and the log's own figure is what is compared.
    static func timestamp(_ line: Substring) -> Double? {
        guard let key = line.range(of: #""timestamp":"#) else { return nil }
        let number = line[key.upperBound...].drop { $0 == " " }.prefix { "0123456789.eE+-".contains($0) }
        return Double(number)
    }

    @Test(
        "the chains that ended within the retention, each with its life and pairs as its lines have them",
        arguments: ["mon.out", "echo-service.out", "pipeline.out", "waiting.out"])
    func endedFromTheLines(_ name: String) throws {
        let path = TestInputs.path(name)
        let expected = try endedRoots(path)
        #expect(!expected.isEmpty, "\(name) has chains that ended")
        let all = try snapshot([path], retain: 1e9)
        let asOf = try #require(all.asOf)
        let listed = Dictionary(all.ended.map { ($0.task, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(all.retain == 1e9)
        for (task, e) in expected {
            let row = try #require(listed[task], "\(name): \(task) ended, so it is listed")
            #expect(row.end == e.end && row.start == e.start && row.lifetime == e.end - e.start, "\(name): \(task)")
            #expect(row.pairsAdded == e.pairs && row.pairsRun <= row.pairsAdded, "\(name): \(task)")
            #expect(["succeeded", "recovered", "failed", "unhandled"].contains(row.outcome))
            #expect(!all.inFlight.contains { $0.task == task && $0.deferredID == row.deferredID })
        }
        // The latest end first.
        #expect(all.ended.map(\.end) == all.ended.map(\.end).sorted(by: >))
        // A retention that ends halfway through the chains' ends keeps the later half, and retires the rest.
        let ends = expected.values.map(\.end).sorted()
        let cut = ends[(ends.count - 1) / 2]
        #expect(asOf > cut, "a retention above 0")
        let half = try snapshot([path], retain: asOf - cut)
        let kept = Set(half.ended.map(\.task)).intersection(expected.keys)
        #expect(kept == Set(expected.filter { $0.value.end >= cut }.keys), "\(name)")
        #expect(half.counts == all.counts, "retired chains are still counted")
    }

    @Test("retain 0 lists none; chains in flight, lone messages and the dropped marker are never listed")
    func whatIsListed() throws {
        let loader = LogLoader(standardInput: Array(TopAccumulatorTests.everyState.utf8))
        let top = try snapshot(["-"], loader: loader, retain: 600)
        // G ended (unhandled) at 105.003; the lone tick at 300 is no chain; A to F are in flight.
        #expect(top.ended.map(\.title) == ["G #7"])
        #expect(top.ended.first?.outcome == "unhandled" && top.ended.first?.pairsAdded == 0)
        #expect(try snapshot(["-"], loader: loader, retain: 0).ended.isEmpty)
        // 300 - 105.003 = 194.997 s before the moment shown: out of a retention of 190 s, in one of 195 s.
        #expect(try snapshot(["-"], loader: loader, retain: 190).ended.isEmpty)
        #expect(try snapshot(["-"], loader: loader, retain: 195).ended.count == 1)
        let dropped = try snapshot([TestInputs.path("dropped.out")], retain: 1e9)
        #expect(!dropped.ended.contains { $0.title.contains("dropped") })
    }

    @Test("however many end, the latest 1,000 are listed; built or not, the same")
    func bounded() throws {
        var lines: [String] = []
        let count = 2_500
        // Ends out of order in the log: chain i ends at 1000 + (i * 7919 mod count).
        for i in 0..<count {
            let end = 1000 + Double((i * 7919) % count)
            lines.append(
                #"{"task_uuid":"c\#(i)","task_level":[1],"timestamp":\#(end - 0.5),"action_type":"reactortrack:deferred","action_status":"started","deferred_id":\#(i + 1),"label":"C"}"#)
            lines.append(
                #"{"task_uuid":"c\#(i)","task_level":[2],"timestamp":\#(end),"action_type":"reactortrack:deferred","action_status":"succeeded"}"#)
        }
        let loader = LogLoader(standardInput: Array((lines.joined(separator: "\n") + "\n").utf8))
        let top = try snapshot(["-"], loader: loader, retain: 1e9)
        #expect(top.ended.count == TopSnapshot.endedRows)
        let latest = (0..<TopSnapshot.endedRows).map { 1000 + Double(count - 1 - $0) }
        #expect(top.ended.map(\.end) == latest)
        #expect(top.ended.allSatisfy { $0.lifetime == 0.5 && $0.outcome == "succeeded" })
        #expect(top.counts.chains == count)
        // Folding every chain built lists the same rows.
        var built = TopAccumulator()
        built.retain = 1e9
        let log = try loader.stream(["-"]) { built.add($0, ordinal: $1) }
        #expect(
            built.snapshot(
                inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count, latest: log.latestTimestamp)
                .ended == top.ended)
    }
}
