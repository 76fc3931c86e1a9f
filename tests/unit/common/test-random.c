/* SPDX-License-Identifier: MIT */
/* getrandom() is wrapped (-Wl,--wrap=getrandom) so the mapping from bytes to
 * characters can be checked exactly; with no script the real one runs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include <cmocka.h>

#include "macro.h"
#include "random-util.h"

static const uint8_t *script;
static size_t script_len, script_pos;
static int script_error;
static unsigned calls;

ssize_t __real_getrandom(void *buf, size_t len, unsigned flags);

ssize_t __wrap_getrandom(void *buf, size_t len, unsigned flags) {
        calls++;
        assert_int_equal(flags, 0); /* blocking: wait for the CRNG, never GRND_INSECURE */
        if (script_error) {
                int e = script_error;
                script_error = 0;
                errno = e;
                return -1;
        }
        if (!script)
                return __real_getrandom(buf, len, flags);
        /* Hand out at most 7 bytes per call to exercise short reads. */
        size_t n = len < 7 ? len : 7;
        for (size_t i = 0; i < n; i++)
                ((uint8_t *) buf)[i] = script[(script_pos + i) % script_len];
        script_pos += n;
        return (ssize_t) n;
}

static void reset(const uint8_t *s, size_t len) {
        script = s;
        script_len = len;
        script_pos = 0;
        script_error = 0;
        calls = 0;
}

static void test_every_byte_once_is_uniform(void **state) {
        uint8_t all[256];
        for (int i = 0; i < 256; i++)
                all[i] = (uint8_t) i;
        reset(all, sizeof all);

        /* 248 accepted bytes of the 256 (256 % 62 == 8 are rejected): each of
         * the 62 characters must come out exactly 4 times. */
        char out[249];
        assert_int_equal(random_base62(out, 248), 0);
        assert_int_equal(strlen(out), 248);
        for (const char *c = BASE62_ALPHABET; *c; c++) {
                int count = 0;
                for (size_t i = 0; i < 248; i++)
                        count += out[i] == *c;
                assert_int_equal(count, 4);
        }
        reset(NULL, 0);
}

static void test_rejects_high_bytes(void **state) {
        static const uint8_t bytes[] = { 248, 255, 250, 0, 61, 62, 247 };
        reset(bytes, sizeof bytes);
        char out[5];
        assert_int_equal(random_string(BASE62_ALPHABET, 62, out, 4), 0);
        /* 248, 255, 250 rejected; 0 -> '0', 61 -> 'z', 62 -> '0', 247 -> 247 % 62 = 61 -> 'z' */
        assert_string_equal(out, "0z0z");
        reset(NULL, 0);
}

static void test_small_alphabet(void **state) {
        static const uint8_t bytes[] = { 0, 1, 2, 3, 255, 254 };
        reset(bytes, sizeof bytes);
        char out[7];
        /* 256 % 3 == 1: only byte 255 is rejected; 254 % 3 == 2. */
        assert_int_equal(random_string("abc", 3, out, 5), 0);
        assert_string_equal(out, "abcac");
        reset(NULL, 0);
}

static void test_bad_alphabet(void **state) {
        char out[4];
        assert_int_equal(random_string("a", 1, out, 3), -EINVAL);
        assert_int_equal(random_string("abc", 0, out, 3), -EINVAL);
}

static void test_error_wipes_output(void **state) {
        char out[9];
        memset(out, 'X', sizeof out);
        reset(NULL, 0);
        script_error = EIO;
        assert_int_equal(random_base62(out, 8), -EIO);
        for (size_t i = 0; i < 8; i++)
                assert_int_equal(out[i], 0);
}

static void test_eintr_retried(void **state) {
        static const uint8_t bytes[] = { 5 };
        uint8_t buf[3];
        reset(bytes, sizeof bytes);
        script_error = EINTR;
        assert_int_equal(random_bytes(buf, sizeof buf), 0);
        assert_int_equal(buf[0], 5);
        assert_int_equal(calls, 2);
        reset(NULL, 0);
}

static void test_real_source(void **state) {
        char a[33], b[33];
        reset(NULL, 0);
        assert_int_equal(random_base62(a, 32), 0);
        assert_int_equal(random_base62(b, 32), 0);
        assert_int_equal(strlen(a), 32);
        assert_int_equal(strspn(a, BASE62_ALPHABET), 32);
        assert_string_not_equal(a, b); /* 2^-190 chance of a false failure */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_byte_once_is_uniform),
                cmocka_unit_test(test_rejects_high_bytes),
                cmocka_unit_test(test_small_alphabet),
                cmocka_unit_test(test_bad_alphabet),
                cmocka_unit_test(test_error_wipes_output),
                cmocka_unit_test(test_eintr_retried),
                cmocka_unit_test(test_real_source),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
