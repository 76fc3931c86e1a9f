/* SPDX-License-Identifier: MIT */
/* Credentials: formats, alphabets, uniqueness, yescrypt; machine identity
 * validation. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine.h"
#include "macro.h"
#include "pki.h"
#include "reprovision.h"
#include "secrets.h"

static void test_api_key(void **state) {
        char a[SECRETS_API_KEY_LEN + 1], b[SECRETS_API_KEY_LEN + 1];

        assert_int_equal(secrets_generate_api_key(a), 0);
        assert_int_equal(secrets_generate_api_key(b), 0);
        assert_int_equal(strlen(a), 35);
        assert_memory_equal(a, "nd-", 3);
        assert_true(secrets_api_key_is_valid(a));
        assert_string_not_equal(a, b);
        assert_false(secrets_api_key_is_valid("nd-short"));
        assert_false(secrets_api_key_is_valid("xx-0123456789abcdefghijABCDEFGHIJ01"));
        assert_false(secrets_api_key_is_valid("nd-0123456789abcdefghijABCDEFGHIJ0!"));
}

static void test_password(void **state) {
        char p[SECRETS_PASSWORD_LEN + 1];
        const char *alphabet = SECRETS_PASSWORD_ALPHABET;

        /* no look-alikes, at least 100 bits */
        assert_null(strpbrk(alphabet, "01ilo"));
        double bits = SECRETS_PASSWORD_GROUPS * SECRETS_PASSWORD_GROUP_LEN * log2((double) strlen(alphabet));
        assert_true(bits >= 100.0);

        unsigned counts[256] = {};
        for (unsigned round = 0; round < 400; round++) {
                assert_int_equal(secrets_generate_password(p), 0);
                assert_int_equal(strlen(p), 29);
                for (size_t i = 0; i < strlen(p); i++) {
                        if (i % 6 == 5) {
                                assert_int_equal(p[i], '-');
                                continue;
                        }
                        assert_non_null(strchr(alphabet, p[i]));
                        counts[(unsigned char) p[i]]++;
                }
        }
        /* 10000 draws over 31 symbols: every symbol shows up */
        for (const char *c = alphabet; *c; c++)
                assert_true(counts[(unsigned char) *c] > 150);
}

static void test_yescrypt(void **state) {
        _cleanup_free_ char *h1 = NULL, *h2 = NULL;

        assert_int_equal(secrets_hash_password("correct-horse", &h1), 0);
        assert_int_equal(secrets_hash_password("correct-horse", &h2), 0);
        assert_memory_equal(h1, "$y$", 3);
        assert_string_not_equal(h1, h2); /* fresh salt */
        assert_true(secrets_hash_is_valid(h1));
        assert_int_equal(secrets_verify_password("correct-horse", h1), 1);
        assert_int_equal(secrets_verify_password("correct-horsf", h1), 0);
        assert_false(secrets_hash_is_valid("$y$a:b"));
        assert_false(secrets_hash_is_valid("!"));
}

static void test_identity_validation(void **state) {
        assert_true(machine_id_is_valid("0123456789abcdef0123456789abcdef"));
        assert_false(machine_id_is_valid("00000000000000000000000000000000"));
        assert_false(machine_id_is_valid("0123456789ABCDEF0123456789abcdef"));
        assert_false(machine_id_is_valid("uninitialized"));
        assert_true(machine_hostname_is_valid("neuraldrive"));
        assert_true(machine_hostname_is_valid("lab-box-2"));
        assert_false(machine_hostname_is_valid("-lab"));
        assert_false(machine_hostname_is_valid("a.b"));
        assert_false(machine_hostname_is_valid(""));
        assert_false(machine_hostname_is_valid("Lab"));
}

static void test_names(void **state) {
        PkiNames n = {};
        char *addrs[] = { "192.168.1.10", "10.1.2.3",       "169.254.1.1", "8.8.8.8", "fd12::0001",
                          "2001:db8::1",  "172.31.255.255", "172.32.0.1",  NULL };

        assert_int_equal(pki_names_build("lab", addrs, &n), 0);
        const char *want[] = { "DNS:lab",     "DNS:lab.local", "DNS:localhost",     "DNS:neuraldrive.local",
                               "IP:10.1.2.3", "IP:127.0.0.1",  "IP:172.31.255.255", "IP:192.168.1.10",
                               "IP:::1",      "IP:fd12::1" };
        assert_int_equal(n.n, ELEMENTSOF(want));
        for (size_t i = 0; i < n.n; i++)
                assert_string_equal(n.items[i], want[i]);
        pki_names_done(&n);

        /* the default host name does not duplicate neuraldrive.local */
        assert_int_equal(pki_names_build("neuraldrive", NULL, &n), 0);
        assert_int_equal(n.n, 5);
        pki_names_done(&n);
}

static void test_reprovision_words(void **state) {
        unsigned m;
        char buf[96];

        assert_int_equal(reprovision_parse("api-key,ssh", &m), 0);
        assert_int_equal(m, REPROVISION_API_KEY | REPROVISION_SSH);
        assert_int_equal(reprovision_parse("ca", &m), 0);
        assert_int_equal(m, REPROVISION_CA | REPROVISION_TLS);
        assert_string_equal(reprovision_to_string(m, buf, sizeof buf), "tls,ca");
        assert_int_equal(reprovision_parse("", &m), -EINVAL);
        assert_int_equal(reprovision_parse("api-key,", &m), 0);
        assert_int_equal(reprovision_parse("API-KEY", &m), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_api_key),  cmocka_unit_test(test_password),
                cmocka_unit_test(test_yescrypt), cmocka_unit_test(test_identity_validation),
                cmocka_unit_test(test_names),    cmocka_unit_test(test_reprovision_words),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
