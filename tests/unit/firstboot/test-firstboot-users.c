/* SPDX-License-Identifier: MIT */
/* Fixture roots (tests/fixtures/firstboot/users/<case>/): *.input are the
 * files before, expected-* after users_ensure(), expected-error the
 * message of a case that must fail without changing anything. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fb-test-util.h"
#include "fd-util.h"
#include "log.h"
#include "macro.h"
#include "users.h"

#define FIXED_HASH "$y$j9T$FixtureSaltFixtureSalt.$FixtureHashFixtureHashFixtureHashFixtureHas1"

static const char *const files[] = { "passwd", "group", "shadow", "gshadow" };
static char last_error[512];

static void sink(int level, const char *message, void *userdata) {
        if (level <= LOG_ERR)
                snprintf(last_error, sizeof last_error, "%s", message);
}

static char *setup_root(const char *dir) {
        char *root = fbt_mkdtemp();
        char *etc = fbt_path(root, "etc");
        assert_int_equal(mkdir(etc, 0755), 0);
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                char name[64];
                snprintf(name, sizeof name, "%s.input", files[i]);
                char *in = fbt_path(dir, name), *out = fbt_path(etc, files[i]);
                bool secret = strstr(files[i], "shadow") != NULL;
                fbt_copy(in, out, secret ? 0640 : 0644);
                free(in);
                free(out);
        }
        free(etc);
        return root;
}

/* Gives the root what its accounts name (homes, shells), then runs pwck -r
 * or grpck -r on it; the messages go to <root>/check-<tag>. */
static int check_verdict(const char *root, const char *tool, const char *tag) {
        assert_int_equal(fbt_run("cd '%s' && mkdir -p root bin usr/sbin usr/games dev var/cache/man "
                                 "var/spool/lpd var/mail var/spool/news var/spool/uucp var/www "
                                 "var/backups var/list run/ircd run/sshd nonexistent "
                                 "var/lib/neuraldrive/ollama var/lib/neuraldrive/webui "
                                 "var/lib/neuraldrive/caddy var/lib/ollama home/neuraldrive-admin "
                                 "home/localuser && touch bin/bash bin/sync usr/sbin/nologin && "
                                 "chmod 755 bin/bash bin/sync usr/sbin/nologin",
                                 root),
                         0);
        return fbt_run("%s -r -R '%s' </dev/null >>'%s/check-%s' 2>&1", tool, root, root, tag);
}
static int pwck_verdict(const char *root, const char *tag) {
        return check_verdict(root, "pwck", tag);
}
static int grpck_verdict(const char *root, const char *tag) {
        return check_verdict(root, "grpck", tag);
}

static void run_case(const char *name) {
        const char *fixtures = getenv("ND_FIXTURES");
        char dir[512];
        _cleanup_close_ int rootfd = -EBADF;

        assert_non_null(fixtures);
        snprintf(dir, sizeof dir, "%s/firstboot/users/%s", fixtures, name);
        char *root = setup_root(dir);
        rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(rootfd >= 0);

        char *errpath = fbt_path(dir, "expected-error");
        char *expected_error = fbt_read(errpath, NULL);
        last_error[0] = '\0';
        log_set_sink(sink, NULL);
        int r = users_ensure(rootfd, FIXED_HASH);
        log_set_sink(NULL, NULL);

        if (expected_error) {
                expected_error[strcspn(expected_error, "\n")] = '\0';
                assert_int_equal(r, -EEXIST);
                assert_string_equal(last_error, expected_error);
        } else
                assert_int_equal(r, 1);

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                char name_exp[64], name_in[64], path[512];
                snprintf(name_exp, sizeof name_exp, "expected-%s", files[i]);
                snprintf(name_in, sizeof name_in, "%s.input", files[i]);
                snprintf(path, sizeof path, "%s/etc/%s", root, files[i]);
                char *want_path = fbt_path(dir, expected_error ? name_in : name_exp);
                char *got = fbt_read(path, NULL);
                if (getenv("ND_UPDATE_FIXTURES") && !expected_error)
                        fbt_copy(path, want_path, 0644);
                char *want = fbt_read(want_path, NULL);
                assert_non_null(got);
                assert_non_null(want);
                if (strcmp(got, want) != 0)
                        fail_msg("%s: /etc/%s differs from %s", name, files[i], want_path);
                free(got);
                free(want);
                free(want_path);
        }

        /* A second run finds everything in place and writes nothing. */
        if (!expected_error)
                assert_int_equal(users_ensure(rootfd, FIXED_HASH), 0);

        /* shadow-utils' own checkers accept the result (chroot: needs root);
         * for input they already complain about (comments, NIS lines) they
         * say exactly the same about the result: we added no new problem. */
        if (!expected_error && geteuid() == 0 && fbt_have("pwck") && fbt_have("grpck")) {
                char *before = setup_root(dir);
                int before_pw = pwck_verdict(before, "before"), before_gr = grpck_verdict(before, "before");
                int after_pw = pwck_verdict(root, "after"), after_gr = grpck_verdict(root, "after");
                if (strcmp(name, "odd") != 0) { /* the clean fixtures stay clean */
                        assert_int_equal(before_pw, 0);
                        assert_int_equal(before_gr, 0);
                        assert_int_equal(after_pw, 0);
                        assert_int_equal(after_gr, 0);
                } else /* every complaint about the result was already there */
                        assert_int_equal(fbt_run("grep -vxFf '%s/check-before' '%s/check-after' >/dev/null",
                                                 before, root),
                                         1);
                fbt_rm_rf(before);
                free(before);
        }

        free(expected_error);
        free(errpath);
        fbt_rm_rf(root);
        free(root);
}

