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
/// what OTLP says to retry (no connection, no answer, 429, 502, 503, 504), waiting as `Retry-After` says whenever
/// the collector sends it, and failing with the collector's own answer otherwise.
public struct OTLPHTTPSender: Sendable {
    /// Why spans could not be sent, in words (never a library's internal description).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String

        /// A failure saying `description`.
        public init(description: String) { self.description = description }
    }

    /// A request header (`--otlp-header`, `OTEL_EXPORTER_OTLP_HEADERS`): an HTTP token as its name, a value
    /// without line breaks.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        /// The headers the sender writes itself; the others (`User-Agent`, `Authorization`, ...) may be set.
        public static let reserved: Set<String> = ["content-length", "content-type", "connection", "host"]

        /// A header, refused when the name is not an HTTP token, is one the sender writes, or the value holds a
        /// control character (a line break would start another header).
        public init(name: String, value: String) throws(Failure) {
            let token = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
            guard !name.isEmpty, name.allSatisfy({ token.contains($0) }) else {
                throw Failure(description: "'\(name)' is not a header name")
            }
            guard !Self.reserved.contains(name.lowercased()) else {
                throw Failure(description: "the header \(name) is set by the sender")
            }
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
                throw Failure(description: "the value of the header \(name) holds a control character")
            }
            self.name = name
            self.value = value
        }
    }

    /// A retry about to happen: which attempt failed, why, and how long the sender waits before the next.
    public struct Retry: Sendable, Hashable, CustomStringConvertible {
        /// The attempt that failed (1 for the first request).
        public var attempt: Int
        /// The most attempts per request.
        public var attempts: Int
        /// Seconds before the next attempt.
        public var wait: Double
        /// Whether the wait is the collector's `Retry-After` (else the sender's own backoff).
        public var askedByCollector: Bool
        /// Why the attempt failed.
        public var reason: String

        /// `retrying in 1 s (attempt 2 of 5): the collector answered HTTP 503 Service Unavailable, Retry-After 1 s`.
        public var description: String {
            let after = askedByCollector ? " and asked to wait \(Self.seconds(wait)) (Retry-After)" : ""
            return "retrying in \(Self.seconds(wait)) (attempt \(attempt + 1) of \(attempts)): \(reason)\(after)"
        }

        static func seconds(_ value: Double) -> String {
            // Said, never trusted: whatever a collector asked for prints without trapping.
            guard value.isFinite, value < 1e9 else { return value.isNaN ? "? s" : "more than 1e9 s" }
            let rounded = (value * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int(rounded)) s" : "\(rounded) s"
        }
    }

    /// What the collector took of the spans sent.
    public struct Outcome: Sendable, Hashable {
        /// Spans in the requests the collector accepted.
        public var sent = 0
        /// Of those, the spans it said it rejected (OTLP's partial success).
        public var rejected = 0
        /// What it said of them, once each.
        public var messages: [String] = []
        /// The spans the collector took.
        public var accepted: Int { sent - rejected }
    }

    /// The collector's answer to one request.
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var retryAfter: String?
        var body: [UInt8]
    }

    public let host: String
    public let port: Int
    public let path: String
    /// Headers added to every request.
    public var headers: [Header] = []
    /// Spans per request.
    public var batchSize = 1_000
    /// Attempts per request, the first included (so `attempts - 1` retries at most).
    public var attempts = 5
    /// The wait before the first retry the collector gives no `Retry-After` for, doubled after each.
    public var backoff = 0.5
    /// Seconds to wait for a connection and for an answer (`OTEL_EXPORTER_OTLP_TIMEOUT`).
    public var timeout = 10.0
    /// Seconds the whole send may take, every batch, retry and wait included (`--otlp-timeout`): a collector
    /// that is slow, silent or asks again and again to wait cannot hold the command past it.
    public var deadline = 60.0
    /// The most bytes of a collector's answer that are read: an answer that goes on is cut there (a
    /// collector's answer is a few bytes of protobuf, or a short error).
    public var maxResponseBytes = 1 << 16
    /// The longest `Retry-After` honoured, in seconds: a collector asking for more ends the send.
    public var maxWait = 300.0

    /// The URL the spans are posted to.
    public var url: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(path)" }

    /// How an endpoint's path becomes the path posted to.
    private enum PathRule {
        /// `--otlp-endpoint`: `/v1/traces` added, unless the path already ends in it.
        case added
        /// `OTEL_EXPORTER_OTLP_ENDPOINT`, a base URL: `/v1/traces` always added (the OpenTelemetry rule).
        case appended
        /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: the URL as it is.
        case exact
    }

    /// A sender to `endpoint` as `--otlp-endpoint` takes it: `http://HOST:PORT[/PATH]`, to which `/v1/traces` is
    /// added (a path already ending in `/v1/traces` is kept).
    public init(endpoint: String) throws(Failure) {
        (host, port, path) = try Self.parse(endpoint, .added)
    }

    /// A sender to the base URL `base` (`OTEL_EXPORTER_OTLP_ENDPOINT`): `/v1/traces` is appended to its path.
    public init(baseEndpoint base: String) throws(Failure) {
        (host, port, path) = try Self.parse(base, .appended)
    }

    /// A sender to `url` used as it is (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): no path is added.
    public init(tracesEndpoint url: String) throws(Failure) {
        (host, port, path) = try Self.parse(url, .exact)
    }

    private static func parse(_ endpoint: String, _ rule: PathRule) throws(Failure) -> (String, Int, String) {
        guard endpoint.hasPrefix("http://") else {
            throw Failure(description: "must start with http:// (got '\(endpoint)'); TLS is not supported")
        }
        var rest = endpoint.dropFirst("http://".count)
        var path = rule == .exact ? "/" : "/v1/traces"
        if let slash = rest.firstIndex(of: "/") {
            let given = String(rest[slash...])
            let trimmed = given.droppingSuffix("/")
            switch rule {
            case .added: path = trimmed.hasSuffix("/v1/traces") ? trimmed : trimmed + "/v1/traces"
            case .appended: path = trimmed + "/v1/traces"
            case .exact: path = given
            }
            rest = rest[..<slash]
        }
        var host = String(rest)
        var port = 4318
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw Failure(description: "has a bad port: '\(endpoint)'")
            }
            port = number
            host = String(rest[..<colon])
        }
        host = host.droppingPrefix("[").droppingSuffix("]")
        guard !host.isEmpty else { throw Failure(description: "has no host: '\(endpoint)'") }
        return (host, port, path)
    }

    /// Sends `batches`; returns what the collector took (it may reject some spans of a request it accepts).
    ///
    /// - Parameter retrying: Told of each retry before its wait (the command says it on standard error).
    /// - Throws: ``Failure`` when the collector refuses the spans, or every attempt of a request failed; it says
    ///   how many spans were sent before.
    @discardableResult
    public func send(_ batches: [OTLPBatch], scopeVersion: String, retrying: (Retry) -> Void = { _ in })
        throws(Failure) -> Outcome
    {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let end = Self.monotonicNow() + deadline
        let total = batches.reduce(0) { $0 + $1.spans.count }
        var outcome = Outcome()
        for batch in batches {
            var from = 0
            while from < batch.spans.count {
                let to = min(from + max(1, batchSize), batch.spans.count)
                let part = OTLPBatch(resource: batch.resource, spans: Array(batch.spans[from..<to]))
                let answer: [UInt8]
                do {
                    answer = try post(
                        OTLPProtobuf.request([part], scopeVersion: scopeVersion), version: scopeVersion, group: group,
                        end: end, retrying: retrying)
                } catch {
                    let sent = outcome.sent
                    let before = sent == 0 ? "" : " (\(sent) of \(total) spans were sent before)"
                    throw Failure(description: error.description + before)
                }
                outcome.sent += to - from
                if let partial = Self.partialSuccess(answer) {
                    outcome.rejected += min(partial.rejected, to - from)
                    if !partial.message.isEmpty, !outcome.messages.contains(partial.message) {
                        outcome.messages.append(partial.message)
                    }
                }
                from = to
            }
        }
        return outcome
    }

    /// The `partial_success` of an `ExportTraceServiceResponse` (field 1: `rejected_spans` = 1, `error_message` =
    /// 2), or `nil` when there is none (or the body is not that message).
    static func partialSuccess(_ body: [UInt8]) -> (rejected: Int, message: String)? {
        /// The fields of a message: number, varint value or bytes.
        func fields(_ bytes: ArraySlice<UInt8>) -> [(Int, UInt64, ArraySlice<UInt8>)]? {
            var rest = bytes
            var out: [(Int, UInt64, ArraySlice<UInt8>)] = []
            func varint() -> UInt64? {
                var value: UInt64 = 0
                var shift: UInt64 = 0
                while let byte = rest.popFirst(), shift < 64 {
                    value |= UInt64(byte & 0x7F) << shift
                    if byte < 0x80 { return value }
                    shift += 7
                }
                return nil
            }
            while !rest.isEmpty {
                guard let key = varint() else { return nil }
                switch key & 7 {
                case 0:
                    guard let value = varint() else { return nil }
                    out.append((Int(key >> 3), value, []))
                case 1, 5:
                    let size = key & 7 == 1 ? 8 : 4
                    guard rest.count >= size else { return nil }
                    rest = rest.dropFirst(size)
                case 2:
                    guard let length = varint(), length <= rest.count else { return nil }
                    out.append((Int(key >> 3), 0, rest.prefix(Int(length))))
                    rest = rest.dropFirst(Int(length))
                default: return nil
                }
            }
            return out
        }
        guard let top = fields(body[...]), let partial = top.first(where: { $0.0 == 1 }), let inner = fields(partial.2)
        else { return nil }
        let rejected = inner.first { $0.0 == 1 }.map { Int(truncatingIfNeeded: Int64(bitPattern: $0.1)) } ?? 0
        let message = inner.first { $0.0 == 2 }.map { String(decoding: $0.2, as: UTF8.self) } ?? ""
        guard rejected > 0 || !message.isEmpty else { return nil }
        return (max(0, rejected), message)
    }

    /// Posts one request, retrying; returns the collector's answer.
    private func post(
        _ body: [UInt8], version: String, group: MultiThreadedEventLoopGroup, end: Double, retrying: (Retry) -> Void
    ) throws(Failure) -> [UInt8] {
        let attempts = max(1, self.attempts)
        var backoff = self.backoff
        var lastReason: String?
        func pastDeadline() -> Failure {
            let why = lastReason.map { ": \($0)" } ?? ""
            return Failure(
                description: "could not send spans to \(url) within \(Retry.seconds(deadline)) (--otlp-timeout)\(why)")
        }
        for attempt in 1...attempts {
            let reason: String
            var asked: Double?
            let left = end - Self.monotonicNow()
            guard left > 0 else { throw pastDeadline() }
            do {
                let response = try request(body, version: version, group: group, limit: min(timeout, left))
                switch response.status.code {
                case 200..<300: return response.body
                case 429, 502, 503, 504:
                    reason = "the collector answered HTTP \(response.status.code) \(Self.phrase(response.status))"
                    asked = response.retryAfter.flatMap { Self.retryAfter($0, now: Self.now()) }
                default:
                    throw Failure(
                        description: "the collector at \(url) refused the spans: "
                            + "HTTP \(response.status.code) \(Self.phrase(response.status))\(Self.text(response.body))")
                }
            } catch let failure as Failure {
                throw failure
            } catch {
                reason = describe(error)
            }
            lastReason = reason
            guard attempt < attempts else {
                let retries = attempts - 1
                let count = retries == 0 ? "1 attempt, no retry" : "\(attempts) attempts (\(retries) retries)"
                throw Failure(description: "could not send spans to \(url): \(reason); gave up after \(count)")
            }
            let wait: Double
            if let asked {
                guard asked <= maxWait else {
                    throw Failure(
                        description: "could not send spans to \(url): \(reason) and asked to wait "
                            + "\(Retry.seconds(asked)) (Retry-After), longer than the \(Retry.seconds(maxWait)) this waits"
                    )
                }
                wait = asked
            } else {
                wait = backoff
                backoff *= 2
            }
            guard Self.monotonicNow() + wait < end else {
                let after = asked.map { " and asked to wait \(Retry.seconds($0)) (Retry-After)" } ?? ""
                lastReason = reason + after
                throw pastDeadline()
            }
            retrying(
                Retry(attempt: attempt, attempts: attempts, wait: wait, askedByCollector: asked != nil, reason: reason))
            Self.sleep(wait)
        }
        preconditionFailure("the last attempt returns or throws")
    }

    /// The longest wait a `Retry-After` value is read as: anything longer is this, and refused as too long.
    static let retryAfterCap = 1e9

    /// The seconds a `Retry-After` value asks for: delay-seconds (digits only), or an HTTP date (RFC 9110
    /// 10.2.3); `nil` for anything else (`nan`, `-1`, `1e300`, a date out of range), and never more than
    /// ``retryAfterCap``.
    static func retryAfter(_ value: String, now: Double) -> Double? {
        let text = value.trimmingSpaces
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // As many digits as it likes: a number too large for a Double is still just "too long".
            return text.utf8.count > 9 ? retryAfterCap : Double(text) ?? retryAfterCap
        }
        // IMF-fixdate, the one form a sender may write: `Sun, 06 Nov 1994 08:49:37 GMT`.
        let words = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard words.count == 6, words[0].hasSuffix(","), words[5] == "GMT", let day = Int32(words[1]),
            let month = months.firstIndex(of: String(words[2])), let year = Int32(words[3]),
            (1...31).contains(day), (1970...9999).contains(year)
        else { return nil }
        let clock = words[4].split(separator: ":").compactMap { Int32($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        var parts = tm()
        (parts.tm_year, parts.tm_mon, parts.tm_mday) = (year - 1900, Int32(month), day)
        (parts.tm_hour, parts.tm_min, parts.tm_sec) = (clock[0], clock[1], clock[2])
        return min(retryAfterCap, max(0, Double(timegm(&parts)) - now))
    }

    /// Seconds on a clock that only goes forward (for the deadline).
    static func monotonicNow() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// A connection failure in words: refused, unresolved, timed out, or the system's reason.
    func describe(_ error: any Error) -> String {
        let place = "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        switch error {
        case let failure as Timeout: return failure.description
        case let connection as NIOConnectionError:
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return "cannot resolve the host name '\(host)'"
            }
            if let first = connection.connectionErrors.first { return describe(first.error) }
            return "cannot connect to \(place)"
        case let io as IOError:
            if io.errnoCode == ECONNREFUSED { return "connection refused: nothing is listening at \(place)" }
            return "cannot connect to \(place): \(String(cString: strerror(io.errnoCode)))"
        case ChannelError.connectTimeout:
            return "no connection to \(place) within \(Retry.seconds(timeout))"
        default:
            return "the connection to \(place) failed"
        }
    }

    /// A status line's reason phrase as the collector sent it: printable ASCII only, at most 80 characters.
    static func phrase(_ status: HTTPResponseStatus) -> String {
        let printable = status.reasonPhrase.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }
        return String(String.UnicodeScalarView(printable.prefix(80)))
    }

    /// What the collector said, as text (its printable part: an error body may be a protobuf `Status`).
    static func text(_ body: [UInt8]) -> String {
        let printable = String(decoding: body.filter { $0 >= 0x20 && $0 < 0x7F }, as: UTF8.self)
        let kept = printable.prefix(300)
        return kept.isEmpty ? "" : ": " + kept
    }

    /// One attempt, waiting at most `limit` seconds for the connection and for the answer.
    private func request(_ body: [UInt8], version: String, group: MultiThreadedEventLoopGroup, limit: Double) throws
        -> Response
    {
        let promise = group.next().makePromise(of: Response.self)
        let maxBytes = maxResponseBytes
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(limit * 1e9)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseHandler(promise: promise, limit: maxBytes))
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
        head.headers.add(name: "Host", value: "\(host.contains(":") ? "[\(host)]" : host):\(port)")
        head.headers.add(name: "User-Agent", value: "reactortrack/\(version)")
        for header in headers { head.headers.replaceOrAdd(name: header.name, value: header.value) }
        head.headers.add(name: "Content-Type", value: "application/x-protobuf")
        head.headers.add(name: "Content-Length", value: "\(body.count)")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let seconds = Retry.seconds(limit)
        let url = self.url
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(limit * 1e9))) {
            // A timeout is worth a retry, not the collector's refusal.
            promise.fail(Timeout(description: "no answer from \(url) within \(seconds)"))
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        return try promise.futureResult.wait()
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    private static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var wait = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var left = timespec()
        // Interrupted by a signal: sleep what is left.
        while nanosleep(&wait, &left) == -1 && errno == EINTR { wait = left }
    }
}

/// Collects one HTTP response and completes the promise with it (or with the connection's error).
private final class ResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<OTLPHTTPSender.Response>
    private let limit: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var done = false

    /// - Parameter limit: The most bytes of the body kept: at that size the answer is taken as it is, and the
    ///   connection closed (an endless body costs `limit` bytes, not all memory).
    init(promise: EventLoopPromise<OTLPHTTPSender.Response>, limit: Int) {
        self.promise = promise
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body(var buffer):
            let take = min(buffer.readableBytes, limit - body.count)
            body += buffer.readBytes(length: take) ?? []
            if body.count >= limit { finish(context) }
        case .end: finish(context)
        }
    }

    /// Completes the promise with the answer so far, once.
    private func finish(_ context: ChannelHandlerContext) {
        guard let head, !done else { return }
        done = true
        promise.succeed(.init(status: head.status, retryAfter: head.headers.first(name: "Retry-After"), body: body))
        context.close(promise: nil)
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

    fileprivate func droppingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }

    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
