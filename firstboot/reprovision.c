/* SPDX-License-Identifier: MIT */
#include "reprovision.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fd-util.h"
#include "fileio.h"
#include "fs-util.h"
#include "log.h"
#include "macro.h"
#include "memory-util.h"

static const struct {
        const char *name;
        unsigned mask;
} words[] = {
        { "api-key", REPROVISION_API_KEY }, { "tls", REPROVISION_TLS }, { "admin", REPROVISION_ADMIN },
        { "ssh", REPROVISION_SSH },         { "ca", REPROVISION_CA },   { "all", REPROVISION_ALL },
};

/* Files below /etc/neuraldrive that hold each item's material. */
static const struct {
        unsigned mask;
        const char *path;
} item_files[] = {
        { REPROVISION_API_KEY, "api.key" },
        { REPROVISION_API_KEY, "caddy.env" },
        { REPROVISION_TLS, "tls/server.key" },
        { REPROVISION_TLS, "tls/server.crt" },
        { REPROVISION_CA, "tls/ca.key" },
        { REPROVISION_CA, "tls/neuraldrive-ca.crt" },
        { REPROVISION_ADMIN, "admin-password.hash" },
        { REPROVISION_SSH, "ssh/ssh_host_ed25519_key" },
        { REPROVISION_SSH, "ssh/ssh_host_ed25519_key.pub" },
        { REPROVISION_SSH, "ssh/ssh_host_ecdsa_key" },
        { REPROVISION_SSH, "ssh/ssh_host_ecdsa_key.pub" },
};

int reprovision_parse(const char *list, unsigned *ret) {
        unsigned mask = 0;

        if (!list || !*list)
                return log_debug_errno(-EINVAL, "Empty re-provisioning list");
        for (const char *p = list; *p;) {
                size_t n = strcspn(p, ",");
                bool found = false;
                for (size_t i = 0; i < ELEMENTSOF(words); i++)
                        if (strlen(words[i].name) == n && strncmp(p, words[i].name, n) == 0) {
                                mask |= words[i].mask;
                                found = true;
                        }
                if (!found)
                        return log_error_errno(-EINVAL,
                                               "Unknown item '%.*s' to re-provision (known: api-key, tls, "
                                               "admin, ssh, ca, all)",
                                               (int) n, p);
                p += n;
                if (*p == ',')
                        p++;
        }
        /* A new CA invalidates the server certificate it signed. */
        if (mask & REPROVISION_CA)
                mask |= REPROVISION_TLS;
        *ret = mask;
        return 0;
}

const char *reprovision_to_string(unsigned items, char *buf, size_t size) {
        size_t o = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                if (words[i].mask == REPROVISION_ALL || !(items & words[i].mask))
                        continue;
                int n = snprintf(buf + o, size - o, "%s%s", o ? "," : "", words[i].name);
                if (n < 0 || (size_t) n >= size - o)
                        break;
                o += (size_t) n;
        }
        return buf;
}

/* Copies a file when it cannot be linked (another file system). */
static int copy_file(int srcdir, const char *name, int dstdir) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_erase_free_ char *data = NULL;
        struct stat st;
        size_t size;
        int r;

        fd = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        r = read_full_fd(fd, 1024 * 1024, READ_FULL_SECRET, &data, &size);
        if (r < 0)
                return r;
        return write_file_atomic(dstdir, name, data, size, st.st_mode & 07777, st.st_uid, st.st_gid, 0);
}

static int backup_one(int rootfd, const char *rel, int backupfd) {
        _cleanup_free_ char *dir = NULL, *name = NULL, *src = NULL;
        _cleanup_close_ int srcdir = -EBADF, dstdir = -EBADF;
        struct stat st;
        int r;

        r = path_split(rel, &dir, &name);
        if (r < 0)
                return r;
        if (asprintf(&src, "etc/neuraldrive/%s", dir) < 0)
                return -ENOMEM;
        srcdir = open_dir_beneath(rootfd, src, false, 0);
        if (srcdir == -ENOENT)
                return 0;
        if (srcdir < 0)
                return srcdir;
        if (fstatat(srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        if (!S_ISREG(st.st_mode))
                return log_error_errno(-EBADFD, "'/etc/neuraldrive/%s' is not a regular file", rel);
        dstdir = open_dir_beneath(backupfd, dir, true, 0700);
        if (dstdir < 0)
                return dstdir;
        if (linkat(srcdir, name, dstdir, name, 0) >= 0)
                return 1;
        if (errno != EXDEV && errno != EPERM)
                return negative_errno();
        r = copy_file(srcdir, name, dstdir);
        return r < 0 ? r : 1;
}

int reprovision_backup(int rootfd, unsigned items, char **ret_dir) {
        _cleanup_close_ int basefd = -EBADF, backupfd = -EBADF;
        _cleanup_free_ char *path = NULL;
        char stamp[64];
        struct tm tm;
        time_t t = time(NULL);
        int r;

        basefd = open_dir_beneath(rootfd, REPROVISION_BACKUP_DIR, true, 0700);
        if (basefd < 0)
                return log_error_errno(basefd, "Failed to open '%s': %m", REPROVISION_BACKUP_DIR);
        (void) fchmod(basefd, 0700);

        gmtime_r(&t, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        for (unsigned i = 0;; i++) {
                free(path);
                path = NULL;
                if (asprintf(&path, "%s%s%.0u", stamp, i ? "-" : "", i) < 0)
                        return -ENOMEM;
                if (mkdirat(basefd, path, 0700) >= 0)
                        break;
                if (errno != EEXIST || i > 100)
                        return log_error_errno(negative_errno(), "Failed to create '%s/%s': %m",
                                               REPROVISION_BACKUP_DIR, path);
        }
        backupfd = open_dir_beneath(basefd, path, false, 0);
        if (backupfd < 0)
                return backupfd;

        for (size_t i = 0; i < ELEMENTSOF(item_files); i++) {
                if (!(items & item_files[i].mask))
                        continue;
                r = backup_one(rootfd, item_files[i].path, backupfd);
                if (r < 0)
                        return log_error_errno(r, "Failed to back up '/etc/neuraldrive/%s': %m",
                                               item_files[i].path);
        }
        if (fsync(backupfd) < 0)
                return negative_errno();

        char *full = NULL;
        if (asprintf(&full, "%s/%s", REPROVISION_BACKUP_DIR, path) < 0)
                return -ENOMEM;
        *ret_dir = full;
        return 0;
}
