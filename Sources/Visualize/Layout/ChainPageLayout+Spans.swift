import Chains

/// The rows of an action tree (any other Eliot task): each action and message on the time axis, like eliot-tree.
extension ChainPageLayout {
    mutating func drawSpans(_ chain: Chain, x: Double, top: Double, axis: TimeAxis, t0: Double)
        -> (bottom: Double, rows: [Int: Double])
    {
        let shown = chain.spans.count > options.maxRowsPerChain ? Array(chain.spans.prefix(options.maxRowsPerChain - 1)) : chain.spans
        let bottom = top + Double(max(shown.count, 1)) * spanPitch
        drawGrid(axis: axis, top: top, bottom: bottom)
        let labelRight = x + ladderWidth
        for (row, span) in shown.enumerated() {
            let mid = top + Double(row) * spanPitch + spanPitch / 2
            if row % 2 == 1 {
                page.box(x + 4, mid - spanPitch / 2, width - margin - x - 4, spanPitch, fill: Palette.band.withAlpha(0.5), role: "stripe")
            }
            let indent = x + 12 + Double(span.depth) * 14
            var tip = ["\(span.name) \(span.level)"]
            if let start = span.start { tip.append("at +\(DurationFormat.text(start - t0))") }
            if span.kind == .action {
                tip.append(span.isOpen ? "open: no end message" : "\(span.status ?? "?") after \(DurationFormat.text(span.duration ?? 0))")
            }
            if let exception = span.exception { tip.append("\(exception): \(span.reason ?? "")") }
            tip += span.fields
            let tooltip = tip.joined(separator: "\n")
            let failed = span.status == "failed" || (span.kind == .message && span.exception != nil)
            let nameWidth = page.text(
                span.name, x: indent, y: mid + 3.5, size: 10.5, style: span.kind == .action ? .mono : .mono,
                color: failed ? Palette.failure : (span.kind == .action ? Palette.text : Palette.muted),
                maxWidth: labelRight - indent - 50, middle: true, tooltip: tooltip, role: "span-name")
            page.text(span.level, x: indent + nameWidth + 5, y: mid + 3.5, size: 9, color: Palette.muted, maxWidth: max(0, labelRight - indent - nameWidth - 5), role: "span-level")
            guard let start = span.start else { continue }
            let x0 = axis.position(start - t0)
            var labelX: Double
            var label: String
            var labelColor = Palette.text
            switch span.kind {
            case .action:
                let end = span.end ?? max(openUntil, start)
                let x1 = max(axis.position(end - t0), x0 + 2)
                if span.isOpen {
                    legend.insert(.open)
                    page.box(x0, mid - 6, x1 - x0, 12, fill: Palette.pending.withAlpha(0.3), stroke: Palette.pending, dashed: true, tooltip: tooltip, role: "span-open")
                    label = "open"
                    labelColor = Palette.pending
                } else {
                    let color = failed ? Palette.failure : Palette.callback
                    legend.insert(failed ? .failure : .callbackRun)
                    page.box(x0, mid - 6, x1 - x0, 12, fill: color, radius: 2, tooltip: tooltip, role: failed ? "span-failed" : "span")
                    label = DurationFormat.text(span.duration ?? 0)
                    if failed {
                        label += "  ✗ \(ChainOutcome.shortType(span.exception ?? "?")): \(span.reason ?? "")"
                        labelColor = Palette.failure
                    }
                }
                labelX = x1 + 5
            case .message:
                legend.insert(failed ? .failure : .message)
                page.box(x0 - 3, mid - 3, 6, 6, fill: failed ? Palette.failure : Palette.muted, radius: 1, tooltip: tooltip, role: "message")
                label = failed ? "✗ \(ChainOutcome.shortType(span.exception ?? "?")): \(span.reason ?? "")" : span.fields.prefix(3).joined(separator: ", ")
                labelColor = failed ? Palette.failure : Palette.muted
                labelX = x0 + 7
            }
            if !label.isEmpty {
                let room = width - margin - labelX
                if room > 40 {
                    page.text(label, x: labelX, y: mid + 3.5, size: 10, color: labelColor, maxWidth: room, tooltip: tooltip, role: "span-label")
                } else {
                    page.text(label, x: x0 - 5, y: mid + 3.5, size: 10, color: labelColor, anchor: .end, maxWidth: x0 - labelRight - 10, tooltip: tooltip, role: "span-label")
                }
            }
        }
        if chain.spans.count > shown.count {
            page.text(
                "… \(chain.spans.count - shown.count) more rows not shown", x: x + 12, y: bottom + 16, size: 10.5,
                style: .bold, color: Palette.muted, role: "more")
            return (bottom + 22, [:])
        }
        return (bottom, [:])
    }
}
