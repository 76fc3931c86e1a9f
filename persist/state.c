/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd-util.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"

const char *persist_state_to_string(PersistState s) {
        switch (s) {
        case PERSIST_STATE_ACTIVE:
                return "active";
        case PERSIST_STATE_DEGRADED:
                return "degraded";
        default:
                return "disabled";
        }
}

int state_set(BootState *s, PersistState state, const char *format, ...) {
        char *reason = NULL;

        if (format) {
                va_list ap;
                va_start(ap, format);
                int n = vasprintf(&reason, format, ap);
                va_end(ap);
                if (n < 0)
                        return -ENOMEM;
        }
        free(s->reason);
        s->reason = reason;
        s->state = state;
        return 0;
}

static int dup_or_null(const char *in, char **ret) {
        *ret = NULL;
        if (!in)
                return 0;
        *ret = strdup(in);
        return *ret ? 0 : -ENOMEM;
}

int state_add_path(BootState *s, const char *path, const char *mode, const char *source) {
        StatePath p = {};

        if (dup_or_null(path, &p.path) < 0 || dup_or_null(mode, &p.mode) < 0 ||
            dup_or_null(source, &p.source) < 0)
                goto oom;
        StatePath *n = reallocarray(s->paths, s->n_paths + 1, sizeof *n);
        if (!n)
                goto oom;
        s->paths = n;
        s->paths[s->n_paths++] = p;
        return 0;
oom:
        free(p.path);
        free(p.mode);
        free(p.source);
        return -ENOMEM;
}

int state_add_skipped(BootState *s, const char *path, unsigned line, const char *reason) {
        StateSkipped k = { .line = line };

        if (dup_or_null(path, &k.path) < 0 || dup_or_null(reason, &k.reason) < 0)
                goto oom;
        StateSkipped *n = reallocarray(s->skipped, s->n_skipped + 1, sizeof *n);
        if (!n)
                goto oom;
        s->skipped = n;
        s->skipped[s->n_skipped++] = k;
        return 0;
oom:
        free(k.path);
        free(k.reason);
        return -ENOMEM;
}

static void json_string(FILE *f, const char *s) {
        if (!s) {
                fputs("null", f);
                return;
        }
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < 0x20 || *p == 0x7f)
                        fprintf(f, "\\u%04x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

static void json_field(FILE *f, const char *key, const char *value, bool last) {
        fprintf(f, "  \"%s\": ", key);
        json_string(f, value);
        fputs(last ? "\n" : ",\n", f);
}

int state_to_json(const BootState *s, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;

        fputs("{\n  \"version\": 1,\n", f);
        json_field(f, "state", persist_state_to_string(s->state), false);
        json_field(f, "reason", s->reason, false);
        json_field(f, "boot_device", s->boot_device, false);
        json_field(f, "system_device", s->system_device, false);
        json_field(f, "system_image", s->system_image, false);
        fprintf(f, "  \"toram\": %s,\n", s->toram ? "true" : "false");
        json_field(f, "volume", s->volume, false);
        fprintf(f, "  \"encrypted\": %s,\n", s->encrypted < 0 ? "null" : s->encrypted ? "true" : "false");
        json_field(f, "mapper", s->mapper, false);
        json_field(f, "mountpoint", s->mountpoint, false);

        fputs("  \"paths\": [", f);
        for (size_t i = 0; i < s->n_paths; i++) {
                fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", f);
                json_string(f, s->paths[i].path);
                fputs(", \"mode\": ", f);
                json_string(f, s->paths[i].mode);
                fputs(", \"source\": ", f);
                json_string(f, s->paths[i].source);
                fputs("}", f);
        }
        fputs(s->n_paths ? "\n  ],\n" : "],\n", f);

        fputs("  \"skipped\": [", f);
        for (size_t i = 0; i < s->n_skipped; i++) {
                fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", f);
                json_string(f, s->skipped[i].path);
                fprintf(f, ", \"line\": %u, \"reason\": ", s->skipped[i].line);
                json_string(f, s->skipped[i].reason);
                fputs("}", f);
        }
        fputs(s->n_skipped ? "\n  ]\n}\n" : "]\n}\n", f);

        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}

int state_write(const BootState *s, const char *nd_dir) {
        _cleanup_free_ char *json = NULL;
        _cleanup_close_ int dirfd = -EBADF;
        int r;

        r = state_to_json(s, &json);
        if (r < 0)
                return r;
        dirfd = open(nd_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return negative_errno();
        r = write_file_atomic(dirfd, "persist.json", json, strlen(json), 0644, (uid_t) -1, (gid_t) -1, 0);
        return r < 0 ? r : 0;
}

void boot_state_done(BootState *s) {
        free(s->reason);
        free(s->boot_device);
        free(s->system_device);
        free(s->system_image);
        free(s->volume);
        free(s->mapper);
        free(s->mountpoint);
        for (size_t i = 0; i < s->n_paths; i++) {
                free(s->paths[i].path);
                free(s->paths[i].mode);
                free(s->paths[i].source);
        }
        free(s->paths);
        for (size_t i = 0; i < s->n_skipped; i++) {
                free(s->skipped[i].path);
                free(s->skipped[i].reason);
        }
        free(s->skipped);
        *s = (BootState){ .encrypted = -1 };
}
