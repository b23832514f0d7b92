import ArgumentParser
import Visualize

/// `--view auto|overview|detail`.
enum ViewChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, overview, detail

    var view: DiagramOptions.View {
        switch self {
        case .auto: .auto
        case .overview: .overview
        case .detail: .detail
        }
    }
}
