/* SPDX-License-Identifier: MIT */
#include "fs-util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd-util.h"
#include "macro.h"

const char *path_skip_root(const char *p) {
        while (*p == '/')
                p++;
        return p;
}

bool path_is_normalized_absolute(const char *p) {
        if (!p || p[0] != '/')
                return false;
        if (streq(p, "/"))
                return true;

        const char *c = p + 1;
        for (;;) {
                size_t n = strcspn(c, "/");
                if (n == 0)
                        return false; /* "//" or trailing "/" */
                if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                if (c[n] == '\0')
                        return true;
                c += n + 1;
        }
}

int path_split(const char *path, char **ret_dir, char **ret_name) {
        size_t len = strlen(path);

        if (len == 0 || path[len - 1] == '/')
                return -EINVAL;

        const char *slash = strrchr(path, '/');
        const char *name = slash ? slash + 1 : path;
        size_t dir_len = slash ? (size_t) (slash - path) : 0;

        _cleanup_free_ char *dir = strndup(path, dir_len);
        char *base = strdup(name);
        if (!dir || !base) {
                free(base);
                return -ENOMEM;
        }
        *ret_dir = TAKE_PTR(dir);
        *ret_name = base;
        return 0;
}

/* Distinguishes "a symlink is in the way" from other failures of an
 * O_NOFOLLOW open, which reports ENOTDIR or ELOOP depending on the flags. */
static int classify_open_error(int dirfd, const char *name, int error) {
        struct stat st;

        if (error == ENOTDIR && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(st.st_mode))
                return -ELOOP;
        return -error;
}

static int next_component(const char **p, char *buf, size_t size) {
        *p = path_skip_root(*p);
        size_t n = strcspn(*p, "/");
        if (n == 0)
                return 0;
        if (n >= size)
                return -ENAMETOOLONG;
        memcpy(buf, *p, n);
        buf[n] = '\0';
        *p += n;
        if (streq(buf, ".."))
                return -EINVAL;
        return 1;
}

static int walk_dirs(int rootfd, const char *path, bool create, mode_t mode, const char **ret_last) {
        _cleanup_close_ int fd = -EBADF;
        char comp[256];
        int cur = rootfd;
        const char *p = path;

        for (;;) {
                const char *before = p;
                int r = next_component(&p, comp, sizeof comp);
                if (r < 0)
                        return r;
                if (r == 0) {
                        /* Whole path consumed: hand back the directory fd. */
                        if (ret_last)
                                *ret_last = NULL;
                        break;
                }
                if (ret_last && *path_skip_root(p) == '\0') {
                        *ret_last = path_skip_root(before);
                        break;
                }
                if (streq(comp, "."))
                        continue;

                int nfd = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (nfd < 0 && errno == ENOENT && create) {
                        if (mkdirat(cur, comp, mode) < 0 && errno != EEXIST)
                                return negative_errno();
                        nfd = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (nfd < 0)
                        return classify_open_error(cur, comp, errno);
                safe_close(fd);
                fd = cur = nfd;
        }

        if (fd >= 0)
                return TAKE_FD(fd);
        int dup = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
        return dup < 0 ? negative_errno() : dup;
}

int open_dir_beneath(int rootfd, const char *path, bool create, mode_t mode) {
        return walk_dirs(rootfd, path, create, mode, NULL);
}

int open_beneath(int rootfd, const char *path, int flags, mode_t mode) {
        _cleanup_close_ int dirfd = -EBADF;
        const char *last = NULL;
        char name[256];

        dirfd = walk_dirs(rootfd, path, false, 0, &last);
        if (dirfd < 0)
                return dirfd;
        if (!last) { /* the path names the root itself */
                int fd = openat(dirfd, ".", flags | O_CLOEXEC, mode);
                return fd < 0 ? negative_errno() : fd;
        }

        const char *p = last;
        int r = next_component(&p, name, sizeof name);
        if (r <= 0)
                return r < 0 ? r : -EINVAL;

        int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0)
                return classify_open_error(dirfd, name, errno);
        return fd;
}
