import CCairo

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EventLog

/// Draws layout pages with Cairo: PNG (one page) and PDF (every page, with a bookmark each).
public enum CairoRenderer {
    /// The largest side of an image surface Cairo accepts.
    public static let maxImageSide = 32767

    /// Writes the first page as a PNG at `scale` (2 for HiDPI).
    ///
    /// - Throws: ``RenderError`` when the image would exceed Cairo's limit or Cairo fails.
    public static func writePNG(_ page: LayoutPage, to path: String, scale: Double = 1) throws(RenderError) {
        let w = Int((page.width * scale).rounded(.up))
        let h = Int((page.height * scale).rounded(.up))
        guard w <= maxImageSide, h <= maxImageSide else {
            throw RenderError(
                code: .cairo,
                message: "a \(w)×\(h) px image exceeds Cairo's \(maxImageSide) px limit; lower --scale or select fewer chains",
                file: path)
        }
        let surface = try CairoSurface(what: "PNG surface") {
            $0.image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h))
        }
        let cairo = surface.cairo
        let context = try CairoContext(surface)
        cairo.scale(context.handle, scale, scale)
        draw(page, on: context)
        try context.check("drawing")
        cairo.surface_flush(surface.handle)
        let status = cairo.surface_write_to_png(surface.handle, path)
        if status != CAIRO_STATUS_SUCCESS {
            throw RenderError(code: .writeFailed, message: cairo.text(status), file: path)
        }
        try checkEnd(of: path, is: pngEnd, format: "PNG")
    }

    /// The last chunk of every PNG: an empty `IEND` and its CRC.
    static let pngEnd: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    /// Throws unless the file at `path` ends with `end` (optionally followed by a line break). Cairo does not
    /// always see its own failed writes (a full disk while it finishes a PDF): a file cut short is caught here.
    static func checkEnd(of path: String, is end: [UInt8], format: String) throws(RenderError) {
        let tail = PosixFile.tail(of: path, count: end.count + 2) ?? []
        var trimmed = tail[...]
        while let last = trimmed.last, last == 0x0A || last == 0x0D { trimmed = trimmed.dropLast() }
        guard trimmed.suffix(end.count).elementsEqual(end) else {
            throw RenderError(code: .writeFailed, message: "the \(format) was cut short (is the disk full?)", file: path)
        }
    }

    /// Writes every page into one PDF, each page its own size, with a bookmark per page.
    public static func writePDF(_ document: LayoutDocument, to path: String) throws(RenderError) {
        guard let first = document.pages.first else { throw RenderError(code: .cairo, message: "no pages", file: path) }
        let surface = try CairoSurface(what: "PDF surface") { $0.pdf_surface_create(path, first.width, first.height) }
        let cairo = surface.cairo
        cairo.pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_CREATOR, "reactortrack")
        cairo.pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_TITLE, first.title)
        cairo.pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
        do {
            let context = try CairoContext(surface)
            for (number, page) in document.pages.enumerated() {
                cairo.pdf_surface_set_size(surface.handle, page.width, min(page.height, 14_400))
                let name = "page=\(number + 1)"
                _ = cairo.pdf_surface_add_outline(surface.handle, CAIRO_PDF_OUTLINE_ROOT, page.title, name, CAIRO_PDF_OUTLINE_FLAG_OPEN)
                draw(page, on: context)
                cairo.show_page(context.handle)
                try context.check("drawing page \(number + 1)")
            }
        }
        cairo.surface_finish(surface.handle)
        try surface.check("writing \(path)")
        try checkEnd(of: path, is: Array("%%EOF".utf8), format: "PDF")
    }

    /// Draws one page.
    static func draw(_ page: LayoutPage, on context: CairoContext) {
        let (cairo, cr) = (context.cairo, context.handle)
        set(context, Palette.background)
        cairo.rectangle(cr, 0, 0, page.width, page.height)
        cairo.fill(cr)
        for item in page.items {
            switch item {
            case .box(let b): draw(b, context)
            case .text(let t): draw(t, context)
            case .line(let l): draw(l, context)
            }
        }
    }

    private static func set(_ context: CairoContext, _ c: Color) {
        context.cairo.set_source_rgba(context.handle, c.red, c.green, c.blue, c.alpha)
    }

    private static func rectPath(_ context: CairoContext, _ r: LayoutRect, radius: Double) {
        let (cairo, cr) = (context.cairo, context.handle)
        let radius = min(radius, r.width / 2, r.height / 2)
        if radius <= 0 {
            cairo.rectangle(cr, r.x, r.y, r.width, r.height)
            return
        }
        cairo.new_sub_path(cr)
        cairo.arc(cr, r.maxX - radius, r.y + radius, radius, -.pi / 2, 0)
        cairo.arc(cr, r.maxX - radius, r.maxY - radius, radius, 0, .pi / 2)
        cairo.arc(cr, r.x + radius, r.maxY - radius, radius, .pi / 2, .pi)
        cairo.arc(cr, r.x + radius, r.y + radius, radius, .pi, 3 * .pi / 2)
        cairo.close_path(cr)
    }

    private static func draw(_ b: LayoutBox, _ context: CairoContext) {
        let (cairo, cr) = (context.cairo, context.handle)
        let r = b.rect
        guard r.width > 0, r.height > 0 else { return }
        if let fill = b.fill {
            rectPath(context, r, radius: b.cornerRadius)
            set(context, fill)
            cairo.fill(cr)
        }
        if let hatch = b.hatch {
            cairo.save(cr)
            rectPath(context, r, radius: b.cornerRadius)
            cairo.clip(cr)
            set(context, hatch)
            cairo.set_line_width(cr, 1.2)
            var x = r.x - r.height
            while x < r.maxX {
                cairo.move_to(cr, x, r.maxY)
                cairo.line_to(cr, x + r.height, r.y)
                x += 6
            }
            cairo.stroke(cr)
            cairo.restore(cr)
        }
        if let stroke = b.stroke {
            rectPath(context, LayoutRect(x: r.x + 0.5, y: r.y + 0.5, width: r.width - 1, height: r.height - 1), radius: b.cornerRadius)
            set(context, stroke)
            cairo.set_line_width(cr, b.strokeWidth)
            if b.dashed {
                var dashes: [Double] = [4, 3]
                cairo.set_dash(cr, &dashes, 2, 0)
            }
            cairo.stroke(cr)
            cairo.set_dash(cr, nil, 0, 0)
        }
    }

    private static func draw(_ t: LayoutText, _ context: CairoContext) {
        let (cairo, cr) = (context.cairo, context.handle)
        context.setFont(t.style, size: t.size)
        let text = t.text.replacingNUL()
        let width = context.advance(of: text)
        let x: Double
        switch t.anchor {
        case .start: x = t.x
        case .middle: x = t.x - width / 2
        case .end: x = t.x - width
        }
        set(context, t.color)
        cairo.move_to(cr, x, t.y)
        cairo.show_text(cr, text)
        cairo.new_path(cr)
    }

    private static func draw(_ l: LayoutLine, _ context: CairoContext) {
        let (cairo, cr) = (context.cairo, context.handle)
        guard let first = l.points.first, l.points.count >= 2 else { return }
        set(context, l.color)
        cairo.set_line_width(cr, l.width)
        cairo.set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        if l.dashed {
            var dashes: [Double] = [5, 4]
            cairo.set_dash(cr, &dashes, 2, 0)
        }
        cairo.move_to(cr, first.x, first.y)
        for point in l.points.dropFirst() { cairo.line_to(cr, point.x, point.y) }
        cairo.stroke(cr)
        cairo.set_dash(cr, nil, 0, 0)
        if l.arrow {
            let tip = l.points[l.points.count - 1]
            let from = l.points[l.points.count - 2]
            let angle = atan2(tip.y - from.y, tip.x - from.x)
            let size = 4 + l.width * 2
            cairo.move_to(cr, tip.x, tip.y)
            cairo.line_to(cr, tip.x - size * cos(angle - 0.45), tip.y - size * sin(angle - 0.45))
            cairo.line_to(cr, tip.x - size * cos(angle + 0.45), tip.y - size * sin(angle + 0.45))
            cairo.close_path(cr)
            cairo.fill(cr)
        }
    }
}
