import CCairo
import Chains

/// Owns a `cairo_t` drawing on a ``CairoSurface``, with metrics hinting off so that text measures the same
/// on every surface.
final class CairoContext {
    let handle: OpaquePointer
    let surface: CairoSurface
    /// Cairo's functions, loaded by ``CairoLibrary``.
    let cairo: ccairo_functions

    init(_ surface: CairoSurface) throws(RenderError) {
        let cairo = surface.cairo
        guard let handle = cairo.create(surface.handle) else {
            throw RenderError(code: .cairo, message: "cairo_create failed")
        }
        self.handle = handle
        self.surface = surface
        self.cairo = cairo
        if let options = cairo.font_options_create() {
            cairo.font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo.font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            cairo.font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
            cairo.set_font_options(handle, options)
            cairo.font_options_destroy(options)
        }
        try check("cairo_create")
    }

    /// Throws if drawing put the context into an error state.
    func check(_ what: String) throws(RenderError) {
        let status = cairo.status(handle)
        if status != CAIRO_STATUS_SUCCESS {
            throw RenderError(code: .cairo, message: "\(what): \(cairo.text(status))")
        }
    }

    /// Selects a face and size.
    func setFont(_ style: FontStyle, size: Double) {
        cairo.select_font_face(
            handle, style.family, CAIRO_FONT_SLANT_NORMAL, style.isBold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo.set_font_size(handle, size)
    }

    /// The advance width of `text` in the current font.
    func advance(of text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo.text_extents(handle, text, &extents)
        return extents.x_advance
    }

    deinit { cairo.destroy(handle) }
}
