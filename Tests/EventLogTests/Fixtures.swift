import Foundation

/// Paths of the copied fixture logs under `Inputs/`.
enum Fixtures {
    static var inputs: URL {
        Bundle.module.url(forResource: "Inputs", withExtension: nil)!
    }

    static func path(_ name: String) -> String {
        inputs.appendingPathComponent(name).path
    }
}
