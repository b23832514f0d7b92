// Actions and chains in one log: a "download → parse → store" job for three URLs. Each URL is an Eliot action
// (`job:fetch`, with its `url` and, at the end, the `bytes` it got); the Deferred chain that does the work is
// tracked inside it, so the chain is written into the action's task and `render` draws it under the action, on
// the action's time axis. Existing swift-log calls land in the action they run in (ActionLogHandler). One
// download is slow and times out; an errback retries it from a cache. Writes pipeline.out (or the path given).
//
// `pipeline-example actions.out mon.out` is the two-file setup: the actions stream to the first file and the
// monitor buffers its chains and dumps them to the second at the end. `reactortrack tree actions.out mon.out`
// reads the two as one log: each chain inside the action that tracked it.
import Actions
import Defer
import EventLog
import Foundation
import Logging
import Monitor

struct ParseError: Error, CustomStringConvertible {
    var description: String { "not a page" }
}

func runPipeline() throws {
    let arguments = CommandLine.arguments.dropFirst()
    let output = arguments.first ?? "pipeline.out"
    let monitorOutput = arguments.dropFirst().first
    // One file, one clock: the monitor streams into the destination the actions write to. Given a second path,
    // the monitor keeps its chains in memory instead and dumps them there when the jobs are done.
    let file = try FileDestination(path: output, append: false)
    LogDestinations.global.add(file)
    LoggingSystem.bootstrap { label in ActionLogHandler(label: label) }
    let logger = Logger(label: "pipeline")
    let monitor =
        monitorOutput == nil ? try JSONMonitor(streamingTo: file, followChained: true) : JSONMonitor(followChained: true)
    let reactor = EventLoopReactor()

    /// A download: a Deferred fired later, as a network call would be.
    func download(_ url: String, seconds: Double) -> Deferred<String> {
        deferLater(reactor, delay: seconds) { "<html>\(url)</html>" }
    }

    let urls = [("https://example.com/a", 0.05), ("https://example.com/slow", 2.0), ("https://example.com/c", 0.08)]
    var jobs: [Deferred<Int>] = []
    for (url, seconds) in urls {
        let action = startAction("job:fetch", fields: ["url": .string(url)])
        // Inside the action: the chain tracked here is written into the action's task, and DeferredContext runs
        // each callback inside the action too (later, on the reactor thread), then finishes the action.
        let job: Deferred<Int> = try action.run {
            logger.info("starting download", metadata: ["url": "\(url)"])
            let page = download(url, seconds: seconds).addTimeout(0.5, reactor: reactor)
            monitor.track(page, label: "fetch \(url.split(separator: "/").last ?? "")")
            return try DeferredContext(page)
                .addErrback(label: "retryFromCache") { failure -> String in
                    // The timeout's TimeoutError: serve the cached copy instead.
                    _ = try failure.trap(TimeoutError.self)
                    logger.warning("timed out; using the cache", metadata: ["url": "\(url)"])
                    return "<html>cached</html>"
                }
                .addCallback(label: "parse") { html -> Int in
                    guard html.hasPrefix("<html>") else { throw ParseError() }
                    return html.utf8.count
                }
                .addCallback(label: "store") { bytes -> Int in
                    logger.info("stored", metadata: ["bytes": "\(bytes)"])
                    Action.current?.addSuccessFields(["bytes": .int(bytes)])
                    return bytes
                }
                .addActionFinish()
        }
        jobs.append(job)
    }
    let all = gatherResults(jobs)
    monitor.track(all, label: "all jobs")
    all.addBoth { _ in reactor.stop() }
    reactor.run()
    if let monitorOutput {
        try monitor.dump(to: monitorOutput)
        LogDestinations.global.remove(file)
        print("wrote \(output) (actions) and \(monitorOutput) (chains)")
    } else {
        let report = monitor.stop()
        print("wrote \(output): \(report?.written ?? 0) chain lines; \(report?.lost ?? 0) lost")
    }
}

do { try runPipeline() } catch {
    print("pipeline-example: \(error)")
    exit(1)
}
