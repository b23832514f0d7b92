// The seed program of Reactor Track, in Swift: two deferreds, a chain that fails and recovers, and
// `chainDeferred`, tracked by the monitor. The original Python needed Ctrl+C to end; this one stops the reactor
// when the chain is done and writes mon.out (or the path given as the first argument).
import Defer
import Monitor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Problem: Error, CustomStringConvertible {
    var description: String { "something went wrong in problem()" }
}

func simpleCallback<T>(_ result: T) -> Int {
    print("simpleCallback(\(result))")
    sleep(1)  // stands for blocking work; the monitor will show a ~1 s bar
    return 1
}

func followup(_ result: Int) -> Int {
    print("followup(\(result))")
    return 2
}

func problem(_ result: Int) throws -> Int {
    print("problem(\(result))")
    throw Problem()
}

func simpleErrback(_ failure: Failure) -> Int {
    print("simpleErrback(\(failure))")
    return 3
}

// Top-level code in main.swift is @MainActor in Swift 6; callbacks run on the reactor thread, so the program
// lives in a nonisolated function.
func runSeed() {
    let output = CommandLine.arguments.dropFirst().first ?? "mon.out"
    let reactor = EventLoopReactor()
    let monitor = JSONMonitor(followChained: true)  // the original's JSONMonitor(True)
    let d = Deferred<Int?>()
    let d2 = Deferred<Int>()
    monitor.track(d, label: "d")
    monitor.track(d2, label: "d2")

    let chain = d.addCallback(label: "simpleCallback", simpleCallback)
        .addCallback(label: "followup", followup)
        .addCallback(label: "problem", problem)
        .addErrback(label: "simpleErrback", simpleErrback)
        .chainDeferred(d2)
    d2.addCallback(label: "simpleCallback", simpleCallback)
    chain.addCallback(label: "finished") { _ in
        print("FINISHED!")
        reactor.stop()
    }

    reactor.callLater(0.1) { try? d.callback(nil) }
    reactor.run()

    do {
        try monitor.dump(to: output)
        print("wrote \(output) (\(monitor.messages.count) events)")
    } catch {
        print("could not write \(output): \(error)")
        exit(1)
    }
}

runSeed()
