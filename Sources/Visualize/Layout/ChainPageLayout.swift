import Chains
/// Lays out chain families in detail: for each chain a header, the callback/errback ladder with the path the
/// run took, and its runs and waits as bars on a time axis; linked chains indented below, with arrows.
struct ChainPageLayout {
    let options: DiagramOptions
    var page: PageBuilder
    var legend = Set<LegendKind>()
    /// The family being drawn: a run's own (self) time leaves out the runs of other members nested in it.
    var family: ChainFamily?
    /// When the log's last event happened (see `page`).
    var logEnd: Double?
    /// Where the family being drawn has its axis end: an open action's bar runs to it.
    var openUntil: Double = 0
    /// The family's nested times, worked out once for all its runs.
    var nested: NestedTimes?
    /// Whether a chain drawn has times the log recorded, and whether one has times reconstructed from durations.
    var drewRecordedTimes = false
    var drewInferredTimes = false

    // Geometry.
    let margin = 24.0
    let indentStep = 28.0
    let gutter = 24.0
    let cellWidth = 196.0
    let cellGap = 18.0
    let pairPitch = 30.0
    let spanPitch = 22.0
    let headerHeight = 50.0
    let inferredHeight = 16.0

    init(options: DiagramOptions, measurer: any TextMeasuring) {
        self.options = options
        self.page = PageBuilder(measurer: measurer)
    }

    var width: Double { options.width }
    var ladderWidth: Double { gutter + cellWidth * 2 + cellGap }

    /// A page holding `families` stacked, as many as fit under the height cap; says how many were left out.
    ///
    /// - Parameter droppedEvents: Events the monitor dropped (its `reactortrack:dropped` marker): a warning
    ///   under the title when not 0.
    /// - Parameter logEnd: When the log's last event happened: an action still open then is drawn up to it.
    static func page(
        _ families: [ChainFamily], title: String, droppedEvents: Int = 0, logEnd: Double? = nil,
        options: DiagramOptions, measurer: any TextMeasuring
    ) -> LayoutPage {
        var layout = ChainPageLayout(options: options, measurer: measurer)
        layout.logEnd = logEnd
        return layout.build(families, title: title, droppedEvents: droppedEvents)
    }

    private mutating func build(_ families: [ChainFamily], title: String, droppedEvents: Int) -> LayoutPage {
        var y = drawTitle(title, count: families.reduce(0) { $0 + $1.members.count })
        if droppedEvents > 0 {
            y = page.droppedWarning(droppedEvents, x: margin, y: y - 6, width: width - 2 * margin) + 10
        }
        var shown = 0
        for family in families {
            let estimate = estimatedHeight(family)
            if shown > 0 && y + estimate > options.maxPageHeight - 120 { break }
            if shown > 0 {
                page.line([(margin, y - 10), (width - margin, y - 10)], color: Palette.grid, role: "separator")
            }
            y = drawFamily(family, top: y) + 22
            shown += 1
        }
        if shown < families.count {
            let rest = families[shown...].reduce(0) { $0 + $1.members.count }
            page.text(
                "… \(rest) more chain\(rest == 1 ? "" : "s") not shown on this page: render to PDF (a page per chain) "
                    + "or use --view overview, --task, --failed or --slowest",
                x: margin, y: y + 4, size: 12, style: .bold, color: Palette.failure, role: "more")
            y += 24
        }
        y = drawFooter(top: y)
        return LayoutPage(title: title, width: width, height: y, items: page.items)
    }

    private func estimatedHeight(_ family: ChainFamily) -> Double {
        family.members.reduce(0.0) { total, member in
            let rows = Double(min(rowCount(member.chain), options.maxRowsPerChain + 1))
            let note = member.chain.inferred.isEmpty ? 0 : inferredHeight
            return total + headerHeight + note + 40 + rows * (member.chain.isDeferred ? pairPitch : spanPitch)
        }
    }

    private func rowCount(_ chain: Chain) -> Int {
        chain.isDeferred ? displayPairs(chain).count : chain.spans.count
    }

