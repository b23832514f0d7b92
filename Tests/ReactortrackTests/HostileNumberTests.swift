import Foundation
import Testing

/// Valid JSON that no real program writes: one out-of-range number, or a tree of missing start messages. Each
/// must give output or one clean error from every command: no signal, no hang, no gigabytes.
@Suite("Out-of-range numbers and deep trees")
struct HostileNumberTests {
    static let commands: [[String]] = [["tree"], ["summary"], ["summary", "--json"], ["render", "-o", "SVG"]]

    /// Runs every command on the log; each must end by itself (within the limit), with status 0 or 1.
    static func runAll(_ lines: [String], timeLimit: Double = 20) throws -> [String: CommandRunner.Result] {
        let path = CommandRunner.temporaryPath("hostile.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var results: [String: CommandRunner.Result] = [:]
        for command in commands {
            let arguments = command.map { $0 == "SVG" ? CommandRunner.temporaryPath("out.svg") : $0 }
            let result = try CommandRunner.run(
                [arguments[0], path] + arguments.dropFirst(), timeLimit: timeLimit)
            let name = command.joined(separator: " ")
            #expect(!result.signaled, "\(name) was killed or crashed: \(result.stderr)")
            #expect(result.status == 0 || result.status == 1, "\(name): status \(result.status): \(result.stderr)")
            results[name] = result
        }
        return results
    }

    static func action(_ uuid: String, _ level: [Int], _ time: String, _ status: String, type: String = "job") -> String {
        let levels = level.map(String.init).joined(separator: ",")
        return #"{"task_uuid":"\#(uuid)","task_level":[\#(levels)],"timestamp":\#(time),"action_type":"\#(type)","action_status":"\#(status)"}"#
    }

    @Test("durations of 1e21 s and 1e300 s are shown, not trapped on", arguments: ["1e21", "1e300"])
    func hugeDurations(end: String) throws {
        let results = try Self.runAll([Self.action("a", [1], "0", "started"), Self.action("a", [2], end, "succeeded")])
        #expect(results["tree"]?.stdout.contains("job/1") == true)
    }

    @Test("a run stamped in microseconds inside a chain stamped in seconds")
    func mixedUnits() throws {
        let d = "reactortrack:deferred"
        let r = "reactortrack:run"
        _ = try Self.runAll([
            #"{"task_uuid":"c","task_level":[1],"timestamp":1700000000.0,"action_type":"\#(d)","action_status":"started","deferred_id":1,"label":"x"}"#,
            #"{"task_uuid":"c","task_level":[2,1],"timestamp":1700000000000000.0,"action_type":"\#(r)","action_status":"started","index":0,"name":"cb","path":"success"}"#,
            #"{"task_uuid":"c","task_level":[2,2],"timestamp":1700000000000005.0,"action_type":"\#(r)","action_status":"succeeded","output":"1","output_path":"success"}"#,
            #"{"task_uuid":"c","task_level":[3],"timestamp":1700000001.0,"action_type":"\#(d)","action_status":"succeeded"}"#,
        ])
    }

    @Test("end slots that sum past Int.max, and an end at slot Int.max (no slot list is built)")
    func endSlotsPastIntMax() throws {
        let max = Int.max
        _ = try Self.runAll([
            Self.action("e", [1], "1", "started"),
            Self.action("e", [2, max], "2", "succeeded", type: "child"),
            Self.action("e", [3, max], "3", "succeeded", type: "child"),
            Self.action("e", [max], "4", "succeeded"),
        ])
        _ = try Self.runAll([Self.action("g", [1], "1", "started"), Self.action("g", [100_000_000], "2", "succeeded")])
    }

    @Test("a message 200 levels below actions whose start messages are all missing")
    func deepStartlessTree() throws {
        let deep = Array(repeating: 2, count: 200)
        let levels = (deep + [1]).map(String.init).joined(separator: ",")
        let results = try Self.runAll([
            #"{"task_uuid":"t","task_level":[\#(levels)],"timestamp":1.5,"message_type":"deep"}"#,
            Self.action("t", [3], "2", "succeeded", type: "root"),
        ], timeLimit: 30)
        #expect(results["tree"]?.stdout.contains("deep/") == true)
    }
}

/// One huge value costs what its limit costs: it is cut when read, with a warning naming the line.
@Suite("Limits on what one line may cost")
struct ValueLimitTests {
    @Test("a 4 MB string value is cut to the limit, said on stderr, and the SVG stays small; 0 keeps it whole")
    func hugeValue() throws {
        let huge = String(repeating: "abcdefgh", count: 1 << 19)
        let path = CommandRunner.temporaryPath("huge.jsonl")
        try (#"{"task_uuid":"h","task_level":[1],"timestamp":1,"message_type":"big","v":"\#(huge)"}"# + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let svg = CommandRunner.temporaryPath("huge.svg")
        let render = try CommandRunner.run(["render", path, "-o", svg])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(render.stderr.contains("huge.jsonl:1: value too long"), "\(render.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: svg)[.size] as? Int ?? .max
        #expect(size < 1 << 20, "the SVG is \(size) bytes")
        let tree = try CommandRunner.run(["tree", "-l", "0", "--color", "never", path])
        #expect(tree.stdout.contains("…(+\((1 << 22) - (64 << 10)) bytes)"))
        let whole = try CommandRunner.run(["tree", "-l", "0", "--max-value-bytes", "0", "--color", "never", path])
        #expect(whole.stdout.contains(huge) && !whole.stderr.contains("value too long"))
    }
}
