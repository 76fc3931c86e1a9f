/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fd-util.h"
#include "fileio.h"
#include "memory-util.h"
#include "test-helpers.h"

typedef struct Fixture {
        char path[64];
        int rootfd;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof *f);
        f->rootfd = make_temp_root(f->path, sizeof f->path);
        assert_true(f->rootfd >= 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        close(f->rootfd);
        remove_temp_root(f->path);
        free(f);
        return 0;
}

static void assert_file(int rootfd, const char *path, const char *content, mode_t mode) {
        _cleanup_free_ char *buf = NULL;
        size_t size;
        struct stat st;

        assert_int_equal(read_full_file_beneath(rootfd, path, 1 << 20, 0, &buf, &size), 0);
        assert_int_equal(size, strlen(content));
        assert_string_equal(buf, content);
        assert_int_equal(fstatat(rootfd, path, &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_int_equal(st.st_mode & 07777, mode);
}

/* No temporary file may be left in dir after any outcome. */
static void assert_no_leftovers(int rootfd, const char *dir) {
        _cleanup_close_ int fd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY);
        assert_true(fd >= 0);
        DIR *d = fdopendir(TAKE_FD(fd));
        struct dirent *de;
        while ((de = readdir(d)))
                assert_null(strstr(de->d_name, ".#"));
        closedir(d);
}

static void test_write_creates_with_mode(void **state) {
        Fixture *f = *state;
        mode_t old = umask(022);
        assert_int_equal(write_file_atomic(f->rootfd, "/etc/neuraldrive/api.key", "nd-x", 4, 0600,
                                           (uid_t) -1, (gid_t) -1, WRITE_ATOMIC_MKDIR_PARENTS),
                         1);
        assert_file(f->rootfd, "etc/neuraldrive/api.key", "nd-x", 0600);
        /* The mode is exact even when the umask would narrow it. */
        umask(077);
        assert_int_equal(write_file_atomic(f->rootfd, "etc/neuraldrive/ca.crt", "c", 1, 0644,
                                           (uid_t) -1, (gid_t) -1, 0),
                         1);
        assert_file(f->rootfd, "etc/neuraldrive/ca.crt", "c", 0644);
        umask(old);
        assert_no_leftovers(f->rootfd, "etc/neuraldrive");
}

static void test_write_replaces(void **state) {
        Fixture *f = *state;
        struct stat a, b;
        assert_int_equal(write_file_atomic(f->rootfd, "x", "old", 3, 0640, -1, -1, 0), 1);
        assert_int_equal(fstatat(f->rootfd, "x", &a, 0), 0);
        assert_int_equal(write_file_atomic(f->rootfd, "x", "new!", 4, 0600, -1, -1, 0), 1);
        assert_int_equal(fstatat(f->rootfd, "x", &b, 0), 0);
        assert_int_not_equal(a.st_ino, b.st_ino); /* replaced, not rewritten in place */
        assert_file(f->rootfd, "x", "new!", 0600);
        assert_no_leftovers(f->rootfd, ".");
}

static void test_skip_unchanged(void **state) {
        Fixture *f = *state;
        struct stat a, b;
        assert_int_equal(write_file_atomic(f->rootfd, "x", "same", 4, 0644, -1, -1, 0), 1);
        assert_int_equal(fstatat(f->rootfd, "x", &a, 0), 0);
        assert_int_equal(write_file_atomic(f->rootfd, "x", "same", 4, 0644, -1, -1,
                                           WRITE_ATOMIC_SKIP_UNCHANGED),
                         0);
        assert_int_equal(fstatat(f->rootfd, "x", &b, 0), 0);
        assert_int_equal(a.st_ino, b.st_ino);
        /* A different mode or content is written. */
        assert_int_equal(write_file_atomic(f->rootfd, "x", "same", 4, 0600, -1, -1,
                                           WRITE_ATOMIC_SKIP_UNCHANGED),
                         1);
        assert_int_equal(write_file_atomic(f->rootfd, "x", "diff", 4, 0600, -1, -1,
                                           WRITE_ATOMIC_SKIP_UNCHANGED),
                         1);
        assert_file(f->rootfd, "x", "diff", 0600);
}

static void test_refuses_symlinks(void **state) {
        Fixture *f = *state;
        char outside[64] = "/tmp/nd-victim-XXXXXX";
        int vfd = mkstemp(outside);
        assert_true(vfd >= 0);
        close(vfd);

        assert_int_equal(symlinkat(outside, f->rootfd, "target"), 0);
        assert_int_equal(write_file_atomic(f->rootfd, "target", "pwned", 5, 0600, -1, -1, 0), -ELOOP);
        assert_int_equal(mkdirat(f->rootfd, "real", 0755), 0);
        assert_int_equal(symlinkat("real", f->rootfd, "dirlink"), 0);
        assert_int_equal(write_file_atomic(f->rootfd, "dirlink/f", "x", 1, 0600, -1, -1, 0), -ELOOP);
        assert_int_equal(write_file_atomic(f->rootfd, "dirlink/sub/f", "x", 1, 0600, -1, -1,
                                           WRITE_ATOMIC_MKDIR_PARENTS),
                         -ELOOP);

        struct stat st;
        assert_int_equal(stat(outside, &st), 0);
        assert_int_equal(st.st_size, 0); /* the victim is untouched */
        assert_int_equal(fstatat(f->rootfd, "real/f", &st, 0), -1);
        unlink(outside);
        assert_no_leftovers(f->rootfd, ".");
}

static void test_refuses_non_regular(void **state) {
        Fixture *f = *state;
        assert_int_equal(mkdirat(f->rootfd, "d", 0755), 0);
        assert_int_equal(mkfifoat(f->rootfd, "fifo", 0600), 0);
        assert_int_equal(write_file_atomic(f->rootfd, "d", "x", 1, 0600, -1, -1, 0), -EEXIST);
        assert_int_equal(write_file_atomic(f->rootfd, "fifo", "x", 1, 0600, -1, -1, 0), -EEXIST);
        assert_int_equal(write_file_atomic(f->rootfd, "missing/f", "x", 1, 0600, -1, -1, 0), -ENOENT);
        assert_int_equal(write_file_atomic(f->rootfd, "d/", "x", 1, 0600, -1, -1, 0), -EINVAL);
        assert_no_leftovers(f->rootfd, ".");
}

static void test_read_limits(void **state) {
        Fixture *f = *state;
        char *buf = NULL;
        size_t size = 0;
        assert_int_equal(write_file_atomic(f->rootfd, "big", "0123456789", 10, 0644, -1, -1, 0), 1);
        assert_int_equal(read_full_file_beneath(f->rootfd, "big", 9, 0, &buf, &size), -EFBIG);
        assert_null(buf);
        assert_int_equal(read_full_file_beneath(f->rootfd, "big", 10, READ_FULL_SECRET, &buf, &size), 0);
        assert_int_equal(size, 10);
        erase_and_free(buf);

        assert_int_equal(mkdirat(f->rootfd, "dir", 0755), 0);
        assert_int_equal(mkfifoat(f->rootfd, "fifo", 0600), 0);
        assert_int_equal(symlinkat("big", f->rootfd, "link"), 0);
        assert_int_equal(read_full_file_beneath(f->rootfd, "dir", 100, 0, &buf, &size), -EISDIR);
        assert_int_equal(read_full_file_beneath(f->rootfd, "fifo", 100, 0, &buf, &size), -EBADFD);
        assert_int_equal(read_full_file_beneath(f->rootfd, "link", 100, 0, &buf, &size), -ELOOP);
        assert_int_equal(read_full_file_beneath(f->rootfd, "none", 100, 0, &buf, &size), -ENOENT);
}

static void test_read_pipe_grows(void **state) {
        int p[2];
        char chunk[1000];
        char *buf = NULL;
        size_t size;

        assert_int_equal(pipe(p), 0);
        memset(chunk, 'k', sizeof chunk);
        for (int i = 0; i < 50; i++)
                assert_int_equal(loop_write(p[1], chunk, sizeof chunk), 0);
        close(p[1]);
        assert_int_equal(read_full_fd(p[0], 1 << 20, READ_FULL_SECRET, &buf, &size), 0);
        assert_int_equal(size, 50000);
        assert_int_equal(buf[size], '\0');
        assert_int_equal(buf[49999], 'k');
        erase_and_free(buf);
        close(p[0]);

        assert_int_equal(pipe(p), 0);
        for (int i = 0; i < 5; i++)
                assert_int_equal(loop_write(p[1], chunk, sizeof chunk), 0);
        close(p[1]);
        buf = NULL;
        assert_int_equal(read_full_fd(p[0], 4999, 0, &buf, &size), -EFBIG);
        assert_null(buf);
        close(p[0]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_write_creates_with_mode, setup, teardown),
                cmocka_unit_test_setup_teardown(test_write_replaces, setup, teardown),
                cmocka_unit_test_setup_teardown(test_skip_unchanged, setup, teardown),
                cmocka_unit_test_setup_teardown(test_refuses_symlinks, setup, teardown),
                cmocka_unit_test_setup_teardown(test_refuses_non_regular, setup, teardown),
                cmocka_unit_test_setup_teardown(test_read_limits, setup, teardown),
                cmocka_unit_test(test_read_pipe_grows),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
