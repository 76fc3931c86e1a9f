/* SPDX-License-Identifier: MIT */
#include "conf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs-util.h"
#include "macro.h"

static const char *const default_paths[] = {
        "/etc/neuraldrive",
        "/var/lib/neuraldrive",
        "/var/log/neuraldrive",
        "/home",
};

/* Mounted over by the kernel or the boot itself later on. */
static const char *const runtime_dirs[] = { "/proc", "/sys", "/dev", "/run" };

const char *conf_mode_to_string(ConfMode m) {
        return m == CONF_MODE_UNION ? "union" : "bind";
}

void conf_done(PersistenceConf *c) {
        for (size_t i = 0; i < c->n_entries; i++) {
                free(c->entries[i].path);
                free(c->entries[i].source);
        }
        free(c->entries);
        for (size_t i = 0; i < c->n_problems; i++) {
                free(c->problems[i].path);
                free(c->problems[i].reason);
        }
        free(c->problems);
        *c = (PersistenceConf){};
}

static int add_problem(PersistenceConf *c, unsigned line, const char *path, const char *reason) {
        ConfProblem p = { .line = line };

        p.reason = strdup(reason);
        p.path = path ? strdup(path) : NULL;
        if (!p.reason || (path && !p.path))
                goto oom;
        ConfProblem *n = reallocarray(c->problems, c->n_problems + 1, sizeof *n);
        if (!n)
                goto oom;
        c->problems = n;
        c->problems[c->n_problems++] = p;
        return 0;
oom:
        free(p.reason);
        free(p.path);
        return -ENOMEM;
}

/* Takes ownership of path and source. */
static int add_entry(PersistenceConf *c, char *path, char *source, ConfMode mode, unsigned line) {
        ConfEntry *n = reallocarray(c->entries, c->n_entries + 1, sizeof *n);

        if (!n) {
                free(path);
                free(source);
                return -ENOMEM;
        }
        c->entries = n;
        c->entries[c->n_entries++] =
                (ConfEntry){ .path = path, .source = source, .mode = mode, .line = line };
        return 0;
}

static bool has_control_chars(const char *s) {
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return true;
        return false;
}

/* True when a is b or a directory above b ("home" and "home/x"). */
static bool path_is_prefix(const char *a, const char *b) {
        size_t n = strlen(a);
        return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

static const char *check_path(const char *path) {
        if (strlen(path) > CONF_PATH_MAX)
                return "path is too long";
        if (has_control_chars(path))
                return "path contains control characters";
        if (!path_is_normalized_absolute(path))
                return "not a normalized absolute path (no '.', '..', '//' or trailing '/')";
        if (streq(path, "/"))
                return "the root itself cannot be persisted";
        for (size_t i = 0; i < ELEMENTSOF(runtime_dirs); i++)
                if (path_is_prefix(runtime_dirs[i], path))
                        return "paths in /proc, /sys, /dev and /run cannot be persisted";
        return NULL;
}

/* source is volume-relative; a leading "/" is accepted (live-boot allows
 * both). Returns the normalized relative form or sets *ret_reason. */
static int check_source(const char *value, char **ret, const char **ret_reason) {
        _cleanup_free_ char *abs = NULL;
        const char *rel = path_skip_root(value);

        *ret = NULL;
        *ret_reason = NULL;
        if (asprintf(&abs, "/%s", rel) < 0)
                return -ENOMEM;
        if (strlen(abs) > CONF_PATH_MAX || has_control_chars(abs))
                *ret_reason = "source is too long or contains control characters";
        else if (!path_is_normalized_absolute(abs) || streq(abs, "/"))
                *ret_reason = "source must be a normalized directory below the volume root";
        else if (path_is_prefix(CONF_WORK_DIR, rel))
                *ret_reason = "source is in the reserved directory '" CONF_WORK_DIR "'";
        if (*ret_reason)
                return 0;
        *ret = strdup(rel);
        return *ret ? 0 : -ENOMEM;
}

static int parse_options(char *opts, ConfMode *ret_mode, char **ret_source, const char **ret_reason) {
        bool is_union = false, is_bind = false;

        *ret_reason = NULL;
        for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                const char *v;

                if (streq(o, "union"))
                        is_union = true;
                else if (streq(o, "bind"))
                        is_bind = true;
                else if ((v = startswith(o, "source="))) {
                        free(*ret_source);
                        int r = check_source(v, ret_source, ret_reason);
                        if (r < 0 || *ret_reason)
                                return r;
                } else if (streq(o, "link")) {
                        *ret_reason = "option 'link' is not supported";
                        return 0;
                } else {
                        *ret_reason = "unknown option (known: union, bind, source=DIR)";
                        return 0;
                }
        }
        if (is_union && is_bind) {
                *ret_reason = "'union' and 'bind' exclude each other";
                return 0;
        }
        *ret_mode = is_union ? CONF_MODE_UNION : CONF_MODE_BIND;
        return 0;
}

