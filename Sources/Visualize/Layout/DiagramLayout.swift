public import Chains
/// Computes a diagram's layout once, for any backend: chains in detail when they fit, or an overview first.
public enum DiagramLayout {
    /// Families shown in detail on one page before `auto` switches to the overview.
    public static let detailFamilyLimit = 30
    /// Rows shown in detail on one page before `auto` switches to the overview.
    public static let detailRowLimit = 160

    /// The rows a chain takes in detail (its pairs or actions, and a header): `auto` draws the overview instead
    /// once the chains take more than ``detailRowLimit``.
    public static func detailRows(of chain: Chain) -> Int {
        (chain.isDeferred ? chain.pairs.count + chain.extraRuns.count : chain.spans.count) + 3
    }

    /// The overview alone, of chains folded while a log streamed past (``OverviewAccumulator``): one page, in
    /// every format.
    public static func overview(
        _ figures: OverviewFigures, options: DiagramOptions, measurer: any TextMeasuring
    ) -> LayoutDocument {
        LayoutDocument(pages: [OverviewLayout.page(figures, options: options, measurer: measurer)])
    }

    /// Lays out `chains` (a selection of `log`'s).
    ///
    /// - SVG and PNG (`options.paginated == false`): one page, the chains in detail or the overview.
    /// - PDF (`paginated`): the overview first when there is more than one family, then a page per family.
    /// The monitor's `reactortrack:dropped` marker is not drawn as a chain: each page says instead how many
    /// events were dropped (counted over the whole log when it is loaded, so a selection does not hide it).
    public static func layout(
        _ log: TrackedLog, chains allChains: [Chain], options: DiagramOptions, measurer: any TextMeasuring
    ) -> LayoutDocument {
        let whole = log.chains.isEmpty ? allChains : log.chains
        return layout(
            log, chains: allChains, droppedEvents: log.droppedEvents(in: whole),
            logEnd: whole.lazy.compactMap(\.lastEventTime).max(), options: options, measurer: measurer)
    }

    /// Lays out `chains` (a selection of `log`'s) as ``layout(_:chains:options:measurer:)`` does, with the figures
    /// it takes from the whole log given: for a log streamed past, whose chains were not all kept.
    ///
    /// - Parameters:
    ///   - droppedEvents: The events the monitor said it dropped, over the whole log.
    ///   - logEnd: The latest ``Chain/lastEventTime`` of any chain of the log: an action still open at the end of
    ///     the log is drawn to it.
    public static func layout(
        _ log: TrackedLog, chains allChains: [Chain], droppedEvents dropped: Int, logEnd: Double?,
        options: DiagramOptions, measurer: any TextMeasuring
    ) -> LayoutDocument {
        let chains = allChains.filter { !$0.isDropMarker }
        let families = ChainFamily.group(chains)
        let rows = chains.reduce(0) { $0 + detailRows(of: $1) }
        let fits = families.count <= detailFamilyLimit && rows <= detailRowLimit
        let overview: Bool
        switch options.view {
        case .overview: overview = true
        case .detail: overview = false
        case .auto: overview = !fits
        }
        // A given title names the document; a page per family keeps its chain's name before it.
        let name = options.title ?? options.shortSourceNames
        if !options.paginated {
            if overview {
                return LayoutDocument(pages: [
                    OverviewLayout.page(log, chains: chains, droppedEvents: dropped, options: options, measurer: measurer)
                ])
            }
            let title =
                options.title
                ?? (families.count == 1 ? "\(families[0].root.title) · \(name)" : "\(chains.count) chains · \(name)")
            return LayoutDocument(pages: [
                ChainPageLayout.page(
                    families, title: title, droppedEvents: dropped, logEnd: logEnd, options: options, measurer: measurer)
            ])
        }
        var pages: [LayoutPage] = []
        if families.count > 1 || options.view == .overview {
            pages.append(
                OverviewLayout.page(log, chains: chains, droppedEvents: dropped, options: options, measurer: measurer))
        }
        if options.view != .overview {
            for family in families.prefix(options.maxDetailPages) {
                pages.append(
                    ChainPageLayout.page(
                        [family], title: "\(family.root.title) · \(name)", droppedEvents: dropped, logEnd: logEnd,
                        options: options, measurer: measurer))
            }
            if families.count > options.maxDetailPages {
                var builder = PageBuilder(measurer: measurer)
                builder.text(
                    "… \(families.count - options.maxDetailPages) more chains have no page of their own; select them with --task, --failed or --slowest",
                    x: 24, y: 40, size: 13, style: .bold, color: Palette.failure, role: "more")
                pages.append(LayoutPage(title: "More chains", width: options.width, height: 80, items: builder.items))
            }
        }
        return LayoutDocument(pages: pages)
    }
}
