// The seed program of Reactor Track, in Swift: two deferreds, a chain that fails and recovers, and
// `chainDeferred`. The original Python needed Ctrl+C to end; this one stops the reactor when the chain is done.
import Defer

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

let reactor = EventLoopReactor()
let d = Deferred<Int?>()
let d2 = Deferred<Int>()

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
