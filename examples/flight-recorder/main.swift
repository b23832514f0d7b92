// A service with the monitor's flight recorder on: it keeps the last 2,000 events in memory, and writes them into
// DIR when something goes wrong (a mail failing unhandled, two locks waiting on each other, a callback blocking
// its thread for 150 ms) and on SIGUSR1. A session tracked at the start is still open in every record, long after
// its start left the window: it is written with what is known of it, marked as cut.
//
//     flight-recorder-example [DIR] [SECONDS]     (flight-records, 2)
//
// At the end it writes DIR/final.out with `dumpFlightRecord(to:)`. Every record is an ordinary monitor log:
// `reactortrack tree DIR/final.out`.
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

func seconds() -> Double {
    var clock = timespec()
    clock_gettime(CLOCK_MONOTONIC, &clock)
    return Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
}

func runService() throws {
    let arguments = CommandLine.arguments.dropFirst()
    let directory = arguments.first ?? "flight-records"
    let duration = arguments.dropFirst().first.flatMap(Double.init) ?? 2
    mkdir(directory, 0o755)
    let monitor = JSONMonitor(
        followChained: true,
        flightRecorder: FlightRecorder(
            events: 2_000, directory: directory, signal: SIGUSR1, minimumInterval: .milliseconds(100)))
    UnhandledError.sink = { _ in }

    // A session that lives as long as the service: its login ran long ago, its logout is still to come.
    let session = Deferred<Int>()
    monitor.track(session, label: "session")
    session.addCallback(label: "login") { $0 + 1 }
    try session.callback(1)
    session.pause()

    let start = seconds()
    var n = 0
    var troubles = 0
    while seconds() - start < duration {
        n += 1
        let request = Deferred<Int>()
        monitor.track(request, label: "request")
        request.addCallback(label: "parse") { $0 + 1 }.addCallback(label: "respond") { $0 * 2 }
        try request.callback(n)
        // Trouble, spread over the run: each fires a trigger that writes a record.
        let elapsed = (seconds() - start) / duration
        if troubles == 0, elapsed > 0.25 {
            let mail = Deferred<Int>()
            monitor.track(mail, label: "sendMail")
            mail.addCallback(label: "deliver") { _ in throw SMTPError() }
            try mail.callback(n)
            troubles += 1
        } else if troubles == 1, elapsed > 0.5 {
            let lockA = Deferred<Int>()
            let lockB = Deferred<Int>()
            monitor.track(lockA, label: "lockA")
            monitor.track(lockB, label: "lockB")
            lockA.addCallback(label: "acquireB") { _ in lockB }
            lockB.addCallback(label: "acquireA") { _ in lockA }
            try lockA.callback(1)
            try lockB.callback(2)
            troubles += 1
        } else if troubles == 2, elapsed > 0.75 {
            let report = Deferred<Int>()
            monitor.track(report, label: "report")
            report.addCallback(label: "renderReport") { value in
                usleep(150_000)
                return value
            }
            try report.callback(n)
            troubles += 1
        }
        usleep(500)
    }
    session.addCallback(label: "logout") { $0 }
    session.unpause()

    monitor.waitForFlightRecords()
    try monitor.dumpFlightRecord(to: directory + "/final.out")
    monitor.stop()
    let report = monitor.flightReport ?? FlightRecorder.Report()
    for path in report.written + [directory + "/final.out"] { print("wrote \(path)") }
    if report.failed > 0 { print("failed: \(report.lastError ?? "?")") }
}

do {
    try runService()
} catch {
    print("error: \(error)")
    exit(1)
}
