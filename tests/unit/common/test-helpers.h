/* SPDX-License-Identifier: MIT */
#pragma once
/* Shared by the common/ unit tests: a private temporary directory per test. */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        return remove(path);
}

/* Creates a fresh directory and returns an O_DIRECTORY fd for it; the path
 * is written to buf. */
static inline int make_temp_root(char *buf, size_t size) {
        snprintf(buf, size, "/tmp/nd-unit-XXXXXX");
        if (!mkdtemp(buf))
                return -1;
        return open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static inline void remove_temp_root(const char *path) {
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
