public import Chains
/// Computes a diagram's layout once, for any backend: chains in detail when they fit, or an overview first.
public enum DiagramLayout {
    /// Families shown in detail on one page before `auto` switches to the overview.
    public static let detailFamilyLimit = 30
    /// Rows shown in detail on one page before `auto` switches to the overview.
    public static let detailRowLimit = 160

    /// Lays out `chains` (a selection of `log`'s).
    ///
    /// - SVG and PNG (`options.paginated == false`): one page, the chains in detail or the overview.
    /// - PDF (`paginated`): the overview first when there is more than one family, then a page per family.
    /// The monitor's `reactortrack:dropped` marker is not drawn as a chain: each page says instead how many
    /// events were dropped (counted over the whole log when it is loaded, so a selection does not hide it).
    public static func layout(
        _ log: TrackedLog, chains allChains: [Chain], options: DiagramOptions, measurer: any TextMeasuring
    ) -> LayoutDocument {
        let dropped = log.droppedEvents(in: log.chains.isEmpty ? allChains : log.chains)
        let chains = allChains.filter { !$0.isDropMarker }
        // An action still open at the end of the log is drawn to the log's end (of the whole log, not the selection).
        let logEnd = (log.chains.isEmpty ? allChains : log.chains).lazy.compactMap(\.lastEventTime).max()
        let families = ChainFamily.group(chains)
        let rows = chains.reduce(0) { $0 + ($1.isDeferred ? $1.pairs.count + $1.extraRuns.count : $1.spans.count) + 3 }
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
