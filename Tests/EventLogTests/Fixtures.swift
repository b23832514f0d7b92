import TestSupport

/// The checked-in logs (the shared `Tests/Fixtures/`).
enum Fixtures {
    static func path(_ name: String) -> String { TestFixtures.path(name) }
}
