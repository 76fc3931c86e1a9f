/* SPDX-License-Identifier: MIT */
#pragma once

/* Pieces the volume verbs (create, status, passphrase, close) share:
 * reading the boot path's persist.json and getting key material. */

#include <stddef.h>

#define VOLUME_CLI_DEVICES_MAX 16

/* The fields of <run_dir>/neuraldrive/persist.json the volume verbs use
 * (schema in state.h); a field absent or null in the file is NULL. */
typedef struct VolumeState {
        char *state;
        char *reason;
        char *boot_device;
        char *volume;
        char *mapper;
        char *mountpoint;
} VolumeState;

/* Reads <run_dir>/neuraldrive/persist.json. Returns 0 and fills *ret
 * (release with volume_state_done()), -ENOENT when there is no such file,
 * -EINVAL when it is not a JSON object, or another negative errno. */
int volume_state_read(const char *run_dir, VolumeState *ret);
void volume_state_done(VolumeState *s);

/* Splits a comma-separated device list into the NULL-terminated array out
 * (pointers into s, which is modified), at most VOLUME_CLI_DEVICES_MAX
 * entries. Returns 0 or -EINVAL (empty entry, too many). */
int volume_cli_split_devices(char *s, char *out[static VOLUME_CLI_DEVICES_MAX + 1]);

/* Gets key material: from key_file (whole content, exact bytes), else from
 * fd (a line), else typed on the terminal (twice when is_new). *ret is owned
 * and wiped on release (erase_and_free()). Returns 0 or a negative errno,
 * after saying what failed. */
int volume_cli_get_key(const char *key_file, int fd, const char *prompt, int is_new, char **ret,
                       size_t *ret_size);
