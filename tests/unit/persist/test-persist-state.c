/* SPDX-License-Identifier: MIT */
/* persist.json: the schema other tools read (state.h). The output is
 * compared with the files in tests/fixtures/persist/state/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "macro.h"
#include "state.h"

static char *read_fixture(const char *name) {
        char path[4096];
        char *buf = NULL;
        size_t size = 0;
        int c;

        snprintf(path, sizeof path, "%s/persist/state/%s", getenv("ND_FIXTURES"), name);
        FILE *f = fopen(path, "re");
        assert_non_null(f);
        FILE *m = open_memstream(&buf, &size);
        while ((c = fgetc(f)) != EOF)
                fputc(c, m);
        fclose(m);
        fclose(f);
        return buf;
}

static void assert_json(const BootState *s, const char *fixture) {
        _cleanup_free_ char *json = NULL, *expected = NULL;

        assert_int_equal(state_to_json(s, &json), 0);
        if (getenv("ND_FIXTURES_UPDATE")) {
                char path[4096];
                snprintf(path, sizeof path, "%s/persist/state/%s", getenv("ND_FIXTURES"), fixture);
                FILE *f = fopen(path, "we");
                assert_non_null(f);
                fputs(json, f);
                fclose(f);
        }
        expected = read_fixture(fixture);
        if (!streq(json, expected))
                fprintf(stderr, "--- expected\n%s--- got\n%s", expected, json);
        assert_string_equal(json, expected);
}

static void test_active(void **state) {
        BootState s = { .encrypted = -1 };

        assert_int_equal(state_set(&s, PERSIST_STATE_ACTIVE, NULL), 0);
        s.boot_device = strdup("/dev/vda");
        s.system_device = strdup("/dev/vda1");
        s.system_image = strdup("/dev/vda1");
        s.volume = strdup("/dev/vda2");
        s.encrypted = 1;
        s.mapper = strdup("/dev/mapper/nd-persist");
        s.mountpoint = strdup("/run/neuraldrive/persist");
        assert_int_equal(state_add_path(&s, "/etc/neuraldrive", "union", "etc/neuraldrive"), 0);
        assert_int_equal(state_add_path(&s, "/home", "union", "home"), 0);
        assert_int_equal(state_add_skipped(&s, "/../etc", 3, "not a normalized absolute path"), 0);
        assert_int_equal(state_add_skipped(&s, NULL, 4, "line contains a NUL byte"), 0);
        assert_json(&s, "active.expected-json");
        boot_state_done(&s);
}

static void test_degraded_escaping(void **state) {
        BootState s = { .encrypted = -1 };

        assert_int_equal(
                state_set(&s, PERSIST_STATE_DEGRADED, "no volume on '%s' \"quoted\" \\ \x01", "/dev/sr0"),
                0);
        s.system_device = strdup("/dev/sr0");
        s.system_image = strdup("/dev/sr0:/live/filesystem.squashfs");
        s.toram = true;
        assert_json(&s, "degraded.expected-json");
        boot_state_done(&s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_active),
                cmocka_unit_test(test_degraded_escaping),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
