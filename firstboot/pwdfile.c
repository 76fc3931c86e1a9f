/* SPDX-License-Identifier: MIT */
#include "pwdfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

unsigned pwdfile_n_fields(PwdFileType type) {
        static const unsigned n[_PWDFILE_TYPE_MAX] = {
                [PWDFILE_PASSWD] = 7,
                [PWDFILE_GROUP] = 4,
                [PWDFILE_SHADOW] = 9,
                [PWDFILE_GSHADOW] = 4,
        };
        return type < _PWDFILE_TYPE_MAX ? n[type] : 0;
}

/* Strict decimal: no sign, no spaces, no leading zeros except "0", below
 * 2^32 - 1 ((uid_t) -1 means "no ID" to the kernel). */
static bool parse_id(const char *s, size_t len, uint32_t *ret) {
        uint64_t v = 0;

        if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
                return false;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (uint64_t) (s[i] - '0');
        }
        if (v >= UINT32_MAX)
                return false;
        *ret = (uint32_t) v;
        return true;
}

/* Finds field n of text: start and length. Returns false when missing. */
static bool find_field(const char *text, unsigned n, const char **ret_start, size_t *ret_len) {
        const char *p = text;

        for (unsigned i = 0; i < n; i++) {
                p = strchr(p, ':');
                if (!p)
                        return false;
                p++;
        }
        *ret_start = p;
        *ret_len = strcspn(p, ":");
        return true;
}

static unsigned count_fields(const char *text) {
        unsigned n = 1;
        for (const char *p = text; *p; p++)
                if (*p == ':')
                        n++;
        return n;
}

static void line_clear(PwdLine *l) {
        free(l->text);
        free(l->name);
        *l = (PwdLine){};
}

/* Fills l from text (taking ownership of text on success). */
static int line_parse(PwdFileType type, char *text, PwdLine *ret) {
        PwdLine l = { .text = text, .len = strlen(text) };
        const char *f;
        size_t flen;

        if (text[0] == '#' || text[0] == '+' || text[0] == '-') {
                /* comments and NIS compat entries are kept verbatim */
                *ret = l;
                return 0;
        }
        flen = strcspn(text, ":");
        if (flen == 0) {
                *ret = l;
                return 0;
        }
        l.name = strndup(text, flen);
        if (!l.name)
                return -ENOMEM;

        l.valid = count_fields(text) == pwdfile_n_fields(type);
        if (l.valid && (type == PWDFILE_PASSWD || type == PWDFILE_GROUP)) {
                l.valid = find_field(text, 2, &f, &flen) && parse_id(f, flen, &l.id);
                if (l.valid && type == PWDFILE_PASSWD)
                        l.valid = find_field(text, 3, &f, &flen) && parse_id(f, flen, &l.gid);
        }
        *ret = l;
        return 0;
}

PwdFile *pwdfile_free(PwdFile *f) {
        if (!f)
                return NULL;
        for (size_t i = 0; i < f->n_lines; i++)
                line_clear(&f->lines[i]);
        free(f->lines);
        free(f);
        return NULL;
}

static int add_line(PwdFile *f, const char *start, size_t len) {
        _cleanup_free_ char *text = NULL;
        int r;

        if (memchr(start, '\n', len) || memchr(start, '\0', len))
                return -EINVAL;
        text = strndup(start, len);
        if (!text)
                return -ENOMEM;

        if (f->n_lines >= f->n_allocated) {
                size_t n = f->n_allocated ? f->n_allocated * 2 : 64;
                PwdLine *lines = reallocarray(f->lines, n, sizeof *lines);
                if (!lines)
                        return -ENOMEM;
                f->lines = lines;
                f->n_allocated = n;
        }
        r = line_parse(f->type, text, &f->lines[f->n_lines]);
        if (r < 0)
                return r;
        TAKE_PTR(text);
        f->n_lines++;
        return 0;
}

