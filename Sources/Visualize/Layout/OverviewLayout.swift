import Chains
/// Lays out the overview of many chains: outcome counts, duration percentiles, a waterfall of (grouped)
/// chains sorted by duration or start, and the slowest callbacks.
struct OverviewLayout {
    let options: DiagramOptions
    var page: PageBuilder
    let margin = 24.0
    let rowPitch = 22.0
    /// The parts of bars drawn so far, for the legend.
    var legendParts = Set<OverviewBarPart>()

    init(options: DiagramOptions, measurer: any TextMeasuring) {
        self.options = options
        self.page = PageBuilder(measurer: measurer)
    }

    /// The overview of `chains` (a selection of `log`'s, without the monitor's dropped-events marker).
    ///
    /// - Parameter droppedEvents: Events the monitor dropped: a warning under the title when not 0.
    static func page(
        _ log: TrackedLog, chains: [Chain], droppedEvents: Int = 0, options: DiagramOptions,
        measurer: any TextMeasuring
    ) -> LayoutPage {
        var overview = OverviewAccumulator()
        for (ordinal, chain) in chains.enumerated() { overview.add(chain, ordinal: ordinal) }
        let figures = overview.figures(
            inputs: log.inputs, messages: log.messageCount, warnings: log.warnings.count, droppedEvents: droppedEvents)
        return page(figures, options: options, measurer: measurer)
    }

    /// The overview of chains folded as a log streamed past (see ``OverviewAccumulator``).
    static func page(_ figures: OverviewFigures, options: DiagramOptions, measurer: any TextMeasuring) -> LayoutPage {
        var layout = OverviewLayout(options: options, measurer: measurer)
        return layout.build(figures)
    }

    private var width: Double { options.width }

