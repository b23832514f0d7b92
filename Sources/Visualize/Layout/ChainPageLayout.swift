import Chains
/// Lays out chain families in detail: for each chain a header, the callback/errback ladder with the path the
/// run took, and its runs and waits as bars on a time axis; linked chains indented below, with arrows.
struct ChainPageLayout {
    let options: DiagramOptions
    var page: PageBuilder
    var legend = Set<LegendKind>()
    /// The family being drawn: a run's own (self) time leaves out the runs of other members nested in it.
    private var family: ChainFamily?

    // Geometry.
    let margin = 24.0
    let indentStep = 28.0
    let gutter = 24.0
    let cellWidth = 196.0
    let cellGap = 18.0
    let pairPitch = 30.0
    let spanPitch = 22.0
    let headerHeight = 50.0

    init(options: DiagramOptions, measurer: any TextMeasuring) {
        self.options = options
        self.page = PageBuilder(measurer: measurer)
    }

    private var width: Double { options.width }
    private var ladderWidth: Double { gutter + cellWidth * 2 + cellGap }

    /// A page holding `families` stacked, as many as fit under the height cap; says how many were left out.
    static func page(
        _ families: [ChainFamily], title: String, options: DiagramOptions, measurer: any TextMeasuring
    ) -> LayoutPage {
        var layout = ChainPageLayout(options: options, measurer: measurer)
        return layout.build(families, title: title)
    }

