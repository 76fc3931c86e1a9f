/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmdline.h"
#include "macro.h"

static Cmdline *parse_ok(const char *text) {
        Cmdline *c = NULL;
        assert_int_equal(cmdline_parse(text, strlen(text), &c), 0);
        assert_non_null(c);
        return c;
}

static void assert_arg(const Cmdline *c, size_t i, const char *key, const char *value) {
        assert_true(i < c->n_args);
        assert_string_equal(c->args[i].key, key);
        if (value)
                assert_string_equal(c->args[i].value, value);
        else
                assert_null(c->args[i].value);
}

static void test_plain_words(void **state) {
        _cleanup_cmdline_free_ Cmdline *c =
                parse_ok("BOOT_IMAGE=/vmlinuz  root=/dev/sda1\tro quiet boot=neuraldrive\n");
        assert_int_equal(c->n_args, 5);
        assert_arg(c, 0, "BOOT_IMAGE", "/vmlinuz");
        assert_arg(c, 1, "root", "/dev/sda1");
        assert_arg(c, 2, "ro", NULL);
        assert_arg(c, 3, "quiet", NULL);
        assert_arg(c, 4, "boot", "neuraldrive");
}

static void test_value_split_at_first_equals(void **state) {
        _cleanup_cmdline_free_ Cmdline *c = parse_ok("neuraldrive.persist.keyfile=/dev/vdb:/a=b");
        assert_int_equal(c->n_args, 1);
        assert_arg(c, 0, "neuraldrive.persist.keyfile", "/dev/vdb:/a=b");
}

static void test_quotes(void **state) {
        _cleanup_cmdline_free_ Cmdline *c = parse_ok("a=\"b c\" \"d=e f\" g=\"\" \"\" h");
        assert_int_equal(c->n_args, 4);
        assert_arg(c, 0, "a", "b c");
        assert_arg(c, 1, "d", "e f");
        assert_arg(c, 2, "g", "");
        assert_arg(c, 3, "h", NULL);
}

static void test_unterminated_quote_runs_to_end(void **state) {
        /* As the kernel does: the open quote swallows the rest of the line. */
        _cleanup_cmdline_free_ Cmdline *c = parse_ok("quiet neuraldrive.persist=\"off ro splash");
        assert_int_equal(c->n_args, 2);
        assert_arg(c, 0, "quiet", NULL);
        assert_arg(c, 1, "neuraldrive.persist", "off ro splash");
        assert_null(cmdline_get(c, "ro"));
}

static void test_empty_value(void **state) {
        _cleanup_cmdline_free_ Cmdline *c = parse_ok("neuraldrive.x= neuraldrive.y");
        const CmdlineArg *x = cmdline_get(c, "neuraldrive.x");
        const CmdlineArg *y = cmdline_get(c, "neuraldrive.y");
        assert_non_null(x);
        assert_string_equal(x->value, "");
        assert_non_null(y);
        assert_null(y->value);
}

static void test_last_wins(void **state) {
        _cleanup_cmdline_free_ Cmdline *c =
                parse_ok("neuraldrive.persist=off neuraldrive.persist=auto neuraldrive.persist");
        const CmdlineArg *a = cmdline_get(c, "neuraldrive.persist");
        assert_int_equal(c->n_args, 3);
        assert_ptr_equal(a, &c->args[2]);
        assert_null(a->value);

        _cleanup_cmdline_free_ Cmdline *d = parse_ok("k=1 k=2");
        assert_string_equal(cmdline_get(d, "k")->value, "2");
        assert_null(cmdline_get(d, "kk"));
        assert_null(cmdline_get(d, "k="));
}

static void test_nul_byte_refused(void **state) {
        static const char text[] = "boot=neuraldrive\0neuraldrive.persist=off";
        Cmdline *c = (Cmdline *) 0x1;
        assert_int_equal(cmdline_parse(text, sizeof text - 1, &c), -EINVAL);
        assert_ptr_equal(c, (Cmdline *) 0x1);
}

