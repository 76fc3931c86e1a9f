/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fd-util.h"
#include "fs-util.h"
#include "test-helpers.h"

typedef struct Fixture {
        char path[64];
        char outside[64];
        int rootfd;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof *f);
        f->rootfd = make_temp_root(f->path, sizeof f->path);
        assert_true(f->rootfd >= 0);
        /* root/etc/real/file, root/link -> etc, root/etc/out -> /tmp */
        assert_int_equal(mkdirat(f->rootfd, "etc", 0755), 0);
        assert_int_equal(mkdirat(f->rootfd, "etc/real", 0755), 0);
        int fd = openat(f->rootfd, "etc/real/file", O_CREAT | O_WRONLY, 0644);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(symlinkat("etc", f->rootfd, "link"), 0);
        snprintf(f->outside, sizeof f->outside, "/tmp/nd-outside-XXXXXX");
        assert_non_null(mkdtemp(f->outside));
        assert_int_equal(symlinkat(f->outside, f->rootfd, "etc/out"), 0);
        assert_int_equal(symlinkat("real/file", f->rootfd, "etc/filelink"), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        close(f->rootfd);
        remove_temp_root(f->path);
        remove_temp_root(f->outside);
        free(f);
        return 0;
}

static void test_open_plain(void **state) {
        Fixture *f = *state;
        int fd = open_beneath(f->rootfd, "/etc/real/file", O_RDONLY, 0);
        assert_true(fd >= 0);
        safe_close(fd);
        fd = open_beneath(f->rootfd, "etc//real/./file", O_RDONLY, 0);
        assert_true(fd >= 0);
        safe_close(fd);
}

static void test_symlinks_refused(void **state) {
        Fixture *f = *state;
        assert_int_equal(open_beneath(f->rootfd, "link/real/file", O_RDONLY, 0), -ELOOP);
        assert_int_equal(open_beneath(f->rootfd, "etc/out", O_RDONLY, 0), -ELOOP);
        assert_int_equal(open_beneath(f->rootfd, "etc/out/x", O_RDONLY, 0), -ELOOP);
        assert_int_equal(open_beneath(f->rootfd, "etc/filelink", O_RDONLY, 0), -ELOOP);
        assert_int_equal(open_dir_beneath(f->rootfd, "link", false, 0), -ELOOP);
        assert_int_equal(open_dir_beneath(f->rootfd, "etc/out/sub", true, 0755), -ELOOP);
        /* Nothing was created through the link. */
        char sub[128];
        struct stat st;
        snprintf(sub, sizeof sub, "%s/sub", f->outside);
        assert_int_equal(stat(sub, &st), -1);
        assert_int_equal(errno, ENOENT);
}

static void test_dotdot_refused(void **state) {
        Fixture *f = *state;
        assert_int_equal(open_beneath(f->rootfd, "etc/../etc/real/file", O_RDONLY, 0), -EINVAL);
        assert_int_equal(open_beneath(f->rootfd, "../etc/passwd", O_RDONLY, 0), -EINVAL);
        assert_int_equal(open_dir_beneath(f->rootfd, "/..", false, 0), -EINVAL);
}

static void test_open_dir_create(void **state) {
        Fixture *f = *state;
        struct stat st;
        int fd = open_dir_beneath(f->rootfd, "var/lib/neuraldrive", true, 0700);
        assert_true(fd >= 0);
        safe_close(fd);
        assert_int_equal(fstatat(f->rootfd, "var/lib/neuraldrive", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0700);
        assert_int_equal(open_dir_beneath(f->rootfd, "nope/x", false, 0), -ENOENT);
        /* The root itself. */
        fd = open_dir_beneath(f->rootfd, "/", false, 0);
        assert_true(fd >= 0);
        safe_close(fd);
}

static void test_path_split(void **state) {
        char *d = NULL, *n = NULL;
        assert_int_equal(path_split("etc/neuraldrive/api.key", &d, &n), 0);
        assert_string_equal(d, "etc/neuraldrive");
        assert_string_equal(n, "api.key");
        free(d);
        free(n);
        assert_int_equal(path_split("api.key", &d, &n), 0);
        assert_string_equal(d, "");
        assert_string_equal(n, "api.key");
        free(d);
        free(n);
        assert_int_equal(path_split("etc/", &d, &n), -EINVAL);
        assert_int_equal(path_split("", &d, &n), -EINVAL);
}

static void test_path_normalized(void **state) {
        assert_true(path_is_normalized_absolute("/"));
        assert_true(path_is_normalized_absolute("/etc/neuraldrive"));
        assert_false(path_is_normalized_absolute("etc"));
        assert_false(path_is_normalized_absolute("/etc/"));
        assert_false(path_is_normalized_absolute("//etc"));
        assert_false(path_is_normalized_absolute("/etc/../root"));
        assert_false(path_is_normalized_absolute("/../etc"));
        assert_false(path_is_normalized_absolute("/etc/./x"));
        assert_true(path_is_normalized_absolute("/etc/..x/.y"));
        assert_false(path_is_normalized_absolute(NULL));
        assert_string_equal(path_skip_root("///etc"), "etc");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_open_plain, setup, teardown),
                cmocka_unit_test_setup_teardown(test_symlinks_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dotdot_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_open_dir_create, setup, teardown),
                cmocka_unit_test(test_path_split),
                cmocka_unit_test(test_path_normalized),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
