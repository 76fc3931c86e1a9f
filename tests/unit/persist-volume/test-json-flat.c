/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json-flat.h"
#include "macro.h"

static int get(const char *json, const char *key, char **ret) {
        return json_flat_get_string(json, strlen(json), key, ret);
}

static void assert_value(const char *json, const char *key, const char *want) {
        _cleanup_free_ char *v = NULL;
        assert_int_equal(get(json, key, &v), 0);
        assert_string_equal(v, want);
}

static void assert_error(const char *json, const char *key, int err) {
        char *v = (char *) 0x1; /* untouched on failure */
        assert_int_equal(get(json, key, &v), err);
        assert_ptr_equal(v, (char *) 0x1);
}

static void test_token(void **state) {
        (void) state;
        const char *t = "{\"type\":\"nd-persist-create\",\"keyslots\":[],\"version\":1,\"state\":\"keyed\"}";
        assert_value(t, "state", "keyed");
        assert_value(t, "type", "nd-persist-create");
        assert_error(t, "version", -EMEDIUMTYPE);
        assert_error(t, "keyslots", -EMEDIUMTYPE);
        assert_error(t, "missing", -ENOENT);
}

static void test_nested_and_whitespace(void **state) {
        (void) state;
        assert_value(
                " \n{ \"a\" : { \"state\" : \"inner\", \"x\": [1, -2.5e+3, true, false, null, {}] },\r\n"
                "\t\"state\" : \"outer\" } \n",
                "state", "outer");
        assert_value("{\"paths\":[{\"path\":\"/home\"}],\"volume\":\"/dev/vda2\"}", "volume", "/dev/vda2");
        assert_error("{\"volume\":null}", "volume", -EMEDIUMTYPE);
}

static void test_escapes(void **state) {
        (void) state;
        assert_value("{\"k\":\"a\\\"b\\\\c\\/d\\n\\t\"}", "k", "a\"b\\c/d\n\t");
        assert_value("{\"k\":\"\\u00e9\\u20ac\\ud83d\\ude00\"}", "k",
                     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
        assert_value("{\"\\u006b\":\"escaped key\"}", "k", "escaped key");
        assert_error("{\"k\":\"\\u0000\"}", "k", -EMEDIUMTYPE); /* NUL inside */
        assert_error("{\"k\":\"\\ud83d\"}", "k", -EINVAL);      /* lone surrogate */
        assert_error("{\"k\":\"\\ude00\"}", "k", -EINVAL);
        assert_error("{\"k\":\"\\x41\"}", "k", -EINVAL);
        assert_error("{\"k\":\"tab\there\"}", "k", -EINVAL); /* raw control char */
}

static void test_malformed(void **state) {
        (void) state;
        const char *bad[] = {
                "",
                "[]",
                "\"s\"",
                "{",
                "{\"k\"}",
                "{\"k\":}",
                "{\"k\":\"v\",}",
                "{\"k\":\"v\"} x",
                "{\"k\":\"v\"}{}",
                "{\"k\":01}",
                "{\"k\":1.}",
                "{\"k\":tru}",
                "{k:\"v\"}",
                "{\"k\":\"v\" \"l\":\"w\"}",
                "{\"k\":\"unterminated}",
                "{\"a\":[1,]}",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_error(bad[i], "k", -EINVAL);
        /* The same key twice is ambiguous: which one did the writer mean? */
        assert_error("{\"state\":\"complete\",\"state\":\"keyed\"}", "state", -EINVAL);
}

static void test_depth_and_size(void **state) {
        (void) state;
        char deep[2 * JSON_FLAT_MAX_DEPTH + 64];
        size_t n = 0;

        n += (size_t) sprintf(deep, "{\"k\":\"v\",\"d\":");
        for (int i = 0; i < JSON_FLAT_MAX_DEPTH; i++)
                deep[n++] = '[';
        for (int i = 0; i < JSON_FLAT_MAX_DEPTH; i++)
                deep[n++] = ']';
        deep[n++] = '}';
        deep[n] = '\0';
        assert_error(deep, "k", -EINVAL);

        char *big = malloc(JSON_FLAT_MAX_SIZE + 2);
        assert_non_null(big);
        memset(big, ' ', JSON_FLAT_MAX_SIZE + 1);
        big[0] = '{';
        big[JSON_FLAT_MAX_SIZE] = '}';
        big[JSON_FLAT_MAX_SIZE + 1] = '\0';
        char *v = NULL;
        assert_int_equal(json_flat_get_string(big, JSON_FLAT_MAX_SIZE + 1, "k", &v), -E2BIG);
        free(big);
}

static void test_not_nul_terminated(void **state) {
        (void) state;
        const char text[] = "{\"k\":\"v\"}garbage";
        _cleanup_free_ char *v = NULL;
        assert_int_equal(json_flat_get_string(text, 9, "k", &v), 0);
        assert_string_equal(v, "v");
}

static void test_write_roundtrip(void **state) {
        (void) state;
        const char *s = "quote\" backslash\\ nl\n ctl\x01 del\x7f utf8 \xc3\xa9";
        char *buf = NULL, *wrapped = NULL, *v = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        assert_non_null(f);
        json_flat_write_string(f, s);
        fclose(f);
        assert_true(asprintf(&wrapped, "{\"k\":%s}", buf) > 0);
        assert_int_equal(json_flat_get_string(wrapped, strlen(wrapped), "k", &v), 0);
        assert_string_equal(v, s);
        free(buf);
        free(wrapped);
        free(v);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_token),           cmocka_unit_test(test_nested_and_whitespace),
                cmocka_unit_test(test_escapes),         cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_depth_and_size),  cmocka_unit_test(test_not_nul_terminated),
                cmocka_unit_test(test_write_roundtrip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
