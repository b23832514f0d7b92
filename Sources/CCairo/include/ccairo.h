#ifndef CCAIRO_H
#define CCAIRO_H
/* Cairo for the Visualize module, loaded with dlopen when something is drawn rather than linked: `tree` and
   `summary` then never map libcairo and the dozen libraries it pulls in (pixman, fontconfig, freetype, png,
   xcb, X11, ...), about 2 MB of resident memory in a process whose whole budget is under 19 MB.

   The headers (libcairo2-dev) still give the types, the enum constants, and through __typeof__ the exact
   signature of every function in the table below, so the compiler checks each pointer against Cairo's own
   declaration. <cairo/...> works without pkg-config's -I flags. Nothing here references a Cairo symbol, so
   calling a cairo_* function directly from Swift fails at link time instead of silently linking libcairo. */
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
#include <stddef.h>

/* Every Cairo function Visualize calls, without its cairo_ prefix. */
#define CCAIRO_FUNCTIONS(X)                                                                                    \
    X(status_to_string)                                                                                        \
    X(image_surface_create) X(pdf_surface_create) X(pdf_surface_set_size) X(pdf_surface_set_metadata)          \
    X(pdf_surface_add_outline) X(surface_status) X(surface_flush) X(surface_finish) X(surface_write_to_png)    \
    X(surface_destroy)                                                                                         \
    X(create) X(status) X(destroy) X(save) X(restore) X(scale) X(clip) X(show_page)                            \
    X(font_options_create) X(font_options_destroy) X(font_options_set_hint_metrics)                           \
    X(font_options_set_hint_style) X(font_options_set_antialias) X(set_font_options)                           \
    X(select_font_face) X(set_font_size) X(text_extents) X(show_text)                                          \
    X(set_source_rgba) X(set_line_width) X(set_line_join) X(set_dash)                                          \
    X(new_path) X(new_sub_path) X(close_path) X(move_to) X(line_to) X(arc) X(rectangle) X(fill) X(stroke)

/* The loaded functions: `table.create(surface)` calls cairo_create. */
typedef struct ccairo_functions {
#define CCAIRO_FIELD(name) __typeof__(cairo_##name) *_Nonnull name;
    CCAIRO_FUNCTIONS(CCAIRO_FIELD)
#undef CCAIRO_FIELD
} ccairo_functions;

/* Opens `library` (such as "libcairo.so.2") and looks up every function. On success returns 1 and fills
   `functions`; the library stays loaded for the life of the process. On failure returns 0 and writes dlerror's
   text (which names the library or the missing symbol) into `error`. */
int ccairo_load(const char *_Nonnull library, ccairo_functions *_Nonnull functions, char *_Nonnull error,
                size_t capacity);

#endif
