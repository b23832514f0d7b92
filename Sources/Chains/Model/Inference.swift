/// Something a chain shows that its log did not record, but the reader worked out.
///
/// The original Python Reactor Track format records, for each callback that ran, only its name and how long it
/// ran, written when it ended: no start times, no outcome, and nothing that says which Deferred a
/// `chainDeferred` pair passes its result to. A chain read from it says which of its facts were inferred, so
/// that every view can say so too.
public enum Inference: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Start and end times, reconstructed from the runs' durations and the order their records were written in.
    case startTimes = "start times"
    /// Runs placed inside another run: a chained Deferred's callbacks inside the `chainDeferred` run that fired
    /// it, because durations nest.
    case nesting
    /// The `chainDeferred` link between two Deferreds, matched from the pair of a Deferred's own `callback`/`errback` (see `docs/monitor-format.md`) and the
    /// runs recorded just before it.
    case link
    /// The outcome: the format records no results and no exceptions, so a chain that ran is called succeeded.
    case outcome

    /// A short phrase for lists: `start times (from durations)`.
    public var label: String {
        switch self {
        case .startTimes: "start times (from durations)"
        case .nesting: "nesting (runs inside chainDeferred)"
        case .link: "chainDeferred link"
        case .outcome: "outcome (none recorded)"
        }
    }

    /// One line saying how the fact was inferred, for tooltips and footers.
    public var explanation: String {
        switch self {
        case .startTimes:
            "start times are reconstructed: the log records only how long each callback ran, written when it ended"
        case .nesting:
            "a chained Deferred's runs are placed inside the chainDeferred run that fired it (durations nest)"
        case .link:
            "the chainDeferred link is matched from the Deferred.callback pair and the runs recorded just before it"
        case .outcome: "the outcome is assumed: the log records no results and no exceptions"
        }
    }

    /// The labels of `inferences`, in declaration order, joined with commas: `start times (from durations),
    /// outcome (none recorded)`.
    public static func list(_ inferences: [Inference]) -> String {
        Set(inferences).sorted().map(\.label).joined(separator: ", ")
    }

    /// Orders by declaration.
    public static func < (a: Inference, b: Inference) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
