// Figures for `reactortrack render` (overview PNG and SVG) and `summary` on generated logs of 10 MB and 100 MB.
// Prints MB/s and the peak resident set size of each run; asserts nothing. Logs are generated in /tmp.
//
//     swift build -c release --product RenderBenchmarks --product reactortrack
//     .build/release/RenderBenchmarks [path/to/reactortrack]
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a realistic monitor log of about `megabytes` MB: chains of 3–6 callbacks, some failing and
/// recovering, some waiting on an inner Deferred.
func generate(megabytes: Int, to path: String) throws {
    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size >= megabytes << 20 {
        return
    }
    guard let file = fopen(path, "w") else { throw CocoaError(.fileWriteUnknown) }
    defer { fclose(file) }
    var written = 0
    var chain = 0
    var t = 1_795_431_274.0
    let names = ["fetchUser", "parseBody", "renderPage", "checkAuth", "loadSession", "writeAudit"]
    func line(_ text: String) {
        fputs(text, file)
        fputs("\n", file)
        written += text.utf8.count + 1
    }
    while written < megabytes << 20 {
        chain += 1
        let uuid = String(format: "%08x-0000-4000-8000-%012x", chain, chain)
        let steps = 3 + chain % 4
        let label = ["request", "query", "job"][chain % 3]
        line(#"{"task_uuid":"\#(uuid)","task_level":[1],"timestamp":\#(t),"action_type":"reactortrack:deferred","action_status":"started","created_at":"Server.swift:\#(10 + chain % 40)","deferred_id":\#(chain),"label":"\#(label)","tracked_by":"user"}"#)
        var slot = 2
        for i in 0..<steps {
            line(#"{"task_uuid":"\#(uuid)","task_level":[\#(slot)],"timestamp":\#(t),"message_type":"reactortrack:added","callback":"\#(names[(chain + i) % names.count])","errback":\#(i == 2 ? "\"recover\"" : "null"),"index":\#(i),"site":"Server.swift:\#(20 + i)"}"#)
            slot += 1
        }
        line(#"{"task_uuid":"\#(uuid)","task_level":[\#(slot)],"timestamp":\#(t),"message_type":"reactortrack:fired","path":"success","value":"Request(id: \#(chain))"}"#)
        slot += 1
        var path = "success"
        for i in 0..<steps {
            let name = path == "success" ? names[(chain + i) % names.count] : "recover"
            let took = Double((chain * 7919 + i * 104_729) % 5000) / 1e6
            line(#"{"task_uuid":"\#(uuid)","task_level":[\#(slot),1],"timestamp":\#(t),"action_type":"reactortrack:run","action_status":"started","index":\#(i),"input":"value \#(i)","name":"\#(name)","path":"\#(path)"}"#)
            t += took
            if chain % 17 == 0 && i == 1 {
                line(#"{"task_uuid":"\#(uuid)","task_level":[\#(slot),2],"timestamp":\#(t),"action_type":"reactortrack:run","action_status":"failed","exception":"Server.Timeout","reason":"upstream took too long","output_path":"error"}"#)
                path = "error"
            } else {
                line(#"{"task_uuid":"\#(uuid)","task_level":[\#(slot),2],"timestamp":\#(t),"action_type":"reactortrack:run","action_status":"succeeded","output":"value \#(i + 1)","output_path":"success"}"#)
                path = "success"
            }
            slot += 1
        }
        line(#"{"task_uuid":"\#(uuid)","task_level":[\#(slot)],"timestamp":\#(t),"action_type":"reactortrack:deferred","action_status":"succeeded","ended_by":"released","result":"done","runs":\#(steps)}"#)
        t += 0.0005
    }
}

/// Runs the binary, returning wall time and the child's peak RSS in MB.
func measure(_ binary: String, _ arguments: [String]) throws -> (seconds: Double, peakMB: Double, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    let start = Date()
    try process.run()
    process.waitUntilExit()
    let seconds = Date().timeIntervalSince(start)
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    #else
    getrusage(RUSAGE_CHILDREN, &usage)
    #endif
    // ru_maxrss (KB on Linux) is the largest child so far; runs go from small to large, so it is this one's.
    return (seconds, Double(usage.ru_maxrss) / 1024, process.terminationStatus)
}

let own = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("reactortrack").path
let binary = CommandLine.arguments.dropFirst().first ?? own
guard FileManager.default.isExecutableFile(atPath: binary) else {
    print("reactortrack binary not found at \(binary); build it first (swift build -c release --product reactortrack)")
    exit(1)
}
print("RenderBenchmarks: \(binary)")
print("size     command                         seconds     MB/s   peak RSS")
for megabytes in [10, 100] {
    let log = "/tmp/reactortrack-bench-\(megabytes)mb.out"
    try generate(megabytes: megabytes, to: log)
    let size = Double((try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0) / 1_048_576
    let runs: [(String, [String])] = [
        ("summary", ["summary", log]),
        ("render overview PNG", ["render", log, "-o", "/tmp/reactortrack-bench.png"]),
        ("render overview SVG", ["render", log, "-o", "/tmp/reactortrack-bench.svg"]),
    ]
    for (name, arguments) in runs {
        let result = try measure(binary, arguments)
        let rate = size / result.seconds
        let status = result.status == 0 ? "" : "  (exit \(result.status))"
        print(
            String(format: "%4.0f MB  ", size) + name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: " %9.2f %8.1f %7.0f MB", result.seconds, rate, result.peakMB) + status)
    }
}
