/* SPDX-License-Identifier: MIT */
#pragma once
/* Fixture runner for the persist/ unit tests: every NAME.input in
 * $ND_FIXTURES/persist/<dir> is turned into text by a dump function and
 * compared with NAME.expected next to it. With ND_FIXTURES_UPDATE=1 the
 * .expected files are (re)written instead, for reviewing with git diff. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef void (*DumpFunc)(const char *text, size_t size, FILE *out);

static char *fixture_read(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "re");
        char *buf = NULL;
        size_t size = 0;

        if (!f)
                return NULL;
        FILE *m = open_memstream(&buf, &size);
        int c;
        while ((c = fgetc(f)) != EOF)
                fputc(c, m);
        fclose(m);
        fclose(f);
        *ret_size = size;
        return buf;
}

static int fixture_filter(const struct dirent *d) {
        size_t n = strlen(d->d_name);
        return n > 6 && strcmp(d->d_name + n - 6, ".input") == 0;
}

static void run_fixtures(const char *dir, DumpFunc dump) {
        const char *base = getenv("ND_FIXTURES");
        bool update = getenv("ND_FIXTURES_UPDATE") != NULL;
        char path[4096];
        struct dirent **names;
        int n, failed = 0;

        assert_non_null(base);
        snprintf(path, sizeof path, "%s/persist/%s", base, dir);
        n = scandir(path, &names, fixture_filter, alphasort);
        assert_true(n > 0);

        for (int i = 0; i < n; i++) {
                char in_path[4096], exp_path[4096];
                size_t in_size = 0, exp_size = 0, out_size = 0;
                char *out = NULL;

                snprintf(in_path, sizeof in_path, "%s/%s", path, names[i]->d_name);
                snprintf(exp_path, sizeof exp_path, "%.*s.expected", (int) (strlen(in_path) - 6), in_path);
                char *input = fixture_read(in_path, &in_size);
                assert_non_null(input);

                FILE *m = open_memstream(&out, &out_size);
                dump(input, in_size, m);
                fclose(m);

                if (update) {
                        FILE *f = fopen(exp_path, "we");
                        assert_non_null(f);
                        fputs(out, f);
                        fclose(f);
                } else {
                        char *expected = fixture_read(exp_path, &exp_size);
                        if (!expected || exp_size != out_size || memcmp(expected, out, out_size) != 0) {
                                fprintf(stderr, "fixture %s: mismatch\n--- expected\n%s--- got\n%s---\n",
                                        names[i]->d_name, expected ? expected : "(missing)\n", out);
                                failed++;
                        }
                        free(expected);
                }
                free(out);
                free(input);
                free(names[i]);
        }
        free(names);
        assert_int_equal(failed, 0);
}

/* Collects warnings into a stream, so fixtures show what the user sees. */
__attribute__((unused)) static void fixture_log_sink(int level, const char *message, void *userdata) {
        fprintf((FILE *) userdata, "log<%d>: %s\n", level, message);
}
