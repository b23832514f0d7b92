import Testing

@testable import Visualize
import Chains

@Suite("Cairo, loaded on demand")
struct CairoLibraryTests {
    @Test("the installed Cairo loads with every function Visualize calls")
    func installed() throws {
        _ = try CairoLibrary.load(CairoLibrary.names).get()
    }

    @Test("a missing Cairo is one clear error that names the library and how to install it")
    func missing() {
        let result = CairoLibrary.load(["libcairo-not-installed.so.2", "libcairo-not-installed-either.so.2"])
        #expect(throws: RenderError.self) { try result.get() }
        guard case .failure(let error) = result else { return }
        #expect(error.code == .cairoUnavailable)
        #expect(error.description.hasPrefix("cairo unavailable: libcairo-not-installed.so.2"))
        #expect(error.description.contains("apt-get install libcairo2"))
        #expect(!error.description.contains("\n"))
    }

    #if os(Linux)
    @Test("a library without Cairo's functions is refused, naming the missing function")
    func notCairo() {
        guard case .failure(let error) = CairoLibrary.load(["libm.so.6"]) else {
            Issue.record("libm loaded as Cairo")
            return
        }
        #expect(error.code == .cairoUnavailable)
        #expect(error.message.contains("cairo_"))
    }
    #endif
}
