/* SPDX-License-Identifier: MIT */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fd-util.h"
#include "fs-util.h"
#include "macro.h"
#include "memory-util.h"

static void release(char *buf, size_t allocated, ReadFullFlags flags) {
        if (flags & READ_FULL_SECRET)
                secure_erase(buf, allocated);
        free(buf);
}

/* Returns 1 at end of file, 0 when more data follows (one byte is consumed,
 * which only matters for a read that is failing anyway), or a negative errno. */
static int at_end(int fd) {
        char probe;
        ssize_t n = loop_read(fd, &probe, 1);
        return n < 0 ? (int) n : n == 0;
}

int read_full_fd(int fd, size_t max, ReadFullFlags flags, char **ret, size_t *ret_size) {
        struct stat st;
        size_t allocated = 4096, size = 0;

        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
                if ((uint64_t) st.st_size > max)
                        return -EFBIG;
                allocated = (size_t) st.st_size + 1;
        }
        if (allocated > max + 1)
                allocated = max + 1;

        char *buf = malloc(allocated);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                if (size + 1 >= allocated) {
                        if (allocated > max) {
                                /* Full at the limit: only end of file now is fine. */
                                int r = at_end(fd);
                                if (r > 0)
                                        break;
                                release(buf, allocated, flags);
                                return r < 0 ? r : -EFBIG;
                        }
                        size_t grown = allocated * 2 > max + 1 ? max + 1 : allocated * 2;
                        char *nbuf = malloc(grown);
                        if (!nbuf) {
                                release(buf, allocated, flags);
                                return -ENOMEM;
                        }
                        memcpy(nbuf, buf, size);
                        release(buf, allocated, flags);
                        buf = nbuf;
                        allocated = grown;
                }
                ssize_t n = read(fd, buf + size, allocated - 1 - size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        int r = negative_errno();
                        release(buf, allocated, flags);
                        return r;
                }
                if (n == 0)
                        break;
                size += (size_t) n;
                if (size > max) {
                        release(buf, allocated, flags);
                        return -EFBIG;
                }
        }

        buf[size] = '\0';
        *ret = buf;
        if (ret_size)
                *ret_size = size;
        return 0;
}

int read_full_file_beneath(int rootfd, const char *path, size_t max, ReadFullFlags flags,
                           char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        /* O_NONBLOCK: opening a FIFO planted at the path must not hang us. */
        fd = open_beneath(rootfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        return read_full_fd(fd, max, flags, ret, ret_size);
}

static int file_is_same(int dirfd, const char *name, const void *data, size_t size, mode_t mode,
                        uid_t uid, gid_t gid) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        char buf[4096];
        size_t off = 0;

        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return 0;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 07777) != mode ||
            (uid != (uid_t) -1 && st.st_uid != uid) || (gid != (gid_t) -1 && st.st_gid != gid) ||
            (uint64_t) st.st_size != size)
                return 0;

        for (;;) {
                ssize_t n = loop_read(fd, buf, sizeof buf);
                if (n < 0)
                        return 0;
                if (n == 0)
                        break;
                if (off + (size_t) n > size || memcmp((const char *) data + off, buf, (size_t) n) != 0) {
                        secure_erase(buf, sizeof buf);
                        return 0;
                }
                off += (size_t) n;
        }
        secure_erase(buf, sizeof buf);
        return off == size;
}

static int check_target(int dirfd, const char *name) {
        struct stat st;

        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        if (S_ISLNK(st.st_mode))
                return -ELOOP;
        if (!S_ISREG(st.st_mode))
                return -EEXIST;
        return 0;
}

static int create_temporary(int dirfd, const char *name, mode_t mode, char *ret_tmp, size_t size) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        for (unsigned attempt = 0; attempt < 100; attempt++) {
                snprintf(ret_tmp, size, ".#%.200s.%x%lx%x", name, (unsigned) getpid(),
                         (unsigned long) ts.tv_nsec, attempt);
                int fd = openat(dirfd, ret_tmp,
                                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                                mode & 0777);
                if (fd >= 0)
                        return fd;
                if (errno != EEXIST)
                        return negative_errno();
        }
        return -EEXIST;
}

int write_file_atomic(int rootfd, const char *path, const void *data, size_t size, mode_t mode,
                      uid_t uid, gid_t gid, WriteAtomicFlags flags) {
        _cleanup_free_ char *dir = NULL, *name = NULL;
        _cleanup_close_ int dirfd = -EBADF, fd = -EBADF;
        char tmp[300];
        int r;

        r = path_split(path_skip_root(path), &dir, &name);
        if (r < 0)
                return r;

        dirfd = open_dir_beneath(rootfd, dir, flags & WRITE_ATOMIC_MKDIR_PARENTS, 0755);
        if (dirfd < 0)
                return dirfd;

        r = check_target(dirfd, name);
        if (r < 0)
                return r;

        if ((flags & WRITE_ATOMIC_SKIP_UNCHANGED) &&
            file_is_same(dirfd, name, data, size, mode & 07777, uid, gid))
                return 0;

        fd = create_temporary(dirfd, name, mode, tmp, sizeof tmp);
        if (fd < 0)
                return fd;

        /* Owner first, then the exact mode (umask may have narrowed it), then
         * the data: the content is never visible with wider permissions. */
        if ((uid != (uid_t) -1 || gid != (gid_t) -1) && fchown(fd, uid, gid) < 0)
                goto fail;
        if (fchmod(fd, mode & 07777) < 0)
                goto fail;
        r = loop_write(fd, data, size);
        if (r < 0) {
                errno = -r;
                goto fail;
        }
        if (fsync(fd) < 0)
                goto fail;
        if (renameat(dirfd, tmp, dirfd, name) < 0)
                goto fail;
        if (fsync(dirfd) < 0)
                return negative_errno();
        return 1;

fail:
        r = negative_errno();
        (void) unlinkat(dirfd, tmp, 0);
        return r;
}
