/* SPDX-License-Identifier: MIT */
/* Fuzzes json_flat_get_string(): any input is refused with one of the
 * documented errors or gives a NUL-free value no longer than the input,
 * which survives a round trip through json_flat_write_string(). */
#include "../fuzz-assert.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-flat.h"

static void check_roundtrip(const char *value) {
        char *buf = NULL, *again = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        FUZZ_CHECK(f);
        fputs("{\"k\":", f);
        json_flat_write_string(f, value);
        fputc('}', f);
        FUZZ_CHECK(fclose(f) == 0);
        FUZZ_CHECK(json_flat_get_string(buf, size, "k", &again) == 0);
        FUZZ_CHECK(strcmp(again, value) == 0);
        free(again);
        free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const keys[] = { "state", "type", "volume", "k" };

        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                char *value = (char *) 0x1;
                int r = json_flat_get_string((const char *) data, size, keys[i], &value);

                if (r < 0) {
                        FUZZ_CHECK(r == -ENOENT || r == -EMEDIUMTYPE || r == -EINVAL || r == -E2BIG);
                        FUZZ_CHECK(value == (char *) 0x1);
                        continue;
                }
                FUZZ_CHECK(r == 0);
                FUZZ_CHECK(size <= JSON_FLAT_MAX_SIZE);
                /* Decoding never grows: an escape is at least as long as the
                 * UTF-8 it stands for. */
                FUZZ_CHECK(strlen(value) < size);
                check_roundtrip(value);
                free(value);
        }
        return 0;
}