static void test_debian12(void **state) {
        run_case("debian12");
}
static void test_present(void **state) {
        run_case("present");
}
static void test_odd_lines(void **state) {
        run_case("odd");
}
static void test_conflict_uid(void **state) {
        run_case("conflict-uid");
}
static void test_conflict_name(void **state) {
        run_case("conflict-name");
}

/* The admin hash changes: only that shadow line is rewritten. */
static void test_admin_hash_applied(void **state) {
        const char *fixtures = getenv("ND_FIXTURES");
        char dir[512];
        _cleanup_close_ int rootfd = -EBADF;

        snprintf(dir, sizeof dir, "%s/firstboot/users/debian12", fixtures);
        char *root = setup_root(dir);
        rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_int_equal(users_ensure(rootfd, FIXED_HASH), 1);
        assert_int_equal(users_ensure(rootfd, "$y$j9T$other$otherotherotherother"), 1);
        char *p = fbt_path(root, "etc/shadow");
        char *s = fbt_read(p, NULL);
        assert_non_null(strstr(s, "\nneuraldrive-admin:$y$j9T$other$otherotherotherother:::::::\n"));
        assert_null(strstr(s, FIXED_HASH));
        /* a hash that would break the file is refused */
        assert_int_equal(users_ensure(rootfd, "bad:hash"), -EINVAL);
        free(s);
        free(p);
        fbt_rm_rf(root);
        free(root);
}

static void test_symlinked_passwd_refused(void **state) {
        const char *fixtures = getenv("ND_FIXTURES");
        char dir[512];
        _cleanup_close_ int rootfd = -EBADF;

        snprintf(dir, sizeof dir, "%s/firstboot/users/debian12", fixtures);
        char *root = setup_root(dir);
        char *p = fbt_path(root, "etc/passwd");
        assert_int_equal(unlink(p), 0);
        assert_int_equal(symlink("/etc/passwd", p), 0);
        rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        log_set_max_level(LOG_EMERG);
        assert_int_equal(users_ensure(rootfd, NULL), -ELOOP);
        log_set_max_level(LOG_INFO);
        struct stat st;
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        free(p);
        fbt_rm_rf(root);
        free(root);
}

/* No passwd: a broken root, refused. No shadow/gshadow: made, 0640. */
static void test_missing_files(void **state) {
        const char *fixtures = getenv("ND_FIXTURES");
        char dir[512];
        _cleanup_close_ int rootfd = -EBADF;

        snprintf(dir, sizeof dir, "%s/firstboot/users/debian12", fixtures);
        char *root = setup_root(dir);
        char *pw = fbt_path(root, "etc/passwd"), *sh = fbt_path(root, "etc/shadow"),
             *gs = fbt_path(root, "etc/gshadow");
        rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_int_equal(unlink(sh), 0);
        assert_int_equal(unlink(gs), 0);
        assert_int_equal(users_ensure(rootfd, NULL), 1);
        struct stat st;
        assert_int_equal(stat(sh, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        if (geteuid() == 0)
                assert_int_equal(st.st_gid, 42); /* "shadow" in the fixture's group file */
        char *s = fbt_read(sh, NULL);
        assert_non_null(strstr(s, "neuraldrive-admin:!:::::::\n"));
        free(s);

        assert_int_equal(unlink(pw), 0);
        log_set_max_level(LOG_EMERG);
        assert_int_equal(users_ensure(rootfd, NULL), -ENOENT);
        log_set_max_level(LOG_INFO);
        assert_false(fbt_exists(pw));
        free(pw);
        free(sh);
        free(gs);
        fbt_rm_rf(root);
        free(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_debian12),
                cmocka_unit_test(test_present),
                cmocka_unit_test(test_odd_lines),
                cmocka_unit_test(test_conflict_uid),
                cmocka_unit_test(test_conflict_name),
                cmocka_unit_test(test_admin_hash_applied),
                cmocka_unit_test(test_symlinked_passwd_refused),
                cmocka_unit_test(test_missing_files),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
