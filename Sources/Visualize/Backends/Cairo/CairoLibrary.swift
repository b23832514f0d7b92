import CCairo
import Chains

/// Cairo's functions, loaded from the shared library the first time anything is measured or drawn.
///
/// Linking libcairo would map it and the dozen libraries it needs (pixman, fontconfig, freetype, png, xcb,
/// X11, ...) into every run of the command, `tree` and `summary` too, which never draw: about 2 MB of resident
/// memory. Loaded on demand, only `render` pays for it, and a missing Cairo is an error of `render` alone.
enum CairoLibrary {
    /// The names tried, in order.
    #if canImport(Darwin)
    static let names = [
        "libcairo.2.dylib", "/opt/homebrew/lib/libcairo.2.dylib", "/usr/local/lib/libcairo.2.dylib",
    ]
    #else
    static let names = ["libcairo.so.2"]
    #endif

    private static let loaded = load(names)

    /// The functions, loading the library on first use.
    ///
    /// - Throws: ``RenderError`` with code `cairoUnavailable` if Cairo is not installed (or too old to have
    ///   a function Visualize needs).
    static func functions() throws(RenderError) -> ccairo_functions { try loaded.get() }

    /// Loads the first library of `names` that opens and has every function; the error names the first failure.
    static func load(_ names: [String]) -> Result<ccairo_functions, RenderError> {
        var firstFailure: String?
        for name in names {
            let capacity = 512
            var error = [CChar](repeating: 0, count: capacity)
            var table: ccairo_functions?
            withUnsafeTemporaryAllocation(of: ccairo_functions.self, capacity: 1) { slot in
                if ccairo_load(name, slot.baseAddress!, &error, capacity) != 0 { table = slot[0] }
            }
            if let table { return .success(table) }
            if firstFailure == nil { firstFailure = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } }
        }
        let reason = firstFailure ?? "no library to try"
        return .failure(
            RenderError(
                code: .cairoUnavailable, message: "\(reason); drawing needs Cairo (Debian: apt-get install libcairo2)"))
    }
}
