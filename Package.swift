// swift-tools-version: 6.1
import PackageDescription

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioLocks = Target.Dependency.product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

let package = Package(
    name: "reactortrack",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Defer", targets: ["Defer"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Actions", targets: ["Actions"]),
        .library(name: "Monitor", targets: ["Monitor"]),
        .library(name: "Chains", targets: ["Chains"]),
        .library(name: "Visualize", targets: ["Visualize"]),
        .library(name: "Export", targets: ["Export"]),
        .library(name: "MonitorTracing", targets: ["MonitorTracing"]),
        .executable(name: "reactortrack", targets: ["reactortrack"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
    ],
    targets: [
        // Twisted's Deferred, Failure, the reactors (SwiftNIO-backed and manual), aggregates and bridges.
        .target(name: "Defer", dependencies: [nioCore, nioPosix, nioLocks]),
        // The mon.out format (Eliot's message schema): model, encoder, tolerant streaming reader.
        .target(name: "EventLog", dependencies: [nioLocks]),
        // Eliot-style actions, messages and destinations, written through EventLog.
        .target(name: "Actions", dependencies: ["EventLog", logging, nioLocks]),
        // JSONMonitor (tracks deferreds through Defer's observer hook), DeferredContext, writeFailure.
        .target(name: "Monitor", dependencies: ["Defer", "EventLog", "Actions", "CCycleCounter", nioLocks]),
        // The CPU's cycle counter as an inline C function: the monitor's event clock.
        .target(name: "CCycleCounter"),
        // Cairo's headers (apt: libcairo2-dev) and a loader: libcairo is opened with dlopen when something is
        // drawn, not linked, so `tree` and `summary` never map it and the dozen libraries it needs.
        .target(name: "CCairo", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // Logs -> chains: the chain model, building chains from monitor tasks, plain Eliot action trees and the
        // original Reactor Track format, selections and summary statistics. Knows nothing of drawing, and never
        // depends on the Deferred runtime.
        .target(name: "Chains", dependencies: ["EventLog"]),
        // Chains -> layout values -> SVG, PNG, PDF, terminal tree and summary text.
        .target(
            name: "Visualize", dependencies: ["Chains", "EventLog", "CCairo"],
            // The HTML report's page, styles and scripts, compiled in: the command is one file and needs no
            // resource folder beside it.
            resources: ["page.html", "style.css", "data.js", "overview.js", "detail.js", "replay.js", "main.js"]
                .map { .embedInCode("Report/" + $0) }),
        // The monitor's live counterpart: tracked chains as spans through swift-distributed-tracing, to whatever
        // tracer the application bootstrapped (swift-otel for OTLP; see examples/otel-service).
        .target(
            name: "MonitorTracing",
            dependencies: [
                "Defer", "EventLog", "Monitor", nioLocks, .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]),
        // Chains -> the trace ecosystem's formats: Chrome trace (Perfetto), OpenTelemetry spans (OTLP JSON, and
        // OTLP/HTTP to a collector). Draws nothing.
        .target(name: "Export", dependencies: ["Chains", "EventLog", nioCore, nioPosix, nioHTTP1]),
        // The command: render, tree, summary, export.
        .executableTarget(
            name: "reactortrack",
            dependencies: [
                "Visualize", "Export", "Chains", "EventLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .executableTarget(name: "seed-example", dependencies: ["Defer", "Monitor"], path: "examples/seed"),
        .executableTarget(
            name: "echo-service-example", dependencies: ["Defer", "Monitor", nioCore, nioPosix],
            path: "examples/echo-service"),

        .executableTarget(
            name: "pipeline-example", dependencies: ["Actions", "Defer", "EventLog", "Monitor", logging], path: "examples/pipeline"),
        .executableTarget(
            name: "live-spans-example",
            dependencies: [
                "Defer", "Monitor", "MonitorTracing", "Export", nioLocks,
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "examples/live-spans"),
        .executableTarget(name: "stuck-service-example", dependencies: ["Defer", "Monitor"], path: "examples/stuck-service"),
        .executableTarget(
            name: "flight-recorder-example", dependencies: ["Defer", "Monitor"], path: "examples/flight-recorder"),
        .executableTarget(name: "stream-probe", dependencies: ["Actions", "Defer", "Monitor"], path: "examples/stream-probe"),

        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
        .executableTarget(
            name: "DeferBenchmarks",
            dependencies: ["Defer", "BenchmarkSupport", nioCore, .product(name: "NIOEmbedded", package: "swift-nio")],
            path: "Benchmarks/DeferBenchmarks"),
        .executableTarget(
            name: "MonitorBenchmarks",
            dependencies: [
                "Actions", "Defer", "Monitor", "MonitorTracing", "BenchmarkSupport",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            path: "Benchmarks/MonitorBenchmarks"),
        .executableTarget(name: "RenderBenchmarks", path: "Benchmarks/RenderBenchmarks"),
        .executableTarget(name: "LogGenerator", path: "Benchmarks/LogGenerator"),
        .executableTarget(
            name: "EventLogBenchmarks", dependencies: ["EventLog", "Actions", "BenchmarkSupport"],
            path: "Benchmarks/EventLogBenchmarks"),

        // What every test target shares: the fixtures in Tests/Fixtures (one copy of each log), spawning a program
        // with a time limit, and finding this build's products and Eliot's Python.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "DeferTests", dependencies: ["Defer", "EventLog", "Monitor", "TestSupport", nioCore, nioPosix, nioLocks],
            resources: [.copy("Inputs")]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "TestSupport"]),
        .testTarget(name: "ActionsTests", dependencies: ["Actions", "EventLog", "TestSupport", logging, nioLocks]),
        .testTarget(
            name: "MonitorTests", dependencies: ["Monitor", "Defer", "EventLog", "Actions", "Chains", "TestSupport"]),
        .testTarget(
            name: "ChainsTests", dependencies: ["Chains", "EventLog", "TestSupport"]),
        .testTarget(
            name: "VisualizeTests", dependencies: ["Visualize", "Chains", "EventLog", "TestSupport"],
            exclude: ["__Snapshots__"]),
        .testTarget(
            name: "MonitorTracingTests",
            dependencies: [
                "MonitorTracing", "Monitor", "Defer", "EventLog", .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Chains", "EventLog", "TestSupport"]),
        .testTarget(
            name: "ReactortrackTests", dependencies: ["reactortrack", "Chains", "Export", "Visualize", "TestSupport"], exclude: ["Oracle"]),
    ]
)

// The libFuzzer target exists only for `make fuzz` (REACTORTRACK_FUZZ=1): built with -sanitize=fuzzer it gets
// libFuzzer's main, and without it it would have none.
if Context.environment["REACTORTRACK_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(name: "reactortrack-fuzz", dependencies: ["Chains", "EventLog", "Visualize", "Export"], path: "Fuzz/ReadAndDraw"))
}

// The swift-otel example exists only for `make otel-example` (REACTORTRACK_OTEL=1): swift-otel's first build takes
// several minutes, which neither the library nor `make test` should pay.
if Context.environment["REACTORTRACK_OTEL"] != nil {
    package.dependencies += [
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ]
    package.targets.append(
        .executableTarget(
            name: "otel-service-example",
            dependencies: [
                "Defer", "Monitor", "MonitorTracing", .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "examples/otel-service"))
}

for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("InternalImportsByDefault"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
package.swiftLanguageModes = [.v6]
