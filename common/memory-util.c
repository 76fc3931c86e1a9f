/* SPDX-License-Identifier: MIT */
#include "memory-util.h"

#include <malloc.h>
#include <stdlib.h>

void *erase_and_free(void *p) {
        if (!p)
                return NULL;
        secure_erase(p, malloc_usable_size(p));
        free(p);
        return NULL;
}
