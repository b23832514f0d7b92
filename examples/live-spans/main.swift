// The seed's chains, written to mon.out by the JSONMonitor and, in the same run, emitted as live spans by its
// TracingMonitor companion through swift-distributed-tracing, to an OTLP/HTTP collector:
//
//     live-spans-example mon.out http://127.0.0.1:4318
//
// The tracer here is a small one of the example's own (OTLPTracer.swift); examples/otel-service does the same
// with swift-otel, the exporter a service would use.
import Defer
import Monitor
import MonitorTracing
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Problem: Error, CustomStringConvertible {
    var description: String { "something went wrong in problem()" }
}

func runSeed(_ monitor: JSONMonitor, reactor: EventLoopReactor) {
    let d = Deferred<Int?>()
    let d2 = Deferred<Int>()
    monitor.track(d, label: "d")
    monitor.track(d2, label: "d2")
    let chain = d.addCallback(label: "simpleCallback") { _ in
        usleep(100_000)  // stands for blocking work
        return 1
    }
    .addCallback(label: "followup") { _ in 2 }
    .addCallback(label: "problem") { (_: Int) throws -> Int in throw Problem() }
    .addErrback(label: "simpleErrback") { _ in 3 }
    .chainDeferred(d2)
    d2.addCallback(label: "simpleCallback") { _ in
        usleep(100_000)
        return 1
    }
    chain.addCallback(label: "finished") { _ in reactor.stop() }
    reactor.callLater(0.05) { try? d.callback(nil) }
}

func main() {
    let arguments = CommandLine.arguments.dropFirst()
    let output = arguments.first ?? "live.out"
    let endpoint = arguments.dropFirst().first
    let tracer: OTLPTracer
    do {
        tracer = try OTLPTracer(endpoint: endpoint, serviceName: "live-spans-example")
    } catch {
        print("bad endpoint: \(error)")
        exit(2)
    }
    InstrumentationSystem.bootstrap(tracer)
    let monitor: JSONMonitor
    do {
        monitor = try JSONMonitor(streamingTo: output, followChained: true, companion: TracingMonitor())
    } catch {
        print("could not write \(output): \(error)")
        exit(1)
    }
    let reactor = EventLoopReactor()
    runSeed(monitor, reactor: reactor)
    reactor.run()
    monitor.stop()
    tracer.forceFlush()
    print("wrote \(output); \(tracer.finishedSpans.isEmpty ? "sent" : "kept") the spans")
}

main()
