import Chains
import Export
import Foundation
import TestSupport
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
            guard case .string(let text) = uuid.value else {
                Issue.record("not a string")
                continue
            }
            #expect(
                root.traceID.map { String(format: "%02x", $0) }.joined() == text.replacingOccurrences(of: "-", with: "")
            )
        }
    }

    /// Every log kept under Tests/ (the shared `Tests/Fixtures/`, and below), that reads as one.
    static func everyLog() -> [String] {
        TestFixtures.all.filter { path in [".out", ".log", ".jsonl"].contains(where: path.hasSuffix) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The trace id, as hex, of a chain whose task has a UUID (the original format's have none).
    static func taskTrace(_ chain: Chain) -> String? {
        let hex = chain.id.prefix(36).filter { $0 != "-" }.lowercased()
        return hex.count == 32 && hex.allSatisfy(\.isHexDigit) ? hex : nil
    }

    @Test("one chain, one span; one root per trace (a chain tracked inside an action is under that action)")
    func oneSpanPerChain() throws {
        let logs = Self.everyLog()
        #expect(logs.contains { $0.hasSuffix("Fixtures/pipeline.out") })
        var checked = 0
        for path in logs {
            guard let log = try? LogLoader().load([path]) else { continue }
            checked += 1
            let name = URL(fileURLWithPath: path).lastPathComponent
            let spans = OTLPMapping.batches(log.chains, inputs: log.inputs).flatMap(\.spans)
            var roots: [[UInt8]: [String]] = [:]
            for span in spans where span.parentSpanID.isEmpty { roots[span.traceID, default: []].append(span.name) }
            let traces = Set(spans.map(\.traceID))
            for trace in traces {
                #expect(roots[trace]?.count == 1, "\(name): trace \(Self.hex(trace)) has roots \(roots[trace] ?? [])")
            }
            // Each chain the log has is one span, named after it, at its start; in its task's trace.
            for chain in log.chains where chain.isDeferred {
                let id = chain.deferredID ?? -1
                let same = spans.filter { span in
                    (span.name == chain.label || span.name == chain.title)
                        && (Self.taskTrace(chain).map { $0 == Self.hex(span.traceID) } ?? true)
                        && span.attributes.contains {
                            $0 == .init("reactortrack.deferred_id", .int(id))
                                || $0 == .init("deferred_id", .string("\(id)"))
                        }
                }
                #expect(same.count == 1, "\(name): \(same.count) spans for the chain \(chain.title)")
            }
        }
        #expect(checked >= 15)
    }

    @Test("pipeline.out: each job's chain is one span under its job:fetch action, in the job's trace")
    func chainsInsideActions() throws {
        let path = TestFixtures.path("pipeline.out")
        let log = try LogLoader().load([path])
        let spans = OTLPMapping.batches(log.chains, inputs: log.inputs).flatMap(\.spans)
        let jobs = log.chains.filter { !$0.isDeferred && $0.label == "job:fetch" }
        let nested = log.chains.filter { chain in chain.isDeferred && jobs.contains { chain.id.hasPrefix($0.id + "/") }
        }
        #expect(jobs.count == 3 && nested.count == 3)
        for job in jobs {
            let trace = try #require(Self.taskTrace(job))
            let inTrace = spans.filter { Self.hex($0.traceID) == trace }
            let root = try #require(inTrace.first { $0.parentSpanID.isEmpty })
            #expect(inTrace.filter(\.parentSpanID.isEmpty).count == 1)
            #expect(root.name == "job:fetch")
            let chain = try #require(nested.first { $0.id.hasPrefix(job.id + "/") })
            let chainSpans = inTrace.filter { $0.name == chain.label || $0.name == chain.title }
            #expect(chainSpans.count == 1)
            let span = try #require(chainSpans.first)
            #expect(span.parentSpanID == root.spanID)
            #expect(span.attributes.contains(.init("reactortrack.task_uuid", .string(job.id))))
            // Its runs are its children.
            #expect(inTrace.filter { $0.parentSpanID == span.spanID }.count == chain.runs.count + chain.waits.count)
        }
    }

    @Test("the same log gives the same ids")
    func deterministic() throws {
        let first = try Self.batches("twisted-eliot.log")
        let second = try Self.batches("twisted-eliot.log")
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