    // MARK: - Title and footer

    private mutating func drawTitle(_ title: String, count: Int) -> Double {
        page.box(0, 0, width, 40, fill: Palette.band, role: "title-band")
        page.text(title, x: margin, y: 26, size: 15, style: .bold, maxWidth: width * 0.62, role: "title")
        let right = "\(count) chain\(count == 1 ? "" : "s") · reactortrack"
        page.text(right, x: width - margin, y: 26, size: 11, color: Palette.muted, anchor: .end, role: "title-note")
        return 56
    }

    private mutating func drawFooter(top: Double) -> Double {
        var y = top + 6
        var x = margin
        for kind in legend.sorted() {
            let w = page.width(kind.text, size: 10) + 34
            if x + w > width - margin {
                x = margin
                y += 18
            }
            swatch(kind, x: x, y: y)
            page.text(kind.text, x: x + 22, y: y + 9, size: 10, color: Palette.muted, role: "legend")
            x += w
        }
        y += 26
        var note = "source: \(options.sourceNames.joined(separator: ", ")) · \(timesNote), t = 0 at each family's first event"
        if options.warningCount > 0 {
            note += " · \(options.warningCount) warning\(options.warningCount == 1 ? "" : "s") while reading (see stderr)"
        }
        page.text(note, x: margin, y: y, size: 10, color: Palette.muted, maxWidth: width - 2 * margin, role: "footer")
        return y + 14
    }

    /// What the times on the page are: recorded (wall-clock), reconstructed from durations, or some of each.
    private var timesNote: String {
        switch (drewRecordedTimes, drewInferredTimes) {
        case (_, false): "times are wall-clock"
        case (false, true): "times are inferred: reconstructed from durations (the log records no start times)"
        case (true, true): "times are wall-clock, except where marked inferred (reconstructed from durations)"
        }
    }

    mutating func swatch(_ kind: LegendKind, x: Double, y: Double) {
        switch kind {
        case .callbackRun: page.box(x, y, 16, 10, fill: Palette.callback, radius: 2, role: "swatch")
        case .errbackRun: page.box(x, y, 16, 10, fill: Palette.errback, radius: 2, role: "swatch")
        case .failure: page.box(x, y, 16, 10, fill: Palette.failure, radius: 2, role: "swatch")
        case .waiting:
            page.box(x, y, 16, 10, fill: Palette.waiting.withAlpha(0.25), stroke: Palette.waiting, hatch: Palette.waiting, role: "swatch")
        case .open: page.box(x, y, 16, 10, fill: Palette.pending.withAlpha(0.3), stroke: Palette.pending, dashed: true, role: "swatch")
        case .passThrough: page.line([(x + 2, y + 5), (x + 14, y + 5)], color: Palette.muted, width: 2, role: "swatch")
        case .skipped: page.box(x, y, 16, 10, stroke: Palette.grid, radius: 2, role: "swatch")
        case .message: page.box(x + 5, y + 2, 6, 6, fill: Palette.muted, radius: 1, role: "swatch")
        case .link: page.line([(x, y + 5), (x + 16, y + 5)], color: Palette.link, width: 1.5, dashed: true, arrow: true, role: "swatch")
        case .cancelled: page.line([(x + 8, y - 1), (x + 8, y + 11)], color: Palette.pending, width: 1.5, role: "swatch")
        }
    }

    // MARK: - One family

