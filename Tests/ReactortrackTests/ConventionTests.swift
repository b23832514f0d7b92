import Foundation
import Testing

/// The command line's conventions (issue #21), end to end against the built binary: `-o -`, options that do not
/// apply, one "Usage:", and OTLP as the OpenTelemetry SDKs do it.
@Suite("command-line conventions")
struct ConventionTests {
    static let seed = CommandRunner.input("mon.out")

    @Test("export -o - writes to standard output what -o FILE writes to the file", arguments: ["chrome", "otlp-json"])
    func exportToStandardOutput(format: String) throws {
        let file = CommandRunner.temporaryPath("export.\(format)")
        let written = try CommandRunner.run(["export", Self.seed, "--format", format, "-o", file])
        #expect(written.status == 0, "\(written.stderr)")
        let piped = try CommandRunner.run(["export", Self.seed, "--format", format, "-o", "-"])
        #expect(piped.status == 0, "\(piped.stderr)")
        let expected = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!expected.isEmpty)
        #expect(piped.stdout == expected)
        #expect(!piped.stderr.contains("wrote -"))
    }

    @Test(
        "an option that does not apply is a usage error, named in the message",
        arguments: [
            (["export", "--format", "chrome", "--otlp-endpoint", "http://127.0.0.1:4318"], "--otlp-endpoint"),
            (["export", "--format", "otlp-json", "--otlp-endpoint", "http://127.0.0.1:4318"], "--otlp-endpoint"),
            (["export", "--otlp-header", "authorization=x"], "--otlp-header"),
            (["export", "--format", "otlp", "-o", "spans.bin"], "--output"),
            (["render", "-o", "REPORT.html", "--scale", "2"], "--scale"),
            (["render", "-o", "REPORT.html", "--sort", "start"], "--sort"),
            (["render", "-o", "REPORT.html", "--view", "overview"], "--view"),
            (["render", "-o", "REPORT.svg", "--scale", "2"], "--scale"),
        ])
    func inapplicable(arguments: [String], option: String) throws {
        let output = CommandRunner.temporaryPath("report")
        let args =
            [arguments[0], Self.seed]
            + arguments.dropFirst().map { $0.replacingOccurrences(of: "REPORT", with: output) }
        let result = try CommandRunner.run(args)
        #expect(result.status == 2, "\(args): \(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: ") && result.stderr.contains(option), "\(result.stderr)")
        for ext in [".html", ".svg"] { #expect(!FileManager.default.fileExists(atPath: output + ext)) }
    }

    @Test("options that apply still work: --view and --sort with .svg, --scale with .png")
    func applicable() throws {
        let svg = CommandRunner.temporaryPath("overview.svg")
        let png = CommandRunner.temporaryPath("chain.png")
        let overview = try CommandRunner.run(["render", Self.seed, "--view", "overview", "--sort", "start", "-o", svg])
        #expect(overview.status == 0, "\(overview.stderr)")
        let scaled = try CommandRunner.run(["render", Self.seed, "--scale", "2", "-o", png])
        #expect(scaled.status == 0, "\(scaled.stderr)")
    }

    @Test("render --title titles the SVG page and the HTML report", arguments: ["svg", "html"])
    func title(format: String) throws {
        let output = CommandRunner.temporaryPath("titled.\(format)")
        let result = try CommandRunner.run(["render", Self.seed, "--title", "Nightly <run> 42", "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("<title>Nightly &lt;run&gt; 42</title>"), "no title in the \(format)")
        #expect(try CommandRunner.run(["render", Self.seed, "--title", " ", "-o", output]).status == 2)
    }

    @Test(
        "a usage error prints Usage: once",
        arguments: [["render", "--no-such-option"], ["summary"], ["render", "-o", "x.gif"]])
    func usageOnce(arguments: [String]) throws {
        let result = try CommandRunner.run(arguments + (arguments == ["summary"] ? [] : [Self.seed]))
        #expect(result.status == 2)
        #expect(result.stderr.components(separatedBy: "Usage:").count - 1 == 1, "\(result.stderr)")
    }

    @Test("OTEL_EXPORTER_OTLP_ENDPOINT and _HEADERS: --format otlp sends there, and --otlp-header wins")
    func environment() throws {
        let collector = try LoopbackCollector()
        defer { collector.stop() }
        let result = try CommandRunner.run(
            ["export", Self.seed, "--format", "otlp", "--otlp-header", "x-team=b"],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint + "/base/",
                "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%20cret%2C1, x-team=a", "OTEL_EXPORTER_OTLP_TIMEOUT": "5000",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let request = try #require(collector.requests.first)
        #expect(request.path == "/base/v1/traces")
        #expect(request.headers["api-key"] == "s cret,1")
        #expect(request.headers["x-team"] == "b")
        #expect(request.headers["content-type"] == "application/x-protobuf")
        #expect(request.bodyLength > 100)
        #expect(result.stderr.contains("sent 9 spans to \(collector.endpoint)/base/v1/traces"))
    }

    @Test("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as it is, and --otlp-endpoint wins over the environment")
    func tracesEndpoint() throws {
        let collector = try LoopbackCollector()
        defer { collector.stop() }
        let closed = "http://127.0.0.1:\(try LoopbackCollector.closedPort())"
        let exact = try CommandRunner.run(
            ["export", Self.seed, "--format", "otlp"],
            environment: [
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": collector.endpoint + "/custom",
                "OTEL_EXPORTER_OTLP_ENDPOINT": closed,
            ])
        #expect(exact.status == 0, "\(exact.stderr)")
        let explicit = try CommandRunner.run(
            ["export", Self.seed, "--otlp-endpoint", collector.endpoint],
            environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": closed + "/v1/traces"])
        #expect(explicit.status == 0, "\(explicit.stderr)")
        #expect(collector.requests.map(\.path) == ["/custom", "/v1/traces"])
    }

    @Test("every wait is the collector's Retry-After, each retry is said with its reason, attempts are counted")
    func retryAfter() throws {
        // Asked to wait 0 s three times: the sender's own backoff would be 0.5 + 1 + 2 s.
        let collector = try LoopbackCollector(script: [
            .init(status: 503, retryAfter: "0"), .init(status: 429, retryAfter: "0"),
            .init(status: 503, retryAfter: "0"),
        ])
        defer { collector.stop() }
        let started = Date()
        let result = try CommandRunner.run(["export", Self.seed, "--otlp-endpoint", collector.endpoint])
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(collector.requests.count == 4)
        let retries = result.stderr.split(separator: "\n").filter { $0.hasPrefix("retrying in 0 s") }
        #expect(retries.count == 3, "\(result.stderr)")
        #expect(retries.first?.contains("(attempt 2 of 5)") == true)
        #expect(retries.allSatisfy { $0.contains("HTTP 503") || $0.contains("HTTP 429") })
        #expect(retries.allSatisfy { $0.contains("Retry-After") })
        #expect(elapsed < 2.5, "waited \(elapsed) s")
    }

    @Test("when every attempt is answered 503, the error counts 5 attempts and 4 retries")
    func givingUp() throws {
        let collector = try LoopbackCollector(script: Array(repeating: .init(status: 503, retryAfter: "0"), count: 5))
        defer { collector.stop() }
        let result = try CommandRunner.run(["export", Self.seed, "--otlp-endpoint", collector.endpoint])
        #expect(result.status == 1)
        #expect(collector.requests.count == 5)
        #expect(result.stderr.components(separatedBy: "retrying in").count - 1 == 4)
        #expect(result.stderr.contains("gave up after 5 attempts (4 retries)"), "\(result.stderr)")
    }

    @Test("OTEL_EXPORTER_OTLP_TIMEOUT (ms) bounds the wait for an answer; a bad value is said and left out")
    func timeout() throws {
        let deaf = try LoopbackCollector(answers: false)
        defer { deaf.stop() }
        let result = try CommandRunner.run(
            ["export", Self.seed, "--otlp-endpoint", deaf.endpoint], environment: ["OTEL_EXPORTER_OTLP_TIMEOUT": "300"])
        #expect(result.status == 1)
        let retry = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(retry == "retrying in 0.5 s (attempt 2 of 5): no answer from \(deaf.endpoint)/v1/traces within 0.3 s")
        let collector = try LoopbackCollector()
        defer { collector.stop() }
        let bad = try CommandRunner.run(
            ["export", Self.seed, "--format", "otlp", "--otlp-endpoint", collector.endpoint],
            environment: ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "soon", "OTEL_EXPORTER_OTLP_HEADERS": "novalue"])
        #expect(bad.status == 0, "\(bad.stderr)")
        #expect(bad.stderr.contains("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: ignoring 'soon'"), "\(bad.stderr)")
        #expect(bad.stderr.contains("OTEL_EXPORTER_OTLP_HEADERS: ignoring a header"), "\(bad.stderr)")
    }

    @Test("a refused connection is said in words, without the library's text")
    func refused() throws {
        let port = try LoopbackCollector.closedPort()
        let result = try CommandRunner.run(["export", Self.seed, "--otlp-endpoint", "http://127.0.0.1:\(port)"])
        #expect(result.status == 1)
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("reactortrack: error: could not send spans to http://127.0.0.1:\(port)/v1/traces"))
        #expect(last.contains("connection refused: nothing is listening at 127.0.0.1:\(port)"), "\(last)")
        #expect(last.contains("gave up after 5 attempts (4 retries)"))
        #expect(result.stderr.components(separatedBy: "retrying in").count - 1 == 4)
        for text in ["NIOConnectionError", "SingleConnectionFailure", "errno", "IOError", "cannot write"] {
            #expect(!result.stderr.contains(text), "\(text) in \(result.stderr)")
        }
    }
}
