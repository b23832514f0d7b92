import ArgumentParser
import Chains
import EventLog
import Visualize

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `reactortrack top FILE...`: the chains in flight and the warnings, once or every few seconds.
struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Show the chains in flight, what each is doing, and what needs attention.",
        discussion: """
            Reads the log as far as it is written and shows it as of its last event: each chain still in flight \
            (running which callback, waiting on which Deferred and, following its waits, what it is stuck on; not \
            fired yet; cancelled; pending) with its age, time in callbacks, pairs run out of added and time since \
            its last event, oldest first; the chains that ended within --retain (10 minutes; at most 1,000, the \
            latest), with how each ended, for --ended and the view e, after which they are only counted; then the \
            warnings: callbacks that held their thread past --blocked, \
            chains in flight longer than --pending, wait cycles, unhandled errors, and events the monitor dropped.

            On a terminal it is interactive: q quits, space pauses, ? shows the keys, arrows or j/k move, Enter \
            opens the selected chain (why it is stuck, its ladder), Esc goes back, c lists the callbacks, e the \
            chains that ended, s sorts, / filters. --once \
            prints one snapshot; without a terminal, or with --count, one is printed every --interval seconds (as \
            `top -b`) until --count snapshots or an interrupt. Each snapshot reads what was written since the last \
            (one file; several are read whole), so a growing log is followed. --json writes the snapshot in schema 1 (docs/cli.md); \
            its counts are exactly those of `summary --json`.

            --fail-on KIND[,KIND...] exits 3 as soon as a snapshot has a warning of one of those kinds: blocked, \
            pending, cycle, unhandled, dropped; blocked and pending take a threshold (pending:30s, blocked:250ms).

            Exit status: 0 success, 1 bad input, 2 usage error, 3 a --fail-on warning is present.
            """)

    @OptionGroup var input: InputOptions

    @Flag(help: "Print one snapshot and exit.")
    var once = false

    @Flag(help: "Print JSON (schema 1) instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Seconds between snapshots without --once.", valueName: "seconds"))
    var interval: Double = 2

    @Option(help: "How many snapshots to print without --once (0: until interrupted).")
    var count = 0

    @Option(help: ArgumentHelp("A callback running this long blocked its thread (100ms, 1.5s, 2m).", valueName: "duration"))
    var blocked = "100ms"

    @Option(help: ArgumentHelp("A chain in flight this long is pending too long.", valueName: "duration"))
    var pending = "30s"

    @Option(help: ArgumentHelp("Exit 3 when any of these warnings is present: blocked[:DURATION], pending[:DURATION], cycle, unhandled, dropped.", valueName: "kinds"))
    var failOn: String?

    @Option(help: "The most chains in flight (and callbacks) listed in the text.")
    var rows = 20

    @Flag(help: "List the callbacks by name too: calls, total, p50, p99, max, share failed (the view c shows).")
    var callbacks = false

    @Option(help: ArgumentHelp("How long a chain that ended stays listed (the view e, --ended, the JSON's ended); then it is only counted. 0 lists none.", valueName: "duration"))
    var retain = "10m"

    @Flag(help: "List the chains that ended within --retain too, the latest first (the view e shows).")
    var ended = false

    @Option(help: ArgumentHelp("How far [ and ] rewind or advance the interactive view.", valueName: "duration"))
    var step = "1s"

    /// The fields a snapshot reads besides the standard ones: the summary's, and where a Deferred was made, a
    /// wait cycle's ids, the path a chain fired on, the Deferreds a run returned and a chain was chained to.
    static let fieldsUsed: Set<String> = {
        typealias F = MonitorVocabulary.Field
        return SummaryAccumulator.fieldsUsed.union([F.createdAt, F.trackedAt, F.cycle, F.path, F.returnedDeferred, F.to])
    }()

    /// Exit status when a `--fail-on` warning is present.
    static let failOnStatus: Int32 = 3

    func validate() throws {
        if !(interval > 0) || interval > 86_400 { throw ValidationError("--interval must be between 0 and 86400 seconds") }
        if count < 0 { throw ValidationError("--count must not be negative") }
        if rows < 0 { throw ValidationError("--rows must not be negative") }
        if !once, count != 1, input.files.contains("-") {
            throw ValidationError("standard input (-) can be read only once: use --once or --count 1")
        }
        _ = try settings()
    }

    /// The thresholds and the kinds to fail on, from `--blocked`, `--pending` and `--fail-on` (whose thresholds win),
    /// and the rewind's step in seconds, from `--step`.
    func settings() throws -> (TopSnapshot.Thresholds, Set<TopSnapshot.WarningKind>, step: Double) {
        guard Self.seconds(retain) != nil else {
            throw ValidationError("--retain: '\(retain)' is not a duration (10m, 30s, 0)")
        }
        guard let blockedSeconds = Self.seconds(blocked) else {
            throw ValidationError("--blocked: '\(blocked)' is not a duration (100ms, 1.5s, 2m)")
        }
        guard let stepSeconds = Self.seconds(step), stepSeconds > 0 else {
            throw ValidationError("--step: '\(step)' is not a duration above 0 (1s, 250ms)")
        }
        guard let pendingSeconds = Self.seconds(pending) else {
            throw ValidationError("--pending: '\(pending)' is not a duration (30s, 5m)")
        }
        var thresholds = TopSnapshot.Thresholds(blocked: blockedSeconds, pending: pendingSeconds)
        var kinds: Set<TopSnapshot.WarningKind> = []
        for item in (failOn ?? "").split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: ":", maxSplits: 1).map { String($0).trimmingSpaces }
            let names = TopSnapshot.WarningKind.allCases.map(\.rawValue).joined(separator: ", ")
            guard let kind = TopSnapshot.WarningKind(rawValue: parts[0]) else {
                throw ValidationError("--fail-on: unknown warning '\(parts[0])' (one of \(names))")
            }
            kinds.insert(kind)
            guard parts.count == 2 else { continue }
            guard kind == .blocked || kind == .pending, let seconds = Self.seconds(parts[1]) else {
                throw ValidationError("--fail-on: '\(item)': only blocked and pending take a duration (pending:30s)")
            }
            if kind == .blocked { thresholds.blocked = seconds } else { thresholds.pending = seconds }
        }
        return (thresholds, kinds, stepSeconds)
    }

    /// Seconds in `text`: a number with `us`/`µs`, `ms`, `s`, `m` or `h`, or a bare number of seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var scale = 1.0
        for (unit, factor) in units where text.hasSuffix(unit) {
            number = text.dropLast(unit.count)
            scale = factor
            // `ms` and `us` end in `s` too: the longest unit that fits is the first listed.
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        return value * scale
    }

    func run() throws {
        let (thresholds, failKinds, step) = try settings()
        let out = FileStream.standardOutput
        let term = getenv("TERM").map { String(cString: $0) }
        if !once, !json, count == 0, out.isTerminal, isatty(0) == 1, let term, !term.isEmpty, term != "dumb" {
            return try interactive(thresholds, failKinds, step: step)
        }
        // In place on a terminal that can take it; one after another anywhere else.
        let redraw = !once && out.isTerminal && term.map { $0 != "dumb" } ?? false
        var follower = once ? nil : follower(thresholds, keepingChains: false)
        var printed = 0
        var attempts = 0
        var saidBehind = false
        while true {
            attempts += 1
            do {
                // Once following, a log rotated or truncated between two reads is not the end: it is read again.
                let (snapshot, read) = try Self.timed {
                    try take(thresholds, reportingWarnings: printed == 0, quiet: printed > 0, following: &follower)
                }
                if !once, !saidBehind, read > interval {
                    // Said once, so that a slow read is not mistaken for a quiet service.
                    saidBehind = true
                    FileStream.standardError.write(
                        "reactortrack: top: a read of the log took \(DurationFormat.text(read)), more than --interval "
                            + "\(DurationFormat.text(interval)): the snapshots fall behind the log\n")
                }
                let text =
                    json
                    ? TopFormatter.json(snapshot)
                    : TopFormatter.text(snapshot, rows: rows, callbacks: callbacks, ended: ended)
                out.write((redraw ? "\u{1B}[H\u{1B}[2J" : (printed > 0 && !json ? "\n" : "")) + text)
                printed += 1
                try check(snapshot, failKinds)
            } catch let error as ReportError {
                FileStream.standardError.write(
                    "reactortrack: top: \(TerminalText.escaped("\(error)")) (read again in \(interval) s)\n")
            }
            if once || (count > 0 && attempts >= count) { return }
            var pause = timespec(tv_sec: Int(interval), tv_nsec: Int((interval - interval.rounded(.down)) * 1e9))
            var left = timespec()
            while nanosleep(&pause, &left) != 0 && errno == EINTR { pause = left }
        }
    }

    /// Exits 3 (after saying why) when the snapshot has a warning of a kind in `kinds`.
    private func check(_ snapshot: TopSnapshot, _ kinds: Set<TopSnapshot.WarningKind>) throws {
        let present = snapshot.warnings.filter { kinds.contains($0.kind) && $0.count > 0 }
        guard !present.isEmpty else { return }
        RawTerminal.restore()
        let what = present.map { "\($0.kind.rawValue) (\($0.count))" }.joined(separator: ", ")
        FileStream.standardError.write("reactortrack: top: failing on \(what)\n")
        throw ExitCode(Self.failOnStatus)
    }

    /// The interactive view: redrawn at most ten times a second, on a key, a resize or a new read of the log.
    private func interactive(
        _ thresholds: TopSnapshot.Thresholds, _ failKinds: Set<TopSnapshot.WarningKind>, step: Double
    ) throws {
        // The first read before the terminal changes: a bad input is said on a normal terminal.
        var follower = follower(thresholds, keepingChains: true)
        let (first, firstRead) = try Self.timed {
            try take(thresholds, reportingWarnings: true, keepingChains: true, following: &follower)
        }
        try check(first, failKinds)
        guard RawTerminal.enter() else {
            return FileStream.standardOutput.write(
                TopFormatter.text(first, rows: rows, callbacks: callbacks, ended: ended))
        }
        defer { RawTerminal.restore() }
        var screen = TopScreen(snapshot: first, color: getenv("NO_COLOR") == nil, step: step)
        screen.interval = interval
        screen.readSeconds = firstRead
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_MONOTONIC, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        var nextRead = now() + interval
        var lastDraw = -Double.infinity
        var dirty = true
        var size = RawTerminal.size()
        while true {
            if now() >= nextRead || screen.wantsRead {
                if !screen.paused || screen.wantsRead {
                    do {
                        let cursor = screen.cursor
                        (screen.snapshot, screen.readSeconds) = try Self.timed {
                            try take(
                                thresholds, reportingWarnings: false, keepingChains: true, quiet: true, until: cursor,
                                following: &follower)
                        }
                        if cursor == nil { screen.live = screen.snapshot.asOf }
                        screen.problem = nil
                        // The gate is about the log as it is, not as it was.
                        if cursor == nil { try check(screen.snapshot, failKinds) }
                    } catch let error as ReportError {
                        if let cursor = screen.cursor, error.code == .unknownFormat || error.code == .emptyLog {
                            screen.problem = "nothing in the log before \(TerminalText.utc(cursor)) (] steps on, f follows)"
                            // Nothing then: an empty snapshot, not the last one read.
                            screen.snapshot = TopAccumulator(thresholds: thresholds).snapshot(
                                inputs: screen.snapshot.inputs, messages: 0, warnings: 0, latest: cursor)
                        } else {
                            screen.problem = "\(error)"
                        }
                    }
                    dirty = true
                }
                screen.wantsRead = false
                nextRead = now() + interval
            }
            let current = RawTerminal.size()
            if current != size {
                size = current
                dirty = true
            }
            if dirty, now() - lastDraw >= 0.1 {
                let lines = screen.lines(columns: size.columns, rows: size.rows)
                RawTerminal.write("\u{1B}[H" + lines.joined(separator: "\u{1B}[K\r\n") + "\u{1B}[K\u{1B}[J")
                lastDraw = now()
                dirty = false
            }
            let wait = dirty ? max(0.01, 0.1 - (now() - lastDraw)) : max(0.01, min(nextRead - now(), 0.5))
            for key in RawTerminal.keys(within: wait) {
                guard screen.handle(key) else { return }
                dirty = true
            }
        }
    }

    /// A read of the log, and how long it took in seconds (to say when top falls behind `--interval`).
    private static func timed(_ read: () throws -> TopSnapshot) rethrows -> (TopSnapshot, Double) {
        let start = ContinuousClock.now
        let snapshot = try read()
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return (snapshot, Double(seconds) + Double(attoseconds) * 1e-18)
    }

    /// The loader a snapshot reads with.
    private func loader(keepingChains: Bool) -> LogLoader {
        var loader = input.loader(progress: nil)
        // A snapshot's figures need only a few fields; the detail view shows a chain's values, so keeps them all.
        if !keepingChains { loader.keptFields = Self.fieldsUsed }
        return loader
    }

    /// Following one file (not standard input), each read after the first reads only what was added since: a
    /// ``LogFollower``. Several files are read whole each time.
    private func follower(_ thresholds: TopSnapshot.Thresholds, keepingChains: Bool) -> LogFollower? {
        guard input.files.count == 1, let path = input.files.first, path != "-" else { return nil }
        return LogFollower(
            path: path, loader: loader(keepingChains: keepingChains), thresholds: thresholds,
            retain: Self.seconds(retain) ?? 0, keepsChains: keepingChains)
    }

    /// Reads the inputs as far as they are written and folds every chain into a snapshot: with `following`, what
    /// was added since its last read (a rewind, `until`, reads the log whole up to that moment).
    ///
    /// - Parameter quiet: Whether a failure to read is thrown as the ``ReportError`` itself (for the interactive
    ///   view to show) instead of being said on standard error.
    private func take(
        _ thresholds: TopSnapshot.Thresholds, reportingWarnings: Bool, keepingChains: Bool = false, quiet: Bool = false,
        until: Double? = nil, following: inout LogFollower?
    ) throws -> TopSnapshot {
        if until == nil, following != nil {
            let read: (snapshot: TopSnapshot, log: TrackedLog?)
            do { read = try following!.read() } catch {
                if quiet { throw error }
                throw CommandSupport.fail(error)
            }
            if reportingWarnings, let log = read.log { try CommandSupport.report(log, input) }
            return read.snapshot
        }
        var loader = loader(keepingChains: keepingChains)
        loader.until = until
        let log: TrackedLog
        let accumulator: TopAccumulator
        do {
            (log, accumulator) = try loader.snapshot(
                input.files, thresholds: thresholds, keepsChains: keepingChains, retain: Self.seconds(retain) ?? 0)
        } catch {
            if quiet { throw error }
            throw CommandSupport.fail(error)
        }
        if reportingWarnings { try CommandSupport.report(log, input) }
        // Rewound, the moment shown is the cursor's: ages run to it, not to the last event before it.
        return accumulator.snapshot(
            inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count,
            latest: until ?? log.latestTimestamp)
    }
}

extension String {
    /// Without leading and trailing spaces.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
