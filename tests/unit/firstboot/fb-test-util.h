/* SPDX-License-Identifier: MIT */
#pragma once
/* Small helpers shared by the firstboot unit tests: temporary roots,
 * whole-file reads and writes, running a command. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static inline char *fbt_mkdtemp(void) {
        char *d = strdup("/tmp/nd-firstboot-test.XXXXXX");
        if (!d || !mkdtemp(d))
                abort();
        return d;
}

static inline int fbt_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int fbt_run(const char *fmt, ...) {
        char *cmd = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&cmd, fmt, ap) < 0)
                abort();
        va_end(ap);
        int st = system(cmd);
        free(cmd);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static inline void fbt_rm_rf(const char *dir) {
        if (dir && strncmp(dir, "/tmp/nd-firstboot-test.", 23) == 0)
                fbt_run("rm -rf '%s'", dir);
}

/* Returns the file's content (NUL-terminated) or NULL; *size its length. */
static inline char *fbt_read(const char *path, size_t *size) {
        FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        char *buf = NULL;
        size_t n = 0, cap = 0;
        for (;;) {
                if (n + 4096 + 1 > cap) {
                        cap = (n + 4096 + 1) * 2;
                        buf = realloc(buf, cap);
                        if (!buf)
                                abort();
                }
                size_t k = fread(buf + n, 1, 4096, f);
                n += k;
                if (k == 0)
                        break;
        }
        fclose(f);
        buf[n] = '\0';
        if (size)
                *size = n;
        return buf;
}

static inline void fbt_write(const char *path, const char *data, size_t size, mode_t mode) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0 || write(fd, data, size) != (ssize_t) size || close(fd) < 0)
                abort();
}

static inline void fbt_copy(const char *from, const char *to, mode_t mode) {
        size_t size;
        char *d = fbt_read(from, &size);
        if (!d)
                abort();
        fbt_write(to, d, size, mode);
        free(d);
}

static inline char *fbt_path(const char *a, const char *b) {
        char *p = NULL;
        if (asprintf(&p, "%s/%s", a, b) < 0)
                abort();
        return p;
}

static inline bool fbt_exists(const char *path) {
        struct stat st;
        return lstat(path, &st) == 0;
}

static inline bool fbt_have(const char *program) {
        return fbt_run("command -v %s >/dev/null 2>&1", program) == 0;
}
