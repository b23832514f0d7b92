// A service in trouble, streaming its monitor log as it runs: for `reactortrack top` to follow. A request is stuck
// on a query stuck on a connection that never comes; two locks wait on each other; a report callback blocks its
// thread; a mail fails and nobody handles it; meanwhile ordinary requests come and go every 50 ms.
//
//     stuck-service-example [LOG] [SECONDS]     (stuck-service.out, 5)
//
// It stops the monitor after SECONDS, which then writes the wait cycle it found; until then `top` finds it itself.
import Defer
import Monitor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct SMTPError: Error, CustomStringConvertible {
    var description: String { "550 mailbox unavailable" }
}

func runService() throws {
    let arguments = CommandLine.arguments.dropFirst()
    let path = arguments.first ?? "stuck-service.out"
    let seconds = arguments.dropFirst().first.flatMap(Double.init) ?? 5
    let monitor = try JSONMonitor(streamingTo: path, followChained: true)

    // fetchUser waits on query, which waits on connect, which nothing ever fires.
    let connect = Deferred<Int>()
    monitor.track(connect, label: "connect")
    connect.addCallback(label: "handshake") { $0 }
    let query = Deferred<Int>()
    monitor.track(query, label: "query")
    query.addCallback(label: "send") { _ in connect }
    let fetchUser = Deferred<Int>()
    monitor.track(fetchUser, label: "fetchUser")
    fetchUser.addCallback(label: "lookup") { _ in query }
    try fetchUser.callback(42)
    try query.callback(7)

    // lockA and lockB each wait on the other.
    let lockA = Deferred<Int>()
    let lockB = Deferred<Int>()
    monitor.track(lockA, label: "lockA")
    monitor.track(lockB, label: "lockB")
    lockA.addCallback(label: "acquireB") { _ in lockB }
    lockB.addCallback(label: "acquireA") { _ in lockA }
    try lockA.callback(1)
    try lockB.callback(2)

    // A callback that holds its thread for 250 ms: it blocks the reactor.
    let report = Deferred<Int>()
    monitor.track(report, label: "report")
    report.addCallback(label: "renderReport") { value in
        usleep(250_000)
        return value
    }
    try report.callback(3)

    // A mail that fails, released with nobody handling the failure.
    do {
        let mail = Deferred<Int>()
        monitor.track(mail, label: "sendMail")
        mail.addCallback(label: "deliver") { _ in throw SMTPError() }
        try mail.callback(4)
    }

    // Ordinary traffic.
    var clock = timespec()
    clock_gettime(CLOCK_MONOTONIC, &clock)
    let start = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
    var n = 0
    while true {
        clock_gettime(CLOCK_MONOTONIC, &clock)
        guard Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9 - start < seconds else { break }
        n += 1
        let request = Deferred<Int>()
        monitor.track(request, label: "request")
        request.addCallback(label: "parse") { $0 + 1 }.addCallback(label: "respond") { $0 * 2 }
        try request.callback(n)
        usleep(50_000)
    }
    monitor.stop()
    print("wrote \(path): \(n) requests")
    withExtendedLifetime((connect, query, fetchUser, lockA, lockB)) {}
}

do {
    try runService()
} catch {
    print("stuck-service-example: \(error)")
    exit(1)
}
