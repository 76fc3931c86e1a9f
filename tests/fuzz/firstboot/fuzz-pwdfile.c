/* SPDX-License-Identifier: MIT */
/* The passwd/group/shadow/gshadow reader: any input either is refused or
 * comes back byte for byte; lookups, edits and re-serialisation keep every
 * untouched line. PWDFILE_FUZZ_TYPE selects the file type per target. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-assert.h"
#include "macro.h"
#include "pwdfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *out = NULL, *out2 = NULL;
        PwdFile *f = NULL;
        size_t out_size, out2_size;

        if (size > 65536)
                return 0;
        if (pwdfile_parse(PWDFILE_FUZZ_TYPE, (const char *) data, size, &f) < 0) {
                FUZZ_CHECK(memchr(data, '\0', size) != NULL);
                return 0;
        }

        /* unchanged: byte for byte */
        FUZZ_CHECK(pwdfile_format(f, &out, &out_size) == 0);
        FUZZ_CHECK(out_size == size && memcmp(out, data, size) == 0);

        /* every entry is findable by its name; valid ones by their id (the
         * first lines only: lookups are linear, and this keeps runs fast) */
        for (size_t i = 0; i < f->n_lines && i < 64; i++) {
                const PwdLine *l = &f->lines[i];
                FUZZ_CHECK(strlen(l->text) == l->len);
                if (!l->name)
                        continue;
                FUZZ_CHECK(pwdfile_find_name(f, l->name) != NULL);
                if (l->valid && (PWDFILE_FUZZ_TYPE == PWDFILE_PASSWD || PWDFILE_FUZZ_TYPE == PWDFILE_GROUP))
                        FUZZ_CHECK(pwdfile_find_id(f, l->id) != NULL);
                _cleanup_free_ char *field = NULL, *line = NULL;
                if (pwdfile_field(l, 0, &field) == 0)
                        FUZZ_CHECK(streq(field, l->name));
                (void) pwdfile_list_contains(l, 3, "neuraldrive-admin");
                if (pwdfile_line_with_field(l, 1, "x", &line) == 0) {
                        FUZZ_CHECK(strchr(line, '\n') == NULL);
                }
        }

        /* an edit as users.c makes one: the old text is a prefix, kept whole */
        size_t n_before = f->n_lines;
        FUZZ_CHECK(pwdfile_append(f, "neuraldrive-api:x:905:905:API:/nonexistent:/usr/sbin/nologin") == 0);
        FUZZ_CHECK(f->n_lines == n_before + 1);
        FUZZ_CHECK(pwdfile_format(f, &out2, &out2_size) == 0);
        FUZZ_CHECK(out2_size > size && memcmp(out2, data, size) == 0);
        FUZZ_CHECK(out2[out2_size - 1] == '\n');
        FUZZ_CHECK(pwdfile_find_name(f, "neuraldrive-api") != NULL);

        pwdfile_free(f);
        return 0;
}
