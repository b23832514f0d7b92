import Dispatch

/// How a flight-recording `JSONMonitor` keeps the recent past: always on, bounded, and written out as an ordinary
/// `mon.out` when asked, on a signal, or when something goes wrong.
///
/// ```swift
/// let monitor = JSONMonitor(
///     followChained: true,
///     flightRecorder: FlightRecorder(events: 200_000, window: .seconds(60), directory: "/var/tmp/myservice",
///                                    signal: SIGUSR1))
/// ...
/// try monitor.dumpFlightRecord(to: "incident.out")
/// ```
///
/// The record keeps at most ``events`` events, and with a ``window`` only about the last that long (in eight
/// steps: a record holds at least seven eighths of either bound once it is reached). A chain tracked before the
/// record's start is written with what is known of it (its start, with `cut_at`, and its events since), so the
/// readers never show it as complete: see `docs/monitor-format.md`.
public struct FlightRecorder: Sendable {
    /// What makes the recorder write a record on its own (into ``directory``).
    public struct Triggers: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// A Deferred released holding a failure nobody handled.
        public static let unhandledError = Triggers(rawValue: 1)
        /// A chain starts waiting, through others, on itself.
        public static let waitCycle = Triggers(rawValue: 2)
        /// A callback held its thread longer than ``FlightRecorder/blockingThreshold``.
        public static let blockingCallback = Triggers(rawValue: 4)

        /// Every trigger.
        public static let all: Triggers = [.unhandledError, .waitCycle, .blockingCallback]
    }

    /// The most events kept (at least 1,024).
    public var events: Int
    /// When set, events older than about this are let go too.
    public var window: Duration?
    /// Where records written on a signal or a trigger go (`flight-<time>-<pid>-<n>-<reason>.out`); `nil`: only
    /// ``JSONMonitor/dumpFlightRecord(to:)`` writes one.
    public var directory: String?
    /// A signal (such as `SIGUSR1`) that writes a record into ``directory``. The monitor takes the signal over
    /// until it stops.
    public var signal: Int32?
    /// What writes a record on its own, into ``directory``.
    public var triggers: Triggers
    /// How long a callback may hold its thread before ``Triggers/blockingCallback`` fires.
    public var blockingThreshold: Duration
    /// The least time between two records a trigger writes (a failing service must not fill the disk).
    public var minimumInterval: Duration

    /// A flight recorder keeping the last `events` events (and only about the last `window`, if given).
    public init(
        events: Int = 100_000, window: Duration? = nil, directory: String? = nil, signal: Int32? = nil,
        triggers: Triggers = .all, blockingThreshold: Duration = .milliseconds(100),
        minimumInterval: Duration = .seconds(10)
    ) {
        self.events = max(1_024, events)
        self.window = window
        self.directory = directory
        self.signal = signal
        self.triggers = triggers
        self.blockingThreshold = blockingThreshold
        self.minimumInterval = minimumInterval
    }

    /// Why a record was written (the `flight_record` field of its header, and the end of its file name).
    public enum Reason: String, Sendable, CaseIterable {
        /// `dumpFlightRecord(to:)` was called.
        case call
        /// The signal named in ``FlightRecorder/signal`` arrived.
        case signal
        case unhandledError = "unhandled_error"
        case waitCycle = "wait_cycle"
        case blockingCallback = "blocking_callback"
        /// `dump(to:)` or `stop()` at the end of the program.
        case stop
    }

    /// What the recorder has written on its own so far.
    public struct Report: Sendable, Hashable {
        /// The records written, oldest first (the last 100).
        public var written: [String] = []
        /// Triggers that fired within ``FlightRecorder/minimumInterval`` of a record, so wrote none.
        public var skipped = 0
        /// Records that could not be written.
        public var failed = 0
        /// The last error.
        public var lastError: String?

        /// An empty report.
        public init() {}
    }
}
