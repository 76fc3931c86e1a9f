/* SPDX-License-Identifier: MIT */
#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "create.h"
#include "fd-util.h"
#include "fileio.h"
#include "fs-util.h"
#include "log.h"
#include "luks.h"
#include "memory-util.h"
#include "mkfs.h"
#include "partition.h"
#include "populate.h"
#include "recovery-key.h"

/* Progress recorded in the token, in order. */
#define STATE_FORMATTED "formatted"
#define STATE_KEYED "keyed"
#define STATE_FILESYSTEM "filesystem"
#define STATE_COMPLETE "complete"

DEFINE_TRIVIAL_CLEANUP_FUNC(blkid_probe, blkid_free_probe);

/* Test seam, the one place it is read: ND_PERSIST_TEST_FAIL_AT=<step> makes
 * the create stop dead right after that step, as a power cut would, so tests
 * can prove that a rerun finishes or redoes it. Steps: partition, formatted,
 * keyed, filesystem. */
static int fault_point(const char *step) {
        const char *want = getenv("ND_PERSIST_TEST_FAIL_AT");

        if (want && streq(want, step)) {
                log_error("Interrupting create after step '%s' (ND_PERSIST_TEST_FAIL_AT)", step);
                return -EINTR;
        }
        return 0;
}

/* What a target carries, decided before anything is written. */
typedef enum TargetKind {
        TARGET_BLANK,      /* no signature: format */
        TARGET_INCOMPLETE, /* our own interrupted create: redo */
        TARGET_FOREIGN,    /* some filesystem/table/LUKS: only with force */
        TARGET_COMPLETE,   /* a finished nd-persist volume: never */
} TargetKind;

/* Looks for the first superblock or partition-table signature on node.
 * *ret_type (owned) is blkid's TYPE or PTTYPE, NULL when node is blank;
 * *ret_table tells which. Returns 0 or a negative errno. */
static int probe_signature(const char *node, char **ret_type, bool *ret_table) {
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        const char *type = NULL;
        bool table = false;
        int r;

        errno = 0;
        pr = blkid_new_probe_from_filename(node);
        if (!pr)
                return errno > 0 ? -errno : -ENOMEM;
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);

        r = blkid_do_safeprobe(pr);
        if (r == 1) {
                *ret_type = NULL;
                *ret_table = false;
                return 0;
        }
        if (r == -2)
                type = "ambivalent";
        else if (r < 0)
                return -EIO;
        else if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) < 0) {
                if (blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0)
                        table = true;
                else
                        type = "unknown";
        }
        *ret_type = strdup(type);
        if (!*ret_type)
                return -ENOMEM;
        *ret_table = table;
        return 0;
}

static int describe(const char *type, bool table, char **ret) {
        if (asprintf(ret, table ? "a %s partition table" : "a %s signature", type) < 0)
                return -ENOMEM;
        return 0;
}

static int classify_target(const char *node, TargetKind *ret_kind, char **ret_what) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        _cleanup_free_ char *type = NULL, *state = NULL;
        bool table;
        int r;

        r = probe_signature(node, &type, &table);
        if (r < 0)
                return log_debug_errno(r, "Failed to probe '%s': %m", node);
        if (!type) {
                *ret_kind = TARGET_BLANK;
                *ret_what = NULL;
                return 0;
        }
        *ret_kind = TARGET_FOREIGN;
        if (!table && streq(type, "crypto_LUKS")) {
                r = luks_init(node, &cd);
                if (r < 0)
                        return r;
                if (luks_load(cd) >= 0) { /* else LUKS1 or a damaged header: foreign */
                        r = luks_token_get_state(cd, &state);
                        if (r >= 0 && streq(state, STATE_COMPLETE))
                                *ret_kind = TARGET_COMPLETE;
                        else if (r >= 0 || (luks_count_keyslots(cd) == 0 &&
                                            streq(strempty(crypt_get_label(cd)), PERSIST_CREATE_LUKS_LABEL)))
                                /* Our token short of complete, or our label
                                 * on a header without any keyslot (cut off
                                 * before the token was written): nobody can
                                 * have stored data in it. */
                                *ret_kind = TARGET_INCOMPLETE;
                        else if (r != -ENOENT)
                                return r; /* a malformed token: do not guess */
                }
        }
        return describe(type, table, ret_what);
}

/* Erases every signature blkid knows on node (as wipefs -a), so that no
 * stale filesystem or backup GPT survives next to the new LUKS header. */
