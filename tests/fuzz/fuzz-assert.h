/* SPDX-License-Identifier: MIT */
#pragma once
/* assert() that survives NDEBUG: fuzz targets check invariants in every
 * build type. */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(expr)                                                                           \
        do {                                                                                       \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr);   \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)