    private mutating func build(_ figures: OverviewFigures) -> LayoutPage {
        let summary = figures.summary
        let droppedEvents = figures.droppedEvents
        let count = figures.chainCount
        let title = options.title ?? "Overview · \(count) chain\(count == 1 ? "" : "s") · \(options.shortSourceNames)"
        page.box(0, 0, width, 40, fill: Palette.band, role: "title-band")
        page.text(title, x: margin, y: 26, size: 15, style: .bold, maxWidth: width - 2 * margin - 120, role: "title")
        page.text("reactortrack", x: width - margin, y: 26, size: 11, color: Palette.muted, anchor: .end, role: "title-note")
        var y = 58.0
        if droppedEvents > 0 { y = page.droppedWarning(droppedEvents, x: margin, y: 52, width: width - 2 * margin) + 12 }

        // Outcome chips.
        var x = margin
        let order = ChainOutcome.names
        for name in order {
            guard let count = summary.outcomes[name], count > 0 else { continue }
            let color = Self.color(name)
            let text = "\(count) \(name)"
            let w = page.width(text, size: 12, style: .bold) + 20
            // Recovered: the success colour ringed with the failure's (it ended well; something raised).
            let ring = name == ChainOutcome.recovered(exception: "", reason: "").name ? Palette.failure : nil
            page.box(x, y, w, 24, fill: color, stroke: ring, radius: 12, role: "chip")
            page.text(text, x: x + 10, y: y + 16.5, size: 12, style: .bold, color: Palette.background, role: "chip-text")
            x += w + 8
        }
        y += 44
        let d = summary.durations
        let stats =
            d.count == 0
            ? "chain duration  none: no complete task has a duration" + SummaryFormatter.leftOut(summary)
            : "chain duration  p50 \(DurationFormat.text(d.p50)) · p90 \(DurationFormat.text(d.p90)) · p95 \(DurationFormat.text(d.p95)) · p99 \(DurationFormat.text(d.p99)) · max \(DurationFormat.text(d.max))"
            + SummaryFormatter.leftOut(summary)
        page.text(stats, x: margin, y: y, size: 12, maxWidth: width - 2 * margin, role: "percentiles")
        y += 20
        if figures.hasDeferred {
            let busy = summary.running + summary.waiting
            let split =
                "in callbacks \(DurationFormat.text(summary.running)) (\(DurationFormat.percent(summary.running, of: busy))) · waiting on other Deferreds \(DurationFormat.text(summary.waiting)) (\(DurationFormat.percent(summary.waiting, of: busy))) · \(summary.messages) messages"
            page.text(split, x: margin, y: y, size: 11, color: Palette.muted, role: "running-waiting")
            y += 14
            if busy > 0 {
                let barW = 360.0
                let runW = barW * summary.running / busy
                page.box(margin, y, runW, 8, fill: Palette.callback, role: "split-running")
                page.box(margin + runW, y, barW - runW, 8, fill: Palette.waiting.withAlpha(0.25), stroke: Palette.waiting, hatch: Palette.waiting, role: "split-waiting")
                y += 14
            }
        } else {
            // No Deferred chains: time in callbacks and waiting do not apply, so they are not shown as 0 s.
            page.text("\(summary.messages) messages · no Deferred chains", x: margin, y: y, size: 11, color: Palette.muted, role: "messages")
            y += 14
        }
        y += 18

        // Waterfall.
        let groups = figures.groups
        // The groups' places in order, not copies of them (a log of distinct chains has as many groups).
        let sorted: [Int]
        switch options.sort {
        case .duration:
            let longest = groups.map(\.maxDuration)
            sorted = groups.indices.sorted { longest[$0] > longest[$1] }
        case .start:
            let starts = groups.map(\.start)
            sorted = groups.indices.sorted { starts[$0] < starts[$1] }
        }
        let sortNote = options.sort == .duration ? "slowest first" : "in order of start"
        page.text(
            "Chains (\(groups.count) row\(groups.count == 1 ? "" : "s"), identical chains grouped, \(sortNote))",
            x: margin, y: y, size: 13, style: .bold, role: "section")
        y += 10
        let nameWidth = 330.0
        let barX = margin + nameWidth + 10
        let barW = width - margin - barX - 230
        let logStart = figures.start ?? 0
        let span: Double
        switch options.sort {
        case .duration: span = figures.longest
        case .start: span = (figures.end ?? logStart) - logStart
        }
        let axis = TimeAxis(origin: 0, span: span, x: barX, width: barW)
        let ticks = axis.ticks()
        for tick in ticks {
            page.text(
                tick == 0 ? "0" : "+" + DurationFormat.text(tick), x: axis.position(tick), y: y + 12, size: 9,
                color: Palette.muted, anchor: tick == 0 ? .start : .middle, role: "tick")
        }
        y += 18
        let shown = sorted.prefix(options.overviewRows).map { groups[$0] }
        let plans = shown.map { plan($0, axis: axis, logStart: logStart) }
        let gridTop = y
        let gridBottom = y + plans.reduce(0) { $0 + $1.height }
        for tick in ticks {
            page.line([(axis.position(tick), gridTop), (axis.position(tick), gridBottom)], color: Palette.grid, role: "grid")
        }
        var top = y
        for (row, plan) in plans.enumerated() {
            if row % 2 == 1 { page.box(margin, top, width - 2 * margin, plan.height, fill: Palette.band.withAlpha(0.6), role: "stripe") }
            drawRow(plan, top: top, nameWidth: nameWidth, axis: axis, logStart: logStart)
            top += plan.height
        }
        y = gridBottom
        if sorted.count > shown.count {
            let rest = sorted[shown.count...].flatMap { groups[$0].members }
            let p = Percentiles(rest.map(\.duration))
            page.text(
                "… \(rest.count) more chain\(rest.count == 1 ? "" : "s") in \(sorted.count - shown.count) row\(sorted.count - shown.count == 1 ? "" : "s") (p50 \(DurationFormat.text(p.p50)) · p95 \(DurationFormat.text(p.p95)) · max \(DurationFormat.text(p.max)))",
                x: margin, y: y + 16, size: 11, style: .bold, color: Palette.muted, role: "more")
            y += 22
        }
        y = drawLegend(top: y + 12) + 24

        // Slowest callbacks.
        if !summary.slowestCallbacks.isEmpty {
            page.text("Slowest callbacks (by total time)", x: margin, y: y, size: 13, style: .bold, role: "section")
            y += 20
            let columns: [(String, Double, TextAnchor)] = [
                ("callback / action", margin, .start), ("calls", margin + 470, .end), ("total", margin + 560, .end),
                ("p95", margin + 650, .end), ("max", margin + 740, .end), ("failures", margin + 830, .end),
            ]
            for (name, cx, anchor) in columns {
                page.text(name, x: cx, y: y, size: 10, style: .bold, color: Palette.muted, anchor: anchor, role: "column")
            }
            y += 6
            let maxTotal = summary.slowestCallbacks.first?.total ?? 0
            for (row, stats) in summary.slowestCallbacks.enumerated() {
                let top = y + Double(row) * 20
                let base = top + 14
                if maxTotal > 0 {
                    page.box(margin + 850, top + 5, 200 * stats.total / maxTotal, 10, fill: Palette.callback.withAlpha(0.75), role: "total-bar")
                }
                page.text(stats.name, x: margin, y: base, size: 10.5, style: .mono, maxWidth: 400, middle: true, role: "callback-name")
                page.text(String(stats.calls), x: margin + 470, y: base, size: 10.5, anchor: .end, role: "cell")
                page.text(DurationFormat.text(stats.total), x: margin + 560, y: base, size: 10.5, anchor: .end, role: "cell")
                page.text(DurationFormat.text(stats.percentiles.p95), x: margin + 650, y: base, size: 10.5, anchor: .end, role: "cell")
                page.text(DurationFormat.text(stats.percentiles.max), x: margin + 740, y: base, size: 10.5, anchor: .end, role: "cell")
                page.text(
                    String(stats.failures), x: margin + 830, y: base, size: 10.5, style: stats.failures > 0 ? .bold : .regular,
                    color: stats.failures > 0 ? Palette.failure : Palette.text, anchor: .end, role: "cell")
            }
            y += Double(summary.slowestCallbacks.count) * 20 + 16
        }
        var note = "source: \(options.sourceNames.joined(separator: ", "))"
        if options.warningCount > 0 {
            note += " · \(options.warningCount) warning\(options.warningCount == 1 ? "" : "s") while reading (see stderr)"
        }
        page.text(note, x: margin, y: y + 6, size: 10, color: Palette.muted, maxWidth: width - 2 * margin, role: "footer")
        return LayoutPage(title: "Overview", width: width, height: y + 24, items: page.items)
    }