static int wipe_signatures(const char *node) {
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        _cleanup_close_ int fd = -EBADF;

        fd = open(node, O_RDWR | O_CLOEXEC | O_EXCL);
        if (fd < 0)
                return log_debug_errno(negative_errno(), "Failed to open '%s' exclusively: %m", node);
        pr = blkid_new_probe();
        if (!pr)
                return -ENOMEM;
        if (blkid_probe_set_device(pr, fd, 0, 0) < 0)
                return -EIO;
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
        while (blkid_do_probe(pr) == 0)
                if (blkid_do_wipe(pr, 0) < 0)
                        return log_debug_errno(-EIO, "Failed to wipe a signature on '%s'", node);
        if (fsync(fd) < 0)
                return negative_errno();
        return 0;
}

static bool device_allowed(const char *node, char *const *allowed) {
        struct stat st, a;

        if (!allowed)
                return true;
        if (stat(node, &st) < 0 || !S_ISBLK(st.st_mode))
                return false;
        for (char *const *p = allowed; *p; p++)
                if (stat(*p, &a) == 0 && S_ISBLK(a.st_mode) && a.st_rdev == st.st_rdev)
                        return true;
        return false;
}

/* Makes the filesystem inside the open mapping, then fills it. */
static int make_filesystem(struct crypt_device *cd, const char *mapper, const char *seed_root) {
        int r;

        r = mkfs_ext4(mapper, PERSIST_CREATE_FS_LABEL);
        if (r < 0)
                return log_error_errno(r, "Failed to make ext4 on '%s': %m", mapper);
        r = luks_token_set_state(cd, STATE_FILESYSTEM);
        if (r < 0)
                return r;
        r = fault_point(STATE_FILESYSTEM);
        if (r < 0)
                return r;
        return populate_device(mapper, seed_root);
}

static int activate(struct crypt_device *cd, const char *node, char **ret_mapper) {
        char *mapper;
        int r;

        /* The volume key crypt_format() made is still in cd: no second key
         * derivation. */
        r = crypt_activate_by_volume_key(cd, PERSIST_CREATE_MAPPER_NAME, NULL, 0, 0);
        /* Opening /dev/mapper/control autoloads dm_mod, so only after a
         * failed attempt does a missing driver mean there is none. */
        if (r < 0 && access("/sys/class/misc/device-mapper", F_OK) < 0)
                return log_error_errno(-ENODEV,
                                       "device-mapper is not available here: the LUKS2 volume on '%s' "
                                       "is formatted and keyed but has no filesystem yet; it stays marked "
                                       "incomplete and the next create redoes it",
                                       node);
        if (r < 0)
                return log_error_errno(r, "Failed to open the new LUKS2 volume on '%s': %m", node);
        if (asprintf(&mapper, "/dev/mapper/%s", PERSIST_CREATE_MAPPER_NAME) < 0) {
                (void) crypt_deactivate(cd, PERSIST_CREATE_MAPPER_NAME);
                return -ENOMEM;
        }
        *ret_mapper = mapper;
        return 0;
}

/* Resolves the device to format: the target itself, or the nd-persist
 * partition on the whole disk. Returns 0 and *ret_node (owned). */
static int resolve_target(const PersistCreateOptions *o, char **ret_node) {
        _cleanup_free_ char *type = NULL;
        bool create_gpt = false, table;
        int r;

        if (!device_allowed(o->device, o->allowed_devices))
                return log_error_errno(-EPERM, "'%s' is not among the allowed devices, refusing", o->device);
        if (!o->whole_disk) {
                *ret_node = strdup(o->device);
                return *ret_node ? 0 : -ENOMEM;
        }

        r = probe_signature(o->device, &type, &table);
        if (r < 0)
                return log_error_errno(r, "Failed to probe '%s': %m", o->device);
        if (!type)
                create_gpt = true; /* blank disk: give it a GPT */
        else if (!table) {
                /* A filesystem or LUKS on the whole disk: no free space to
                 * speak of; only a confirmed force turns it into a GPT disk. */
                _cleanup_free_ char *what = NULL;
                r = describe(type, table, &what);
                if (r < 0)
                        return r;
                if (!o->force)
                        return log_error_errno(-EBUSY, "'%s' carries %s, refusing without --force",
                                               o->device, what);
                r = wipe_signatures(o->device);
                if (r < 0)
                        return log_error_errno(r, "Failed to wipe '%s': %m", o->device);
                create_gpt = true;
        }
        r = partition_ensure(o->device, PERSIST_CREATE_PARTITION_NAME, create_gpt, ret_node);
        if (r == -EMEDIUMTYPE)
                return log_error_errno(r, "'%s' has a partition table that is not GPT, refusing", o->device);
        if (r == -ENOSPC)
                return log_error_errno(r, "'%s' has no free region of at least %llu MiB", o->device,
                                       (unsigned long long) (PARTITION_MIN_BYTES >> 20));
        if (r < 0)
                return log_error_errno(r, "Failed to make the nd-persist partition on '%s': %m", o->device);
        log_info("%s partition '%s' on '%s'", r > 0 ? "Added" : "Reusing", *ret_node, o->device);
        return fault_point("partition");
}

