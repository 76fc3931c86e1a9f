/* SPDX-License-Identifier: MIT */
#pragma once

/* Buffers that hold secrets are wiped before they are released. */

#include <stddef.h>
#include <string.h>

#include "macro.h"

/* Wipes size bytes at p; never optimised away. */
static inline void secure_erase(void *p, size_t size) {
        if (p && size > 0)
                explicit_bzero(p, size);
}

/* Wipes the whole heap allocation p (malloc_usable_size) and frees it.
 * Accepts NULL. Returns NULL. */
void *erase_and_free(void *p);

static inline void erase_and_freep(void *p) {
        erase_and_free(*(void **) p);
}
#define _cleanup_erase_free_ _cleanup_(erase_and_freep)
