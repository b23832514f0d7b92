import Chains

/// The callback/errback ladder of a Deferred chain: its pairs, the path the run took, and each run and wait on
/// the time axis.
extension ChainPageLayout {
    func displayPairs(_ chain: Chain) -> [LadderPair] {
        var pairs = chain.pairs
        for run in chain.extraRuns {
            pairs.append(
                LadderPair(
                    index: -1, callback: run.side == .callback ? run.name : nil,
                    errback: run.side == .errback ? run.name : nil, run: run, fate: .ran, pathIn: run.side,
                    pathOut: run.outputSide))
        }
        return pairs
    }

    mutating func drawPairs(_ chain: Chain, x: Double, top: Double, axis: TimeAxis, t0: Double)
        -> (bottom: Double, rows: [Int: Double])
    {
        let all = displayPairs(chain)
        let shown = all.count > options.maxRowsPerChain ? Array(all.prefix(options.maxRowsPerChain - 1)) : all
        let bottom = top + Double(max(shown.count, 1)) * pairPitch
        drawGrid(axis: axis, top: top, bottom: bottom)
        if let firedAt = chain.firedAt {
            let fx = axis.position(firedAt - t0)
            page.line([(fx, top), (fx, bottom)], color: Palette.muted, dashed: true, tooltip: "fired \(chain.firedValue ?? "")", role: "fired")
        }
        if let cancelledAt = chain.cancelledAt {
            // Where cancel() was called (a timeout cancels too), marked on the time axis.
            let cx = axis.position(cancelledAt - t0)
            let offset = chain.start.map { "+\(DurationFormat.text(cancelledAt - $0))" } ?? ""
            var tip = "cancelled \(offset)"
            if let converter = chain.cancellationConverter {
                tip += "\n\(converter.name) turned the CancelledError into \(ChainOutcome.shortType(converter.exception ?? "?"))"
            }
            legend.insert(.cancelled)
            // The line, and a ⊘ at its head; the header's facts say when and which pair converted it.
            page.line([(cx, top), (cx, bottom)], color: Palette.pending, width: 1.5, tooltip: tip, role: "cancelled")
            page.text("⊘", x: cx, y: top - 1, size: 10, style: .bold, color: Palette.pending, anchor: .middle, tooltip: tip, role: "cancelled-mark")
        }
        let cellsX = x + gutter
        func columnX(_ side: LadderSide) -> Double { (side == .callback ? cellsX : cellsX + cellWidth + cellGap) + 7 }
        var rows: [Int: Double] = [:]
        var pathPoints: [(Double, Double)] = []
        var crossings: [(from: LadderSide, to: LadderSide, y: Double, label: String, tip: String)] = []
        if shown.isEmpty {
            page.text("no callbacks added", x: cellsX, y: top + 19, size: 10.5, color: Palette.muted, role: "empty")
        }
        for (row, pair) in shown.enumerated() {
            let rowTop = top + Double(row) * pairPitch
            let cellY = rowTop + 4
            let mid = cellY + 11
            if pair.index >= 0 { rows[pair.index] = mid }
            page.text(
                pair.index >= 0 ? String(pair.index) : "·", x: cellsX - 4, y: mid + 3.5, size: 9.5, color: Palette.muted,
                anchor: .end, role: "pair-index")
            for side in [LadderSide.callback, .errback] {
                drawCell(pair, side: side, x: columnX(side) - 7, y: cellY)
            }
            if let pathIn = pair.pathIn, pair.fate != .notReached {
                pathPoints.append((columnX(pathIn), row == 0 ? cellY - 3 : rowTop))
                pathPoints.append((columnX(pathIn), cellY + 22))
                if let out = pair.pathOut, out != pathIn {
                    let y = rowTop + pairPitch - 2
                    pathPoints.append((columnX(pathIn), y))
                    pathPoints.append((columnX(out), y))
                    let run = pair.run
                    let label = out == .errback
                        ? "✗ " + ChainOutcome.shortType(run?.exception ?? pair.wait?.resumedValue ?? "failure")
                        : "✓ recovered"
                    let why = Self.crossingTip(pair, to: out)
                    crossings.append((pathIn, out, y, label, why))
                } else {
                    pathPoints.append((columnX(pathIn), rowTop + pairPitch))
                }
            }
            drawRunAndWait(pair, chain: chain, mid: mid, axis: axis, t0: t0)
        }
        // A chain still pending at the end of the log: a dashed bar from its start (or where it stopped) to the end.
        if chain.outcome.isOpen, !shown.contains(where: { $0.run != nil && $0.run!.end == nil }), let start = chain.start,
            let end = chain.end
        {
            let row = shown.firstIndex { $0.fate == .notReached } ?? max(0, shown.count - 1)
            let from = shown[..<row].compactMap { $0.wait?.end ?? $0.run?.end }.max() ?? start
            let mid = top + Double(row) * pairPitch + 15
            let x0 = axis.position(from - t0)
            let x1 = max(axis.position(end - t0), x0 + 2)
            legend.insert(.open)
            page.box(
                x0, mid - 8, x1 - x0, 16, fill: Palette.pending.withAlpha(0.12), stroke: Palette.pending, dashed: true,
                tooltip: chain.outcome.badge, role: "pending")
            page.text(chain.outcome.badge, x: x0 + 6, y: mid + 3.5, size: 9.5, style: .bold, color: Palette.pending, maxWidth: max(0, width - margin - x0 - 6), role: "pending-label")
        }
        if !pathPoints.isEmpty {
            if let last = pathPoints.last, last.1 > bottom { pathPoints[pathPoints.count - 1].1 = bottom - 2 }
            page.line(pathPoints, color: Palette.text.withAlpha(0.55), width: 1.6, tooltip: "the path this run took", role: "path")
        }
        for crossing in crossings {
            let color = crossing.to == .errback ? Palette.failure : Palette.errback
            let from = columnX(crossing.from)
            let to = columnX(crossing.to)
            page.line([(from, crossing.y), (to, crossing.y)], color: color, width: 2, arrow: true, tooltip: crossing.tip, role: "crossing")
            let labelWidth = page.width(crossing.label, size: 9, style: .bold)
            let cx = (from + to) / 2 + (crossing.to == .errback ? 20 : -20)
            page.box(cx - labelWidth / 2 - 4, crossing.y - 6, labelWidth + 8, 12, fill: Palette.background, stroke: color, radius: 6, tooltip: crossing.tip, role: "crossing-label")
            page.text(crossing.label, x: cx, y: crossing.y + 3.5, size: 9, style: .bold, color: color, anchor: .middle, tooltip: crossing.tip, role: "crossing-text")
        }
        if all.count > shown.count {
            page.text(
                "… \(all.count - shown.count) more pairs not shown", x: cellsX, y: bottom + 16, size: 10.5, style: .bold,
                color: Palette.muted, role: "more")
            return (bottom + 22, rows)
        }
        return (bottom, rows)
    }

