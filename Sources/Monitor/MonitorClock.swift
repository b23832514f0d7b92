internal import CCycleCounter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the monitor's event times come from: a raw tick count read on the tracked path, turned into Unix
/// seconds only when the events are encoded.
///
/// Where the kernel keeps time with the CPU's counter (`tsc` on x86-64, the architected timer on AArch64), a tick
/// is one count of that counter: reading it costs about a third of a `clock_gettime` call, and every tracked
/// callback reads the clock three times. Elsewhere a tick is a nanosecond of `CLOCK_MONOTONIC`.
///
/// Ticks become seconds by linear interpolation between two anchors, each a tick count read together with the
/// system clock (`scale(since:)`): one when the monitor starts, and one when it encodes. An event between them is
/// then off by at most the anchors' own error (tens of nanoseconds), however short or long the interval.
///
/// A monitor given a reactor's clock (a test's `ManualReactor`) stamps events with that clock instead: a tick is
/// 2^-30 of its seconds, and its time 0 is the whole second of the system clock when the monitor started, so the
/// durations in the log are the test clock's, exactly for the clock's usual steps.
struct MonitorClock: Sendable {
    /// Whether ticks are counter values (else `CLOCK_MONOTONIC` nanoseconds, or the external clock's).
    let usesCounter: Bool
    /// The clock events are stamped with instead of the system's, in seconds.
    let external: (@Sendable () -> Double)?

    /// Ticks per second of an external clock: a power of two, so that its binary fractions stay exact.
    static let externalTicksPerSecond = 1_073_741_824.0

    init(usesCounter: Bool = MonitorClock.counterIsTimeSource) {
        self.usesCounter = usesCounter && rt_cycle_counter_supported() != 0
        external = nil
    }

    /// A clock that reads `seconds`.
    init(external seconds: @escaping @Sendable () -> Double) {
        usesCounter = false
        external = seconds
    }

    /// Now, in ticks.
    @inline(__always)
    func now() -> UInt64 {
        if usesCounter { return rt_cycle_counter() }
        if let external { return Self.ticks(external()) }
        return Self.monotonicNanoseconds()
    }

    /// An external clock's seconds in ticks (negative and non-finite times count as 0).
    static func ticks(_ seconds: Double) -> UInt64 {
        let ticks = seconds * externalTicksPerSecond
        return ticks.isFinite && ticks > 0 ? UInt64(min(ticks, Double(UInt64.max / 2))) : 0
    }

    /// A tick count and the system clocks at (nearly) the same instant.
    struct Anchor: Sendable {
        let ticks: UInt64
        /// Unix seconds (`CLOCK_REALTIME`).
        let realtime: Double
        /// `CLOCK_MONOTONIC` seconds: steady, so it gives the tick rate even when the wall clock is stepped.
        let monotonic: Double
    }

    /// Reads an anchor. With the counter, the clocks are read between two counter reads and the tightest of three
    /// tries is kept (a preempted try would be off by the time the thread was away).
    func anchor() -> Anchor {
        if let external {
            // The external clock's time, and the system clock's whole second (see the type's notes).
            let seconds = external()
            return Anchor(ticks: Self.ticks(seconds), realtime: Self.realtime().rounded(.down), monotonic: seconds)
        }
        guard usesCounter else {
            let monotonic = Self.monotonicNanoseconds()
            return Anchor(ticks: monotonic, realtime: Self.realtime(), monotonic: Double(monotonic) / 1e9)
        }
        var best: (width: UInt64, anchor: Anchor)?
        for _ in 0..<3 {
            let before = rt_cycle_counter()
            let monotonic = Self.monotonicNanoseconds()
            let realtime = Self.realtime()
            let after = rt_cycle_counter()
            let width = after &- before
            if best == nil || width < best!.width {
                best = (width, Anchor(ticks: before &+ width / 2, realtime: realtime, monotonic: Double(monotonic) / 1e9))
            }
        }
        return best!.anchor
    }

    /// The conversion for events recorded since `start`, anchored again now.
    func scale(since start: Anchor) -> TickScale {
        if external != nil { return TickScale(origin: start, secondsPerTick: 1 / Self.externalTicksPerSecond) }
        return TickScale(from: start, to: anchor(), nanosecondTicks: !usesCounter)
    }

    /// How many ticks make a second: exact for the external clock and nanoseconds; for the counter, measured
    /// against `CLOCK_MONOTONIC` over about two milliseconds (once, by a monitor that needs durations in ticks on
    /// the tracked path: a flight recorder's thresholds).
    func ticksPerSecond() -> Double {
        if external != nil { return Self.externalTicksPerSecond }
        guard usesCounter else { return 1e9 }
        let start = anchor()
        var end = anchor()
        while end.monotonic - start.monotonic < 0.002 { end = anchor() }
        return Double(end.ticks &- start.ticks) / (end.monotonic - start.monotonic)
    }

    /// Unix seconds now, from the real-time clock.
    static func realtime() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    @inline(__always)
    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// Whether the kernel keeps time with the counter this build reads, so the counter runs at a constant rate and
    /// agrees across cores (Linux picks `tsc` only when it is; AArch64's architected timer always is).
    static let counterIsTimeSource: Bool = {
        #if os(Linux) && arch(x86_64)
        let path = "/sys/devices/system/clocksource/clocksource0/current_clocksource"
        guard let file = fopen(path, "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, Int32(line.count), file) != nil else { return false }
        let name = String(decoding: line.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name == "tsc"
        #elseif os(Linux) && arch(arm64)
        return true
        #else
        return false
        #endif
    }()
}

/// Turns ticks into Unix seconds: linear between two anchors (and beyond them, for the few events stamped just
/// outside).
struct TickScale: Sendable {
    let originTicks: UInt64
    let originSeconds: Double
    let secondsPerTick: Double

    /// The scale through `start` and `end`. Its rate follows the wall clock between them when the wall clock ran
    /// within 0.1% of the monotonic clock (NTP slews by at most 0.05%), so a long recording keeps agreeing with
    /// other timestamps in the same log; a wall clock that was stepped in between gives the monotonic rate.
    init(from start: MonitorClock.Anchor, to end: MonitorClock.Anchor, nanosecondTicks: Bool) {
        originTicks = start.ticks
        originSeconds = start.realtime
        let ticks = Double(end.ticks &- start.ticks)
        let monotonicRate =
            nanosecondTicks || end.ticks <= start.ticks ? 1e-9 : max(end.monotonic - start.monotonic, 0) / ticks
        let wallRate = end.ticks > start.ticks ? (end.realtime - start.realtime) / ticks : monotonicRate
        secondsPerTick = abs(wallRate - monotonicRate) <= monotonicRate * 1e-3 ? wallRate : monotonicRate
    }

    /// A fixed rate from `origin`.
    init(origin: MonitorClock.Anchor, secondsPerTick: Double) {
        originTicks = origin.ticks
        originSeconds = origin.realtime
        self.secondsPerTick = secondsPerTick
    }

    /// Unix seconds at `ticks`.
    func seconds(_ ticks: UInt64) -> Double {
        originSeconds + Double(Int64(bitPattern: ticks &- originTicks)) * secondsPerTick
    }

    /// The seconds between two tick counts (zero if `end` is not later).
    func duration(from start: UInt64, to end: UInt64) -> Double {
        end > start ? Double(end - start) * secondsPerTick : 0
    }
}
