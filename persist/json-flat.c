/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json-flat.h"
#include "macro.h"

typedef struct Parser {
        const char *p;
        const char *end;
} Parser;

static void skip_ws(Parser *s) {
        while (s->p < s->end && strchr(" \t\r\n", *s->p) && *s->p != '\0')
                s->p++;
}

static int hex4(Parser *s, uint32_t *ret) {
        uint32_t v = 0;

        if (s->end - s->p < 4)
                return -EINVAL;
        for (int i = 0; i < 4; i++) {
                char c = *s->p++;
                v <<= 4;
                if (c >= '0' && c <= '9')
                        v |= (uint32_t) (c - '0');
                else if (c >= 'a' && c <= 'f')
                        v |= (uint32_t) (c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        v |= (uint32_t) (c - 'A' + 10);
                else
                        return -EINVAL;
        }
        *ret = v;
        return 0;
}

static size_t utf8_put(char *out, uint32_t cp) {
        if (cp < 0x80) {
                out[0] = (char) cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (char) (0xC0 | (cp >> 6));
                out[1] = (char) (0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (char) (0xE0 | (cp >> 12));
                out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
                out[2] = (char) (0x80 | (cp & 0x3F));
                return 3;
        }
        out[0] = (char) (0xF0 | (cp >> 18));
        out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char) (0x80 | (cp & 0x3F));
        return 4;
}

/* Parses a string literal at s->p (which points at the opening quote). With
 * out non-NULL the decoded bytes go there (it must hold as many bytes as the
 * literal, decoding never grows) and *ret_len gets their count. */
static int parse_string(Parser *s, char *out, size_t *ret_len) {
        size_t n = 0;

        if (s->p >= s->end || *s->p != '"')
                return -EINVAL;
        s->p++;
        while (s->p < s->end) {
                unsigned char c = (unsigned char) *s->p++;
                uint32_t cp;
                int r;

                if (c == '"') {
                        if (ret_len)
                                *ret_len = n;
                        return 0;
                }
                if (c < 0x20)
                        return -EINVAL;
                if (c != '\\') {
                        if (out)
                                out[n] = (char) c;
                        n++;
                        continue;
                }
                if (s->p >= s->end)
                        return -EINVAL;
                c = (unsigned char) *s->p++;
                switch (c) {
                case '"':
                case '\\':
                case '/':
                        cp = c;
                        break;
                case 'b':
                        cp = '\b';
                        break;
                case 'f':
                        cp = '\f';
                        break;
                case 'n':
                        cp = '\n';
                        break;
                case 'r':
                        cp = '\r';
                        break;
                case 't':
                        cp = '\t';
                        break;
                case 'u':
                        r = hex4(s, &cp);
                        if (r < 0)
                                return r;
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                                uint32_t lo;
                                if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
                                        return -EINVAL;
                                s->p += 2;
                                r = hex4(s, &lo);
                                if (r < 0)
                                        return r;
                                if (lo < 0xDC00 || lo > 0xDFFF)
                                        return -EINVAL;
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        } else if (cp >= 0xDC00 && cp <= 0xDFFF)
                                return -EINVAL;
                        break;
                default:
                        return -EINVAL;
                }
                if (out)
                        n += utf8_put(out + n, cp);
                else
                        n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        }
        return -EINVAL;
}

static int skip_literal(Parser *s, const char *word) {
        size_t l = strlen(word);

        if ((size_t) (s->end - s->p) < l || memcmp(s->p, word, l) != 0)
                return -EINVAL;
        s->p += l;
        return 0;
}

static int skip_number(Parser *s) {
        const char *start;

        if (s->p < s->end && *s->p == '-')
                s->p++;
        if (s->p >= s->end)
                return -EINVAL;
        if (*s->p == '0')
                s->p++;
        else if (*s->p >= '1' && *s->p <= '9')
                while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
                        s->p++;
        else
                return -EINVAL;
        if (s->p < s->end && *s->p == '.') {
                s->p++;
                start = s->p;
                while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
                        s->p++;
                if (s->p == start)
                        return -EINVAL;
        }
        if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
                s->p++;
                if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
                        s->p++;
                start = s->p;
                while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
                        s->p++;
                if (s->p == start)
                        return -EINVAL;
        }
        return 0;
}

static int skip_value(Parser *s, unsigned depth);

