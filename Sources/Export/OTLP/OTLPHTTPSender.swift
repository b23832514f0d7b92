import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Posts spans to an OpenTelemetry collector over OTLP/HTTP (protobuf, `POST /v1/traces`), in batches, retrying
/// what OTLP says to retry (no connection, 429, 502, 503, 504, honouring `Retry-After`) and failing with the
/// collector's own answer otherwise.
public struct OTLPHTTPSender: Sendable {
    /// Why spans could not be sent.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The collector's answer to one request.
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var retryAfter: Double?
        var body: [UInt8]
    }

    public let host: String
    public let port: Int
    public let path: String
    /// Spans per request.
    public var batchSize = 1_000
    /// Attempts per request, the first included.
    public var attempts = 5
    /// The wait before the first retry, doubled after each.
    public var backoff = 0.5
    /// Seconds to wait for a connection and for an answer.
    public var timeout = 10.0

    /// A sender to `endpoint`: `http://HOST:PORT`, to which `/v1/traces` is added (a path ending in
    /// `/v1/traces` is kept as it is).
    public init(endpoint: String) throws(Failure) {
        guard endpoint.hasPrefix("http://") else {
            throw Failure(description: "--otlp-endpoint must start with http:// (got '\(endpoint)'); TLS is not supported")
        }
        var rest = endpoint.dropFirst("http://".count)
        var path = "/v1/traces"
        if let slash = rest.firstIndex(of: "/") {
            let given = String(rest[slash...]).droppingSuffix("/")
            path = given.hasSuffix("/v1/traces") ? given : given + "/v1/traces"
            rest = rest[..<slash]
        }
        var host = String(rest), port = 4318
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw Failure(description: "--otlp-endpoint has a bad port: '\(endpoint)'")
            }
            port = number
            host = String(rest[..<colon])
        }
        host = host.droppingPrefix("[").droppingSuffix("]")
        guard !host.isEmpty else { throw Failure(description: "--otlp-endpoint has no host: '\(endpoint)'") }
        self.host = host
        self.port = port
        self.path = path
    }

    /// Sends `batches`; returns how many spans the collector took.
    @discardableResult
    public func send(_ batches: [OTLPBatch], scopeVersion: String) throws(Failure) -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        var sent = 0
        for batch in batches {
            var from = 0
            while from < batch.spans.count {
                let to = min(from + batchSize, batch.spans.count)
                let part = OTLPBatch(resource: batch.resource, spans: Array(batch.spans[from..<to]))
                try post(OTLPProtobuf.request([part], scopeVersion: scopeVersion), group: group)
                sent += to - from
                from = to
            }
        }
        return sent
    }

    private func post(_ body: [UInt8], group: MultiThreadedEventLoopGroup) throws(Failure) {
        var wait = backoff
        var last = ""
        for attempt in 1...max(1, attempts) {
            do {
                let response = try request(body, group: group)
                switch response.status.code {
                case 200..<300: return
                case 429, 502, 503, 504:
                    last = "HTTP \(response.status.code) \(response.status.reasonPhrase)"
                    if let after = response.retryAfter { wait = min(max(after, wait), 30) }
                default:
                    throw Failure(description: "the collector at http://\(host):\(port)\(path) refused the spans: "
                        + "HTTP \(response.status.code) \(response.status.reasonPhrase)\(Self.text(response.body))")
                }
            } catch let failure as Failure {
                throw failure
            } catch {
                last = "\(error)"
            }
            if attempt < attempts {
                usleepSeconds(wait)
                wait *= 2
            }
        }
        throw Failure(description: "could not send spans to http://\(host):\(port)\(path) after \(attempts) attempts: \(last)")
    }

    /// What the collector said, as text (its printable part: an error body may be a protobuf `Status`).
    static func text(_ body: [UInt8]) -> String {
        let printable = String(decoding: body.filter { $0 >= 0x20 && $0 < 0x7F }, as: UTF8.self)
        let kept = printable.prefix(300)
        return kept.isEmpty ? "" : ": " + kept
    }

    private func request(_ body: [UInt8], group: MultiThreadedEventLoopGroup) throws -> Response {
        let promise = group.next().makePromise(of: Response.self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(timeout * 1e9)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseHandler(promise: promise))
                }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.connect(host: host, port: port).wait()
        } catch {
            promise.fail(error)
            throw error
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Content-Type", value: "application/x-protobuf")
        head.headers.add(name: "Content-Length", value: "\(body.count)")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timeout = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(self.timeout * 1e9))) {
            promise.fail(Failure(description: "no answer from http://\(host):\(port) within the timeout"))
        }
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        do {
            return try promise.futureResult.wait()
        } catch let failure as Failure {
            // A timeout is worth a retry, not the collector's refusal.
            throw Timeout(description: failure.description)
        }
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    private func usleepSeconds(_ seconds: Double) {
        usleep(UInt32(min(seconds, 60) * 1e6))
    }
}

/// Collects one HTTP response and completes the promise with it (or with the connection's error).
private final class ResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<OTLPHTTPSender.Response>
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<OTLPHTTPSender.Response>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body(var buffer): body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let after = head.headers.first(name: "Retry-After").flatMap(Double.init)
            promise.succeed(.init(status: head.status, retryAfter: after, body: body))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(OTLPHTTPSender.Timeout(description: "the collector closed the connection without an answer"))
    }
}

extension String {
    fileprivate func droppingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

extension String {
    fileprivate func droppingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
