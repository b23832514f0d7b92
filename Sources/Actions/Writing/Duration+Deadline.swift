package import Dispatch

extension Duration {
    /// The duration in seconds, as a double.
    package var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// The dispatch time this long from now: a negative duration is now, and one beyond about 30 years is 30
    /// years (no overflow, however long). Whole seconds and attoseconds are scaled apart: through ``seconds``,
    /// 0.2 s came to 199,999,999 ns, a deadline a nanosecond short of the duration.
    ///
    /// The one conversion from a `Duration` to a wait that the writer threads, `stop(timeout:)` and the flight
    /// recorder use.
    package var deadlineFromNow: DispatchTime {
        let (seconds, attoseconds) = components
        let nanoseconds = max(0, Double(seconds) * 1e9 + Double(attoseconds) * 1e-9)
        return .now() + .nanoseconds(Int(min(nanoseconds, 1e18)))
    }
}
