/// A kind of mark that may appear in a diagram's legend (only the kinds drawn are listed).
enum LegendKind: Int, CaseIterable, Comparable {
    case callbackRun, errbackRun, failure, waiting, open, passThrough, skipped, message, link, cancelled

    static func < (a: LegendKind, b: LegendKind) -> Bool { a.rawValue < b.rawValue }

    var text: String {
        switch self {
        case .callbackRun: "callback ran / action succeeded"
        case .errbackRun: "errback ran"
        case .failure: "failure (the only red)"
        case .waiting: "waiting on another Deferred"
        case .open: "open at end of log"
        case .passThrough: "pass-through half"
        case .skipped: "not taken"
        case .message: "message"
        case .link: "link to another chain"
        case .cancelled: "cancelled (a timeout cancels too)"
        }
    }
}
