import Chains
import Defer
import EventLog
import Foundation
import Monitor
import Testing
import TestSupport

/// What the monitor tells about a run beyond its callbacks: failures that were handled, where each Deferred was
/// made, and, under a test clock, durations that are the test clock's.
@Suite("The monitor's whole story")
struct MonitorStoryTests {
    struct Timeout: Error, CustomStringConvertible {
        var description: String { "fetch took too long" }
    }

    static func path(_ name: String) -> String {
        TestFixtures.scratch.appendingPathComponent("story-\(UUID().uuidString)-\(name)").path
    }

    static func load(_ monitor: JSONMonitor) throws -> (chains: [String: Chain], path: String) {
        let path = Self.path("mon.out")
        try monitor.dump(to: path)
        let log = try LogLoader().load([path])
        #expect(log.warnings.isEmpty, "\(log.warnings)")
        return (Dictionary(log.chains.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a }), path)
    }

    @Test("a failure handled on the way is 'recovered': counted, selected by --errors, not by --failed")
    func recovered() throws {
        let monitor = JSONMonitor()
        // A timeout swallowed by an errback that retries with a cached value.
        let fetch = Deferred<Int>()
        monitor.track(fetch, label: "fetch")
        fetch.addCallback(label: "download") { _ -> Int in throw Timeout() }
            .addErrback(label: "useCache") { _ in 42 }
        try fetch.callback(1)
        // Fired with a failure, handled by the first errback.
        let parse = Deferred<Int>()
        monitor.track(parse, label: "parse")
        parse.addErrback(label: "fallback") { _ in 0 }
        try parse.errback(Timeout())
        // Nothing raised.
        let store = Deferred<Int>()
        monitor.track(store, label: "store")
        store.addCallback(label: "write") { $0 + 1 }
        try store.callback(1)

        let (chains, path) = try Self.load(monitor)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let timeout = "Timeout"
        #expect(chains["fetch"]?.outcome == .recovered(exception: timeout, reason: "fetch took too long"))
        #expect(chains["parse"]?.outcome == .recovered(exception: timeout, reason: "fetch took too long"))
        #expect(chains["store"]?.outcome == .succeeded)
        #expect(chains.values.filter(\.raised).map(\.label).sorted() == ["fetch", "parse"])

        let reactortrack = BuiltProducts.url(of: "reactortrack")
        // The summary counts them apart, the short way (text) and the long way (JSON) alike.
        let text = try BuiltProducts.run(reactortrack, ["summary", path])
        #expect(text.output.contains("1 succeeded") && text.output.contains("2 recovered"), "\(text.output)")
        let json = try BuiltProducts.run(reactortrack, ["summary", "--json", path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let outcomes = try #require(object["outcomes"] as? [String: Int])
        #expect(outcomes["recovered"] == 2 && outcomes["succeeded"] == 1 && outcomes["failed"] == nil)
        // --failed: ended failed, so nothing here; --errors: where anything raised.
        let failed = try BuiltProducts.run(reactortrack, ["summary", "--failed", path])
        #expect(failed.status == 1 && failed.output.contains("nothing selected"), "\(failed.output)")
        let errors = try BuiltProducts.run(reactortrack, ["tree", "--errors", "--no-timestamps", path])
        #expect(errors.status == 0)
        #expect(errors.output.contains("fetch #1") && errors.output.contains("parse #2") && !errors.output.contains("store #3"))
        #expect(errors.output.contains("recovered from Timeout"), "\(errors.output)")
    }

    @Test("created_at is where the Deferred was made; one made before the monitor says where it was tracked")
    func creationSite() throws {
        let early = Deferred<Int>()
        let earlyLine = #line - 1
        let monitor = JSONMonitor()
        let d = Deferred<Int>()
        let madeLine = #line - 1
        // Tracked a few lines later, as a function that builds a chain and returns it would be.
        d.addCallback(label: "step") { $0 }
        monitor.track(d, label: "made")
        monitor.track(early, label: "early")
        let trackedLine = #line - 1
        try d.callback(1)
        try early.callback(2)
        let (chains, path) = try Self.load(monitor)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(chains["made"]?.createdAt == "MonitorTests/MonitorStoryTests.swift:\(madeLine)")
        #expect(chains["made"]?.trackedAt == nil)
        // Sites are recorded while any monitor exists (in a parallel test run, another test's may): where the
        // early one's was not, the log says where it was tracked instead.
        if early.base.creationSite == nil {
            #expect(chains["early"]?.createdAt == nil)
            #expect(chains["early"]?.trackedAt == "MonitorTests/MonitorStoryTests.swift:\(trackedLine)")
        } else {
            #expect(chains["early"]?.createdAt == "MonitorTests/MonitorStoryTests.swift:\(earlyLine)")
        }
    }

    @Test("under a ManualReactor the monitor's durations are the test clock's, exactly")
    func testClock() throws {
        let clock = ManualReactor()
        let monitor = JSONMonitor(clock: clock)
        let d = Deferred<Int>()
        monitor.track(d, label: "fetch")
        d.addCallback(label: "download") { _ in deferLater(clock, delay: 2) { 40 } }
            .addCallback(label: "parse") { $0 + 2 }
        clock.advance(by: 0.5)
        try d.callback(0)
        clock.advance(by: 2)
        let (chains, path) = try Self.load(monitor)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let chain = try #require(chains["fetch"])
        let start = try #require(chain.start)
        #expect(chain.firedAt.map { $0 - start } == 0.5)
        #expect(chain.waits.count == 1)
        #expect(chain.waits.first.flatMap { wait in wait.end.flatMap { end in wait.start.map { end - $0 } } } == 2)
        #expect(chain.end.map { $0 - start } == 2.5)
        #expect(chain.runs.map(\.name) == ["download", "parse"])
        #expect(chain.runs.allSatisfy { $0.start != nil && $0.start == $0.end }, "callbacks take no test-clock time")
    }

    @Test("a timeout is drawn: when it cancelled, and which pair turned the cancellation into a TimeoutError")
    func timeoutDrawn() throws {
        let clock = ManualReactor()
        let monitor = JSONMonitor(clock: clock)
        let fetch = Deferred<Int>()
        monitor.track(fetch, label: "fetch")
        fetch.addTimeout(0.3, reactor: clock).addErrback(label: "fallback") { _ in 0 }
        // (As Twisted's Clock, advance moves time first, then runs what fell due: the timeout runs at 0.3 s.)
        clock.advance(by: 0.3)
        clock.advance(by: 0.7)
        let path = Self.path("timeout.out")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try monitor.dump(to: path)
        let reactortrack = BuiltProducts.url(of: "reactortrack")
        let tree = try BuiltProducts.run(reactortrack, ["tree", "--no-timestamps", "--color", "never", path])
        #expect(tree.output.contains("⊘ cancelled +300 ms; addTimeout.convert turned it into TimeoutError"), "\(tree.output)")
        #expect(tree.output.contains("recovered from TimeoutError"))
        let svg = Self.path("timeout.svg")
        defer { try? FileManager.default.removeItem(atPath: svg) }
        #expect(try BuiltProducts.run(reactortrack, ["render", path, "-o", svg]).status == 0)
        let drawn = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(drawn.contains("⊘ cancelled +300 ms (addTimeout.convert → TimeoutError)"))
        #expect(drawn.contains("⊘→✗ TimeoutError"))
    }

    @Test("a followed chain keeps the names of pairs added before the monitor saw it, and is titled by what made it")
    func followedChains() throws {
        let clock = ManualReactor()
        let monitor = JSONMonitor(followChained: true, clock: clock)
        /// Builds a chain and returns it: its pairs are added before anything tracks it.
        func download(_ delay: Double) -> Deferred<Int> {
            let d = deferLater(clock, delay: delay) { 7 }
            return d.addCallback(label: "checkStatus") { $0 }.addCallback(label: "readBody") { $0 * 6 }
        }
        let fetch = Deferred<Int>()
        monitor.track(fetch, label: "fetch")
        fetch.addCallback(label: "start") { _ in download(2) }
        let list = deferredList([download(0.05), download(0.05)])
        monitor.track(list.base, label: "batch")
        try fetch.callback(0)
        clock.advance(by: 2)
        let (chains, path) = try Self.load(monitor)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let returned = try #require(chains["returned to fetch #1"], "\(chains.keys.sorted())")
        // deferLater's own pair (the call it makes), then the function's two: all before the monitor saw it.
        #expect(returned.pairs.map(\.callback) == ["deferLater", "checkStatus", "readBody"])
        #expect(returned.runs.map(\.name) == ["deferLater", "checkStatus", "readBody"])
        #expect(chains["member 0 of batch #2"] != nil && chains["member 1 of batch #2"] != nil, "\(chains.keys.sorted())")
        #expect(
            chains["member 0 of batch #2"]?.pairs.map(\.callback) == ["deferLater", "checkStatus", "readBody", "DeferredList[0]"])
    }

    @Test("two Deferreds waiting on each other are reported as a wait cycle when the monitor stops")
    func waitCycle() throws {
        let monitor = JSONMonitor()
        let a = Deferred<Int>()
        let b = Deferred<Int>()
        let bystander = Deferred<Int>()
        monitor.track(a, label: "a")
        monitor.track(b, label: "b")
        monitor.track(bystander, label: "waits on b")
        a.addCallback { _ in b }
        b.addCallback { _ in a }
        bystander.addCallback { _ in b }
        try a.callback(1)
        try b.callback(2)
        try bystander.callback(3)
        let (chains, path) = try Self.load(monitor)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(chains["a"]?.waitCycle == [1, 2, 1])
        #expect(chains["b"]?.waitCycle == [2, 1, 2])
        // Waiting on the cycle is not being in it.
        #expect(chains["waits on b"]?.waitCycle == nil)
        let tree = try BuiltProducts.run(BuiltProducts.url(of: "reactortrack"), ["tree", "--color", "never", path])
        #expect(tree.output.contains("⟲ stuck in a wait cycle: #1 → #2 → #1 (none can fire)"), "\(tree.output)")
    }

    @Test("a Deferred tracked after it fired keeps the pairs that ran before, with their names, marked as such")
    func trackedAfterFiring() throws {
        let monitor = JSONMonitor()
        let d = Deferred<Int>()
        d.addCallback(label: "parse") { $0 + 1 }.addCallback(label: "validate") { $0 }
        try d.callback(1)
        monitor.track(d, label: "late")
        d.addCallback(label: "store") { $0 * 2 }
        let (chains, path) = try Self.load(monitor)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let chain = try #require(chains["late"])
        #expect(chain.pairs.map(\.callback) == ["parse", "validate", "store"])
        #expect(chain.pairs.map(\.fate) == [.beforeTracking, .beforeTracking, .ran])
        #expect(chain.runs.map(\.name) == ["store"])
        let tree = try BuiltProducts.run(BuiltProducts.url(of: "reactortrack"), ["tree", "--color", "never", path])
        #expect(tree.output.contains("[0] parse / pass  ran before tracking"), "\(tree.output)")
    }
}
