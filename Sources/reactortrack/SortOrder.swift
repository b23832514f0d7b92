import ArgumentParser
import Visualize

/// `--sort duration|start`.
enum SortOrder: String, ExpressibleByArgument, CaseIterable {
    case duration, start

    var sort: DiagramOptions.Sort { self == .duration ? .duration : .start }
}
