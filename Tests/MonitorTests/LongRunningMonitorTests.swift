import Actions
import Defer
import EventLog
import Foundation
@testable import Monitor
import NIOConcurrencyHelpers
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A FIFO in the temporary directory, opened for reading without blocking (so a writer can open it).
private func fifo() throws -> (path: String, reader: Int32) {
    let path = TestFixtures.scratch.appendingPathComponent("mon-fifo-\(UUID().uuidString)").path
    try #require(mkfifo(path, 0o600) == 0)
    let reader = open(path, O_RDONLY | O_NONBLOCK)
    try #require(reader >= 0)
    return (path, reader)
}

/// Reads what is in the FIFO now (without blocking); how many bytes.
@discardableResult
private func drain(_ reader: Int32) -> Int {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var total = 0
    while true {
        let count = read(reader, &buffer, buffer.count)
        if count <= 0 { return total }
        total += count
    }
}

/// What a monitor left on for weeks needs: its memory stays flat, its ids never wrap, and it stops in time.
@Suite("A monitor left on")
struct LongRunningMonitorTests {
    @Test("the chain table drops ended chains: it holds the live ones, not every chain ever tracked")
    func chainTableDropsEndedChains() throws {
        let monitor = JSONMonitor(bufferLimit: 10)
        let tracked = 10 * ChainTable.smallestCut
        // Three chains stay open throughout (never fired); the rest fire and are released at once.
        let open = (0..<3).map { _ in Deferred<Int>() }
        for (i, d) in open.enumerated() { monitor.track(d, label: "open \(i)") }
        for i in 0..<tracked {
            let d = Deferred<Int>()
            monitor.track(d, label: "short")
            d.addCallback { $0 + 1 }
            try d.callback(i)
        }
        let held = monitor.state.withLockedValue { $0.chains.count }
        // At most the live chains and as many ended ones as the window holds before it is cut.
        #expect(held <= open.count + 2 * ChainTable.smallestCut, "\(held) of \(tracked + open.count) chains held")
        // The chains that stayed open are still recorded, from the older table, and end when released.
        #expect(monitor.state.withLockedValue { state in (1...3).allSatisfy { state.chains[$0] != nil } })
        for d in open { d.addCallback { $0 * 2 } }
        #expect(monitor.state.withLockedValue { state in (1...3).map { state.chains[$0]?.pairsAdded } } == [1, 1, 1])
        withExtendedLifetime(open) {}
    }

    @Test("a wait cycle among long-lived chains is still found after the table was cut")
    func waitCycleAfterCut() throws {
        let monitor = JSONMonitor(followChained: true, bufferLimit: 100_000)
        let a = Deferred<Int>()
        let b = Deferred<Int>()
        monitor.track(a, label: "a")
        a.addCallback { _ in b }
        b.addCallback { _ in a }
        for i in 0..<(4 * ChainTable.smallestCut) {
            let d = Deferred<Int>()
            monitor.track(d, label: "short")
            try d.callback(i)
        }
        try a.callback(1)
        try b.callback(2)
        let cycles = monitor.state.withLockedValue { JSONMonitor.waitCycles(in: $0.chains) }
        let ids = monitor.state.withLockedValue { state in state.chains.liveIDs.filter { state.chains[$0]?.waitingOn != nil } }
        #expect(cycles.map(\.id) == ids)
        #expect(cycles.map(\.cycle.count) == [3, 3])
        withExtendedLifetime((a, b)) {}
    }

    @Test("dump(to:) checks fsync: a file that cannot be synced is an error, not a silent success")
    func dumpChecksFsync() throws {
        let (path, reader) = try fifo()
        defer {
            close(reader)
            unlink(path)
        }
        let monitor = JSONMonitor()
        let d = Deferred<Int>()
        monitor.track(d, label: "dumped")
        try d.callback(1)
        // A FIFO takes the lines, but fsync on it fails (EINVAL): the dump says so.
        #expect {
            try monitor.dump(to: path)
        } throws: { error in
            (error as? ActionError)?.code == .ioFailure && "\(error)".contains("fsync")
        }
        // The lines were written before the sync failed.
        #expect(drain(reader) > 0)
    }

    @Test("stop() has a deadline: a writer stuck on a full pipe does not hold the program")
    func stopHasDeadline() throws {
        let (path, reader) = try fifo()
        defer {
            close(reader)
            unlink(path)
        }
        let monitor = try JSONMonitor(streamingTo: path)
        // Far more than the pipe holds (64 KiB), and nobody reads it: the writer blocks.
        for i in 0..<2_000 {
            let d = Deferred<Int>()
            monitor.track(d, label: "stuck")
            d.addCallback { $0 + 1 }
            try d.callback(i)
        }
        let timeout = Duration.milliseconds(300)
        let start = ContinuousClock.now
        let report = try #require(monitor.stop(timeout: timeout))
        let waited = ContinuousClock.now - start
        #expect(waited >= timeout && waited < .seconds(10))
        #expect(report.lastError?.contains("had not finished") == true)
        // Let the writer finish: read the pipe until a stop without deadline returns.
        let finished = NIOLockedValueBox(false)
        let thread = Thread {
            monitor.stop(timeout: .seconds(60))
            finished.withLockedValue { $0 = true }
        }
        thread.start()
        let deadline = ContinuousClock.now + .seconds(60)
        while !finished.withLockedValue({ $0 }), ContinuousClock.now < deadline {
            if drain(reader) == 0 { usleep(1_000) }
        }
        #expect(finished.withLockedValue { $0 })
    }

    @Test(
        "after fork, stop() in the child returns at once and says the child has no writer",
        .disabled(
            if: TestProcess.underThreadSanitizer,
            "the sanitizer's runtime can deadlock in a child forked from a process with threads"))
    func stopInForkedChild() throws {
        let path = TestFixtures.scratch.appendingPathComponent("mon-fork-\(UUID().uuidString).out").path
        defer { unlink(path) }
        let monitor = try JSONMonitor(streamingTo: path)
        let d = Deferred<Int>()
        monitor.track(d, label: "parent's")
        let child = fork()
        try #require(child >= 0)
        if child == 0 {
            // The child: its stop must not wait for a writer thread that is not in this process.
            let report = monitor.stop(timeout: .seconds(60))
            _exit(report?.lastError == JSONMonitor.forkedChildNote ? 0 : 3)
        }
        var status: Int32 = 0
        var exited = false
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if waitpid(child, &status, WNOHANG) == child {
                exited = true
                break
            }
            usleep(10_000)
        }
        if !exited {
            kill(child, SIGKILL)
            waitpid(child, &status, 0)
        }
        #expect(exited, "stop() in the child blocked")
        #expect(exited && (status & 0x7f) == 0 && (status >> 8) & 0xff == 0, "child status \(status)")
        // The parent's monitor is untouched: it writes its chain and stops.
        try d.callback(1)
        let report = try #require(monitor.stop())
        #expect(report.lastError == nil && report.written > 0)
        withExtendedLifetime(d) {}
    }
}