static int skip_container(Parser *s, unsigned depth, bool object) {
        char close = object ? '}' : ']';
        int r;

        if (depth >= JSON_FLAT_MAX_DEPTH)
                return -EINVAL;
        s->p++; /* '{' or '[' */
        skip_ws(s);
        if (s->p < s->end && *s->p == close) {
                s->p++;
                return 0;
        }
        for (;;) {
                if (object) {
                        r = parse_string(s, NULL, NULL);
                        if (r < 0)
                                return r;
                        skip_ws(s);
                        if (s->p >= s->end || *s->p != ':')
                                return -EINVAL;
                        s->p++;
                }
                r = skip_value(s, depth + 1);
                if (r < 0)
                        return r;
                skip_ws(s);
                if (s->p >= s->end)
                        return -EINVAL;
                if (*s->p == close) {
                        s->p++;
                        return 0;
                }
                if (*s->p != ',')
                        return -EINVAL;
                s->p++;
                skip_ws(s);
        }
}

static int skip_value(Parser *s, unsigned depth) {
        skip_ws(s);
        if (s->p >= s->end)
                return -EINVAL;
        switch (*s->p) {
        case '{':
                return skip_container(s, depth, true);
        case '[':
                return skip_container(s, depth, false);
        case '"':
                return parse_string(s, NULL, NULL);
        case 't':
                return skip_literal(s, "true");
        case 'f':
                return skip_literal(s, "false");
        case 'n':
                return skip_literal(s, "null");
        default:
                return skip_number(s);
        }
}

int json_flat_get_string(const char *json, size_t size, const char *key, char **ret) {
        Parser s = { .p = json, .end = json + size };
        const char *found = NULL;
        bool found_is_string = false;
        size_t key_len = strlen(key);
        int r;

        if (size > JSON_FLAT_MAX_SIZE)
                return -E2BIG;

        skip_ws(&s);
        if (s.p >= s.end || *s.p != '{')
                return -EINVAL;
        s.p++;
        skip_ws(&s);
        if (s.p < s.end && *s.p == '}')
                s.p++;
        else
                for (;;) {
                        const char *name_start = s.p;
                        char name[256];
                        size_t name_len;
                        bool match = false;

                        r = parse_string(&s, NULL, &name_len);
                        if (r < 0)
                                return r;
                        /* Decode only names that could match; a longer name
                         * cannot equal key. */
                        if (name_len == key_len && name_len < sizeof(name)) {
                                Parser t = { .p = name_start, .end = s.p };
                                r = parse_string(&t, name, NULL);
                                if (r < 0)
                                        return r;
                                match = memcmp(name, key, key_len) == 0;
                        }
                        skip_ws(&s);
                        if (s.p >= s.end || *s.p != ':')
                                return -EINVAL;
                        s.p++;
                        skip_ws(&s);
                        if (match) {
                                if (found)
                                        return -EINVAL; /* duplicate key: ambiguous */
                                found = s.p;
                                found_is_string = s.p < s.end && *s.p == '"';
                        }
                        r = skip_value(&s, 1);
                        if (r < 0)
                                return r;
                        skip_ws(&s);
                        if (s.p >= s.end)
                                return -EINVAL;
                        if (*s.p == '}') {
                                s.p++;
                                break;
                        }
                        if (*s.p != ',')
                                return -EINVAL;
                        s.p++;
                        skip_ws(&s);
                }
        skip_ws(&s);
        if (s.p != s.end)
                return -EINVAL;

        if (!found)
                return -ENOENT;
        if (!found_is_string)
                return -EMEDIUMTYPE;

        Parser v = { .p = found, .end = json + size };
        size_t len;
        r = parse_string(&v, NULL, &len);
        if (r < 0)
                return r;
        _cleanup_free_ char *value = malloc(len + 1);
        if (!value)
                return -ENOMEM;
        v.p = found;
        r = parse_string(&v, value, NULL);
        if (r < 0)
                return r;
        value[len] = '\0';
        if (strlen(value) != len)
                return -EMEDIUMTYPE;

        *ret = TAKE_PTR(value);
        return 0;
}

void json_flat_write_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c < 0x20 || c == 0x7f)
                        fprintf(f, "\\u%04x", c);
                else
                        fputc(c, f);
        }
        fputc('"', f);
}