    private mutating func drawFamily(_ family: ChainFamily, top: Double) -> Double {
        self.family = family
        nested = NestedTimes(family)
        // Past the indent limit, chains are drawn at the limit's indent (their headers say how deep they are).
        let maxDepth = min(family.members.map(\.depth).max() ?? 0, ChainFamily.indentLimit)
        let timeX = margin + Double(maxDepth) * indentStep + ladderWidth + 24
        let axisWidth = max(120, width - margin - timeX - 150)
        let t0 = family.members.compactMap(\.chain.start).min() ?? 0
        // The axis runs to the family's last event (an incomplete task's messages after its root ended are on
        // it), and to the end of the log when an action of it was still open then.
        var t1 = family.members.compactMap(\.chain.lastEventTime).max() ?? t0
        if let logEnd, family.members.contains(where: { $0.chain.spans.contains(where: \.isOpen) }) {
            t1 = max(t1, logEnd)
        }
        openUntil = t1
        let axis = TimeAxis(origin: 0, span: t1 - t0, x: timeX, width: axisWidth)
        var y = top
        var headerMid: [String: (x: Double, y: Double)] = [:]
        var firstRowMid: [String: Double] = [:]
        var pairRowMid: [String: [Int: Double]] = [:]
        // A family taller than a page is drawn down to the page's height cap, the rest counted: a page of a
        // hundred thousand linked chains (its links drawn down the whole page) took Cairo minutes and was past
        // what a PDF viewer opens.
        var drawn = family.members.count
        for (i, member) in family.members.enumerated() {
            if i > 0 && y > options.maxPageHeight - 120 {
                drawn = i
                break
            }
            let x = margin + Double(min(member.depth, ChainFamily.indentLimit)) * indentStep
            headerMid[member.chain.id] = (x, y + headerHeight / 2)
            y = drawHeader(member, x: x, top: y)
            y = drawInferred(member.chain, x: x, top: y)
            if member.chain.start != nil {
                if member.chain.inferred.contains(.startTimes) { drewInferredTimes = true } else { drewRecordedTimes = true }
            }
            y = drawAxisRow(member.chain, x: x, top: y, axis: axis, t0: t0)
            let rowsTop = y
            let result = member.chain.isDeferred
                ? drawPairs(member.chain, x: x, top: y, axis: axis, t0: t0)
                : drawSpans(member.chain, x: x, top: y, axis: axis, t0: t0)
            firstRowMid[member.chain.id] = rowsTop + (member.chain.isDeferred ? pairPitch : spanPitch) / 2
            pairRowMid[member.chain.id] = result.rows
            y = result.bottom + 14
        }
        // Links: an arrow down the left margin from the source row to the linked chain's header, and a flow
        // arrow on the time axis from when the link was made to when the target started.
        let parents = family.parents
        // The first member of each id, as a search from the start finds it.
        var memberOf: [String: Int] = [:]
        for (i, member) in family.members.enumerated() where memberOf[member.chain.id] == nil {
            memberOf[member.chain.id] = i
        }
        func chainNamed(_ id: String) -> Chain? { memberOf[id].map { family.members[$0].chain } }
        var runOfPair: [String: [Int: ChainRun?]] = [:]
        var waitOn: [String: [Int: ChainWait]] = [:]
        for (i, member) in family.members.prefix(drawn).enumerated() {
            guard let link = member.link, let parent = parents[i].map({ family.members[$0].chain.id }),
                let target = headerMid[member.chain.id], let source = headerMid[parent]
            else { continue }
            let parentID = parent
            legend.insert(.link)
            let rows = pairRowMid[parentID] ?? [:]
            let fromY = link.pairIndex.flatMap { rows[$0] } ?? (source.y + headerHeight / 2)
            let lineX = source.x + 5
            var tip = "\(linkVerb(link.kind)) \(member.chain.title)"
            if member.chain.inferred.contains(.link) { tip += " (inferred: \(Inference.link.explanation))" }
            page.line(
                [(lineX + 14, fromY), (lineX, fromY), (lineX, target.y), (target.x - 2, target.y)], color: Palette.link,
                width: 1.5, arrow: true, tooltip: tip, role: "link")
            // A chain tracked inside an action starts inside it: the margin arrow says so, no flow is drawn.
            if link.kind == .contains { continue }
            // The parent's first pair of each index and first wait on each Deferred, indexed once per parent: a
            // search per linked chain made a fan-out quadratic.
            if runOfPair[parentID] == nil, let parentChain = chainNamed(parentID) {
                var runs: [Int: ChainRun?] = [:]
                for pair in parentChain.pairs where runs[pair.index] == nil { runs[pair.index] = .some(pair.run) }
                runOfPair[parentID] = runs
                var waits: [Int: ChainWait] = [:]
                for wait in parentChain.waits { if let on = wait.on, waits[on] == nil { waits[on] = wait } }
                waitOn[parentID] = waits
            }
            let sourceRun = link.pairIndex.flatMap { index in runOfPair[parentID]?[index] ?? nil }
            let flowTime = link.kind == .chained ? (sourceRun?.start ?? link.time) : (link.time ?? sourceRun?.end)
            if link.kind == .waitedOn, let startY = firstRowMid[member.chain.id],
                let wait = waitOn[parentID]?[link.target],
                let back = wait.end, let fired = member.chain.firedAt
            {
                // The awaited chain's result flows back up to where the waiting chain resumed.
                page.line(
                    [(axis.position(fired - t0), startY), (axis.position(back - t0), fromY + 6)], color: Palette.link,
                    width: 1.2, dashed: true, arrow: true, tooltip: "result of \(member.chain.title) resumes \(chainNamed(parentID)?.title ?? "")", role: "flow")
            } else if let time = flowTime, let startY = firstRowMid[member.chain.id] {
                let to = member.chain.firedAt ?? member.chain.start ?? time
                page.line(
                    [(axis.position(time - t0), fromY), (axis.position(to - t0), startY)], color: Palette.link,
                    width: 1.2, dashed: true, arrow: true, tooltip: tip, role: "flow")
            }
        }
        if drawn < family.members.count {
            let rest = family.members.count - drawn
            page.text(
                "… \(rest) more linked chain\(rest == 1 ? "" : "s") of this family not shown: the page is full; "
                    + "select one with --task, or see them all with reactortrack tree",
                x: margin, y: y + 4, size: 12, style: .bold, color: Palette.failure, role: "more")
            y += 24
        }
        return y
    }

