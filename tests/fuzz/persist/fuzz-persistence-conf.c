/* SPDX-License-Identifier: MIT */
/* Fuzzes the persistence.conf parser. Whatever the volume holds, every
 * accepted entry must be safe to mount: a normalized absolute path that is
 * not "/" and not in /proc, /sys, /dev or /run, a normalized volume-relative
 * source outside .nd-work, no duplicate paths, no nested sources, sorted
 * parents first; every refused line has a line number and a reason. */
#include "../fuzz-assert.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "fs-util.h"
#include "macro.h"

static int prefix_of(const char *a, const char *b) {
        size_t n = strlen(a);
        return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        PersistenceConf c;
        size_t lines = 1;
        int r = conf_parse((const char *) data, size, &c);

        if (r < 0) {
                FUZZ_CHECK(r == -E2BIG && size > CONF_SIZE_MAX);
                return 0;
        }
        for (size_t i = 0; i < size; i++)
                lines += data[i] == '\n';

        FUZZ_CHECK(c.n_entries <= CONF_ENTRIES_MAX);
        for (size_t i = 0; i < c.n_entries; i++) {
                const ConfEntry *e = &c.entries[i];
                char abs[CONF_PATH_MAX + 2];

                FUZZ_CHECK(path_is_normalized_absolute(e->path));
                FUZZ_CHECK(!streq(e->path, "/"));
                FUZZ_CHECK(!prefix_of("/proc", e->path) && !prefix_of("/sys", e->path) &&
                           !prefix_of("/dev", e->path) && !prefix_of("/run", e->path));
                FUZZ_CHECK(e->source[0] != '/' && e->source[0] != '\0');
                FUZZ_CHECK(strlen(e->source) <= CONF_PATH_MAX);
                snprintf(abs, sizeof abs, "/%s", e->source);
                FUZZ_CHECK(path_is_normalized_absolute(abs));
                FUZZ_CHECK(!prefix_of(CONF_WORK_DIR, e->source));
                FUZZ_CHECK(e->line >= 1 && e->line <= lines);
                FUZZ_CHECK(e->mode == CONF_MODE_UNION || e->mode == CONF_MODE_BIND);
                for (const char *p = e->path; *p; p++)
                        FUZZ_CHECK((unsigned char) *p >= 0x20 && *p != 0x7f);
                if (i > 0)
                        FUZZ_CHECK(strcmp(c.entries[i - 1].path, e->path) < 0);
                for (size_t j = 0; j < i; j++)
                        FUZZ_CHECK(!prefix_of(c.entries[j].source, e->source) &&
                                   !prefix_of(e->source, c.entries[j].source));
        }
        for (size_t i = 0; i < c.n_problems; i++) {
                FUZZ_CHECK(c.problems[i].line >= 1 && c.problems[i].line <= lines);
                FUZZ_CHECK(c.problems[i].reason && c.problems[i].reason[0]);
        }
        FUZZ_CHECK(c.n_entries + c.n_problems <= lines);
        conf_done(&c);
        return 0;
}
