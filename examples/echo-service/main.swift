// A realistic monitored program: a small line-protocol user service and its client on 127.0.0.1, built on the
// reactor. Twenty requests go out at once and are gathered with deferredList; one fails and is recovered by an
// errback, one times out, and one goes through an async function bridged to a Deferred. Every chain is tracked.
// Writes mon.out (or the path given as the first argument) and stops by itself.
import Defer
import Foundation
import Monitor
import NIOCore
import NIOPosix

/// The server: answers `user N` with `ok user-N`, `fail` for N == 13, and answers N == 7 only after 2 s.
final class UserServiceHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard let line = buffer.readString(length: buffer.readableBytes)?.trimmingCharacters(in: .whitespacesAndNewlines),
            let id = Int(line.split(separator: " ").last ?? "")
        else { return }
        let reply = id == 13 ? "fail no such user \(id)\n" : "ok user-\(id)\n"
        let delay: TimeAmount = id == 7 ? .seconds(2) : .milliseconds(Int64(5 + (id * 37) % 60))
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: delay) {
            let context = bound.value
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: reply)), promise: nil)
        }
    }
}

/// The client side of one connection: completes `reply` with the first line received.
final class ReplyHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let reply: EventLoopPromise<String>

    init(reply: EventLoopPromise<String>) { self.reply = reply }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        reply.succeed(buffer.readString(length: buffer.readableBytes) ?? "")
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        reply.fail(error)
        context.close(promise: nil)
    }
}

struct ServiceError: Error, CustomStringConvertible {
    let line: String
    var description: String { "service said: \(line)" }
}

/// Sends `user N` on a new connection; the future completes with the reply line.
func send(_ id: Int, to address: SocketAddress, on loop: any EventLoop) -> EventLoopFuture<String> {
    let reply = loop.makePromise(of: String.self)
    return ClientBootstrap(group: loop)
        .channelInitializer { channel in channel.pipeline.addHandler(ReplyHandler(reply: reply)) }
        .connect(to: address)
        .flatMap { channel in channel.writeAndFlush(channel.allocator.buffer(string: "user \(id)\n")) }
        .flatMap { reply.futureResult }
}

func parseReply(_ line: String) throws -> String {
    let line = line.trimmingCharacters(in: .whitespacesAndNewlines)
    guard line.hasPrefix("ok ") else { throw ServiceError(line: line) }
    return String(line.dropFirst(3))
}

// Top-level code in main.swift is @MainActor in Swift 6; reactor callbacks run on the reactor thread, so the
// program lives in a nonisolated function.
func runService() throws {
    let output = CommandLine.arguments.dropFirst().first ?? "mon.out"
    let reactor = EventLoopReactor()
    let monitor = JSONMonitor(followChained: true)

    let server = try ServerBootstrap(group: reactor.eventLoop)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in channel.pipeline.addHandler(UserServiceHandler()) }
        .bind(host: "127.0.0.1", port: 0).wait()
    let address = server.localAddress!
    print("user service listening on \(address)")

    /// One request as a Deferred chain: send, parse, and (for the bad user) recover in an errback.
    func fetchUser(_ id: Int) -> Deferred<String> {
        let request = Deferred(send(id, to: address, on: reactor.eventLoop), reactor: reactor)
        monitor.track(request, label: "fetchUser")
        request.addCallback(label: "parseReply", parseReply)
        if id == 7 {
            request.addTimeout(0.5, reactor: reactor)
        }
        return request.addErrback(label: "fallbackUser") { failure in
            print("request \(id) failed (\(failure.typeName)); using a placeholder")
            return "user-unknown"
        }
    }

    reactor.callLater(0) {
        var requests = (0..<19).map(fetchUser)
        // One request through an async function, bridged to a Deferred.
        let viaAsync = Deferred.fromAsync(on: reactor) { () async throws -> String in
            try parseReply(try await send(19, to: address, on: reactor.eventLoop).get())
        }
        monitor.track(viaAsync, label: "fetchUserAsync")
        requests.append(viaAsync)

        let all = deferredList(requests, consumeErrors: true)
        monitor.track(all, label: "fetchAllUsers")
        all.addCallback(label: "report") { result in
            guard case .all(let outcomes) = result else { return }
            let names = outcomes.map { (try? $0.get()) ?? "?" }
            print("got \(names.count) users: \(names.prefix(5).joined(separator: ", ")), …")
            server.close(promise: nil)
            reactor.stop()
        }
    }
    reactor.run()

    do {
        try monitor.dump(to: output)
        print("wrote \(output) (\(monitor.messages.count) events)")
    } catch {
        print("could not write \(output): \(error)")
        exit(1)
    }
}

try runService()