    private func linkVerb(_ kind: ChainLink.Kind) -> String {
        switch kind {
        case .chained: "chainDeferred →"
        case .waitedOn: "waited on →"
        case .returned: "returned →"
        case .contains: "tracked inside →"
        }
    }

    // MARK: - Header

    private mutating func drawHeader(_ member: ChainFamily.Member, x: Double, top: Double) -> Double {
        let chain = member.chain
        let right = width - margin
        var tip = ["\(chain.title) — \(chain.outcome.badge)", "task \(chain.id)", "\(chain.file):\(chain.line.map(String.init) ?? "?")"]
        if let created = chain.createdAt { tip.append("created at \(created)") }
        if let tracked = chain.trackedAt { tip.append("tracked at \(tracked)") }
        if let fired = chain.firedValue { tip.append("fired with \(fired)") }
        if let result = chain.result { tip.append("result: \(result)") }
        if case .failed(let e, let r) = chain.outcome { tip.append("\(e): \(r)") }
        if case .unhandled(let e, let r) = chain.outcome { tip.append("unhandled \(e): \(r)") }
        if case .recovered(let e, let r) = chain.outcome { tip.append("recovered from \(e): \(r)") }
        if member.depth > ChainFamily.indentLimit {
            tip.append("depth \(member.depth): drawn at the indent of depth \(ChainFamily.indentLimit)")
        }
        page.box(x, top, right - x, headerHeight - 6, fill: Palette.band, radius: 6, tooltip: tip.joined(separator: "\n"), role: "header")
        // Past the indent limit, the title says how deep the chain is.
        let title = member.depth > ChainFamily.indentLimit ? "\(chain.title) (depth \(member.depth))" : chain.title
        let titleWidth = page.text(
            title, x: x + 12, y: top + 19, size: 14, style: .bold, maxWidth: 360, middle: true, role: "chain-title")
        let badgeColor = Self.color(of: chain.outcome)
        let badgeText = page.width(chain.outcome.badge, size: 10, style: .bold)
        let badgeX = x + 12 + titleWidth + 10
        let badgeMax = max(60, right - badgeX - 230)
        let badgeWidth = min(badgeText, badgeMax) + 14
        page.box(badgeX, top + 7, badgeWidth, 16, fill: badgeColor, radius: 8, tooltip: tip.last, role: "badge")
        page.text(
            chain.outcome.badge, x: badgeX + 7, y: top + 19, size: 10, style: .bold, color: Palette.background,
            maxWidth: badgeMax, role: "badge-text")
        if chain.outcome.isOpen { legend.insert(.open) }
        if let cutAt = chain.cutAt, let start = chain.start {
            // A flight record began after it: said beside the outcome, as the report and `tree` do.
            let text = "cut: its events up to +\(DurationFormat.text(cutAt - start)) are not in the record"
            let x2 = badgeX + badgeWidth + 6
            let w = min(page.width(text, size: 10, style: .bold), max(60, right - x2 - 240)) + 14
            page.box(x2, top + 7, w, 16, fill: Palette.pending, radius: 8, tooltip: "tracked before the flight record began", role: "badge-cut")
            page.text(text, x: x2 + 7, y: top + 19, size: 10, style: .bold, color: Palette.background, maxWidth: w - 14, role: "badge-cut-text")
        } else if !chain.isDeferred, !chain.isComplete, !chain.outcome.isOpen {
            // The root ended, an action below it did not: said beside the outcome, as the report does.
            let text = "incomplete"
            let x2 = badgeX + badgeWidth + 6
            let w = page.width(text, size: 10, style: .bold) + 14
            page.box(x2, top + 7, w, 16, fill: Palette.pending, radius: 8, tooltip: "an action below the root never ended", role: "badge-incomplete")
            page.text(text, x: x2 + 7, y: top + 19, size: 10, style: .bold, color: Palette.background, role: "badge-incomplete-text")
            legend.insert(.open)
        }
        let fileName = chain.file.split(separator: "/").last.map(String.init) ?? chain.file
        let idText = "task \(String(chain.id.prefix(8)))… · \(fileName):\(chain.line.map(String.init) ?? "?")"
        page.text(idText, x: right - 10, y: top + 19, size: 9, color: Palette.muted, anchor: .end, maxWidth: 220, role: "task-id")
        var facts = ["total \(DurationFormat.text(chain.duration))"]
        if chain.isDeferred {
            let total = chain.duration
            facts.append("running \(DurationFormat.text(chain.runningTime)) (\(DurationFormat.percent(chain.runningTime, of: total)))")
            facts.append("waiting \(DurationFormat.text(chain.waitingTime)) (\(DurationFormat.percent(chain.waitingTime, of: total)))")
            let pairs = displayPairs(chain)
            let callbacks = pairs.filter { $0.run?.side == .callback }.count
            let errbacks = pairs.filter { $0.run?.side == .errback }.count
            let passed = pairs.filter { $0.fate == .passedThrough }.count
            let failed = pairs.filter { $0.run?.failed == true }.count
            var counts = "\(pairs.count) pair\(pairs.count == 1 ? "" : "s"): \(callbacks) callback\(callbacks == 1 ? "" : "s")"
            counts += ", \(errbacks) errback\(errbacks == 1 ? "" : "s") ran"
            if failed > 0 { counts += ", \(failed) raised" }
            if passed > 0 { counts += ", \(passed) passed" }
            facts.append(counts)
            if let firedAt = chain.firedAt, let start = chain.start {
                facts.append("fired +\(DurationFormat.text(firedAt - start))\(chain.firedSide == .errback ? " with a failure" : "")")
            }
            if let cycle = chain.waitCycle {
                facts.append("⟲ stuck in a wait cycle " + cycle.map { "#\($0)" }.joined(separator: " → "))
            }
            if let cancelledAt = chain.cancelledAt, let start = chain.start {
                var text = "⊘ cancelled +\(DurationFormat.text(cancelledAt - start))"
                if let converter = chain.cancellationConverter {
                    text += " (\(converter.name) → \(ChainOutcome.shortType(converter.exception ?? "?")))"
                }
                facts.append(text)
            }
        } else {
            let actions = chain.spans.filter { $0.kind == .action }.count
            let messages = chain.spans.count - actions
            facts.append("\(actions) action\(actions == 1 ? "" : "s"), \(messages) message\(messages == 1 ? "" : "s")")
            let failed = chain.spans.filter { $0.status == "failed" }.count
            if failed > 0 { facts.append("\(failed) failed") }
            let open = chain.spans.filter(\.isOpen).count
            if open > 0 { facts.append("\(open) open at the end of the log") }
        }
        if let link = member.link, let parent = member.parentTitle {
            switch link.kind {
            case .chained: facts.append("chained from \(parent)\(chain.inferred.contains(.link) ? " (inferred)" : "")")
            case .waitedOn: facts.append("awaited by \(parent)")
            case .returned: facts.append("returned to \(parent)")
            case .contains: facts.append("tracked inside \(parent)")
            }
        }
        if let created = chain.createdAt { facts.append("created at \(created)") }
        if let tracked = chain.trackedAt { facts.append("tracked at \(tracked)") }
        page.text(
            facts.joined(separator: " · "), x: x + 12, y: top + 37, size: 10.5, color: Palette.muted,
            maxWidth: right - x - 24, role: "facts")
        return top + headerHeight
    }

