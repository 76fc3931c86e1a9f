/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048

static LogTarget log_target = LOG_TARGET_AUTO;
static int log_max_level = LOG_INFO;
static const char *log_ident = "neuraldrive";
static int kmsg_fd = -EBADF;
static LogSink log_sink;
static void *log_sink_userdata;

void log_set_target(LogTarget target) {
        log_target = target;
}

LogTarget log_get_target(void) {
        return log_target;
}

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

void log_set_ident(const char *ident) {
        log_ident = ident;
}

void log_set_sink(LogSink sink, void *userdata) {
        log_sink = sink;
        log_sink_userdata = userdata;
}

int log_target_from_string(const char *s) {
        if (streq(s, "auto"))
                return LOG_TARGET_AUTO;
        if (streq(s, "stderr"))
                return LOG_TARGET_STDERR;
        if (streq(s, "kmsg"))
                return LOG_TARGET_KMSG;
        return -EINVAL;
}

static bool in_early_boot(void) {
        /* initramfs-tools has /conf/initramfs.conf, dracut /etc/initrd-release. */
        return getpid() == 1 || access("/conf/initramfs.conf", F_OK) == 0 ||
               access("/etc/initrd-release", F_OK) == 0;
}

static LogTarget resolve_target(void) {
        if (log_target == LOG_TARGET_AUTO)
                log_target = in_early_boot() ? LOG_TARGET_KMSG : LOG_TARGET_STDERR;
        return log_target;
}

static bool write_kmsg(int level, const char *message) {
        char prefix[64];

        if (kmsg_fd < 0)
                kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (kmsg_fd < 0)
                return false;

        snprintf(prefix, sizeof prefix, "<%d>%s[%d]: ", level, log_ident, (int) getpid());
        struct iovec iov[] = {
                { .iov_base = prefix, .iov_len = strlen(prefix) },
                { .iov_base = (char *) message, .iov_len = strlen(message) },
                { .iov_base = (char *) "\n", .iov_len = 1 },
        };
        return writev(kmsg_fd, iov, ELEMENTSOF(iov)) >= 0;
}

static void write_stderr(const char *message) {
        struct iovec iov[] = {
                { .iov_base = (char *) log_ident, .iov_len = strlen(log_ident) },
                { .iov_base = (char *) ": ", .iov_len = 2 },
                { .iov_base = (char *) message, .iov_len = strlen(message) },
                { .iov_base = (char *) "\n", .iov_len = 1 },
        };
        (void) !writev(STDERR_FILENO, iov, ELEMENTSOF(iov));
}

int log_internal(int level, int error, const char *file, int line, const char *format, ...) {
        char message[LOG_LINE_MAX];
        int saved_errno = errno;
        int ret = error == 0 ? 0 : -abs(error);

        if (level > log_max_level)
                return ret;

        va_list ap;
        va_start(ap, format);
        if (error != 0)
                errno = abs(error);
        vsnprintf(message, sizeof message, format, ap);
        va_end(ap);

        if (log_sink)
                log_sink(level, message, log_sink_userdata);
        else if (resolve_target() != LOG_TARGET_KMSG || !write_kmsg(level, message))
                write_stderr(message);

        (void) file;
        (void) line;
        errno = saved_errno;
        return ret;
}
