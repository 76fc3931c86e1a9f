/* SPDX-License-Identifier: MIT */
#pragma once

/* Reading whole files and replacing files atomically. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef enum ReadFullFlags {
        /* The buffer may hold a secret: intermediate buffers are wiped and the
         * result must be released with erase_and_free(). */
        READ_FULL_SECRET = 1 << 0,
} ReadFullFlags;

/* Reads fd to its end, at most max bytes (-EFBIG beyond). On success
 * *ret is a NUL-terminated heap buffer owned by the caller and *ret_size (if
 * non-NULL) its length without the NUL. Returns 0 or a negative errno. */
int read_full_fd(int fd, size_t max, ReadFullFlags flags, char **ret, size_t *ret_size);

/* Opens path below rootfd without following symlinks (see fs-util.h),
 * refuses anything but a regular file (-EISDIR for a directory, -EBADFD for
 * other types), then reads it as read_full_fd(). */
int read_full_file_beneath(int rootfd, const char *path, size_t max, ReadFullFlags flags,
                           char **ret, size_t *ret_size);

typedef enum WriteAtomicFlags {
        WRITE_ATOMIC_MKDIR_PARENTS = 1 << 0, /* create missing parents, 0755 */
        WRITE_ATOMIC_SKIP_UNCHANGED = 1 << 1, /* same bytes, mode and owner: no write */
} WriteAtomicFlags;

/* Replaces path below rootfd with data, atomically: a temporary file in the
 * same directory is created with O_EXCL and its final mode (never wider),
 * given its owner, written, fsync'ed, renamed over the target, and the
 * directory is fsync'ed. uid/gid (uid_t)-1 / (gid_t)-1 keep the creator's.
 * A symlink anywhere on the path fails with -ELOOP; an existing target that
 * is not a regular file with -EEXIST. Nothing is left behind on failure.
 * Returns 1 when the file was written, 0 when WRITE_ATOMIC_SKIP_UNCHANGED
 * found it already as asked, or a negative errno. */
int write_file_atomic(int rootfd, const char *path, const void *data, size_t size, mode_t mode,
                      uid_t uid, gid_t gid, WriteAtomicFlags flags);