    /// Where one row's bar and labels go, worked out before anything is drawn (the grid needs every row's height).
    private struct RowPlan {
        var group: OverviewGroup
        /// The median chain of the group (the chain itself when alone), whose bar is drawn.
        var sample: OverviewGroup.Member
        var x0: Double
        var runW: Double
        var waitW: Double
        var idleW: Double
        /// The bar's right end.
        var end: Double
        var labelX: Double
        /// The duration (or `message`), and `(pending)` for an open chain.
        var label: String
        /// `✗ ShortType: reason` for a failed chain.
        var failure: String?
        /// Whether the failure text goes on a line of its own under the bar: there is no room for it to the right.
        var failureOwnLine: Bool
        var height: Double
    }

    private func plan(_ group: OverviewGroup, axis: TimeAxis, logStart: Double) -> RowPlan {
        let p = group.durations
        let sample = group.sample
        let offset = options.sort == .start ? (group.start - logStart) : 0
        let x0 = axis.position(offset)
        let total = sample.duration
        let running = group.isDeferred ? min(sample.runningTime, total) : total
        let waiting = min(sample.waitingTime, max(0, total - running))
        let idle = max(0, total - running - waiting)
        let runW = max(axis.position(offset + running) - x0, running > 0 ? 1.5 : 0)
        let waitW = axis.position(offset + waiting) - x0
        let idleW = axis.position(offset + idle) - x0
        let end = x0 + max(runW, 2) + max(waitW, 0) + max(idleW, 0)
        var label: String
        if group.outcome == .message {
            label = group.count > 1 ? "messages" : "message"
        } else {
            label = group.count > 1 ? "median \(DurationFormat.text(p.p50)) · max \(DurationFormat.text(p.max))" : DurationFormat.text(total)
        }
        if group.outcome.isOpen { label += "  (\(group.outcome.name))" }
        var failure: String?
        if let exception = group.outcome.exception {
            // A recovered chain is marked too (✓, in the success colour): a failure was handled on the way.
            var text = group.outcome.isFailure ? "✗ " : "✓ recovered from "
            text += ChainOutcome.shortType(exception)
            switch group.outcome {
            case .failed(_, let reason), .unhandled(_, let reason), .recovered(_, let reason):
                if !reason.isEmpty { text += ": \(reason)" }
            default: break
            }
            failure = text
        }
        let labelX = max(end, group.count > 1 ? axis.position(offset + p.max) : end) + 6
        var ownLine = false
        if let failure {
            let needed = page.width(label, size: 10) + page.width("  " + failure, size: 10)
            ownLine = labelX + needed > width - margin
        }
        return RowPlan(
            group: group, sample: sample, x0: x0, runW: runW, waitW: waitW, idleW: idleW, end: end, labelX: labelX,
            label: label, failure: failure, failureOwnLine: ownLine, height: ownLine ? rowPitch + 14 : rowPitch)
    }

