#ifndef CCAIRO_SHIM_H
#define CCAIRO_SHIM_H
/* Cairo's C API for the Visualize module: image (PNG) and PDF surfaces, and the toy text API.
   <cairo/...> works even when pkg-config's -I flags are missing. */
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
#include <cairo/cairo-svg.h>
#endif
