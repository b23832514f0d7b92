// A service's view: swift-otel bootstrapped as the tracing backend, and the monitor's TracingMonitor emitting
// the tracked chains as spans under the service's own request span, sent to an OpenTelemetry collector.
//
//     make otel-example    # builds it (swift-otel's first build takes several minutes)
//     .build-otel/debug/otel-service-example mon.out http://127.0.0.1:4318 [protobuf|json]
//
// The same run is written to mon.out by the JSONMonitor, so `reactortrack render mon.out` draws what the
// collector received.
import Defer
import Monitor
import MonitorTracing
import OTel
import ServiceLifecycle
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Problem: Error, CustomStringConvertible {
    var description: String { "something went wrong in problem()" }
}

/// One "request": the seed's chains, under a server span of the service's own.
func handleRequest(_ monitor: JSONMonitor) async {
    await withSpan("GET /seed", ofKind: .server) { _ in
        let d = Deferred<Int?>()
        let d2 = Deferred<Int>()
        monitor.track(d, label: "d")
        monitor.track(d2, label: "d2")
        let chain = d.addCallback(label: "simpleCallback") { _ in 1 }
            .addCallback(label: "followup") { _ in 2 }
            .addCallback(label: "problem") { (_: Int) throws -> Int in throw Problem() }
            .addErrback(label: "simpleErrback") { _ in 3 }
            .chainDeferred(d2)
        d2.addCallback(label: "simpleCallback") { _ in 1 }
        chain.addCallback(label: "finished") { _ in }
        try? d.callback(nil)
        _ = try? await chain.value
    }
}

@main
struct OTelService {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let output = arguments.first ?? "otel-service.out"
        var configuration = OTel.Configuration.default
        configuration.serviceName = "otel-service-example"
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        // An endpoint set here is used as it is (swift-otel adds /v1/traces only to its default): say the path.
        let collector = arguments.dropFirst().first ?? "http://127.0.0.1:4318"
        configuration.traces.otlpExporter.endpoint = collector.hasSuffix("/v1/traces") ? collector : collector + "/v1/traces"
        // OTLP/HTTP with protobuf by default: the encoding checked against the official schema (docs/exports.md).
        configuration.traces.otlpExporter.protocol = arguments.dropFirst(2).first == "json" ? .httpJSON : .httpProtobuf
        configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(100)
        let observability = try OTel.bootstrap(configuration: configuration)
        let monitor = try JSONMonitor(streamingTo: output, followChained: true, companion: TracingMonitor())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await observability.run() }
            await handleRequest(monitor)
            monitor.stop()
            // Give the batch processor a moment to export, then shut down (which flushes what is left).
            try await Task.sleep(for: .milliseconds(500))
            group.cancelAll()
        }
        print("wrote \(output); spans sent to \(configuration.traces.otlpExporter.endpoint)")
    }
}
