import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-thread HTTP server on 127.0.0.1 standing in for an OpenTelemetry collector: it answers each request
/// with the next scripted status (then 200), and keeps each request's path and headers.
final class LoopbackCollector: @unchecked Sendable {
    /// One scripted answer: a status, and a `Retry-After` value when given; a hostile collector adds raw header
    /// lines, a reason phrase, or a body (an endless one is written until the client goes away).
    struct Answer: Sendable {
        var status: Int
        var retryAfter: String?
        var reason: String? = nil
        var headerLines: [String] = []
        var body: Body = .none

        /// What follows the head.
        enum Body: Sendable {
            case none
            case bytes([UInt8])
            /// Chunks of zeros without end (chunked encoding), until the client closes the connection.
            case endless
        }
    }

    /// One request as received.
    struct Request: Sendable {
        var path: String
        /// Header names lower-cased.
        var headers: [String: String]
        var bodyLength: Int
    }

    let port: Int
    private let socket: Int32
    private let lock = NSLock()
    private var script: [Answer]
    private var received: [Request] = []
    private var thread: Thread?

    /// The requests received so far.
    var requests: [Request] { lock.withLock { received } }

    /// `http://127.0.0.1:PORT`.
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// - Parameter answers: `false` for a collector that never accepts a connection (the system completes it)
    ///   and so never answers.
    init(script: [Answer] = [], answers: Bool = true) throws {
        self.script = script
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        socket = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard answers else { return }
        let thread = Thread { [self] in serve() }
        self.thread = thread
        thread.start()
    }

    /// A port nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let collector = try LoopbackCollector()
        collector.stop()
        return collector.port
    }

    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private func serve() {
        while true {
            let client = accept(socket, nil, nil)
            if client < 0 { return }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var request = Request(path: "", headers: [:], bodyLength: 0)
        while true {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            data += buffer[0..<n]
            if headerEnd == nil, let end = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = end.upperBound
                let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                request.path = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? ""
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    request.headers[line[..<colon].lowercased()] =
                        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                request.bodyLength = Int(request.headers["content-length"] ?? "0") ?? 0
            }
            if let headerEnd, data.count - headerEnd >= request.bodyLength { break }
        }
        let answer: Answer = lock.withLock {
            received.append(request)
            return script.isEmpty ? Answer(status: 200) : script.removeFirst()
        }
        let phrase = answer.reason ?? (answer.status == 200 ? "OK" : "Scripted")
        var reply = "HTTP/1.1 \(answer.status) \(phrase)\r\n"
        switch answer.body {
        case .none: reply += "Content-Length: 0\r\n"
        case .bytes(let bytes): reply += "Content-Length: \(bytes.count)\r\n"
        case .endless: reply += "Transfer-Encoding: chunked\r\n"
        }
        if let after = answer.retryAfter { reply += "Retry-After: \(after)\r\n" }
        for line in answer.headerLines { reply += line + "\r\n" }
        reply += "Connection: close\r\n\r\n"
        guard send(Array(reply.utf8), to: client) else { return }
        switch answer.body {
        case .none: break
        case .bytes(let bytes): _ = send(bytes, to: client)
        case .endless:
            let size = 1 << 16
            let chunk = Array((String(size, radix: 16) + "\r\n").utf8) + [UInt8](repeating: 0, count: size) + [13, 10]
            // Stops when the client closes (EPIPE is a return value here: the test process ignores SIGPIPE).
            while send(chunk, to: client) {}
        }
    }

    /// Writes all of `bytes`; `false` once the client has gone.
    private func send(_ bytes: [UInt8], to client: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