    /// A line under the header saying what the reader inferred rather than read (the original Reactor Track
    /// format), with how in the tooltip; nothing for a chain whose log recorded everything.
    private mutating func drawInferred(_ chain: Chain, x: Double, top: Double) -> Double {
        guard !chain.inferred.isEmpty else { return top }
        let tip = chain.inferred.map(\.explanation).joined(separator: "\n")
        let lead = "inferred, not recorded:"
        let leadWidth = page.text(
            lead, x: x + 12, y: top + 8, size: 10, style: .bold, color: Palette.text, tooltip: tip, role: "inferred")
        page.text(
            chain.inferred.map(\.label).joined(separator: " · "), x: x + 12 + leadWidth + 6, y: top + 8, size: 10,
            color: Palette.muted, maxWidth: width - margin - x - leadWidth - 30, tooltip: tip, role: "inferred-list")
        return top + inferredHeight
    }

    static func color(of outcome: ChainOutcome) -> Color {
        switch outcome {
        case .succeeded, .recovered: Palette.errback
        case .failed, .unhandled: Palette.failure
        case .waiting: Palette.waiting
        case .pending: Palette.pending
        case .cancelled, .message: Palette.muted
        }
    }

    // MARK: - Axis

    private mutating func drawAxisRow(_ chain: Chain, x: Double, top: Double, axis: TimeAxis, t0: Double) -> Double {
        let baseline = top + 12
        if chain.isDeferred {
            let cells = x + gutter
            page.text("callback", x: cells + 6, y: baseline, size: 9.5, style: .bold, color: Palette.callback, role: "column")
            page.text(
                "errback", x: cells + cellWidth + cellGap + 6, y: baseline, size: 9.5, style: .bold, color: Palette.errback,
                role: "column")
        } else {
            page.text("action / message", x: x + 12, y: baseline, size: 9.5, style: .bold, color: Palette.muted, role: "column")
        }
        for tick in axis.ticks() {
            let tx = axis.position(tick)
            page.text(
                tick == 0 ? "0" : "+" + DurationFormat.text(tick), x: tx, y: baseline, size: 9, color: Palette.muted,
                anchor: tick == 0 ? .start : .middle, role: "tick")
        }
        if let start = chain.start, start > t0 {
            let tx = axis.position(start - t0)
            page.line([(tx, top + 15), (tx, top + 19)], color: Palette.muted, role: "tick-mark")
        }
        return top + 18
    }

    mutating func drawGrid(axis: TimeAxis, top: Double, bottom: Double) {
        for tick in axis.ticks() {
            let tx = axis.position(tick)
            page.line([(tx, top), (tx, bottom)], color: Palette.grid, role: "grid")
        }
    }
}