extension LongRunningMonitorTests {
    @Test("chain ids are 64-bit: chains tracked past 2^31 - 1 keep ids of their own and tasks of their own")
    func chainIDsPast32Bits() throws {
        let monitor = JSONMonitor()
        let first = Int(Int32.max) - 1
        monitor.state.withLockedValue { $0.chains = ChainTable(firstID: first) }
        let deferreds = (0..<3).map { _ in Deferred<Int>() }
        for (i, d) in deferreds.enumerated() {
            monitor.track(d, label: "chain \(i)")
            d.addCallback(label: "step \(i)") { $0 + 1 }
            try d.callback(i)
        }
        #expect(deferreds.map(\.base.observerSlot) == [first, first + 1, first + 2])
        let messages = monitor.messages
        let starts = messages.filter { $0.actionType == MonitorVocabulary.deferredAction && $0.actionStatus == .started }
        #expect(starts.map { $0.fields[MonitorVocabulary.Field.deferredID]?.intValue } == [first, first + 1, first + 2])
        // Each chain's run is in its own task, with its own name.
        for (i, start) in starts.enumerated() {
            let runs = messages.filter { $0.taskUUID == start.taskUUID && $0.actionType == MonitorVocabulary.runAction }
            #expect(runs.map { $0.fields[MonitorVocabulary.Field.name]?.stringValue } == ["step \(i)", nil])
        }
        withExtendedLifetime(deferreds) {}
    }
}

/// A value of a type the fast paths do not know.
private struct User: CustomStringConvertible {
    let name: String
    var description: String { "User(name: \(name))" }
}

@Suite("The monitor's value policy")
struct ValuePolicyTests {
    /// The `output` of each run of one chain returning `values` in turn, under `policy`.
    static func outputs(_ policy: ValuePolicy) throws -> [String?] {
        let monitor = JSONMonitor(values: policy)
        let d = Deferred<Int>()
        monitor.track(d, label: "values")
        d.addCallback { $0 + 1 }
            .addCallback { _ in String(repeating: "x", count: 100) }
            .addCallback { _ in User(name: "ada") }
        try d.callback(1)
        return monitor.messages
            .filter { $0.actionType == MonitorVocabulary.runAction && $0.actionStatus == .succeeded }
            .map { $0.fields[MonitorVocabulary.Field.output]?.stringValue }
    }

    @Test("full describes every value, bounded; short names unknown types and cuts shorter; none hides them all")
    func policies() throws {
        let long = String(repeating: "x", count: 100)
        #expect(try Self.outputs(.full) == ["2", long, "User(name: ada)"])
        let short = String(repeating: "x", count: ValueDescription.shortLimit - 1) + "…"
        #expect(try Self.outputs(.short) == ["2", short, "<User>"])
        #expect(try Self.outputs(.none) == Array(repeating: ValueDescription.hidden, count: 3))
    }

    @Test("failures are written in full under every policy")
    func failuresInFull() throws {
        for policy in [ValuePolicy.full, .short, .none] {
            let monitor = JSONMonitor(values: policy)
            let d = Deferred<Int>()
            monitor.track(d, label: "fails")
            d.addCallback { _ -> Int in throw Boom() }.addErrback { _ in 0 }
            try d.callback(1)
            let failed = monitor.messages.filter { $0.actionType == MonitorVocabulary.runAction && $0.actionStatus == .failed }
            #expect(failed.count == 1)
            // The failure's type and message, as the default policy writes them.
            let expected = Failure(Boom())
            #expect(failed.first?.exceptionText == expected.typeName, "\(policy)")
            #expect(
                failed.first?.reasonText == ValueDescription.bounded(expected.errorMessage),
                "\(policy)")
        }
    }
}
