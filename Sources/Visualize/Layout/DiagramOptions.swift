/// Choices that shape a diagram.
public struct DiagramOptions: Sendable, Hashable {
    /// Which view to draw.
    public enum View: String, Sendable, Hashable, CaseIterable {
        /// Chains in detail when they fit on a page, else the overview.
        case auto
        /// The overview of many chains.
        case overview
        /// Every chain in detail.
        case detail
    }

    /// How the overview orders chains.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        /// Slowest first.
        case duration
        /// In order of start: a true waterfall.
        case start
    }

    /// The view.
    public var view: View
    /// The overview's order.
    public var sort: Sort
    /// Page width in units.
    public var width: Double
    /// Rows in the overview's waterfall before "… more".
    public var overviewRows: Int
    /// Rows per chain in detail before "… more".
    public var maxRowsPerChain: Int
    /// The tallest page allowed, in units (PNG surfaces are limited to 32767 px).
    public var maxPageHeight: Double
    /// Detail pages in a PDF before the rest are left out (and said so).
    public var maxDetailPages: Int
    /// Whether the output has pages (PDF): overview first, then a page per chain family.
    public var paginated: Bool
    /// The input names, for titles and footers.
    public var sourceNames: [String]
    /// The input names without their folders, for titles.
    public var shortSourceNames: String {
        sourceNames.map { String($0.split(separator: "/").last ?? Substring($0)) }.joined(separator: ", ")
    }
    /// The number of warnings found while reading, shown in the footer.
    public var warningCount: Int
    /// The title given (`render --title`), instead of the one made of the chains and the input names.
    public var title: String?

    /// Creates options.
    public init(
        view: View = .auto, sort: Sort = .duration, width: Double = 1200, overviewRows: Int = 50,
        maxRowsPerChain: Int = 200, maxPageHeight: Double = 16000, maxDetailPages: Int = 500, paginated: Bool = false,
        sourceNames: [String] = [], warningCount: Int = 0, title: String? = nil
    ) {
        self.view = view
        self.sort = sort
        self.width = width
        self.overviewRows = overviewRows
        self.maxRowsPerChain = maxRowsPerChain
        self.maxPageHeight = maxPageHeight
        self.maxDetailPages = maxDetailPages
        self.paginated = paginated
        self.sourceNames = sourceNames
        self.warningCount = warningCount
        self.title = title
    }
}