int persist_create(const PersistCreateOptions *o, PersistCreateResult *ret) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        _cleanup_free_ char *node = NULL, *what = NULL, *mapper = NULL;
        _cleanup_erase_free_ char *recovery = NULL;
        TargetKind kind = TARGET_FOREIGN;
        int r;

        if (!o->device || !o->key || o->key_size == 0)
                return -EINVAL;
        luks_setup_logging();

        r = resolve_target(o, &node);
        if (r < 0)
                return r;

        r = classify_target(node, &kind, &what);
        if (r < 0)
                return log_error_errno(r, "Failed to inspect '%s': %m", node);
        switch (kind) {
        case TARGET_COMPLETE:
                return log_error_errno(
                        -EEXIST, "'%s' already holds a complete nd-persist volume, refusing to touch it",
                        node);
        case TARGET_FOREIGN:
                if (!o->force)
                        return log_error_errno(-EBUSY, "'%s' carries %s, refusing without --force", node,
                                               what);
                log_warning("'%s' carries %s, destroying it as confirmed", node, what);
                break;
        case TARGET_INCOMPLETE:
                log_info("'%s' holds an interrupted create, redoing it", node);
                break;
        case TARGET_BLANK:
                break;
        }

        if (o->recovery_key) {
                r = recovery_key_generate(&recovery);
                if (r < 0)
                        return log_error_errno(r, "Failed to generate a recovery key: %m");
        }

        if (kind != TARGET_BLANK) {
                r = wipe_signatures(node);
                if (r < 0)
                        return log_error_errno(r, "Failed to wipe '%s': %m", node);
        }
        r = luks_init(node, &cd);
        if (r < 0)
                return log_error_errno(r, "Failed to open '%s': %m", node);
        r = luks_format(cd, PERSIST_CREATE_LUKS_LABEL);
        if (r < 0)
                return log_error_errno(r, "Failed to format '%s' as LUKS2: %m", node);
        r = luks_token_set_state(cd, STATE_FORMATTED);
        if (r < 0)
                return log_error_errno(r, "Failed to record creation state on '%s': %m", node);
        r = fault_point(STATE_FORMATTED);
        if (r < 0)
                return r;

        r = luks_add_key_after_format(cd, o->key, o->key_size);
        if (r < 0)
                return log_error_errno(r, "Failed to add the key to '%s': %m", node);
        if (recovery) {
                r = luks_add_key_after_format(cd, recovery, strlen(recovery));
                if (r < 0)
                        return log_error_errno(r, "Failed to add the recovery key to '%s': %m", node);
        }
        r = luks_token_set_state(cd, STATE_KEYED);
        if (r < 0)
                return log_error_errno(r, "Failed to record creation state on '%s': %m", node);
        r = fault_point(STATE_KEYED);
        if (r < 0)
                return r;

        if (!o->stop_after_luks) {
                r = activate(cd, node, &mapper);
                if (r < 0)
                        return r;
                r = make_filesystem(cd, mapper, o->seed_root);
                if (r >= 0)
                        r = luks_token_set_state(cd, STATE_COMPLETE);
                if (r < 0 || !o->keep_open) {
                        int k = crypt_deactivate(cd, PERSIST_CREATE_MAPPER_NAME);
                        if (k < 0)
                                log_error_errno(k, "Failed to close '%s': %m", mapper);
                        free(mapper);
                        mapper = NULL;
                }
                if (r < 0)
                        return log_error_errno(r, "Failed to finish the volume on '%s': %m", node);
        } else
                log_notice("Stopped after the LUKS2 step as asked: '%s' has no filesystem yet and "
                           "stays marked incomplete; the next create redoes it",
                           node);

        *ret = (PersistCreateResult){
                .volume = TAKE_PTR(node),
                .mapper = TAKE_PTR(mapper),
                .recovery_key = TAKE_PTR(recovery),
        };
        return 0;
}

void persist_create_result_done(PersistCreateResult *r) {
        free(r->volume);
        free(r->mapper);
        erase_and_free(r->recovery_key);
        *r = (PersistCreateResult){};
}