static void test_overlong_refused(void **state) {
        size_t size = 1024 * 1024;
        _cleanup_free_ char *text = malloc(size);
        Cmdline *c = NULL;

        assert_non_null(text);
        for (size_t i = 0; i < size; i++)
                text[i] = (i % 8 == 7) ? ' ' : 'a';
        assert_int_equal(cmdline_parse(text, size, &c), -E2BIG);
        assert_null(c);
        /* The limit itself is fine, one more byte is not. */
        assert_int_equal(cmdline_parse(text, CMDLINE_MAX, &c), 0);
        c = cmdline_free(c);
        assert_int_equal(cmdline_parse(text, CMDLINE_MAX + 1, &c), -E2BIG);
}

static void test_empty_and_blank(void **state) {
        _cleanup_cmdline_free_ Cmdline *a = parse_ok("");
        _cleanup_cmdline_free_ Cmdline *b = parse_ok(" \t\n ");
        assert_int_equal(a->n_args, 0);
        assert_int_equal(b->n_args, 0);
}

static void test_bool(void **state) {
        _cleanup_cmdline_free_ Cmdline *c =
                parse_ok("a b=1 c=no d=maybe e=OFF f= neuraldrive.debug");
        int e;
        assert_true(cmdline_get_bool(c, "a", &e));
        assert_int_equal(e, 0);
        assert_true(cmdline_get_bool(c, "b", &e));
        assert_false(cmdline_get_bool(c, "c", &e));
        assert_false(cmdline_get_bool(c, "d", &e));
        assert_int_equal(e, -EINVAL);
        assert_false(cmdline_get_bool(c, "e", &e));
        assert_int_equal(e, 0);
        assert_true(cmdline_get_bool(c, "f", &e));
        assert_false(cmdline_get_bool(c, "absent", &e));
        assert_int_equal(e, 0);
        assert_true(cmdline_get_bool(c, "neuraldrive.debug", NULL));
}

static int collect(const CmdlineArg *arg, void *userdata) {
        char *buf = userdata;
        strcat(buf, arg->key);
        strcat(buf, ";");
        return streq(arg->key, "neuraldrive.stop") ? -ECANCELED : 0;
}

static void test_prefix(void **state) {
        _cleanup_cmdline_free_ Cmdline *c =
                parse_ok("neuraldrive.a=1 quiet neuraldrive neuraldriveX=2 neuraldrive.b neuraldrive.stop neuraldrive.c");
        char buf[256] = "";
        assert_int_equal(cmdline_foreach_prefix(c, "neuraldrive.", collect, buf), -ECANCELED);
        assert_string_equal(buf, "neuraldrive.a;neuraldrive.b;neuraldrive.stop;");
}

static void test_read_file(void **state) {
        char path[] = "/tmp/test-cmdline-XXXXXX";
        int fd = mkstemp(path);
        static const char text[] = "boot=neuraldrive neuraldrive.debug\n";
        Cmdline *c = NULL;

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
        assert_int_equal(cmdline_read(path, &c), 0);
        assert_int_equal(c->n_args, 2);
        assert_string_equal(cmdline_get(c, "boot")->value, "neuraldrive");
        cmdline_free(c);
        unlink(path);

        assert_int_equal(cmdline_read("/nonexistent/cmdline", &c), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plain_words),
                cmocka_unit_test(test_value_split_at_first_equals),
                cmocka_unit_test(test_quotes),
                cmocka_unit_test(test_unterminated_quote_runs_to_end),
                cmocka_unit_test(test_empty_value),
                cmocka_unit_test(test_last_wins),
                cmocka_unit_test(test_nul_byte_refused),
                cmocka_unit_test(test_overlong_refused),
                cmocka_unit_test(test_empty_and_blank),
                cmocka_unit_test(test_bool),
                cmocka_unit_test(test_prefix),
                cmocka_unit_test(test_read_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
