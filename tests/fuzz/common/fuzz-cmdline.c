/* SPDX-License-Identifier: MIT */
/* Fuzzes the kernel command-line parser and its lookups: any input must
 * either be refused with an error or give arguments whose keys and values
 * are NUL-free pieces of the input. */
#include "../fuzz-assert.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_cmdline_free_ Cmdline *c = NULL;
        int r = cmdline_parse((const char *) data, size, &c);

        if (r < 0) {
                FUZZ_CHECK(r == -EINVAL || r == -E2BIG);
                FUZZ_CHECK(!c);
                return 0;
        }
        FUZZ_CHECK(size <= CMDLINE_MAX);
        for (size_t i = 0; i < c->n_args; i++) {
                const CmdlineArg *a = &c->args[i];
                FUZZ_CHECK(strlen(a->key) + (a->value ? strlen(a->value) + 1 : 0) <= size);
                FUZZ_CHECK(!strchr(a->key, '='));
                FUZZ_CHECK(!strchr(a->key, '"'));
                const CmdlineArg *last = cmdline_get(c, a->key);
                FUZZ_CHECK(last && last >= a);
        }
        int e;
        (void) cmdline_get_bool(c, "neuraldrive.debug", &e);
        FUZZ_CHECK(e == 0 || e == -EINVAL);
        return 0;
}
