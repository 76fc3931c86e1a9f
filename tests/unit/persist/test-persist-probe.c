/* SPDX-License-Identifier: MIT */
/* Matching probed devices against neuraldrive.system= / persist= specs, and
 * probe_scan()'s allow-list: a node that is not a block device is never
 * reported, whatever it is named. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "probe.h"

static void test_spec_matches(void **state) {
        BlockDevice d = {
                .fstype = (char *) "squashfs",
                .label = (char *) "ND Live",
                .uuid = (char *) "1234-abcd",
                .partlabel = (char *) "nd-system",
                .partuuid = (char *) "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
        };
        DeviceSpec s;

        s = (DeviceSpec){ DEVICE_SPEC_LABEL, (char *) "ND Live" };
        assert_true(device_spec_matches(&s, &d));
        s = (DeviceSpec){ DEVICE_SPEC_LABEL, (char *) "nd live" }; /* labels are case-sensitive */
        assert_false(device_spec_matches(&s, &d));
        s = (DeviceSpec){ DEVICE_SPEC_PARTLABEL, (char *) "nd-system" };
        assert_true(device_spec_matches(&s, &d));
        s = (DeviceSpec){ DEVICE_SPEC_PARTLABEL, (char *) "ND Live" }; /* not the fs label */
        assert_false(device_spec_matches(&s, &d));
        s = (DeviceSpec){ DEVICE_SPEC_UUID, (char *) "1234-ABCD" }; /* UUIDs are not */
        assert_true(device_spec_matches(&s, &d));
        s = (DeviceSpec){ DEVICE_SPEC_PARTUUID, (char *) "0fc63daf-8483-4772-8e79-3d69d8477de4" };
        assert_true(device_spec_matches(&s, &d));
        s = (DeviceSpec){ DEVICE_SPEC_NONE, NULL };
        assert_false(device_spec_matches(&s, &d));

        BlockDevice empty = {};
        s = (DeviceSpec){ DEVICE_SPEC_LABEL, (char *) "x" };
        assert_false(device_spec_matches(&s, &empty));
}

static void test_allow_list_skips_non_block(void **state) {
        char *allowed[] = { (char *) "/dev/null", (char *) "/nonexistent", (char *) "/etc/passwd", NULL };
        DeviceList l;

        assert_int_equal(probe_scan(allowed, &l), 0);
        assert_int_equal(l.n, 0);
        device_list_done(&l);
        assert_int_equal(probe_device("/dev/null", &(BlockDevice){}), -ENOTBLK);
}

static int never(const DeviceList *l, void *userdata) {
        (*(int *) userdata)++;
        return 0;
}

static void test_wait_with_present_allow_list_is_one_scan(void **state) {
        char *allowed[] = { (char *) "/dev/null", NULL };
        int calls = 0;

        /* everything listed exists: waiting cannot change anything */
        assert_int_equal(probe_wait(allowed, 30, never, &calls), -ETIMEDOUT);
        assert_int_equal(calls, 1);
}

static void test_wait_is_bounded(void **state) {
        char *allowed[] = { (char *) "/nonexistent/nd-probe-test", NULL };
        int calls = 0;

        assert_int_equal(probe_wait(allowed, 1, never, &calls), -ETIMEDOUT);
        assert_true(calls >= 2); /* rescanned while waiting */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_spec_matches),
                cmocka_unit_test(test_allow_list_skips_non_block),
                cmocka_unit_test(test_wait_with_present_allow_list_is_one_scan),
                cmocka_unit_test(test_wait_is_bounded),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
