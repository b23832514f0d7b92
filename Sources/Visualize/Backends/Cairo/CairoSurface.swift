import CCairo
import Chains

/// Owns a `cairo_surface_t` (an image or PDF surface) and destroys it when released.
///
/// Every Cairo handle is an `OpaquePointer`; wrapping each kind in its own class keeps them apart.
final class CairoSurface {
    let handle: OpaquePointer
    /// Cairo's functions, loaded by ``CairoLibrary``.
    let cairo: ccairo_functions

    /// Creates a surface with `create`, checking that Cairo did not hand back an error surface.
    ///
    /// - Throws: ``RenderError`` if Cairo cannot be loaded or the surface is in an error state.
    init(what: String, _ create: (ccairo_functions) -> OpaquePointer?) throws(RenderError) {
        let cairo = try CairoLibrary.functions()
        guard let handle = create(cairo) else { throw RenderError(code: .cairo, message: "\(what): no surface") }
        self.handle = handle
        self.cairo = cairo
        let status = cairo.surface_status(handle)
        if status != CAIRO_STATUS_SUCCESS {
            let message = cairo.text(status)
            cairo.surface_destroy(handle)
            throw RenderError(code: .cairo, message: "\(what): \(message)")
        }
    }

    /// Throws if the surface went into an error state.
    func check(_ what: String) throws(RenderError) {
        let status = cairo.surface_status(handle)
        if status != CAIRO_STATUS_SUCCESS {
            throw RenderError(code: .cairo, message: "\(what): \(cairo.text(status))")
        }
    }

    deinit { cairo.surface_destroy(handle) }
}

extension ccairo_functions {
    /// Cairo's text for a status.
    func text(_ status: cairo_status_t) -> String {
        status_to_string(status).map { String(cString: $0) } ?? "cairo status \(status.rawValue)"
    }
}
