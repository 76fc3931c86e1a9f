/* SPDX-License-Identifier: MIT */
#include "fd-util.h"

#include <errno.h>
#include <unistd.h>

int safe_close(int fd) {
        if (fd >= 0) {
                int saved_errno = errno;
                /* close() always releases the descriptor on Linux, even on EINTR. */
                (void) close(fd);
                errno = saved_errno;
        }
        return -EBADF;
}

int loop_write(int fd, const void *buf, size_t size) {
        const char *p = buf;

        while (size > 0) {
                ssize_t n = write(fd, p, size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (n == 0)
                        return -EIO;
                p += n;
                size -= (size_t) n;
        }
        return 0;
}

ssize_t loop_read(int fd, void *buf, size_t size) {
        char *p = buf;
        size_t done = 0;

        while (done < size) {
                ssize_t n = read(fd, p + done, size - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (n == 0)
                        break;
                done += (size_t) n;
        }
        return (ssize_t) done;
}
