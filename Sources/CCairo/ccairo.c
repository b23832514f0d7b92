#include "ccairo.h"

#include <dlfcn.h>
#include <stdio.h>

int ccairo_load(const char *library, ccairo_functions *functions, char *error, size_t capacity) {
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(error, capacity, "%s", dlerror());
        return 0;
    }
    /* The table is filled in a local first, so `functions` never holds a partial (null) entry. */
    ccairo_functions loaded;
#define CCAIRO_LOOKUP(name)                                                                                    \
    {                                                                                                          \
        void *symbol = dlsym(handle, "cairo_" #name);                                                          \
        if (symbol == NULL) {                                                                                  \
            snprintf(error, capacity, "%s", dlerror());                                                        \
            dlclose(handle);                                                                                   \
            return 0;                                                                                          \
        }                                                                                                      \
        loaded.name = (__typeof__(loaded.name))symbol;                                                         \
    }
    CCAIRO_FUNCTIONS(CCAIRO_LOOKUP)
#undef CCAIRO_LOOKUP
    *functions = loaded;
    return 1;
}