int pwdfile_parse(PwdFileType type, const char *data, size_t size, PwdFile **ret) {
        _cleanup_pwdfile_free_ PwdFile *f = NULL;
        int r;

        if (type >= _PWDFILE_TYPE_MAX)
                return -EINVAL;
        if (size > PWDFILE_MAX_SIZE)
                return -EFBIG;
        if (memchr(data, '\0', size))
                return -EINVAL;

        f = calloc(1, sizeof *f);
        if (!f)
                return -ENOMEM;
        f->type = type;
        f->final_newline = size == 0 || data[size - 1] == '\n';

        const char *p = data, *end = data + size;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
                r = add_line(f, p, len);
                if (r < 0)
                        return r;
                p += len + (nl ? 1 : 0);
        }

        *ret = TAKE_PTR(f);
        return 0;
}

const PwdLine *pwdfile_find_name(const PwdFile *f, const char *name) {
        for (size_t i = 0; i < f->n_lines; i++)
                if (f->lines[i].name && streq(f->lines[i].name, name))
                        return &f->lines[i];
        return NULL;
}

const PwdLine *pwdfile_find_id(const PwdFile *f, uint32_t id) {
        if (f->type != PWDFILE_PASSWD && f->type != PWDFILE_GROUP)
                return NULL;
        for (size_t i = 0; i < f->n_lines; i++)
                if (f->lines[i].valid && f->lines[i].id == id)
                        return &f->lines[i];
        return NULL;
}

size_t pwdfile_index(const PwdFile *f, const PwdLine *line) {
        return (size_t) (line - f->lines);
}

int pwdfile_append(PwdFile *f, const char *line) {
        int r = add_line(f, line, strlen(line));
        if (r >= 0)
                f->modified = true;
        return r;
}

int pwdfile_replace(PwdFile *f, size_t i, const char *line) {
        _cleanup_free_ char *text = NULL;
        PwdLine l;
        int r;

        if (i >= f->n_lines)
                return -ERANGE;
        if (strchr(line, '\n'))
                return -EINVAL;
        text = strdup(line);
        if (!text)
                return -ENOMEM;
        r = line_parse(f->type, text, &l);
        if (r < 0)
                return r;
        TAKE_PTR(text);
        line_clear(&f->lines[i]);
        f->lines[i] = l;
        f->modified = true;
        return 0;
}

int pwdfile_field(const PwdLine *line, unsigned n, char **ret) {
        const char *start;
        size_t len;

        if (!find_field(line->text, n, &start, &len))
                return -ENOENT;
        char *s = strndup(start, len);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int pwdfile_line_with_field(const PwdLine *line, unsigned n, const char *value, char **ret) {
        const char *start;
        size_t len;

        if (!find_field(line->text, n, &start, &len))
                return -ENOENT;

        size_t prefix = (size_t) (start - line->text), vlen = strlen(value);
        size_t suffix = line->len - prefix - len;
        char *s = malloc(prefix + vlen + suffix + 1);
        if (!s)
                return -ENOMEM;
        memcpy(s, line->text, prefix);
        memcpy(s + prefix, value, vlen);
        memcpy(s + prefix + vlen, start + len, suffix);
        s[prefix + vlen + suffix] = '\0';
        *ret = s;
        return 0;
}

bool pwdfile_list_contains(const PwdLine *line, unsigned n, const char *member) {
        const char *start;
        size_t len, mlen = strlen(member);

        if (!find_field(line->text, n, &start, &len))
                return false;
        for (const char *p = start; p < start + len;) {
                size_t item = strcspn(p, ",:");
                if (item > (size_t) (start + len - p))
                        item = (size_t) (start + len - p);
                if (item == mlen && memcmp(p, member, mlen) == 0)
                        return true;
                p += item + 1;
        }
        return false;
}

int pwdfile_format(const PwdFile *f, char **ret, size_t *ret_size) {
        bool final_newline = f->final_newline || f->modified;
        size_t size = 0;

        for (size_t i = 0; i < f->n_lines; i++)
                size += f->lines[i].len + 1;
        if (f->n_lines > 0 && !final_newline)
                size--;

        char *buf = malloc(size + 1), *p = buf;
        if (!buf)
                return -ENOMEM;
        for (size_t i = 0; i < f->n_lines; i++) {
                memcpy(p, f->lines[i].text, f->lines[i].len);
                p += f->lines[i].len;
                if (i + 1 < f->n_lines || final_newline)
                        *p++ = '\n';
        }
        *p = '\0';
        *ret = buf;
        *ret_size = size;
        return 0;
}
