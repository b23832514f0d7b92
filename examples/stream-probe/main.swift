// A program that streams a monitor's events from several threads, for the writer's tests, `make bench` and as an
// example of streaming:
//
//     stream-probe PATH [--threads N] [--chains N] [--backlog BYTES] [--wait-ms N] [--rate N] [--no-stop]
//
// Each thread makes its own chains (a Deferred is driven by one thread), tracks them, adds two callbacks and
// fires them: 9 events a chain. `--rate` paces each thread to N chains a second (flat out by default);
// `--backlog` and `--wait-ms` set the monitor's backlog bound and how long a full backlog holds a thread. With `--no-stop` the program returns from main without stopping the monitor: the writer drains at
// exit. Otherwise it prints what `stop()` reports: `written N lost N error TEXT`.
import Actions
import Defer
import Foundation
import Monitor

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let value = Int(arguments[i + 1]) else {
        return fallback
    }
    return value
}

func runProbe() throws {
    guard CommandLine.arguments.count > 1 else {
        print("usage: stream-probe PATH [--threads N] [--chains N] [--backlog BYTES] [--wait-ms N] [--rate N] [--no-stop]")
        exit(2)
    }
    let path = CommandLine.arguments[1]
    let threads = option("--threads", 4)
    let chains = option("--chains", 1000)
    let rate = option("--rate", 0)
    let monitor = try JSONMonitor(
        streamingTo: path, backlogBytes: option("--backlog", 32 << 20),
        backlogWait: .milliseconds(option("--wait-ms", 1000)))
    let group = DispatchGroup()
    for t in 0..<threads {
        group.enter()
        Thread {
            let start = ContinuousClock.now
            for i in 0..<chains {
                if rate > 0 {
                    // Paced: chain i starts at i / rate seconds.
                    let due = start + .microseconds(i * 1_000_000 / rate)
                    let now = ContinuousClock.now
                    if due > now {
                        let wait = (due - now).components
                        Thread.sleep(forTimeInterval: Double(wait.seconds) + Double(wait.attoseconds) / 1e18)
                    }
                }
                let d = Deferred<Int>()
                monitor.track(d, label: "t\(t)-\(i)")
                d.addCallback(label: "double") { $0 * 2 }.addCallback(label: "inc") { $0 + 1 }
                try? d.callback(i)
            }
            group.leave()
        }.start()
    }
    group.wait()
    if CommandLine.arguments.contains("--no-stop") { return }
    let report = monitor.stop()
    print("written \(report?.written ?? 0) lost \(report?.lost ?? 0) error \(report?.lastError ?? "-")")
}

do { try runProbe() } catch {
    print("stream-probe: \(error)")
    exit(1)
}
