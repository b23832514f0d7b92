import CCairo

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws layout pages with Cairo: PNG (one page) and PDF (every page, with a bookmark each).
public enum CairoRenderer {
    /// The largest side of an image surface Cairo accepts.
    public static let maxImageSide = 32767

    /// Writes the first page as a PNG at `scale` (2 for HiDPI).
    ///
    /// - Throws: ``VisualizeError`` when the image would exceed Cairo's limit or Cairo fails.
    public static func writePNG(_ page: LayoutPage, to path: String, scale: Double = 1) throws(VisualizeError) {
        let w = Int((page.width * scale).rounded(.up))
        let h = Int((page.height * scale).rounded(.up))
        guard w <= maxImageSide, h <= maxImageSide else {
            throw VisualizeError(
                code: .cairo,
                message: "a \(w)×\(h) px image exceeds Cairo's \(maxImageSide) px limit; lower --scale or select fewer chains",
                file: path)
        }
        let surface = try CairoSurface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)), what: "PNG surface")
        let context = try CairoContext(surface)
        cairo_scale(context.handle, scale, scale)
        draw(page, on: context)
        try context.check("drawing")
        cairo_surface_flush(surface.handle)
        let status = cairo_surface_write_to_png(surface.handle, path)
        if status != CAIRO_STATUS_SUCCESS {
            throw VisualizeError(code: .writeFailed, message: String(cString: cairo_status_to_string(status)), file: path)
        }
    }

    /// Writes every page into one PDF, each page its own size, with a bookmark per page.
    public static func writePDF(_ document: LayoutDocument, to path: String) throws(VisualizeError) {
        guard let first = document.pages.first else { throw VisualizeError(code: .cairo, message: "no pages", file: path) }
        let surface = try CairoSurface(cairo_pdf_surface_create(path, first.width, first.height), what: "PDF surface")
        cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_CREATOR, "reactortrack")
        cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_TITLE, first.title)
        cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
        do {
            let context = try CairoContext(surface)
            for (number, page) in document.pages.enumerated() {
                cairo_pdf_surface_set_size(surface.handle, page.width, min(page.height, 14_400))
                let name = "page=\(number + 1)"
                cairo_pdf_surface_add_outline(surface.handle, CAIRO_PDF_OUTLINE_ROOT, page.title, name, CAIRO_PDF_OUTLINE_FLAG_OPEN)
                draw(page, on: context)
                cairo_show_page(context.handle)
                try context.check("drawing page \(number + 1)")
            }
        }
        cairo_surface_finish(surface.handle)
        try surface.check("writing \(path)")
    }

    /// Draws one page.
    static func draw(_ page: LayoutPage, on context: CairoContext) {
        let cr = context.handle
        set(cr, Palette.background)
        cairo_rectangle(cr, 0, 0, page.width, page.height)
        cairo_fill(cr)
        for item in page.items {
            switch item {
            case .box(let b): draw(b, cr)
            case .text(let t): draw(t, context)
            case .line(let l): draw(l, cr)
            }
        }
    }

    private static func set(_ cr: OpaquePointer, _ c: Color) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    private static func rectPath(_ cr: OpaquePointer, _ r: LayoutRect, radius: Double) {
        let radius = min(radius, r.width / 2, r.height / 2)
        if radius <= 0 {
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
            return
        }
        cairo_new_sub_path(cr)
        cairo_arc(cr, r.maxX - radius, r.y + radius, radius, -.pi / 2, 0)
        cairo_arc(cr, r.maxX - radius, r.maxY - radius, radius, 0, .pi / 2)
        cairo_arc(cr, r.x + radius, r.maxY - radius, radius, .pi / 2, .pi)
        cairo_arc(cr, r.x + radius, r.y + radius, radius, .pi, 3 * .pi / 2)
        cairo_close_path(cr)
    }

    private static func draw(_ b: LayoutBox, _ cr: OpaquePointer) {
        let r = b.rect
        guard r.width > 0, r.height > 0 else { return }
        if let fill = b.fill {
            rectPath(cr, r, radius: b.cornerRadius)
            set(cr, fill)
            cairo_fill(cr)
        }
        if let hatch = b.hatch {
            cairo_save(cr)
            rectPath(cr, r, radius: b.cornerRadius)
            cairo_clip(cr)
            set(cr, hatch)
            cairo_set_line_width(cr, 1.2)
            var x = r.x - r.height
            while x < r.maxX {
                cairo_move_to(cr, x, r.maxY)
                cairo_line_to(cr, x + r.height, r.y)
                x += 6
            }
            cairo_stroke(cr)
            cairo_restore(cr)
        }
        if let stroke = b.stroke {
            rectPath(cr, LayoutRect(x: r.x + 0.5, y: r.y + 0.5, width: r.width - 1, height: r.height - 1), radius: b.cornerRadius)
            set(cr, stroke)
            cairo_set_line_width(cr, b.strokeWidth)
            if b.dashed {
                var dashes: [Double] = [4, 3]
                cairo_set_dash(cr, &dashes, 2, 0)
            }
            cairo_stroke(cr)
            cairo_set_dash(cr, nil, 0, 0)
        }
    }

    private static func draw(_ t: LayoutText, _ context: CairoContext) {
        let cr = context.handle
        context.setFont(t.style, size: t.size)
        let text = t.text.replacingNUL()
        let width = context.advance(of: text)
        let x: Double
        switch t.anchor {
        case .start: x = t.x
        case .middle: x = t.x - width / 2
        case .end: x = t.x - width
        }
        set(cr, t.color)
        cairo_move_to(cr, x, t.y)
        cairo_show_text(cr, text)
        cairo_new_path(cr)
    }

    private static func draw(_ l: LayoutLine, _ cr: OpaquePointer) {
        guard let first = l.points.first, l.points.count >= 2 else { return }
        set(cr, l.color)
        cairo_set_line_width(cr, l.width)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        if l.dashed {
            var dashes: [Double] = [5, 4]
            cairo_set_dash(cr, &dashes, 2, 0)
        }
        cairo_move_to(cr, first.x, first.y)
        for point in l.points.dropFirst() { cairo_line_to(cr, point.x, point.y) }
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
        if l.arrow {
            let tip = l.points[l.points.count - 1]
            let from = l.points[l.points.count - 2]
            let angle = atan2(tip.y - from.y, tip.x - from.x)
            let size = 4 + l.width * 2
            cairo_move_to(cr, tip.x, tip.y)
            cairo_line_to(cr, tip.x - size * cos(angle - 0.45), tip.y - size * sin(angle - 0.45))
            cairo_line_to(cr, tip.x - size * cos(angle + 0.45), tip.y - size * sin(angle + 0.45))
            cairo_close_path(cr)
            cairo_fill(cr)
        }
    }
}
