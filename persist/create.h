/* SPDX-License-Identifier: MIT */
#pragma once

/* Creating the encrypted persistence volume (nd-persist create, and the boot
 * path for neuraldrive.persist=create).
 *
 * The volume (see persist/VOLUME.md): a GPT partition named "nd-persist" (or
 * an explicitly named device), LUKS2 aes-xts-plain64 with a 512-bit key,
 * argon2id with memory <= min(1 GiB, RAM/2), LUKS2 label "nd-persist"; ext4
 * inside (label "nd-persist-data") with persistence.conf at its root and the
 * upper directory of each union entry at <volume>/<path>.
 *
 * Creation progress is recorded in a LUKS2 token of type "nd-persist-create"
 * ({"state": "formatted" | "keyed" | "filesystem" | "complete"}). A volume
 * whose token is not "complete" (or a LUKS2 header without any keyslot) was
 * left by an interrupted create and holds no data of its own: it is redone
 * from scratch. A "complete" nd-persist volume is never touched, not even
 * with force. */

#include <stdbool.h>
#include <stddef.h>

#define PERSIST_CREATE_PARTITION_NAME "nd-persist"
#define PERSIST_CREATE_LUKS_LABEL "nd-persist"
#define PERSIST_CREATE_FS_LABEL "nd-persist-data"
#define PERSIST_CREATE_MAPPER_NAME "nd-persist"
#define PERSIST_CREATE_TOKEN_TYPE "nd-persist-create"

typedef struct PersistCreateOptions {
        /* The target, a block device node (borrowed). With whole_disk it is a
         * disk carrying (or about to carry) a GPT: a partition named
         * "nd-persist" is added in its largest free region (an existing
         * partition of that name left by an interrupted create is reused).
         * Without whole_disk it is the partition/device to format itself. */
        const char *device;
        bool whole_disk;

        /* Key material for the first keyslot: a passphrase or the content of
         * a key file, key_size bytes (may contain NUL). Borrowed: never
         * copied beyond libcryptsetup's own wiped buffers; the caller wipes
         * it. Never taken from the command line or the environment. */
        const char *key;
        size_t key_size;

        /* Enrol a second keyslot with a generated recovery key, returned in
         * PersistCreateResult.recovery_key. */
        bool recovery_key;

        /* The caller has obtained an explicit, typed confirmation from the
         * user to destroy what the target carries (a filesystem, partition
         * table or LUKS signature other than a complete nd-persist volume).
         * Never set this without asking a human. */
        bool force;

        /* Seed the new volume from this root directory: the current content
         * of each persisted path (persistence.conf's default set) under it is
         * copied to <volume>/<path>. NULL: no seeding (empty upper dirs). */
        const char *seed_root;

        /* NULL-terminated list of device nodes the target (and, with
         * whole_disk, the disk) must be among, compared by device number.
         * NULL: no restriction. Borrowed. */
        char *const *allowed_devices;

        /* Leave the LUKS mapping /dev/mapper/nd-persist open after a
         * successful create, so the boot path can mount it without a second
         * key derivation. Otherwise it is closed again. */
        bool keep_open;

        /* Testing on hosts without device-mapper: stop successfully after the
         * LUKS header, keyslots and token are written, leaving the volume
         * marked incomplete (no filesystem; the next create redoes it). */
        bool stop_after_luks;
} PersistCreateOptions;

typedef struct PersistCreateResult {
        /* The LUKS device node that was formatted (the new partition with
         * whole_disk). Owned: free(). */
        char *volume;
        /* With keep_open: "/dev/mapper/nd-persist"; else NULL. Owned. */
        char *mapper;
        /* With recovery_key: the key, NUL-terminated, 8 groups of 5
         * characters separated by '-', to be shown once and never logged.
         * Owned: release with erase_and_free() (persist_create_result_done()
         * does). NULL otherwise. */
        char *recovery_key;
} PersistCreateResult;

/* Creates the persistence volume as described above. Safety: a target that
 * carries a filesystem, partition table or LUKS signature is refused with
 * -EBUSY unless o->force; a complete nd-persist volume is always refused
 * with -EEXIST; a target outside o->allowed_devices with -EPERM. Logs at
 * debug level only, except for errors the user must see. On success fills
 * *ret (caller releases it with persist_create_result_done()) and returns 0;
 * on failure returns a negative errno and leaves *ret untouched. */
int persist_create(const PersistCreateOptions *o, PersistCreateResult *ret);

/* Frees the strings of r and wipes the recovery key. Accepts a zeroed r. */
void persist_create_result_done(PersistCreateResult *r);
