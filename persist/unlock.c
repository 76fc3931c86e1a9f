/* SPDX-License-Identifier: MIT */
#include "unlock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>

#include "fd-util.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "memory-util.h"
#include "mount-util.h"
#include "probe.h"

typedef struct KeyDeviceSearch {
        const DeviceSpec *spec;
        char *node;
        char *fstype;
} KeyDeviceSearch;

static int keydev_match(const DeviceList *l, void *userdata) {
        KeyDeviceSearch *s = userdata;

        for (size_t i = 0; i < l->n; i++) {
                const BlockDevice *d = &l->devices[i];
                if (!device_spec_matches(s->spec, d) || !d->fstype)
                        continue;
                s->node = strdup(d->node);
                s->fstype = strdup(d->fstype);
                return s->node && s->fstype ? 1 : -ENOMEM;
        }
        return 0;
}

int unlock_read_keyfile(const DeviceSpec *device, const char *path, char *const *allowed,
                        unsigned timeout_sec, const char *mount_dir, char **ret, size_t *ret_size) {
        KeyDeviceSearch s = { .spec = device };
        _cleanup_close_ int dirfd = -EBADF;
        int r;

        r = probe_wait(allowed, timeout_sec, keydev_match, &s);
        if (r <= 0) {
                r = r == 0 || r == -ETIMEDOUT ? -ENODEV : r;
                goto out;
        }
        if (mkdir(mount_dir, 0700) < 0 && errno != EEXIST) {
                r = negative_errno();
                goto out;
        }
        r = mount_libmount(s.node, mount_dir, s.fstype, mount_inspect_options(s.fstype));
        if (r < 0) {
                log_debug_errno(r, "Failed to mount key device '%s': %m", s.node);
                goto out;
        }
        dirfd = open(mount_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                r = negative_errno();
        else
                r = read_full_file_beneath(dirfd, path, UNLOCK_KEYFILE_MAX, READ_FULL_SECRET, ret, ret_size);
        dirfd = safe_close(dirfd);
        mount_umount_quiet(mount_dir);
        (void) rmdir(mount_dir);
out:
        free(s.node);
        free(s.fstype);
        return r;
}

typedef struct Console {
        int fd;
        struct termios saved;
        bool is_tty;
} Console;

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Opens a console and turns echo off (canonical mode stays on, so a read
 * returns a whole line, and the line editing keys work). TCSADRAIN, not
 * TCSAFLUSH: a line typed ahead of the prompt (or of the second prompt of a
 * new passphrase) is kept, not thrown away. */
static int console_open(const char *node, Console *ret) {
        Console c = { .fd = open(node, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK) };

        if (c.fd < 0)
                return negative_errno();
        if (tcgetattr(c.fd, &c.saved) == 0) {
                struct termios t = c.saved;
                t.c_lflag &= ~(ECHO | ECHOE | ECHOK);
                t.c_lflag |= ICANON | ECHONL;
                c.is_tty = tcsetattr(c.fd, TCSADRAIN, &t) == 0;
        }
        *ret = c;
        return 0;
}

static void console_close(Console *c) {
        if (c->is_tty)
                (void) tcsetattr(c->fd, TCSADRAIN, &c->saved);
        c->fd = safe_close(c->fd);
}

static bool same_device(const Console *cs, size_t n, int fd) {
        struct stat a, b;

        if (fstat(fd, &a) < 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (fstat(cs[i].fd, &b) == 0 && a.st_rdev == b.st_rdev && a.st_ino == b.st_ino &&
                    a.st_dev == b.st_dev)
                        return true;
        return false;
}

/* Reads one line from fd into buf. Returns its length, -EAGAIN when the
 * line is not complete yet (non-canonical input), or a negative errno. */
static ssize_t read_line(int fd, char *buf, size_t size, size_t *fill) {
        for (;;) {
                ssize_t n = read(fd, buf + *fill, size - 1 - *fill);
                if (n < 0)
                        return errno == EINTR || errno == EAGAIN ? -EAGAIN : negative_errno();
                if (n == 0)
                        return -EPIPE;
                *fill += (size_t) n;
                char *nl = memchr(buf, '\n', *fill);
                if (!nl)
                        nl = memchr(buf, '\r', *fill);
                if (nl) {
                        *nl = '\0';
                        return nl - buf;
                }
                if (*fill >= size - 1)
                        return -E2BIG;
        }
}

int unlock_ask_passphrase(char *const *consoles, size_t n_consoles, const char *prompt, unsigned timeout_sec,
                          char **ret, size_t *ret_size) {
        static char *const fallback[] = { (char *) "/dev/console" };
        Console cs[CONFIG_CONSOLES_MAX] = {};
        size_t fills[CONFIG_CONSOLES_MAX] = {};
        struct pollfd pfd[CONFIG_CONSOLES_MAX];
        char *bufs[CONFIG_CONSOLES_MAX] = {};
        size_t n = 0;
        int r = -ETIMEDOUT;

        if (n_consoles == 0) {
                consoles = fallback;
                n_consoles = 1;
        }
        for (size_t i = 0; i < n_consoles && n < CONFIG_CONSOLES_MAX; i++) {
                Console c;
                if (console_open(consoles[i], &c) < 0) {
                        log_debug_errno(errno, "Cannot open console '%s', skipping it: %m", consoles[i]);
                        continue;
                }
                if (same_device(cs, n, c.fd)) { /* /dev/console and console=ttyS0 ... */
                        console_close(&c);
                        continue;
                }
                bufs[n] = malloc(UNLOCK_PASSPHRASE_MAX + 1);
                if (!bufs[n]) {
                        console_close(&c);
                        r = -ENOMEM;
                        goto out;
                }
                cs[n] = c;
                pfd[n] = (struct pollfd){ .fd = c.fd, .events = POLLIN };
                (void) loop_write(c.fd, prompt, strlen(prompt));
                n++;
        }
        if (n == 0) {
                r = -ENXIO;
                goto out;
        }

        long long deadline = now_ms() + (long long) timeout_sec * 1000;
        while (r == -ETIMEDOUT) {
                long long left = deadline - now_ms();
                if (left <= 0)
                        break;
                int k = poll(pfd, n, (int) (left > 1000 ? 1000 : left));
                if (k < 0 && errno != EINTR) {
                        r = negative_errno();
                        break;
                }
                for (size_t i = 0; i < n && k > 0; i++) {
                        if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                                continue;
                        ssize_t len = read_line(cs[i].fd, bufs[i], UNLOCK_PASSPHRASE_MAX + 1, &fills[i]);
                        if (len == -EAGAIN)
                                continue;
                        if (len < 0) {
                                /* a console that went away: stop polling it */
                                pfd[i].fd = -1;
                                secure_erase(bufs[i], UNLOCK_PASSPHRASE_MAX + 1);
                                fills[i] = 0;
                                continue;
                        }
                        *ret = TAKE_PTR(bufs[i]);
                        *ret_size = (size_t) len;
                        r = 0;
                        break;
                }
        }

out:
        for (size_t i = 0; i < n; i++) {
                if (r == -ETIMEDOUT)
                        (void) loop_write(cs[i].fd, "\n", 1);
                console_close(&cs[i]);
                erase_and_free(bufs[i]);
        }
        return r;
}