    private mutating func build(_ families: [ChainFamily], title: String) -> LayoutPage {
        var y = drawTitle(title, count: families.reduce(0) { $0 + $1.members.count })
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
            return total + headerHeight + 40 + rows * (member.chain.isDeferred ? pairPitch : spanPitch)
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
        var note = "source: \(options.sourceNames.joined(separator: ", ")) · times are wall-clock, t = 0 at each family's first event"
        if options.warningCount > 0 {
            note += " · \(options.warningCount) warning\(options.warningCount == 1 ? "" : "s") while reading (see stderr)"
        }
        page.text(note, x: margin, y: y, size: 10, color: Palette.muted, maxWidth: width - 2 * margin, role: "footer")
        return y + 14
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
        }
    }

    // MARK: - One family

    private mutating func drawFamily(_ family: ChainFamily, top: Double) -> Double {
        self.family = family
        let maxDepth = family.members.map(\.depth).max() ?? 0
        let timeX = margin + Double(maxDepth) * indentStep + ladderWidth + 24
        let axisWidth = max(120, width - margin - timeX - 150)
        let t0 = family.members.compactMap(\.chain.start).min() ?? 0
        let t1 = family.members.compactMap(\.chain.end).max() ?? t0
        let axis = TimeAxis(origin: 0, span: t1 - t0, x: timeX, width: axisWidth)
        var y = top
        var headerMid: [String: (x: Double, y: Double)] = [:]
        var firstRowMid: [String: Double] = [:]
        var pairRowMid: [String: [Int: Double]] = [:]
        for member in family.members {
            let x = margin + Double(member.depth) * indentStep
            headerMid[member.chain.id] = (x, y + headerHeight / 2)
            y = drawHeader(member, x: x, top: y)
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
        for member in family.members {
            guard let link = member.link, let parentID = parent(of: member, in: family),
                let target = headerMid[member.chain.id], let source = headerMid[parentID]
            else { continue }
            legend.insert(.link)
            let rows = pairRowMid[parentID] ?? [:]
            let fromY = link.pairIndex.flatMap { rows[$0] } ?? (source.y + headerHeight / 2)
            let lineX = source.x + 5
            let tip = "\(linkVerb(link.kind)) \(member.chain.title)"
            page.line(
                [(lineX + 14, fromY), (lineX, fromY), (lineX, target.y), (target.x - 2, target.y)], color: Palette.link,
                width: 1.5, arrow: true, tooltip: tip, role: "link")
            let sourceRun = link.pairIndex.flatMap { index in chainNamed(parentID, in: family)?.pairs.first { $0.index == index }?.run }
            let flowTime = link.kind == .chained ? (sourceRun?.start ?? link.time) : (link.time ?? sourceRun?.end)
            if link.kind == .waitedOn, let startY = firstRowMid[member.chain.id],
                let wait = chainNamed(parentID, in: family)?.waits.first(where: { $0.on == link.target }),
                let back = wait.end, let fired = member.chain.firedAt
            {
                // The awaited chain's result flows back up to where the waiting chain resumed.
                page.line(
                    [(axis.position(fired - t0), startY), (axis.position(back - t0), fromY + 6)], color: Palette.link,
                    width: 1.2, dashed: true, arrow: true, tooltip: "result of \(member.chain.title) resumes \(chainNamed(parentID, in: family)?.title ?? "")", role: "flow")
            } else if let time = flowTime, let startY = firstRowMid[member.chain.id] {
                let to = member.chain.firedAt ?? member.chain.start ?? time
                page.line(
                    [(axis.position(time - t0), fromY), (axis.position(to - t0), startY)], color: Palette.link,
                    width: 1.2, dashed: true, arrow: true, tooltip: tip, role: "flow")
            }
        }
        return y
    }

    private func chainNamed(_ id: String, in family: ChainFamily) -> Chain? {
        family.members.first { $0.chain.id == id }?.chain
    }

    private func parent(of member: ChainFamily.Member, in family: ChainFamily) -> String? {
        guard let index = family.members.firstIndex(of: member) else { return nil }
        return family.members[..<index].last { $0.depth == member.depth - 1 }?.chain.id
    }

    private func linkVerb(_ kind: ChainLink.Kind) -> String {
        switch kind {
        case .chained: "chainDeferred →"
        case .waitedOn: "waited on →"
        case .returned: "returned →"
        }
    }

    // MARK: - Header

    private mutating func drawHeader(_ member: ChainFamily.Member, x: Double, top: Double) -> Double {
        let chain = member.chain
        let right = width - margin
        var tip = ["\(chain.title) — \(chain.outcome.badge)", "task \(chain.id)", "\(chain.file):\(chain.line.map(String.init) ?? "?")"]
        if let created = chain.createdAt { tip.append("created at \(created)") }
        if let fired = chain.firedValue { tip.append("fired with \(fired)") }
        if let result = chain.result { tip.append("result: \(result)") }
        if case .failed(let e, let r) = chain.outcome { tip.append("\(e): \(r)") }
        if case .unhandled(let e, let r) = chain.outcome { tip.append("unhandled \(e): \(r)") }
        page.box(x, top, right - x, headerHeight - 6, fill: Palette.band, radius: 6, tooltip: tip.joined(separator: "\n"), role: "header")
        let titleWidth = page.text(
            chain.title, x: x + 12, y: top + 19, size: 14, style: .bold, maxWidth: 360, middle: true, role: "chain-title")
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
        } else {
            let actions = chain.spans.filter { $0.kind == .action }.count
            let messages = chain.spans.count - actions
            facts.append("\(actions) action\(actions == 1 ? "" : "s"), \(messages) message\(messages == 1 ? "" : "s")")
            let failed = chain.spans.filter { $0.status == "failed" }.count
            if failed > 0 { facts.append("\(failed) failed") }
        }
        if let link = member.link, let parent = member.parentTitle {
            switch link.kind {
            case .chained: facts.append("chained from \(parent)")
            case .waitedOn: facts.append("awaited by \(parent)")
            case .returned: facts.append("returned to \(parent)")
            }
        }
        if let created = chain.createdAt { facts.append("created at \(created)") }
        page.text(
            facts.joined(separator: " · "), x: x + 12, y: top + 37, size: 10.5, color: Palette.muted,
            maxWidth: right - x - 24, role: "facts")
        return top + headerHeight
    }

    static func color(of outcome: ChainOutcome) -> Color {
        switch outcome {
        case .succeeded: Palette.errback
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

    private mutating func drawGrid(axis: TimeAxis, top: Double, bottom: Double) {
        for tick in axis.ticks() {
            let tx = axis.position(tick)
            page.line([(tx, top), (tx, bottom)], color: Palette.grid, role: "grid")
        }
    }

    // MARK: - Ladder rows

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

    private mutating func drawPairs(_ chain: Chain, x: Double, top: Double, axis: TimeAxis, t0: Double)
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
                    let why = out == .errback
                        ? "\(run?.name ?? "?") raised \(run?.exception ?? "?"): \(run?.reason ?? ""); the chain switches to errbacks"
                        : "\(run?.name ?? "?") returned normally; the chain switches back to callbacks"
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

    private mutating func drawCell(_ pair: LadderPair, side: LadderSide, x: Double, y: Double) {
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
            tip.append(pair.fate == .notReached ? "not reached before the log ends" : "not taken: the chain was on the \(side == .callback ? "errback" : "callback") path")
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

    private mutating func drawRunAndWait(_ pair: LadderPair, chain: Chain, mid: Double, axis: TimeAxis, t0: Double) {
        guard let run = pair.run, let start = run.start else {
            if pair.fate == .notReached, chain.outcome.isOpen {
                legend.insert(.open)
            }
            return
        }
        let chainEnd = chain.end ?? start
        let end = run.end ?? max(chainEnd, start)
        let x0 = axis.position(start - t0)
        let x1 = max(axis.position(end - t0), x0 + 2)
        var tip = ["\(run.name) (\(run.side.rawValue))", "start +\(DurationFormat.text(start - t0))"]
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
        if let nested = family?.nestedTime(in: run, of: chain), let duration = run.duration {
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

    // MARK: - Action-tree rows

    private mutating func drawSpans(_ chain: Chain, x: Double, top: Double, axis: TimeAxis, t0: Double)
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
                let end = span.end ?? max(chain.end ?? start, start)
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
