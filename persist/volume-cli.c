/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask-tty.h"
#include "fd-util.h"
#include "fileio.h"
#include "json-flat.h"
#include "log.h"
#include "memory-util.h"
#include "volume-cli.h"

/* Reads a file named by the user (absolute or relative to the working
 * directory, symlinks followed as any tool would). */
static int read_file(const char *path, size_t max, ReadFullFlags flags, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        return read_full_fd(fd, max, flags, ret, ret_size);
}

static int get_field(const char *json, size_t size, const char *key, char **ret) {
        int r = json_flat_get_string(json, size, key, ret);
        if (r == -ENOENT || r == -EMEDIUMTYPE) { /* absent or null */
                *ret = NULL;
                return 0;
        }
        return r;
}

int volume_state_read(const char *run_dir, VolumeState *ret) {
        _cleanup_free_ char *path = NULL, *json = NULL;
        VolumeState s = {};
        size_t size;
        int r;

        if (asprintf(&path, "%s/neuraldrive/persist.json", run_dir) < 0)
                return -ENOMEM;
        r = read_file(path, JSON_FLAT_MAX_SIZE, 0, &json, &size);
        if (r < 0)
                return r;
        if ((r = get_field(json, size, "state", &s.state)) < 0 ||
            (r = get_field(json, size, "reason", &s.reason)) < 0 ||
            (r = get_field(json, size, "boot_device", &s.boot_device)) < 0 ||
            (r = get_field(json, size, "volume", &s.volume)) < 0 ||
            (r = get_field(json, size, "mapper", &s.mapper)) < 0 ||
            (r = get_field(json, size, "mountpoint", &s.mountpoint)) < 0) {
                volume_state_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

void volume_state_done(VolumeState *s) {
        free(s->state);
        free(s->reason);
        free(s->boot_device);
        free(s->volume);
        free(s->mapper);
        free(s->mountpoint);
        *s = (VolumeState){};
}

int volume_cli_split_devices(char *s, char *out[static VOLUME_CLI_DEVICES_MAX + 1]) {
        size_t n = 0;
        char *save = NULL;

        if (s[0] == '\0' || s[0] == ',' || strstr(s, ",,") || s[strlen(s) - 1] == ',')
                return -EINVAL;
        for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (n >= VOLUME_CLI_DEVICES_MAX)
                        return -EINVAL;
                out[n++] = t;
        }
        out[n] = NULL;
        return 0;
}

int volume_cli_get_key(const char *key_file, int fd, const char *prompt, int is_new, char **ret,
                       size_t *ret_size) {
        _cleanup_erase_free_ char *key = NULL;
        size_t size = 0;
        int r;

        if (key_file) {
                /* The same bound as cryptsetup's default key file size. */
                r = read_file(key_file, 8192 * 1024, READ_FULL_SECRET, &key, &size);
                if (r < 0)
                        return log_error_errno(r, "Failed to read key file '%s': %m", key_file);
                if (size == 0)
                        return log_error_errno(-EINVAL, "Key file '%s' is empty", key_file);
        } else if (fd >= 0) {
                r = ask_fd_passphrase(fd, &key, &size);
                if (r == -EINVAL)
                        return log_error_errno(r, "The passphrase read from fd %d is empty", fd);
                if (r < 0)
                        return log_error_errno(r, "Failed to read a passphrase from fd %d: %m", fd);
        } else {
                r = is_new ? ask_tty_new_secret(prompt, &key) : ask_tty_secret(prompt, &key);
                if (r == -ENXIO)
                        return log_error_errno(
                                r,
                                "No terminal to ask for a passphrase on; use --passphrase-fd or --key-file");
                if (r < 0)
                        return log_error_errno(r, "Failed to read a passphrase: %m");
                size = strlen(key);
                if (size == 0)
                        return log_error_errno(-EINVAL, "An empty passphrase is not accepted");
        }
        *ret = TAKE_PTR(key);
        *ret_size = size;
        return 0;
}
