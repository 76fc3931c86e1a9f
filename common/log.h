/* SPDX-License-Identifier: MIT */
#pragma once

/* One small log module. Early in boot it writes to /dev/kmsg (the console may
 * be gone after switch-root); otherwise to stderr. Secrets never reach it:
 * callers pass names and paths, never key material. */

#include <stdbool.h>
#include <syslog.h>

#include "macro.h"

typedef enum LogTarget {
        LOG_TARGET_AUTO,   /* kmsg inside an initramfs or as PID 1, stderr otherwise */
        LOG_TARGET_STDERR,
        LOG_TARGET_KMSG,
} LogTarget;

/* Sets where messages go. LOG_TARGET_AUTO is resolved on the first message. */
void log_set_target(LogTarget target);
LogTarget log_get_target(void);

/* Messages above this syslog level (LOG_ERR .. LOG_DEBUG) are dropped.
 * Default LOG_INFO. */
void log_set_max_level(int level);
int log_get_max_level(void);

/* Parses "auto", "stderr" or "kmsg". Returns the target, or -EINVAL. */
int log_target_from_string(const char *s);

/* The program name used as message prefix ("nd-persist"). Not copied. */
void log_set_ident(const char *ident);

/* Logs one message. When error is non-zero, errno is set to its absolute
 * value while formatting, so "%m" names the cause. Returns -abs(error), or 0
 * when error is 0, so callers can write: return log_error_errno(r, ...). */
int log_internal(int level, int error, const char *file, int line, const char *format, ...)
        _printf_(5, 6);

#define log_full_errno(level, error, ...)                                                          \
        log_internal((level), (error), __FILE__, __LINE__, __VA_ARGS__)
#define log_full(level, ...) log_full_errno((level), 0, __VA_ARGS__)

#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)

#define log_debug_errno(error, ...) log_full_errno(LOG_DEBUG, (error), __VA_ARGS__)
#define log_info_errno(error, ...) log_full_errno(LOG_INFO, (error), __VA_ARGS__)
#define log_notice_errno(error, ...) log_full_errno(LOG_NOTICE, (error), __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, (error), __VA_ARGS__)
#define log_error_errno(error, ...) log_full_errno(LOG_ERR, (error), __VA_ARGS__)

/* Logs an allocation failure and returns -ENOMEM. */
#define log_oom() log_error_errno(-ENOMEM, "Out of memory.")

/* Test seam: when set, every message that passes the level filter is handed
 * to this function instead of being written out. NULL restores output. */
typedef void (*LogSink)(int level, const char *message, void *userdata);
void log_set_sink(LogSink sink, void *userdata);
