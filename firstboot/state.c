/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"

static const char *const key_names[_STATE_KEY_MAX] = {
        [STATE_VERSION] = "VERSION",
        [STATE_FIRST_BOOT] = "FIRST_BOOT",
        [STATE_MACHINE_ID] = "MACHINE_ID",
        [STATE_HOSTNAME] = "HOSTNAME",
        [STATE_CA_CREATED] = "CA_CREATED",
        [STATE_CA_FINGERPRINT] = "CA_FINGERPRINT",
        [STATE_SERVER_CERT_ISSUED] = "SERVER_CERT_ISSUED",
        [STATE_SERVER_CERT_NOT_AFTER] = "SERVER_CERT_NOT_AFTER",
        [STATE_SERVER_CERT_FINGERPRINT] = "SERVER_CERT_FINGERPRINT",
        [STATE_API_KEY_CREATED] = "API_KEY_CREATED",
        [STATE_ADMIN_PASSWORD_SET] = "ADMIN_PASSWORD_SET",
        [STATE_SSH_HOST_KEY_CREATED] = "SSH_HOST_KEY_CREATED",
        [STATE_SSH_ED25519_FINGERPRINT] = "SSH_ED25519_FINGERPRINT",
        [STATE_SSH_ECDSA_FINGERPRINT] = "SSH_ECDSA_FINGERPRINT",
        [STATE_LAST_REPROVISION] = "LAST_REPROVISION",
        [STATE_LAST_REPROVISION_ITEMS] = "LAST_REPROVISION_ITEMS",
        [STATE_LAST_BACKUP] = "LAST_BACKUP",
};

const char *state_key_to_string(StateKey k) {
        return k < _STATE_KEY_MAX ? key_names[k] : NULL;
}

void state_done(State *s) {
        for (unsigned i = 0; i < _STATE_KEY_MAX; i++)
                free(s->values[i]);
        *s = (State){};
}

int state_set(State *s, StateKey k, const char *value) {
        char *v = NULL;

        if (k >= _STATE_KEY_MAX)
                return -EINVAL;
        if (value && !(v = strdup(value)))
                return -ENOMEM;
        free(s->values[k]);
        s->values[k] = v;
        return 0;
}

const char *state_get(const State *s, StateKey k) {
        return k < _STATE_KEY_MAX ? s->values[k] : NULL;
}

int state_load(int rootfd, State *s) {
        _cleanup_free_ char *data = NULL;
        int r;

        r = read_full_file_beneath(rootfd, STATE_FILE, 64 * 1024, 0, &data, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        for (char *line = data, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                char *eq = strchr(line, '=');
                if (!eq)
                        continue;
                *eq = '\0';
                for (unsigned k = 0; k < _STATE_KEY_MAX; k++)
                        if (streq(line, key_names[k]) && (r = state_set(s, k, eq + 1)) < 0)
                                return r;
        }
        return 0;
}

int state_save(int rootfd, const State *s, bool chown_files) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        fputs("# Written by nd-firstboot; what was provisioned and when. No secrets.\n", f);
        for (unsigned k = 0; k < _STATE_KEY_MAX; k++)
                if (s->values[k])
                        fprintf(f, "%s=%s\n", key_names[k], s->values[k]);
        if (fclose(f) != 0)
                return -ENOMEM;
        r = write_file_atomic(rootfd, STATE_FILE, text, size, 0644, chown_files ? 0 : (uid_t) -1,
                              chown_files ? 0 : (gid_t) -1,
                              WRITE_ATOMIC_MKDIR_PARENTS | WRITE_ATOMIC_SKIP_UNCHANGED);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", STATE_FILE);
        return r;
}

static void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < 0x20)
                        fprintf(f, "\\u%04x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

int state_print(const State *s, FILE *f, bool json) {
        bool provisioned = s->values[STATE_FIRST_BOOT] != NULL;

        if (!json) {
                fprintf(f, "Provisioned: %s\n", provisioned ? "yes" : "no");
                for (unsigned k = 0; k < _STATE_KEY_MAX; k++)
                        if (s->values[k])
                                fprintf(f, "%s: %s\n", key_names[k], s->values[k]);
                return fflush(f) == 0 ? 0 : -EIO;
        }

        fprintf(f, "{\"provisioned\":%s", provisioned ? "true" : "false");
        for (unsigned k = 0; k < _STATE_KEY_MAX; k++) {
                if (!s->values[k])
                        continue;
                fputs(",\"", f);
                for (const char *c = key_names[k]; *c; c++)
                        fputc(tolower((unsigned char) *c), f);
                fputs("\":", f);
                if (k == STATE_VERSION)
                        fputs(s->values[k][0] && strspn(s->values[k], "0123456789") == strlen(s->values[k])
                                      ? s->values[k]
                                      : "null",
                              f);
                else
                        json_string(f, s->values[k]);
        }
        fputs("}\n", f);
        return fflush(f) == 0 ? 0 : -EIO;
}

void state_now(char *buf, size_t size) {
        time_t t = time(NULL);
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
