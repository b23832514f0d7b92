import Foundation
import TestSupport
import Testing

/// A collector is a peer on the network: whatever it answers (absurd `Retry-After` values, an endless body, an
/// escape sequence in its status line, silence, waits without end) ends the send cleanly, in bounded time and
/// memory, and nothing it says reaches the terminal raw.
@Suite("A hostile collector")
struct HostileCollectorTests {
    static let seed = CommandRunner.input("mon.out")

    @Test(
        "a Retry-After that is not a delay or a date is ignored: the sender's own backoff is used",
        arguments: ["nan", "1e300", "-1", "inf", "1.5", "0x10", "Sun, 06 Nov -2147483648 08:49:37 GMT",
            "Sun, 06 Nov 1994 99:99:99 GMT", "Sun, 99 Nov 1994 08:49:37 GMT"])
    func invalidRetryAfter(value: String) throws {
        let collector = try LoopbackCollector(script: [.init(status: 503, retryAfter: value)])
        defer { collector.stop() }
        let result = try CommandRunner.run(["export", Self.seed, "--otlp-endpoint", collector.endpoint], timeLimit: 30)
        #expect(!result.signaled, "\(result.stderr)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(collector.requests.count == 2)
        let retry = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        // The sender's first backoff, not the collector's: the value was not read as a wait.
        #expect(retry.hasPrefix("retrying in 0.5 s (attempt 2 of 5)"), "\(result.stderr)")
        #expect(!retry.contains("Retry-After"), "\(retry)")
    }

    @Test(
        "a Retry-After too long to honour ends the send with a message, whatever its size",
        arguments: ["400", "99999999999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
    func hugeRetryAfter(value: String) throws {
        let collector = try LoopbackCollector(script: [.init(status: 429, retryAfter: value)])
        defer { collector.stop() }
        let result = try CommandRunner.run(["export", Self.seed, "--otlp-endpoint", collector.endpoint], timeLimit: 30)
        #expect(!result.signaled, "\(result.stderr)")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(collector.requests.count == 1)
        #expect(result.stderr.contains("(Retry-After)"), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("reactortrack: error: could not send spans to"), "\(result.stderr)")
    }

    @Test("an endless answer is read up to a bound: the spans count as sent, memory stays small")
    func endlessBody() throws {
        let collector = try LoopbackCollector(script: [.init(status: 200, body: .endless)])
        defer { collector.stop() }
        let result = try CommandRunner.run(
            ["export", Self.seed, "--otlp-endpoint", collector.endpoint], timeLimit: 30)
        #expect(!result.signaled, "\(result.stderr)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(collector.requests.count == 1)
        #expect(result.stderr.hasPrefix("sent "), "\(result.stderr)")
    }

    @Test("a collector that asks to wait again and again is given up at --otlp-timeout, with the reason")
    func deadlineOnRetries() throws {
        let collector = try LoopbackCollector(script: Array(repeating: .init(status: 503, retryAfter: "1"), count: 5))
        defer { collector.stop() }
        let started = Date()
        let result = try CommandRunner.run(
            ["export", Self.seed, "--otlp-endpoint", collector.endpoint, "--otlp-timeout", "1.5"], timeLimit: 30)
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 1, "\(result.stderr)")
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.contains("within 1.5 s (--otlp-timeout)"), "\(result.stderr)")
        #expect(last.contains("HTTP 503"), "\(last)")
        // One wait of 1 s fits in 1.5 s; the second would not, so it is not begun.
        #expect(collector.requests.count == 2)
        #expect(elapsed < 4, "took \(elapsed) s")
    }

    @Test("a collector that never answers is given up at --otlp-timeout, shorter than the wait for an answer")
    func deadlineOnSilence() throws {
        let deaf = try LoopbackCollector(answers: false)
        defer { deaf.stop() }
        let started = Date()
        let result = try CommandRunner.run(
            ["export", Self.seed, "--otlp-endpoint", deaf.endpoint, "--otlp-timeout", "1"], timeLimit: 30)
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("no answer from \(deaf.endpoint)/v1/traces within 1 s"), "\(result.stderr)")
        #expect(elapsed < 4, "took \(elapsed) s")
    }

    @Test("--otlp-timeout must be a positive number of seconds, and only applies when sending")
    func timeoutOption() throws {
        for value in ["0", "-1", "nan", "inf", "soon"] {
            let result = try CommandRunner.run(["export", Self.seed, "--otlp-timeout", value, "--format", "otlp"])
            #expect(result.status == 2, "\(value): \(result.stderr)")
        }
        let file = try CommandRunner.run(
            ["export", Self.seed, "--otlp-timeout", "5", "-o", CommandRunner.temporaryPath("t.json")])
        #expect(file.status == 2)
        #expect(file.stderr.contains("--otlp-timeout applies only when sending"), "\(file.stderr)")
    }

    @Test("a status line holding escape sequences reaches standard error escaped")
    func hostileReason() throws {
        let collector = try LoopbackCollector(script: [
            .init(status: 503, retryAfter: "0", reason: "Busy \u{1B}]0;owned\u{07}\u{1B}[2J"),
            .init(status: 400, reason: "No \u{1B}[31mway"),
        ])
        defer { collector.stop() }
        let result = try CommandRunner.run(["export", Self.seed, "--otlp-endpoint", collector.endpoint], timeLimit: 30)
        #expect(!result.signaled)
        // Whether the HTTP parser takes such a line or refuses the answer, the retry lines say something.
        #expect(result.stderr.contains("retrying in"), "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(result.stderr)")
    }
}
