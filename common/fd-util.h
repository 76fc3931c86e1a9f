/* SPDX-License-Identifier: MIT */
#pragma once

/* File descriptor helpers. Descriptors start at -EBADF; safe_close()
 * accepts any negative value. */

#include <stdio.h>

#include "macro.h"

/* Closes fd if it is valid and returns -EBADF, so: fd = safe_close(fd); */
int safe_close(int fd);

static inline void closep(int *fd) {
        safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Writes all of buf to fd, retrying on EINTR and short writes.
 * Returns 0, or a negative errno. */
int loop_write(int fd, const void *buf, size_t size);

/* Reads until size bytes or end of file, retrying on EINTR. Returns the
 * number of bytes read, or a negative errno. */
ssize_t loop_read(int fd, void *buf, size_t size);
