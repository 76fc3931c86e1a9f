/* SPDX-License-Identifier: MIT */
#include "machine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "random-util.h"

bool machine_id_is_valid(const char *s) {
        if (!s || strlen(s) != 32 || strspn(s, "0123456789abcdef") != 32)
                return false;
        return strspn(s, "0") != 32;
}

bool machine_hostname_is_valid(const char *s) {
        size_t n = s ? strlen(s) : 0;

        if (n == 0 || n > MACHINE_HOSTNAME_MAX || s[0] == '-' || s[n - 1] == '-')
                return false;
        return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Reads the first line of a small file; "" when missing. */
static int read_line(int rootfd, const char *path, char *buf, size_t size) {
        _cleanup_free_ char *data = NULL;
        int r;

        r = read_full_file_beneath(rootfd, path, 4096, 0, &data, NULL);
        if (r == -ENOENT) {
                buf[0] = '\0';
                return 0;
        }
        if (r < 0)
                return r;
        data[strcspn(data, "\n")] = '\0';
        snprintf(buf, size, "%s", data);
        return 0;
}

static int new_machine_id(char ret[static 33]) {
        unsigned char b[16];
        int r;

        r = random_bytes(b, sizeof b);
        if (r < 0)
                return r;
        /* RFC 4122 version 4, as systemd makes them */
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        for (size_t i = 0; i < sizeof b; i++)
                snprintf(ret + 2 * i, 3, "%02x", b[i]);
        return 0;
}

static int persist_and_apply(int rootfd, const char *persisted, const char *target, const char *value,
                             bool create, mode_t mode, bool chown_files) {
        char line[128];
        uid_t uid = chown_files ? 0 : (uid_t) -1;
        gid_t gid = chown_files ? 0 : (gid_t) -1;
        int r;

        snprintf(line, sizeof line, "%s\n", value);
        if (create) {
                r = write_file_atomic(rootfd, persisted, line, strlen(line), 0644, uid, gid,
                                      WRITE_ATOMIC_MKDIR_PARENTS);
                if (r < 0)
                        return log_error_errno(r, "Failed to write '%s': %m", persisted);
        }
        r = write_file_atomic(rootfd, target, line, strlen(line), mode, uid, gid,
                              WRITE_ATOMIC_SKIP_UNCHANGED | WRITE_ATOMIC_MKDIR_PARENTS);
        if (r == -EBUSY) {
                /* A mount point: systemd binds a transient machine-id over an
                 * empty /etc/machine-id when no initramfs provisioned the root.
                 * The running system keeps it; the stored value applies from
                 * the next boot. */
                log_notice("'%s' is a mount point, keeping it for this boot; '%s' applies from the next boot",
                           target, persisted);
                return create;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", target);
        return create;
}

int machine_ensure_id(int rootfd, bool chown_files, char ret_id[static 33]) {
        char id[64];
        bool create = false;
        int r;

        r = read_line(rootfd, MACHINE_PERSISTED_ID, id, sizeof id);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", MACHINE_PERSISTED_ID);
        if (id[0] && !machine_id_is_valid(id))
                log_warning("'%s' does not hold a valid machine ID, making a new one", MACHINE_PERSISTED_ID);
        if (!machine_id_is_valid(id)) {
                create = true;
                r = read_line(rootfd, "/etc/machine-id", id, sizeof id);
                if (r < 0 || !machine_id_is_valid(id)) {
                        r = new_machine_id(id);
                        if (r < 0)
                                return log_error_errno(r, "Failed to generate a machine ID: %m");
                }
        }
        r = persist_and_apply(rootfd, MACHINE_PERSISTED_ID, "/etc/machine-id", id, create, 0444,
                              chown_files);
        if (r < 0)
                return r;
        memcpy(ret_id, id, 33);
        return r;
}

int machine_ensure_hostname(int rootfd, bool chown_files, char ret[static MACHINE_HOSTNAME_MAX + 1]) {
        char name[128];
        bool create = false;
        int r;

        r = read_line(rootfd, MACHINE_PERSISTED_HOSTNAME, name, sizeof name);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", MACHINE_PERSISTED_HOSTNAME);
        if (name[0] && !machine_hostname_is_valid(name))
                log_warning("'%s' does not hold a valid host name, using '%s'", MACHINE_PERSISTED_HOSTNAME,
                            MACHINE_DEFAULT_HOSTNAME);
        if (!machine_hostname_is_valid(name)) {
                create = true;
                snprintf(name, sizeof name, "%s", MACHINE_DEFAULT_HOSTNAME);
        }
        r = persist_and_apply(rootfd, MACHINE_PERSISTED_HOSTNAME, "/etc/hostname", name, create, 0644,
                              chown_files);
        if (r < 0)
                return r;
        /* valid, so at most MACHINE_HOSTNAME_MAX characters */
        memcpy(ret, name, strlen(name) + 1);
        return r;
}
