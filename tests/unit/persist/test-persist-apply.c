/* SPDX-License-Identifier: MIT */
/* What apply_entry() refuses before it mounts anything (no root needed):
 * symlinks on the volume or in the root, files in the way; and the work
 * directory naming. The mounts themselves are covered by the host test. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../common/test-helpers.h"
#include "apply.h"
#include "macro.h"

typedef struct Dirs {
        char base[64];
        int base_fd;
        ApplyContext ctx;
} Dirs;

static int sub(int dirfd, const char *name) {
        assert_int_equal(mkdirat(dirfd, name, 0755), 0);
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static int setup(void **state) {
        Dirs *d = calloc(1, sizeof *d);
        d->base_fd = make_temp_root(d->base, sizeof d->base);
        assert_true(d->base_fd >= 0);
        d->ctx.volume_fd = sub(d->base_fd, "volume");
        d->ctx.root_fd = sub(d->base_fd, "root");
        d->ctx.system_fd = sub(d->base_fd, "system");
        d->ctx.empty_fd = sub(d->base_fd, "empty");
        *state = d;
        return 0;
}

static int teardown(void **state) {
        Dirs *d = *state;
        close(d->ctx.volume_fd);
        close(d->ctx.root_fd);
        close(d->ctx.system_fd);
        close(d->ctx.empty_fd);
        close(d->base_fd);
        remove_temp_root(d->base);
        free(d);
        return 0;
}

static void test_symlink_on_volume(void **state) {
        Dirs *d = *state;
        const char *reason = NULL;
        ConfEntry e = { .path = (char *) "/opt/x", .source = (char *) "opt/x", .mode = CONF_MODE_BIND };

        assert_int_equal(mkdirat(d->ctx.volume_fd, "opt", 0755), 0);
        assert_int_equal(symlinkat("/etc", d->ctx.volume_fd, "opt/x"), 0);
        assert_int_equal(apply_entry(&d->ctx, &e, &reason), -ELOOP);
        assert_string_equal(reason, "a symlink on the volume is in the way (refusing to follow it)");

        e.mode = CONF_MODE_UNION;
        assert_int_equal(apply_entry(&d->ctx, &e, &reason), -ELOOP);
}

static void test_symlink_parent_on_volume(void **state) {
        Dirs *d = *state;
        const char *reason = NULL;
        ConfEntry e = { .path = (char *) "/srv/y", .source = (char *) "link/y", .mode = CONF_MODE_BIND };

        assert_int_equal(symlinkat("/", d->ctx.volume_fd, "link"), 0);
        assert_int_equal(apply_entry(&d->ctx, &e, &reason), -ELOOP);
        /* nothing was created through the link */
        assert_int_equal(faccessat(d->base_fd, "volume/y", F_OK, AT_SYMLINK_NOFOLLOW), -1);
}

static void test_symlink_in_root(void **state) {
        Dirs *d = *state;
        const char *reason = NULL;
        ConfEntry e = { .path = (char *) "/home", .source = (char *) "home", .mode = CONF_MODE_UNION };

        assert_int_equal(symlinkat("/tmp", d->ctx.root_fd, "home"), 0);
        assert_int_equal(apply_entry(&d->ctx, &e, &reason), -ELOOP);
        assert_string_equal(reason, "the path is a symlink in the root");
}

static void test_file_in_the_way(void **state) {
        Dirs *d = *state;
        const char *reason = NULL;
        ConfEntry e = { .path = (char *) "/srv/z", .source = (char *) "z", .mode = CONF_MODE_BIND };
        int fd = openat(d->ctx.volume_fd, "z", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(apply_entry(&d->ctx, &e, &reason), -ENOTDIR);
        assert_string_equal(reason, "a file that is not a directory is in the way");
}

static void test_work_dir_name(void **state) {
        char *n = NULL;

        assert_int_equal(apply_work_dir_name("var/lib/neuraldrive", &n), 0);
        assert_string_equal(n, "var%2flib%2fneuraldrive");
        free(n);
        assert_int_equal(apply_work_dir_name("a%2fb/c", &n), 0);
        assert_string_equal(n, "a%252fb%2fc"); /* distinct from "a/b/c" */
        free(n);

        char long_name[200];
        memset(long_name, 'a', sizeof long_name);
        for (size_t i = 1; i < sizeof long_name - 1; i += 2)
                long_name[i] = '/';
        long_name[sizeof long_name - 1] = '\0';
        assert_int_equal(apply_work_dir_name(long_name, &n), -ENAMETOOLONG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_symlink_on_volume, setup, teardown),
                cmocka_unit_test_setup_teardown(test_symlink_parent_on_volume, setup, teardown),
                cmocka_unit_test_setup_teardown(test_symlink_in_root, setup, teardown),
                cmocka_unit_test_setup_teardown(test_file_in_the_way, setup, teardown),
                cmocka_unit_test(test_work_dir_name),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