static const char *check_conflicts(const PersistenceConf *c, const char *path, const char *source) {
        for (size_t i = 0; i < c->n_entries; i++) {
                if (streq(c->entries[i].path, path))
                        return "duplicate path";
                if (path_is_prefix(c->entries[i].source, source) ||
                    path_is_prefix(source, c->entries[i].source))
                        return "source overlaps the source of another entry";
        }
        if (c->n_entries >= CONF_ENTRIES_MAX)
                return "too many entries";
        return NULL;
}

static int parse_line(PersistenceConf *c, char *line, size_t len, unsigned lineno) {
        _cleanup_free_ char *source = NULL;
        const char *reason = NULL;
        ConfMode mode = CONF_MODE_BIND;
        char *fields[3] = {};
        size_t n = 0;
        int r;

        if (memchr(line, '\0', len))
                return add_problem(c, lineno, NULL, "line contains a NUL byte");

        for (char *save = NULL, *f = strtok_r(line, " \t\r\f\v", &save); f;
             f = strtok_r(NULL, " \t\r\f\v", &save)) {
                if (n == 0 && f[0] == '#')
                        return 0;
                if (n == ELEMENTSOF(fields))
                        break;
                fields[n++] = f;
        }
        if (n == 0)
                return 0;
        const char *path = fields[0];
        if (n > 2)
                return add_problem(c, lineno, has_control_chars(path) ? NULL : path,
                                   "too many fields (expected: PATH [OPTIONS])");

        reason = check_path(path);
        if (reason)
                return add_problem(c, lineno, has_control_chars(path) ? NULL : path, reason);

        if (n == 2) {
                r = parse_options(fields[1], &mode, &source, &reason);
                if (r < 0)
                        return r;
                if (reason)
                        return add_problem(c, lineno, path, reason);
        }
        if (!source && !(source = strdup(path_skip_root(path))))
                return -ENOMEM;
        if (path_is_prefix(CONF_WORK_DIR, source)) /* also when it came from the path */
                return add_problem(c, lineno, path,
                                   "source is in the reserved directory '" CONF_WORK_DIR "'");
        reason = check_conflicts(c, path, source);
        if (reason)
                return add_problem(c, lineno, path, reason);

        char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        return add_entry(c, p, TAKE_PTR(source), mode, lineno);
}

static int entry_compare(const void *a, const void *b) {
        return strcmp(((const ConfEntry *) a)->path, ((const ConfEntry *) b)->path);
}

int conf_parse(const char *text, size_t size, PersistenceConf *ret) {
        PersistenceConf c = {};
        unsigned lineno = 0;
        int r = 0;

        if (size > CONF_SIZE_MAX)
                return -E2BIG;

        for (size_t pos = 0; pos < size && r >= 0;) {
                const char *nl = memchr(text + pos, '\n', size - pos);
                size_t len = nl ? (size_t) (nl - (text + pos)) : size - pos;
                char *line = malloc(len + 1);

                if (!line) {
                        r = -ENOMEM;
                        break;
                }
                memcpy(line, text + pos, len);
                line[len] = '\0';
                r = parse_line(&c, line, len, ++lineno);
                free(line);
                pos += len + 1;
        }
        if (r < 0) {
                conf_done(&c);
                return r;
        }
        if (c.n_entries > 1)
                qsort(c.entries, c.n_entries, sizeof c.entries[0], entry_compare);
        *ret = c;
        return 0;
}

int conf_default(PersistenceConf *ret) {
        PersistenceConf c = {};

        for (size_t i = 0; i < ELEMENTSOF(default_paths); i++) {
                char *p = strdup(default_paths[i]);
                char *s = strdup(path_skip_root(default_paths[i]));
                if (!p || !s || add_entry(&c, p, s, CONF_MODE_UNION, 0) < 0) {
                        if (!p || !s) {
                                free(p);
                                free(s);
                        }
                        conf_done(&c);
                        return -ENOMEM;
                }
        }
        qsort(c.entries, c.n_entries, sizeof c.entries[0], entry_compare);
        *ret = c;
        return 0;
}