    /// Why the path crosses to `side` after `pair`: what its run raised or returned, or (the original Reactor
    /// Track format records neither) only where the chain went, without claiming a cause the log does not give.
    static func crossingTip(_ pair: LadderPair, to side: LadderSide) -> String {
        let name = pair.run?.name ?? pair.name(on: pair.pathIn ?? .callback) ?? "pair \(pair.index)"
        let then = side == .errback ? "the chain switches to errbacks" : "the chain switches back to callbacks"
        if let run = pair.run, run.exception != nil || run.reason != nil {
            let what = [run.exception, run.reason].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return "\(name) raised\(what.isEmpty ? "" : " \(what)"); \(then)"
        }
        if let wait = pair.wait, let value = wait.resumedValue {
            return "\(name) returned Deferred #\(wait.on.map(String.init) ?? "?"), which gave \(value); \(then)"
        }
        if side == .callback { return "\(name) returned normally; \(then)" }
        return "after \(name) \(then) (the log records no exception)"
    }

    mutating func drawCell(_ pair: LadderPair, side: LadderSide, x: Double, y: Double) {
        guard let name = pair.name(on: side) else {
            legend.insert(.passThrough)
            page.line(
                [(x + cellWidth * 0.35, y + 11), (x + cellWidth * 0.65, y + 11)], color: Palette.muted.withAlpha(0.7),
                width: 2, tooltip: "pass-through: no \(side.rawValue) in pair \(pair.index)", role: "passthrough")
            return
        }
        let run = pair.run
        let taken = run?.side == side
        var tip = ["\(name) (\(side.rawValue) of pair \(pair.index))"]
        if let site = pair.site { tip.append("added at \(site)") }
        if taken, let run {
            if let input = run.input { tip.append("input: \(input)") }
            if let exception = run.exception { tip.append("raised \(exception): \(run.reason ?? "")") }
            else if let output = run.output { tip.append("output: \(output)") }
        } else {
            tip.append(
                pair.fate == .notReached
                    ? "not reached before the log ends"
                    : pair.fate == .beforeTracking
                        ? "ran before the monitor tracked this Deferred (no timing recorded)"
                        : "not taken: the chain was on the \(side == .callback ? "errback" : "callback") path")
        }
        if taken, let run {
            let strong = run.failed ? Palette.failure : (side == .callback ? Palette.callback : Palette.errback)
            let light = run.failed ? Palette.failureLight : (side == .callback ? Palette.callbackLight : Palette.errbackLight)
            page.box(x, y, cellWidth, 22, fill: light, stroke: strong, radius: 4, tooltip: tip.joined(separator: "\n"), role: "cell-taken")
            page.box(x + 4, y + 8, 6, 6, fill: strong, radius: 3, role: "taken-dot")
            page.text(name, x: x + 16, y: y + 15, size: 10.5, style: .mono, maxWidth: cellWidth - 22, middle: true, tooltip: tip.joined(separator: "\n"), role: "cell-name")
        } else {
            legend.insert(.skipped)
            page.box(x, y, cellWidth, 22, stroke: Palette.grid, radius: 4, dashed: pair.fate == .notReached, tooltip: tip.joined(separator: "\n"), role: "cell")
            page.text(name, x: x + 16, y: y + 15, size: 10.5, style: .mono, color: Palette.muted, maxWidth: cellWidth - 22, middle: true, tooltip: tip.joined(separator: "\n"), role: "cell-name")
        }
    }