    private mutating func drawRow(_ row: RowPlan, top: Double, nameWidth: Double, axis: TimeAxis, logStart: Double) {
        let group = row.group
        let mid = top + rowPitch / 2
        let p = group.durations
        var tip = [group.label, "outcome: \(group.outcome.badge)"]
        if group.count > 1 {
            tip.append("\(group.count) chains: min \(DurationFormat.text(group.minDuration)) · median \(DurationFormat.text(p.p50)) · max \(DurationFormat.text(p.max))")
        } else {
            tip.append("task \(group.id) · \(group.file):\(group.line.map(String.init) ?? "?")")
        }
        if case .failed(let e, let r) = group.outcome { tip.append("\(e): \(r)") }
        if case .unhandled(let e, let r) = group.outcome { tip.append("unhandled \(e): \(r)") }
        if case .recovered(let e, let r) = group.outcome { tip.append("recovered from \(e): \(r)") }
        let tooltip = tip.joined(separator: "\n")
        let failed = group.outcome.isFailure
        page.box(margin + 4, mid - 4, 8, 8, fill: ChainPageLayout.color(of: group.outcome), radius: 4, tooltip: group.outcome.badge, role: "outcome-dot")
        page.text(group.label, x: margin + 18, y: mid + 4, size: 10.5, style: .mono, color: failed ? Palette.failure : Palette.text, maxWidth: nameWidth - 22, middle: true, tooltip: tooltip, role: "chain-name")
        if group.outcome == .message {
            // A lone message has no duration: a mark where it is, not a bar of 0 s.
            legendParts.insert(.message)
            page.box(row.x0 - 1, mid - 3, 6, 6, fill: Palette.muted, radius: 1, tooltip: tooltip, role: "bar-message")
        } else {
            let open = group.outcome.isOpen
            let color = open ? Palette.pending : Palette.callback
            legendParts.insert(open ? .open : (group.isDeferred ? .running : .action))
            page.box(row.x0, mid - 6, max(row.runW, 2), 12, fill: color, tooltip: tooltip, role: "bar-running")
            if row.waitW > 0.5 {
                legendParts.insert(.waiting)
                page.box(row.x0 + row.runW, mid - 6, row.waitW, 12, fill: Palette.waiting.withAlpha(0.22), stroke: Palette.waiting, hatch: Palette.waiting, tooltip: tooltip, role: "bar-waiting")
            }
            if row.idleW > 0.5 {
                legendParts.insert(open ? .open : .idle)
                page.box(row.x0 + row.runW + max(row.waitW, 0), mid - 6, row.idleW, 12, fill: color.withAlpha(0.3), tooltip: tooltip, role: "bar-idle")
            }
        }
        if failed {
            legendParts.insert(.failure)
            page.box(row.end - 3, mid - 6, 4, 12, fill: Palette.failure, tooltip: tooltip, role: "bar-failure")
        }
        if group.count > 1 {
            legendParts.insert(.whisker)
            let offset = options.sort == .start ? (group.start - logStart) : 0
            let lo = axis.position(offset + group.minDuration)
            let hi = axis.position(offset + p.max)
            page.line([(lo, mid), (hi, mid)], color: Palette.text.withAlpha(0.6), role: "whisker")
            page.line([(hi, mid - 4), (hi, mid + 4)], color: Palette.text.withAlpha(0.6), role: "whisker")
        }
        let color = failed ? Palette.failure : Palette.text
        let room = width - margin - row.labelX
        let labelWidth = page.text(row.label, x: row.labelX, y: mid + 4, size: 10, color: color, maxWidth: room, tooltip: tooltip, role: "bar-label")
        guard let failure = row.failure else { return }
        let failureColor = failed ? Palette.failure : Palette.errback
        if row.failureOwnLine {
            // No room to the right of a long bar: the failure gets a line of its own, the width of the axis and
            // what is right of it, so that the exception type and reason can be read (the tooltip has it all).
            let x = axis.x
            page.text(failure, x: x, y: top + rowPitch + 8, size: 10, color: failureColor, maxWidth: width - margin - x, tooltip: tooltip, role: "bar-failure-text")
        } else {
            let x = row.labelX + labelWidth + page.width("  ", size: 10)
            page.text(failure, x: x, y: mid + 4, size: 10, color: failureColor, maxWidth: width - margin - x, tooltip: tooltip, role: "bar-failure-text")
        }
    }

    /// One swatch per kind of bar part drawn, so that every part of every bar is explained; returns the bottom.
    private mutating func drawLegend(top: Double) -> Double {
        var x = margin
        var y = top
        for part in legendParts.sorted() {
            let w = page.width(part.text, size: 10) + 34
            if x + w > width - margin {
                x = margin
                y += 18
            }
            part.drawSwatch(in: &page, x: x, y: y)
            page.text(part.text, x: x + 22, y: y + 9, size: 10, color: Palette.muted, role: "legend")
            x += w
        }
        return legendParts.isEmpty ? top : y + 10
    }

    static func color(_ outcome: String) -> Color {
        switch outcome {
        case "succeeded", "recovered": Palette.errback
        case "failed", "unhandled": Palette.failure
        case "waiting": Palette.waiting
        case "pending": Palette.pending
        default: Palette.muted
        }
    }
}
