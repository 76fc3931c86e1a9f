/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "macro.h"
#include "pwdfile.h"

static PwdFile *parse(PwdFileType t, const char *text) {
        PwdFile *f = NULL;
        assert_int_equal(pwdfile_parse(t, text, strlen(text), &f), 0);
        return f;
}

static void assert_format(const PwdFile *f, const char *want) {
        _cleanup_free_ char *out = NULL;
        size_t size;
        assert_int_equal(pwdfile_format(f, &out, &size), 0);
        assert_int_equal(size, strlen(want));
        assert_string_equal(out, want);
}

static void test_roundtrip_byte_for_byte(void **state) {
        static const char *const inputs[] = {
                "",
                "\n",
                "root:x:0:0:root:/root:/bin/bash\n",
                "root:x:0:0:root:/root:/bin/bash",
                "# comment\n\n+@nis::::::\n  odd  :x:1:1:::\nbad line\nroot:x:0:0::/:\n\n",
                "a:x:00:0:::\nb:x:-1:0:::\nc:x:4294967295:0:::\nd:x:4294967294:0:::\n",
                "crlf:x:5:5:::\r\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
                _cleanup_pwdfile_free_ PwdFile *f = parse(PWDFILE_PASSWD, inputs[i]);
                assert_format(f, inputs[i]);
        }
}

static void test_fields_and_ids(void **state) {
        _cleanup_pwdfile_free_ PwdFile *f =
                parse(PWDFILE_PASSWD,
                      "# x:x:7:7:::\nroot:x:0:0:root:/root:/bin/bash\nshort:x:5:5\nlead:x:07:7:::\n"
                      "big:x:4294967295:1:::\nok:x:4294967294:3:g:/h:/s\n");
        const PwdLine *l;

        assert_int_equal(f->n_lines, 6);
        assert_null(f->lines[0].name); /* comment */
        l = pwdfile_find_name(f, "root");
        assert_non_null(l);
        assert_true(l->valid);
        assert_int_equal(l->id, 0);
        l = pwdfile_find_name(f, "short");
        assert_non_null(l);
        assert_false(l->valid);                            /* too few fields, but its name still counts */
        assert_false(pwdfile_find_name(f, "lead")->valid); /* leading zero */
        assert_false(pwdfile_find_name(f, "big")->valid);  /* (uid_t) -1 */
        l = pwdfile_find_id(f, 4294967294U);
        assert_non_null(l);
        assert_string_equal(l->name, "ok");
        assert_int_equal(l->gid, 3);
        assert_null(pwdfile_find_id(f, 7)); /* only in a comment */

        _cleanup_free_ char *home = NULL, *line = NULL;
        assert_int_equal(pwdfile_field(l, 5, &home), 0);
        assert_string_equal(home, "/h");
        assert_int_equal(pwdfile_field(l, 7, &home), -ENOENT);
        assert_int_equal(pwdfile_line_with_field(l, 4, "new gecos", &line), 0);
        assert_string_equal(line, "ok:x:4294967294:3:new gecos:/h:/s");
}

static void test_edit_keeps_other_lines(void **state) {
        const char *in = "# keep me  \nsudo:x:27:\nadm:x:4:syslog,alice\nusers:x:100:";
        _cleanup_pwdfile_free_ PwdFile *f = parse(PWDFILE_GROUP, in);
        const PwdLine *l;

        assert_format(f, in); /* no edit: no final newline added */
        l = pwdfile_find_name(f, "adm");
        assert_true(pwdfile_list_contains(l, 3, "alice"));
        assert_true(pwdfile_list_contains(l, 3, "syslog"));
        assert_false(pwdfile_list_contains(l, 3, "ali"));
        assert_false(pwdfile_list_contains(pwdfile_find_name(f, "sudo"), 3, ""));

        assert_int_equal(pwdfile_replace(f, pwdfile_index(f, pwdfile_find_name(f, "sudo")), "sudo:x:27:bob"),
                         0);
        assert_int_equal(pwdfile_append(f, "neuraldrive-api:x:905:"), 0);
        assert_int_equal(pwdfile_append(f, "evil\nroot:x:0:"), -EINVAL);
        assert_format(
                f,
                "# keep me  \nsudo:x:27:bob\nadm:x:4:syslog,alice\nusers:x:100:\nneuraldrive-api:x:905:\n");
        l = pwdfile_find_id(f, 905);
        assert_non_null(l);
        assert_string_equal(l->name, "neuraldrive-api");
}

static void test_refused_input(void **state) {
        PwdFile *f = NULL;
        assert_int_equal(pwdfile_parse(PWDFILE_SHADOW, "a:b\0c\n", 6, &f), -EINVAL);
        assert_null(f);
        assert_int_equal(pwdfile_parse(_PWDFILE_TYPE_MAX, "", 0, &f), -EINVAL);
}

static void test_shadow_and_gshadow_shapes(void **state) {
        _cleanup_pwdfile_free_ PwdFile *s = parse(PWDFILE_SHADOW, "root:*:19700:0:99999:7:::\nx:!:1\n");
        _cleanup_pwdfile_free_ PwdFile *g = parse(PWDFILE_GSHADOW, "sudo:*::alice,bob\n");
        assert_true(pwdfile_find_name(s, "root")->valid);
        assert_false(pwdfile_find_name(s, "x")->valid);
        assert_null(pwdfile_find_id(s, 0)); /* shadow has no IDs */
        assert_true(pwdfile_list_contains(pwdfile_find_name(g, "sudo"), 3, "bob"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_roundtrip_byte_for_byte),   cmocka_unit_test(test_fields_and_ids),
                cmocka_unit_test(test_edit_keeps_other_lines),    cmocka_unit_test(test_refused_input),
                cmocka_unit_test(test_shadow_and_gshadow_shapes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
