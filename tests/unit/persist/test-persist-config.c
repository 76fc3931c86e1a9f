/* SPDX-License-Identifier: MIT */
/* Kernel arguments -> PersistConfig, fixture-driven: each
 * tests/fixtures/persist/cmdline/NAME.input is a command line, NAME.expected
 * the resulting configuration and the warnings it produced. */
#include <stdbool.h>

#include "fixture.h"

#include "cmdline.h"
#include "config.h"
#include "log.h"
#include "macro.h"

static void dump_spec(FILE *out, const char *name, const DeviceSpec *s) {
        if (s->type == DEVICE_SPEC_NONE)
                fprintf(out, "%s: -\n", name);
        else
                fprintf(out, "%s: %s %s\n", name, device_spec_type_to_string(s->type), s->value);
}

static void dump_config(const char *text, size_t size, FILE *out) {
        _cleanup_cmdline_free_ Cmdline *c = NULL;
        PersistConfig cfg;

        log_set_sink(fixture_log_sink, out);
        assert_int_equal(cmdline_parse(text, size, &c), 0);
        assert_int_equal(config_from_cmdline(c, &cfg), 0);
        log_set_sink(NULL, NULL);

        dump_spec(out, "system", &cfg.system);
        fprintf(out, "system_path: %s\n", cfg.system_path ?: "-");
        fprintf(out, "system_timeout: %u\n", cfg.system_timeout);
        fprintf(out, "persist: %s\n", persist_mode_to_string(cfg.persist));
        dump_spec(out, "persist_device", &cfg.persist_device);
        dump_spec(out, "keyfile_device", &cfg.keyfile_device);
        fprintf(out, "keyfile_path: %s\n", cfg.keyfile_path ?: "-");
        fprintf(out, "persist_timeout: %u\n", cfg.persist_timeout);
        fprintf(out, "toram: %s\ndebug: %s\n", cfg.toram ? "yes" : "no", cfg.debug ? "yes" : "no");
        fprintf(out, "consoles:");
        for (size_t i = 0; i < cfg.n_consoles; i++)
                fprintf(out, " %s", cfg.consoles[i]);
        fprintf(out, "\n");
        config_done(&cfg);
}

static void test_fixtures(void **state) {
        run_fixtures("cmdline", dump_config);
}

static void test_device_spec(void **state) {
        DeviceSpec s;

        assert_int_equal(device_spec_parse("LABEL=x", &s), 0);
        assert_int_equal(s.type, DEVICE_SPEC_LABEL);
        assert_string_equal(s.value, "x");
        free(s.value);
        assert_int_equal(device_spec_parse("/dev/sda1", &s), 0);
        assert_int_equal(s.type, DEVICE_SPEC_PATH);
        free(s.value);
        assert_int_equal(device_spec_parse("LABEL=", &s), -EINVAL);
        assert_int_equal(device_spec_parse("label=x", &s), -EINVAL);
        assert_int_equal(device_spec_parse("/dev/../etc/passwd", &s), -EINVAL);
        assert_int_equal(device_spec_parse("/etc/passwd", &s), -EINVAL);
        assert_int_equal(device_spec_parse("UUID=a\tb", &s), -EINVAL);
}

static void test_split(void **state) {
        char *d = NULL, *p = NULL;

        assert_int_equal(config_split_device_path("LABEL=a:b:/x/y", &d, &p), 0);
        assert_string_equal(d, "LABEL=a:b");
        assert_string_equal(p, "/x/y");
        free(d);
        free(p);
        assert_int_equal(config_split_device_path("LABEL=a", &d, &p), 1);
        assert_string_equal(d, "LABEL=a");
        assert_null(p);
        free(d);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fixtures),
                cmocka_unit_test(test_device_spec),
                cmocka_unit_test(test_split),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
