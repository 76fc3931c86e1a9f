/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fd-util.h"
#include "macro.h"
#include "seed.h"

typedef struct Dirs {
        char base[64];
        char src[96];
        char dst[96];
        int srcfd;
        int dstfd;
} Dirs;

static void run(const char *cmd) {
        assert_int_equal(system(cmd), 0);
}

static int setup(void **state) {
        Dirs *d = calloc(1, sizeof(Dirs));
        strcpy(d->base, "/tmp/test-seed.XXXXXX");
        assert_non_null(mkdtemp(d->base));
        snprintf(d->src, sizeof(d->src), "%s/src", d->base);
        snprintf(d->dst, sizeof(d->dst), "%s/dst", d->base);
        assert_int_equal(mkdir(d->src, 0755), 0);
        assert_int_equal(mkdir(d->dst, 0755), 0);
        d->srcfd = open(d->src, O_RDONLY | O_DIRECTORY);
        d->dstfd = open(d->dst, O_RDONLY | O_DIRECTORY);
        assert_true(d->srcfd >= 0 && d->dstfd >= 0);
        *state = d;
        return 0;
}

static int teardown(void **state) {
        Dirs *d = *state;
        char cmd[1024];
        close(d->srcfd);
        close(d->dstfd);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->base);
        run(cmd);
        free(d);
        return 0;
}

static void write_at(const char *root, const char *path, const char *content, mode_t mode) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", root, path);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
        assert_int_equal(chmod(p, mode), 0);
}

static struct stat stat_at(const char *root, const char *path) {
        char p[PATH_MAX];
        struct stat st;
        snprintf(p, sizeof(p), "%s/%s", root, path);
        assert_int_equal(lstat(p, &st), 0);
        return st;
}

static bool exists_at(const char *root, const char *path) {
        char p[PATH_MAX];
        struct stat st;
        snprintf(p, sizeof(p), "%s/%s", root, path);
        return lstat(p, &st) == 0;
}

static void link_at(const char *root, const char *path, const char *target) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", root, path);
        assert_int_equal(symlink(target, p), 0);
}

static void test_copy_tree(void **state) {
        Dirs *d = *state;
        char cmd[1024], buf[PATH_MAX];
        struct stat st;
        ssize_t n;

        snprintf(cmd, sizeof(cmd), "mkdir -p %s/etc/neuraldrive/tls/sub && chmod 0711 %s/etc", d->src,
                 d->src);
        run(cmd);
        write_at(d->src, "etc/neuraldrive/api.key", "nd-secret\n", 0600);
        write_at(d->src, "etc/neuraldrive/tls/server.crt", "CERT", 0644);
        write_at(d->src, "etc/neuraldrive/tool", "#!/bin/sh\n", 04750);
        snprintf(buf, sizeof(buf), "%s/etc/neuraldrive/tls", d->src);
        assert_int_equal(chmod(buf, 0750), 0);
        snprintf(buf, sizeof(buf), "%s/etc/neuraldrive/api.key", d->src);
        assert_int_equal(utimensat(AT_FDCWD, buf, (struct timespec[2]){ { 1000, 0 }, { 123456789, 0 } }, 0),
                         0);
        link_at(d->src, "etc/neuraldrive/cert", "tls/server.crt");          /* inside */
        link_at(d->src, "etc/neuraldrive/tls/key", "../api.key");           /* up one, inside */
        link_at(d->src, "etc/neuraldrive/tls/sub/deep", "../../api.key");   /* up two, inside */
        link_at(d->src, "etc/neuraldrive/shadow", "/etc/shadow");           /* absolute */
        link_at(d->src, "etc/neuraldrive/up", "../passwd");                 /* climbs out */
        link_at(d->src, "etc/neuraldrive/tls/far", "../../../x");           /* climbs out */
        link_at(d->src, "etc/neuraldrive/tls/zigzag", "sub/../server.crt"); /* .. after a name */
        snprintf(buf, sizeof(buf), "%s/etc/neuraldrive/fifo", d->src);
        assert_int_equal(mkfifo(buf, 0600), 0);

        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "/etc/neuraldrive"), 0);

        /* Parents made 0755, not copied from the source. */
        st = stat_at(d->dst, "etc");
        assert_int_equal(st.st_mode & 07777, 0755);
        st = stat_at(d->dst, "etc/neuraldrive/api.key");
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(st.st_mtim.tv_sec, 123456789);
        assert_int_equal(st.st_uid, getuid());
        snprintf(buf, sizeof(buf), "%s/etc/neuraldrive/api.key", d->dst);
        FILE *f = fopen(buf, "re");
        assert_non_null(f);
        assert_non_null(fgets(cmd, sizeof(cmd), f));
        fclose(f);
        assert_string_equal(cmd, "nd-secret\n");
        assert_int_equal(stat_at(d->dst, "etc/neuraldrive/tool").st_mode & 07777, 04750);
        assert_int_equal(stat_at(d->dst, "etc/neuraldrive/tls").st_mode & 07777, 0750);
        assert_int_equal(stat_at(d->dst, "etc/neuraldrive").st_mode & 07777,
                         stat_at(d->src, "etc/neuraldrive").st_mode & 07777);
        assert_true(S_ISREG(stat_at(d->dst, "etc/neuraldrive/tls/server.crt").st_mode));

        assert_true(S_ISLNK(stat_at(d->dst, "etc/neuraldrive/cert").st_mode));
        snprintf(buf, sizeof(buf), "%s/etc/neuraldrive/cert", d->dst);
        n = readlink(buf, cmd, sizeof(cmd) - 1);
        assert_true(n > 0);
        cmd[n] = '\0';
        assert_string_equal(cmd, "tls/server.crt");
        assert_true(exists_at(d->dst, "etc/neuraldrive/tls/key"));
        assert_true(exists_at(d->dst, "etc/neuraldrive/tls/sub/deep"));

        assert_false(exists_at(d->dst, "etc/neuraldrive/shadow"));
        assert_false(exists_at(d->dst, "etc/neuraldrive/up"));
        assert_false(exists_at(d->dst, "etc/neuraldrive/tls/far"));
        assert_false(exists_at(d->dst, "etc/neuraldrive/tls/zigzag"));
        assert_false(exists_at(d->dst, "etc/neuraldrive/fifo"));
}

static void test_missing_path(void **state) {
        Dirs *d = *state;
        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "/var/lib/neuraldrive"), 0);
        struct stat st = stat_at(d->dst, "var/lib/neuraldrive");
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0755);
}

static void test_symlinked_path_refused(void **state) {
        Dirs *d = *state;
        char cmd[1024];

        snprintf(cmd, sizeof(cmd),
                 "mkdir -p %s/elsewhere/x %s/var && ln -s ../elsewhere %s/var/lib "
                 "&& ln -s /tmp %s/home",
                 d->src, d->src, d->src, d->src);
        run(cmd);
        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "/var/lib/x"), -ELOOP);
        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "/home"), -ELOOP);
        assert_false(exists_at(d->dst, "home"));
}

static void test_bad_paths(void **state) {
        Dirs *d = *state;
        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "/"), -EINVAL);
        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "/../etc"), -EINVAL);
        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "etc"), -EINVAL);
        /* Seeding twice: the destination must be new. */
        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "/home"), 0);
        assert_int_equal(seed_copy_path(d->srcfd, d->dstfd, "/home"), -EEXIST);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_copy_tree, setup, teardown),
                cmocka_unit_test_setup_teardown(test_missing_path, setup, teardown),
                cmocka_unit_test_setup_teardown(test_symlinked_path_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bad_paths, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
