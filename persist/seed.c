/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd-util.h"
#include "fs-util.h"
#include "log.h"
#include "seed.h"

#define SEED_MAX_DEPTH 128

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);

/* True when a symlink in a directory depth levels below the top of the tree
 * (0: the top itself) stays inside the tree whatever its components turn out
 * to be: a relative target whose ".." components all come first, at most
 * depth of them. Climbing only through real parent directories and then
 * only descending, it cannot leave the tree, even when a later component is
 * itself such a symlink (checked the same way). A ".." after a name is
 * refused: through a symlinked name it would climb from somewhere else. */
static bool symlink_stays_inside(const char *target, unsigned depth) {
        unsigned up = 0;
        bool descended = false;
        const char *p = target;

        if (target[0] == '/' || target[0] == '\0')
                return false;
        while (*p) {
                size_t l = strcspn(p, "/");
                if (l == 2 && p[0] == '.' && p[1] == '.') {
                        if (descended || ++up > depth)
                                return false;
                } else if (l > 0 && !(l == 1 && p[0] == '.'))
                        descended = true;
                p += l;
                while (*p == '/')
                        p++;
        }
        return true;
}

static int apply_meta(int fd, const struct stat *st) {
        /* Owner first: chown clears set-id bits that fchmod then restores. */
        if (fchown(fd, st->st_uid, st->st_gid) < 0)
                return negative_errno();
        if (fchmod(fd, st->st_mode & 07777) < 0)
                return negative_errno();
        if (futimens(fd, (struct timespec[2]){ st->st_atim, st->st_mtim }) < 0)
                return negative_errno();
        return 0;
}

static int copy_file(int src_dirfd, int dst_dirfd, const char *name, const struct stat *st) {
        _cleanup_close_ int in = -EBADF, out = -EBADF;
        char buf[64 * 1024];
        int r;

        in = openat(src_dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        if (in < 0)
                return negative_errno();
        out = openat(dst_dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
                return negative_errno();
        for (;;) {
                ssize_t n = loop_read(in, buf, sizeof(buf));
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        break;
                r = loop_write(out, buf, (size_t) n);
                if (r < 0)
                        return r;
        }
        /* The buffer may have held a secret (api.key, ca.key). */
        explicit_bzero(buf, sizeof(buf));
        return apply_meta(out, st);
}

static int copy_symlink(int src_dirfd, int dst_dirfd, const char *name, const struct stat *st,
                        unsigned depth, const char *where) {
        char target[PATH_MAX];
        ssize_t n;

        n = readlinkat(src_dirfd, name, target, sizeof(target) - 1);
        if (n < 0)
                return negative_errno();
        target[n] = '\0';
        if (!symlink_stays_inside(target, depth)) {
                log_warning("Symlink '%s/%s' points outside the persisted path ('%s'), not copying it",
                            where, name, target);
                return 0;
        }
        if (symlinkat(target, dst_dirfd, name) < 0)
                return negative_errno();
        if (fchownat(dst_dirfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return negative_errno();
        if (utimensat(dst_dirfd, name, (struct timespec[2]){ st->st_atim, st->st_mtim },
                      AT_SYMLINK_NOFOLLOW) < 0)
                return negative_errno();
        return 0;
}

static int copy_dir_contents(int src_dirfd, int dst_dirfd, unsigned depth, const char *where) {
        _cleanup_(closedirp) DIR *d = NULL;
        int fd, r;

        if (depth > SEED_MAX_DEPTH)
                return log_debug_errno(-ELOOP, "'%s' nests too deep", where);
        fd = fcntl(src_dirfd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return negative_errno();
        d = fdopendir(fd);
        if (!d) {
                r = negative_errno();
                safe_close(fd);
                return r;
        }
        for (;;) {
                struct dirent *de;
                struct stat st;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno != 0)
                                return negative_errno();
                        break;
                }
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(src_dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return negative_errno();

                if (S_ISDIR(st.st_mode)) {
                        _cleanup_close_ int s = -EBADF, t = -EBADF;
                        _cleanup_free_ char *sub = NULL;

                        if (asprintf(&sub, "%s/%s", where, de->d_name) < 0)
                                return -ENOMEM;
                        s = openat(src_dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (s < 0)
                                return negative_errno();
                        if (mkdirat(dst_dirfd, de->d_name, 0700) < 0)
                                return negative_errno();
                        t = openat(dst_dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (t < 0)
                                return negative_errno();
                        r = copy_dir_contents(s, t, depth + 1, sub);
                        if (r < 0)
                                return r;
                        r = apply_meta(t, &st);
                } else if (S_ISREG(st.st_mode))
                        r = copy_file(src_dirfd, dst_dirfd, de->d_name, &st);
                else if (S_ISLNK(st.st_mode))
                        r = copy_symlink(src_dirfd, dst_dirfd, de->d_name, &st, depth, where);
                else {
                        log_warning("'%s/%s' is not a file, directory or symlink, not copying it", where,
                                    de->d_name);
                        r = 0;
                }
                if (r < 0)
                        return log_debug_errno(r, "Failed to copy '%s/%s': %m", where, de->d_name);
        }
        return 0;
}

int seed_copy_path(int src_rootfd, int dst_rootfd, const char *path) {
        _cleanup_close_ int src = -EBADF, dst_parent = -EBADF, dst = -EBADF;
        _cleanup_free_ char *dir = NULL, *name = NULL;
        struct stat st;
        int r;

        if (!path_is_normalized_absolute(path) || streq(path, "/"))
                return -EINVAL;
        r = path_split(path_skip_root(path), &dir, &name);
        if (r < 0)
                return r;

        src = open_dir_beneath(src_rootfd, path, false, 0);
        if (src < 0 && src != -ENOENT)
                return log_debug_errno(src, "Failed to open '%s' to seed from: %m", path);

        dst_parent = open_dir_beneath(dst_rootfd, dir, true, 0755);
        if (dst_parent < 0)
                return log_debug_errno(dst_parent, "Failed to make parents of '%s' in the volume: %m", path);
        if (mkdirat(dst_parent, name, src < 0 ? 0755 : 0700) < 0)
                return log_debug_errno(negative_errno(), "Failed to make '%s' in the volume: %m", path);
        if (src < 0) {
                log_debug("'%s' does not exist yet, the volume starts it empty", path);
                return 0;
        }
        dst = openat(dst_parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dst < 0)
                return negative_errno();
        r = copy_dir_contents(src, dst, 0, path);
        if (r < 0)
                return r;
        if (fstat(src, &st) < 0)
                return negative_errno();
        return apply_meta(dst, &st);
}
