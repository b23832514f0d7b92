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
        var text = ""
        json(s) { text += $0 }
        return text
    }

    /// ``json(_:)`` in pieces, as they are made: the figures, then each task's facts one at a time, so that the
    /// JSON of a million tasks is never held whole (encoding it in one piece took seven times its size).
    ///
    /// Each task is encoded alone and indented to its place in the `tasks` array, which is exactly what encoding
    /// the whole summary writes: the encoder indents by two spaces a level and leaves an empty array's inner line
    /// empty.
    public static func json(_ s: LogSummary, write: (String) -> Void) {
        let encoder = prettyEncoder
        func encoded(_ value: some Encodable) -> String? { pretty(value, encoder: encoder) }
        var figures = s
        figures.tasks = nil
        guard let head = encoded(figures) else { return write("{}\n") }
        guard let tasks = s.tasks else { return write(head + "\n") }
        // The keys are sorted: `tasks` goes before the first key of the top level that sorts after it.
        let lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        let key = "\"tasks\""
        let at =
            lines.firstIndex { line in
                line.hasPrefix("  \"") && !line.hasPrefix("   ") && String(line.dropFirst(2)) > key
            } ?? lines.count - 1
        var before = Array(lines[..<at])
        let last = at == lines.count - 1
        if last, let previous = before.popLast() { before.append(previous + ",") }
        write(before.joined(separator: "\n") + "\n")
        let closer = last ? "\n" : ",\n"
        guard !tasks.isEmpty else { return write("  \(key) : [\n\n  ]" + closer + lines[at...].joined(separator: "\n") + "\n") }
        write("  \(key) : [\n")
        for (k, task) in tasks.enumerated() {
            guard let text = encoded(task) else { continue }
            var indented = ""
            indented.reserveCapacity(text.utf8.count + 256)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if !indented.isEmpty { indented += "\n" }
                if !line.isEmpty { indented += "    " }
                indented += line
            }
            write(indented + (k == tasks.count - 1 ? "\n" : ",\n"))
        }
        write("  ]" + closer + lines[at...].joined(separator: "\n") + "\n")
    }

    /// An encoder for the commands' JSON: pretty-printed, keys sorted, `/` not escaped.
    static var prettyEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` as the commands write JSON (see ``prettyEncoder``), with what a terminal would act on escaped;
    /// `nil` when it cannot be encoded.
    static func pretty(_ value: some Encodable, encoder: JSONEncoder = prettyEncoder) -> String? {
        (try? encoder.encode(value)).map { TerminalText.jsonEscaped(String(decoding: $0, as: UTF8.self)) }
    }

    private static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
}
