/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include "ask-tty.h"
#include "fd-util.h"
#include "fileio.h"
#include "memory-util.h"

static int ask(const char *prompt, bool echo, char **ret) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_erase_free_ char *buf = NULL;
        struct termios old, quiet;
        bool restore = false;
        size_t n = 0;
        int r = 0;

        fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return -ENXIO;
        buf = malloc(ASK_TTY_MAX + 1);
        if (!buf)
                return -ENOMEM;

        if (!echo && tcgetattr(fd, &old) == 0) {
                quiet = old;
                quiet.c_lflag &= ~(tcflag_t) (ECHO | ECHONL);
                quiet.c_lflag |= ICANON;
                if (tcsetattr(fd, TCSADRAIN, &quiet) == 0)
                        restore = true;
        }
        r = loop_write(fd, prompt, strlen(prompt));
        while (r >= 0) {
                char c;
                ssize_t k = read(fd, &c, 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        break;
                }
                if (k == 0) {
                        r = -ECANCELED;
                        break;
                }
                if (c == '\n' || c == '\r')
                        break;
                if (n >= ASK_TTY_MAX) {
                        r = -E2BIG;
                        break;
                }
                buf[n++] = c;
        }
        if (restore)
                (void) tcsetattr(fd, TCSADRAIN, &old);
        if (!echo)
                (void) loop_write(fd, "\n", 1);
        if (r < 0)
                return r;
        buf[n] = '\0';
        *ret = TAKE_PTR(buf);
        return 0;
}

int ask_tty_secret(const char *prompt, char **ret) {
        return ask(prompt, false, ret);
}

int ask_tty_line(const char *prompt, char **ret) {
        return ask(prompt, true, ret);
}

int ask_tty_new_secret(const char *prompt, char **ret) {
        _cleanup_erase_free_ char *first = NULL, *second = NULL;
        _cleanup_free_ char *repeat = NULL;
        int r;

        r = ask_tty_secret(prompt, &first);
        if (r < 0)
                return r;
        if (first[0] == '\0') {
                fprintf(stderr, "An empty passphrase is not accepted.\n");
                return -EINVAL;
        }
        if (asprintf(&repeat, "Repeat: %s", prompt) < 0)
                return -ENOMEM;
        r = ask_tty_secret(repeat, &second);
        if (r < 0)
                return r;
        if (!streq(first, second)) {
                fprintf(stderr, "The passphrases differ.\n");
                return -EINVAL;
        }
        *ret = TAKE_PTR(first);
        return 0;
}

int ask_fd_passphrase(int fd, char **ret, size_t *ret_size) {
        _cleanup_erase_free_ char *buf = NULL;
        size_t n = 0;

        buf = malloc(ASK_TTY_MAX + 1);
        if (!buf)
                return -ENOMEM;
        /* Byte by byte, so nothing after the newline is consumed: one fd may
         * carry several passphrases, one a line. */
        for (;;) {
                char c;
                ssize_t k = read(fd, &c, 1);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0 || c == '\n')
                        break;
                if (n >= ASK_TTY_MAX)
                        return -E2BIG;
                buf[n++] = c;
        }
        if (n == 0)
                return -EINVAL;
        buf[n] = '\0';
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = n;
        return 0;
}
