#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Chains
import EventLog

/// `reactortrack summary`: a ``LogSummary`` as text or JSON.
public enum SummaryFormatter {
    /// The summary as aligned text; names from the log are escaped for the terminal (``TerminalText``).
    public static func text(_ s: LogSummary) -> String {
        func esc(_ text: String) -> String { TerminalText.bounded(text, limit: 200) }
        var lines: [String] = []
        lines.append("inputs: \(esc(s.inputs.joined(separator: ", "))) (\(s.messages) messages, \(s.warnings) warnings)")
        if s.lostEvents > 0 {
            lines.append("lost events: \(s.lostEvents) (the monitor dropped them; the log does not show them)")
        }
        let outcomes = ChainOutcome.names.compactMap { name in
            s.outcomes[name].map { "\($0) \(name)" }
        }
        lines.append("chains: \(s.chains)" + (outcomes.isEmpty ? "" : " (\(outcomes.joined(separator: ", ")))"))
        var tasks = ["\(s.complete) complete", "\(s.incomplete) incomplete"]
        if s.failedActions > 0 { tasks.append("\(s.failedActions) failed \(s.failedActions == 1 ? "action" : "actions")") }
        if s.tracebackMessages > 0 { tasks.append("\(s.tracebackMessages) \(s.tracebackMessages == 1 ? "traceback" : "tracebacks")") }
        lines.append("tasks: " + tasks.joined(separator: ", "))
        let d = s.durations
        let over = leftOut(s)
        if d.count == 0 {
            lines.append("durations: none (no complete task has a duration)")
        } else {
            lines.append(
                "durations: p50 \(DurationFormat.text(d.p50)), p90 \(DurationFormat.text(d.p90)), p95 \(DurationFormat.text(d.p95)), p99 \(DurationFormat.text(d.p99)), max \(DurationFormat.text(d.max))\(over)")
        }
        lines.append("time in callbacks: \(DurationFormat.text(s.running)); waiting on other Deferreds: \(DurationFormat.text(s.waiting))")
        if !s.slowestChains.isEmpty {
            lines.append("")
            lines.append("slowest chains:")
            for c in s.slowestChains {
                lines.append("  \(pad(DurationFormat.text(c.duration), 10))  \(pad(c.outcome, 10))  \(esc(c.title))  (\(esc(c.location)))")
            }
        }
        if !s.slowestCallbacks.isEmpty {
            lines.append("")
            lines.append("slowest callbacks (by total time):")
            lines.append("  \(pad("total", 10))  \(pad("calls", 6))  \(pad("p95", 10))  \(pad("max", 10))  \(pad("failures", 8))  name")
            for c in s.slowestCallbacks {
                lines.append(
                    "  \(pad(DurationFormat.text(c.total), 10))  \(pad(String(c.calls), 6))  \(pad(DurationFormat.text(c.percentiles.p95), 10))  \(pad(DurationFormat.text(c.percentiles.max), 10))  \(pad(String(c.failures), 8))  \(esc(c.name))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the duration percentiles leave out and why, for a line that shows them:
    /// ` (over 6 tasks; left out, having no duration: 2 incomplete, 3 lone messages)`, or nothing when nothing is.
    public static func leftOut(_ s: LogSummary) -> String {
        let messages = s.statuses["message"] ?? 0
        var reasons: [String] = []
        if s.incomplete > 0 { reasons.append("\(s.incomplete) incomplete") }
        if messages > 0 { reasons.append("\(messages) lone \(messages == 1 ? "message" : "messages")") }
        guard !reasons.isEmpty else { return "" }
        let count = s.durations.count
        return " (over \(count) \(count == 1 ? "task" : "tasks"); left out, having no duration: \(reasons.joined(separator: ", ")))"
    }

    /// The summary as pretty-printed JSON with sorted keys (schema 2; durations in seconds, unknown ones `null`).
    public static func json(_ s: LogSummary) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(s) else { return "{}\n" }
        return TerminalText.jsonEscaped(String(decoding: data, as: UTF8.self)) + "\n"
    }

    private static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
}
