/* SPDX-License-Identifier: MIT */
/* Recovery keys, partition node names, the close plan. */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "macro.h"
#include "memory-util.h"
#include "partition.h"
#include "recovery-key.h"
#include "volume.h"

static void test_recovery_key_format(void **state) {
        (void) state;
        regex_t re;
        char *keys[16] = {};

        assert_int_equal(
                regcomp(&re, "^([0-9A-HJKMNP-TV-Z]{5}-){7}[0-9A-HJKMNP-TV-Z]{5}$", REG_EXTENDED | REG_NOSUB),
                0);
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                assert_int_equal(recovery_key_generate(&keys[i]), 0);
                assert_int_equal(strlen(keys[i]), RECOVERY_KEY_LEN);
                assert_int_equal(regexec(&re, keys[i], 0, NULL, 0), 0);
                for (size_t j = 0; j < i; j++)
                        assert_string_not_equal(keys[i], keys[j]);
        }
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                erase_and_free(keys[i]);
        regfree(&re);
}

static void test_recovery_key_alphabet_used(void **state) {
        (void) state;
        /* Over enough keys every one of the 32 characters shows up, and
         * nothing else (no I, L, O, U, no lower case). */
        unsigned seen[256] = {};
        for (int i = 0; i < 64; i++) {
                char *k = NULL;
                assert_int_equal(recovery_key_generate(&k), 0);
                for (const char *p = k; *p; p++)
                        seen[(unsigned char) *p]++;
                erase_and_free(k);
        }
        for (const char *a = RECOVERY_KEY_ALPHABET; *a; a++)
                assert_true(seen[(unsigned char) *a] > 0);
        for (int c = 0; c < 256; c++)
                if (!strchr(RECOVERY_KEY_ALPHABET "-", c) || c == 0)
                        assert_int_equal(seen[c], 0);
}

static void test_partition_node_name(void **state) {
        (void) state;
        char *s = NULL;
        assert_int_equal(partition_node_name("/dev/sda", 2, &s), 0);
        assert_string_equal(s, "/dev/sda2");
        free(s);
        assert_int_equal(partition_node_name("/dev/loop0", 1, &s), 0);
        assert_string_equal(s, "/dev/loop0p1");
        free(s);
        assert_int_equal(partition_node_name("/dev/nvme0n1", 3, &s), 0);
        assert_string_equal(s, "/dev/nvme0n1p3");
        free(s);
        assert_int_equal(partition_node_name("/dev/vda", 12, &s), 0);
        assert_string_equal(s, "/dev/vda12");
        free(s);
}

static void test_close_plan(void **state) {
        (void) state;
        char path[1024];
        char **plan = NULL;
        const char *want[] = {
                "/run/neuraldrive/persist/tmp", /* below the volume, newest first */
                "/home",                        /* bind of the volume's /home */
                "/var/lib/neuraldrive",         /* overlay, upper on the volume */
                "/etc/neuraldrive",
                "/run/neuraldrive/persist", /* the volume itself, last */
        };
        size_t n = 0;

        snprintf(path, sizeof(path), "%s/mountinfo", getenv("ND_VOLUME_FIXTURES"));
        assert_int_equal(volume_close_plan(path, "/run/neuraldrive/persist", &plan), 0);
        for (; plan[n]; n++) {
                assert_true(n < ELEMENTSOF(want));
                assert_string_equal(plan[n], want[n]);
                free(plan[n]);
        }
        free(plan);
        assert_int_equal(n, ELEMENTSOF(want));

        assert_int_equal(volume_close_plan(path, "/run/neuraldrive/nothing", &plan), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_recovery_key_format),
                cmocka_unit_test(test_recovery_key_alphabet_used),
                cmocka_unit_test(test_partition_node_name),
                cmocka_unit_test(test_close_plan),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
