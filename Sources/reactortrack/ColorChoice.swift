import ArgumentParser

/// `--color always|never|auto`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case always, never, auto
}
