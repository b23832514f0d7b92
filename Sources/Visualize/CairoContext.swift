import CCairo

/// Owns a `cairo_t` drawing on a ``CairoSurface``, with metrics hinting off so that text measures the same
/// on every surface.
final class CairoContext {
    let handle: OpaquePointer
    let surface: CairoSurface

    init(_ surface: CairoSurface) throws(VisualizeError) {
        guard let handle = cairo_create(surface.handle) else {
            throw VisualizeError(code: .cairo, message: "cairo_create failed")
        }
        self.handle = handle
        self.surface = surface
        if let options = cairo_font_options_create() {
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
            cairo_set_font_options(handle, options)
            cairo_font_options_destroy(options)
        }
        try check("cairo_create")
    }

    /// Throws if drawing put the context into an error state.
    func check(_ what: String) throws(VisualizeError) {
        let status = cairo_status(handle)
        if status != CAIRO_STATUS_SUCCESS {
            throw VisualizeError(code: .cairo, message: "\(what): \(String(cString: cairo_status_to_string(status)))")
        }
    }

    /// Selects a face and size.
    func setFont(_ style: FontStyle, size: Double) {
        cairo_select_font_face(
            handle, style.family, CAIRO_FONT_SLANT_NORMAL, style.isBold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(handle, size)
    }

    /// The advance width of `text` in the current font.
    func advance(of text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(handle, text, &extents)
        return extents.x_advance
    }

    deinit { cairo_destroy(handle) }
}
