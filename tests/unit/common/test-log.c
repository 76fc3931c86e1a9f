/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"

static char last[512];
static int last_level, count;

static void sink(int level, const char *message, void *userdata) {
        snprintf(last, sizeof last, "%s", message);
        last_level = level;
        count++;
}

static int setup(void **state) {
        log_set_sink(sink, NULL);
        log_set_max_level(LOG_INFO);
        last[0] = '\0';
        count = 0;
        return 0;
}

static void test_errno_formatting(void **state) {
        errno = 0;
        int r = log_error_errno(-ENOENT, "Failed to open '%s': %m", "/dev/vda2");
        assert_int_equal(r, -ENOENT);
        assert_string_equal(last, "Failed to open '/dev/vda2': No such file or directory");
        assert_int_equal(last_level, LOG_ERR);
        assert_int_equal(errno, 0); /* errno is preserved for the caller */
        /* A positive error is accepted and returned negative. */
        assert_int_equal(log_warning_errno(EACCES, "x: %m"), -EACCES);
        assert_string_equal(last, "x: Permission denied");
        assert_int_equal(log_info("plain %d", 5), 0);
        assert_string_equal(last, "plain 5");
}

static void test_level_filter(void **state) {
        assert_int_equal(log_debug_errno(-EIO, "hidden"), -EIO); /* filtered, still returns */
        assert_int_equal(count, 0);
        log_set_max_level(LOG_DEBUG);
        log_debug("shown");
        assert_int_equal(count, 1);
        assert_int_equal(last_level, LOG_DEBUG);
        log_set_max_level(LOG_ERR);
        log_warning("hidden");
        assert_int_equal(count, 1);
}

static void test_long_message_truncated(void **state) {
        char big[5000];
        memset(big, 'a', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        log_error("%s", big);
        assert_int_equal(count, 1);
        assert_int_equal(strlen(last), sizeof last - 1); /* sink saw a bounded line */
}

static void test_target_names(void **state) {
        assert_int_equal(log_target_from_string("auto"), LOG_TARGET_AUTO);
        assert_int_equal(log_target_from_string("stderr"), LOG_TARGET_STDERR);
        assert_int_equal(log_target_from_string("kmsg"), LOG_TARGET_KMSG);
        assert_int_equal(log_target_from_string("console"), -EINVAL);
        assert_int_equal(log_target_from_string(""), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_errno_formatting, setup),
                cmocka_unit_test_setup(test_level_filter, setup),
                cmocka_unit_test_setup(test_long_message_truncated, setup),
                cmocka_unit_test(test_target_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