    mutating func drawRunAndWait(_ pair: LadderPair, chain: Chain, mid: Double, axis: TimeAxis, t0: Double) {
        guard let run = pair.run, let start = run.start else {
            if pair.fate == .notReached, chain.outcome.isOpen {
                legend.insert(.open)
            }
            if pair.fate == .beforeTracking {
                page.text(
                    "ran before tracking", x: axis.x + 4, y: mid + 3.5, size: 10, color: Palette.muted,
                    tooltip: "this pair ran before the monitor tracked the Deferred: no timing recorded",
                    role: "before-tracking")
            }
            return
        }
        let chainEnd = chain.end ?? start
        let end = run.end ?? max(chainEnd, start)
        let x0 = axis.position(start - t0)
        let x1 = max(axis.position(end - t0), x0 + 2)
        let inferredStart = chain.inferred.contains(.startTimes) ? " (inferred from durations)" : ""
        var tip = ["\(run.name) (\(run.side.rawValue))", "start +\(DurationFormat.text(start - t0))\(inferredStart)"]
        tip.append(run.end == nil ? "still running at end of log" : "took \(DurationFormat.text(run.duration ?? 0))")
        if let input = run.input { tip.append("input: \(input)") }
        if let exception = run.exception { tip.append("raised \(exception): \(run.reason ?? "")") }
        if let output = run.output { tip.append("output: \(output)") }
        let tooltip = tip.joined(separator: "\n")
        let color: Color
        if run.end == nil {
            color = Palette.pending
            legend.insert(.open)
            page.box(x0, mid - 7, x1 - x0, 14, fill: color.withAlpha(0.3), stroke: color, dashed: true, tooltip: tooltip, role: "run-open")
        } else {
            color = run.failed ? Palette.failure : (run.side == .callback ? Palette.callback : Palette.errback)
            legend.insert(run.failed ? .failure : (run.side == .callback ? .callbackRun : .errbackRun))
            page.box(x0, mid - 7, x1 - x0, 14, fill: color, radius: 2, tooltip: tooltip, role: run.failed ? "run-failed" : "run")
        }
        var labelX = x1
        var label = run.end == nil ? "running at end of log" : DurationFormat.text(run.duration ?? 0)
        if let nested = nested?.time(in: run, of: chain), let duration = run.duration {
            label += " (self \(DurationFormat.text(max(0, duration - nested))))"
        }
        var detail = ""
        var detailColor = Palette.muted
        if let wait = pair.wait, let ws = wait.start {
            legend.insert(.waiting)
            let we = wait.end ?? max(chainEnd, ws)
            let wx0 = axis.position(ws - t0)
            let wx1 = max(axis.position(we - t0), wx0 + 2)
            var wtip = ["waiting on Deferred #\(wait.on.map(String.init) ?? "?")"]
            wtip.append(wait.end == nil ? "still waiting at end of log" : "waited \(DurationFormat.text(wait.duration ?? 0))")
            if let value = wait.resumedValue { wtip.append("resumed with \(value)") }
            page.box(wx0, mid - 6, wx1 - wx0, 12, fill: Palette.waiting.withAlpha(0.22), stroke: Palette.waiting, hatch: Palette.waiting, dashed: wait.end == nil, tooltip: wtip.joined(separator: "\n"), role: "wait")
            labelX = max(labelX, wx1)
            label += " + waited on #\(wait.on.map(String.init) ?? "?") \(wait.end == nil ? "(still waiting)" : DurationFormat.text(wait.duration ?? 0))"
            if let value = wait.resumedValue { detail = "→ \(value)" }
        } else if run.failed {
            detail = "✗ \(ChainOutcome.shortType(run.exception ?? "?")): \(run.reason ?? "")"
            // The pair that turned the cancellation into this failure says so.
            if chain.cancellationConverter?.start == run.start, chain.cancellationConverter?.name == run.name {
                detail = "⊘→" + detail
            }
            detailColor = Palette.failure
        } else if let output = run.output {
            detail = "→ \(output)"
        }
        let labelWidth = page.width(label, size: 10)
        let room = width - margin - labelX - 6
        if room >= labelWidth + 10 {
            page.text(label, x: labelX + 5, y: mid + 3.5, size: 10, color: Palette.text, tooltip: tooltip, role: "run-label")
            let detailX = labelX + 5 + labelWidth + 6
            if !detail.isEmpty, width - margin - detailX > 30 {
                page.text(detail, x: detailX, y: mid + 3.5, size: 10, style: .mono, color: detailColor, maxWidth: width - margin - detailX, tooltip: tooltip, role: "run-detail")
            }
        } else {
            page.text(label, x: x0 - 5, y: mid + 3.5, size: 10, color: Palette.text, anchor: .end, tooltip: tooltip, role: "run-label")
        }
    }
}
