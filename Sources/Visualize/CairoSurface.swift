import CCairo

/// Owns a `cairo_surface_t` (an image or PDF surface) and destroys it when released.
///
/// Every Cairo handle is an `OpaquePointer`; wrapping each kind in its own class keeps them apart.
final class CairoSurface {
    let handle: OpaquePointer

    /// Wraps a surface, checking that Cairo did not hand back an error surface.
    init(_ handle: OpaquePointer?, what: String) throws(VisualizeError) {
        guard let handle else { throw VisualizeError(code: .cairo, message: "\(what): no surface") }
        self.handle = handle
        let status = cairo_surface_status(handle)
        if status != CAIRO_STATUS_SUCCESS {
            let message = String(cString: cairo_status_to_string(status))
            cairo_surface_destroy(handle)
            throw VisualizeError(code: .cairo, message: "\(what): \(message)")
        }
    }

    /// Throws if the surface went into an error state.
    func check(_ what: String) throws(VisualizeError) {
        let status = cairo_surface_status(handle)
        if status != CAIRO_STATUS_SUCCESS {
            throw VisualizeError(code: .cairo, message: "\(what): \(String(cString: cairo_status_to_string(status)))")
        }
    }

    deinit { cairo_surface_destroy(handle) }
}
