/* SPDX-License-Identifier: MIT */
#pragma once

/* Maintaining an existing persistence volume: keyslots, status, close. */

#include <stdbool.h>
#include <stddef.h>

/* Adds a keyslot for new_key to the LUKS2 volume on device, authorised by
 * key (an existing passphrase, recovery key or key file content). Keys are
 * borrowed. New keyslots use argon2id bounded by this machine's RAM.
 * Returns the new keyslot number, -EPERM when key opens no keyslot, or
 * another negative errno. */
int volume_passphrase_add(const char *device, const char *key, size_t key_size, const char *new_key,
                          size_t new_key_size);

/* Replaces the keyslot that key opens with one for new_key. Returns the
 * new keyslot number, -EPERM for a wrong key, or a negative errno. */
int volume_passphrase_change(const char *device, const char *key, size_t key_size, const char *new_key,
                             size_t new_key_size);

/* Removes the keyslot that key opens, refusing (-EBUSY) to remove the last
 * one (that would lock the data away for good). Returns the removed
 * keyslot number, -EPERM for a wrong key, or a negative errno. */
int volume_passphrase_remove(const char *device, const char *key, size_t key_size);

typedef struct VolumeInfo {
        bool active;  /* the mapping exists */
        char *device; /* the LUKS device behind the mapping, or NULL */
        char *cipher; /* "aes-xts-plain64" */
        int key_bits;
        int keyslots;         /* active keyslots, -1 unknown */
        char *label;          /* LUKS2 label */
        char *creation_state; /* nd-persist-create token state, or NULL */
} VolumeInfo;

/* Describes the LUKS mapping mapper_name (e.g. "nd-persist"), or, when it is
 * not active and device is non-NULL, the LUKS2 header on device. Returns 0
 * and *ret (release with volume_info_done()), or a negative errno. */
int volume_info(const char *mapper_name, const char *device, VolumeInfo *ret);
void volume_info_done(VolumeInfo *i);

/* Reads mountinfo (a file in /proc/self/mountinfo's format) and collects,
 * in the order to unmount them (children first), the mount points that
 * belong to the volume mounted at mountpoint: the volume itself, anything
 * mounted below it, bind mounts of the same filesystem elsewhere, and
 * overlays whose upperdir or workdir lies on it. Returns 0 and a
 * NULL-terminated list *ret (owned; free each string and the array), or a
 * negative errno (-ENOENT: nothing is mounted at mountpoint). */
int volume_close_plan(const char *mountinfo, const char *mountpoint, char ***ret);

/* Unmounts what volume_close_plan() finds on /proc/self/mountinfo and
 * closes the LUKS mapping mapper_name. Nothing mounted and no mapping is
 * success (already closed). Stops at the first mount that cannot be
 * unmounted (-EBUSY: something still uses it), leaving the mapping open.
 * Returns 0 or a negative errno. */
int volume_close(const char *mountpoint, const char *mapper_name);
