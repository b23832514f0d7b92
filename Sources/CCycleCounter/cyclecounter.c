// Everything is inline in include/cyclecounter.h; a C target needs one source file.
#include "cyclecounter.h"
