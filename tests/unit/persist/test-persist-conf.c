/* SPDX-License-Identifier: MIT */
/* persistence.conf parsing, fixture-driven: each
 * tests/fixtures/persist/conf/NAME.input is a persistence.conf, NAME.expected
 * the accepted entries (sorted as they are mounted) and the refused lines. */
#include "fixture.h"

#include "conf.h"
#include "macro.h"

static void dump_conf(const char *text, size_t size, FILE *out) {
        PersistenceConf c;

        assert_int_equal(conf_parse(text, size, &c), 0);
        for (size_t i = 0; i < c.n_entries; i++)
                fprintf(out, "entry: %s %s source=%s line=%u\n", c.entries[i].path,
                        conf_mode_to_string(c.entries[i].mode), c.entries[i].source, c.entries[i].line);
        for (size_t i = 0; i < c.n_problems; i++)
                fprintf(out, "skipped: line=%u path=%s: %s\n", c.problems[i].line, c.problems[i].path ?: "-",
                        c.problems[i].reason);
        conf_done(&c);
}

static void test_fixtures(void **state) {
        run_fixtures("conf", dump_conf);
}

static void test_default(void **state) {
        PersistenceConf c;

        assert_int_equal(conf_default(&c), 0);
        assert_int_equal(c.n_entries, 4);
        assert_string_equal(c.entries[0].path, "/etc/neuraldrive");
        assert_string_equal(c.entries[1].path, "/home");
        assert_string_equal(c.entries[1].source, "home");
        assert_string_equal(c.entries[2].path, "/var/lib/neuraldrive");
        assert_string_equal(c.entries[3].path, "/var/log/neuraldrive");
        for (size_t i = 0; i < c.n_entries; i++)
                assert_int_equal(c.entries[i].mode, CONF_MODE_UNION);
        conf_done(&c);
}

static void test_too_big(void **state) {
        PersistenceConf c;
        char *big = calloc(1, CONF_SIZE_MAX + 1);

        assert_non_null(big);
        memset(big, '\n', CONF_SIZE_MAX + 1);
        assert_int_equal(conf_parse(big, CONF_SIZE_MAX + 1, &c), -E2BIG);
        assert_int_equal(conf_parse(big, CONF_SIZE_MAX, &c), 0);
        assert_int_equal(c.n_entries, 0);
        conf_done(&c);
        free(big);
}

static void test_too_many(void **state) {
        PersistenceConf c;
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        for (int i = 0; i < CONF_ENTRIES_MAX + 5; i++)
                fprintf(f, "/srv/d%d bind\n", i);
        fclose(f);
        assert_int_equal(conf_parse(buf, size, &c), 0);
        assert_int_equal(c.n_entries, CONF_ENTRIES_MAX);
        assert_int_equal(c.n_problems, 5);
        assert_string_equal(c.problems[0].reason, "too many entries");
        conf_done(&c);
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fixtures),
                cmocka_unit_test(test_default),
                cmocka_unit_test(test_too_big),
                cmocka_unit_test(test_too_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
