import Chains
import Export
import Foundation
import Testing

/// The OTLP mapping and the sender's endpoint parsing (the encodings are checked against the official schema
/// by `Tests/OTLP/test_otlp.py`, which `make test` runs).
@Suite("OTLP")
struct OTLPTests {
    static func batches(_ name: String) throws -> [OTLPBatch] {
        let log = try LogLoader().load([ChromeTraceTests.path(name)])
        return OTLPMapping.batches(log.chains, inputs: log.inputs)
    }

    @Test("the seed: two chain spans, seven run spans, one chainDeferred link, the error on problem")
    func seed() throws {
        let spans = try #require(try Self.batches("mon.out").first).spans
        let roots = spans.filter(\.parentSpanID.isEmpty)
        #expect(roots.map(\.name).sorted() == ["d", "d2"])
        #expect(spans.count - roots.count == 7)
        #expect(roots.flatMap(\.links).count == 1)
        let d2 = try #require(roots.first { $0.name == "d2" })
        #expect(roots.first { $0.name == "d" }?.links.first?.spanID == d2.spanID)
        let failed = spans.filter { $0.status == .error }
        #expect(failed.map(\.name) == ["problem"])
        #expect(failed.first?.events.first?.name == "exception")
        // The task's UUID is the trace id.
        for root in roots {
            let uuid = try #require(root.attributes.first { $0.key == "reactortrack.task_uuid" })
            guard case .string(let text) = uuid.value else { Issue.record("not a string"); continue }
            #expect(root.traceID.map { String(format: "%02x", $0) }.joined() == text.replacingOccurrences(of: "-", with: ""))
        }
    }

    @Test("the same log gives the same ids")
    func deterministic() throws {
        let first = try Self.batches("twisted-eliot.log"), second = try Self.batches("twisted-eliot.log")
        #expect(first == second)
        let ids = first.flatMap(\.spans).map(\.spanID)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 8 && $0 != [UInt8](repeating: 0, count: 8) })
    }

    @Test("endpoints: host, port, path; and what is refused")
    func endpoints() throws {
        let plain = try OTLPHTTPSender(endpoint: "http://collector:4318")
        #expect((plain.host, plain.port, plain.path) == ("collector", 4318, "/v1/traces"))
        let pathed = try OTLPHTTPSender(endpoint: "http://127.0.0.1:9000/otlp/")
        #expect((pathed.host, pathed.port, pathed.path) == ("127.0.0.1", 9000, "/otlp/v1/traces"))
        let full = try OTLPHTTPSender(endpoint: "http://[::1]:4318/v1/traces")
        #expect((full.host, full.port, full.path) == ("::1", 4318, "/v1/traces"))
        #expect(try OTLPHTTPSender(endpoint: "http://host").port == 4318)
        #expect(throws: OTLPHTTPSender.Failure.self) { try OTLPHTTPSender(endpoint: "https://host:4318") }
        #expect(throws: OTLPHTTPSender.Failure.self) { try OTLPHTTPSender(endpoint: "http://host:99999") }
        #expect(throws: OTLPHTTPSender.Failure.self) { try OTLPHTTPSender(endpoint: "http://:4318") }
    }
}
