/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "log.h"
#include "luks.h"
#include "volume.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_table *, mnt_unref_table);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_iter *, mnt_free_iter);

static int open_header(const char *device, struct crypt_device **ret) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        int r;

        r = luks_init(device, &cd);
        if (r < 0)
                return r;
        r = luks_load(cd);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(cd);
        return 0;
}

int volume_passphrase_add(const char *device, const char *key, size_t key_size, const char *new_key,
                          size_t new_key_size) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        int r;

        r = open_header(device, &cd);
        if (r < 0)
                return r;
        r = luks_set_pbkdf(cd);
        if (r < 0)
                return r;
        r = crypt_keyslot_add_by_passphrase(cd, CRYPT_ANY_SLOT, key, key_size, new_key, new_key_size);
        if (r < 0)
                return log_debug_errno(r, "Failed to add a keyslot to '%s': %m", device);
        return r;
}

int volume_passphrase_change(const char *device, const char *key, size_t key_size, const char *new_key,
                             size_t new_key_size) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        int r;

        r = open_header(device, &cd);
        if (r < 0)
                return r;
        r = luks_set_pbkdf(cd);
        if (r < 0)
                return r;
        r = crypt_keyslot_change_by_passphrase(cd, CRYPT_ANY_SLOT, CRYPT_ANY_SLOT, key, key_size, new_key,
                                               new_key_size);
        if (r < 0)
                return log_debug_errno(r, "Failed to change a keyslot of '%s': %m", device);
        return r;
}

int volume_passphrase_remove(const char *device, const char *key, size_t key_size) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        int slot, r;

        r = open_header(device, &cd);
        if (r < 0)
                return r;
        /* A NULL name only checks the key and names its keyslot. */
        slot = crypt_activate_by_passphrase(cd, NULL, CRYPT_ANY_SLOT, key, key_size, 0);
        if (slot < 0)
                return log_debug_errno(slot, "No keyslot of '%s' opens with this key: %m", device);
        if (luks_count_keyslots(cd) <= 1)
                return log_debug_errno(-EBUSY, "Keyslot %d is the last one of '%s'", slot, device);
        r = crypt_keyslot_destroy(cd, slot);
        if (r < 0)
                return log_debug_errno(r, "Failed to remove keyslot %d of '%s': %m", slot, device);
        return slot;
}

static int info_from(struct crypt_device *cd, VolumeInfo *i) {
        const char *cipher = crypt_get_cipher(cd), *mode = crypt_get_cipher_mode(cd);
        const char *label = crypt_get_label(cd), *dev = crypt_get_device_name(cd);
        char *state = NULL;

        if (cipher && mode && asprintf(&i->cipher, "%s-%s", cipher, mode) < 0)
                return -ENOMEM;
        i->key_bits = crypt_get_volume_key_size(cd) * 8;
        i->keyslots = luks_count_keyslots(cd);
        if (label && label[0] && !(i->label = strdup(label)))
                return -ENOMEM;
        if (dev && !(i->device = strdup(dev)))
                return -ENOMEM;
        if (luks_token_get_state(cd, &state) >= 0)
                i->creation_state = state;
        return 0;
}

int volume_info(const char *mapper_name, const char *device, VolumeInfo *ret) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        VolumeInfo i = { .keyslots = -1 };
        crypt_status_info st;
        int r;

        luks_setup_logging();
        st = mapper_name ? crypt_status(NULL, mapper_name) : CRYPT_INACTIVE;
        if (st == CRYPT_ACTIVE || st == CRYPT_BUSY) {
                i.active = true;
                r = crypt_init_by_name(&cd, mapper_name);
                if (r < 0)
                        return log_debug_errno(r, "Failed to inspect mapping '%s': %m", mapper_name);
        } else if (device) {
                r = open_header(device, &cd);
                if (r < 0)
                        return r;
        }
        if (cd) {
                r = info_from(cd, &i);
                if (r < 0) {
                        volume_info_done(&i);
                        return r;
                }
        }
        *ret = i;
        return 0;
}

void volume_info_done(VolumeInfo *i) {
        free(i->device);
        free(i->cipher);
        free(i->label);
        free(i->creation_state);
        *i = (VolumeInfo){ .keyslots = -1 };
}

/* True when the overlay option name (upperdir/workdir) in options points
 * at or below mountpoint. */
static bool option_below(const char *options, const char *name, const char *mountpoint) {
        char *value = NULL;
        size_t len = 0, l = strlen(mountpoint);

        if (!options || mnt_optstr_get_option(options, name, &value, &len) != 0 || !value)
                return false;
        return len >= l && strncmp(value, mountpoint, l) == 0 && (len == l || value[l] == '/');
}

int volume_close_plan(const char *mountinfo, const char *mountpoint, char ***ret) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *tb = NULL;
        _cleanup_(mnt_free_iterp) struct libmnt_iter *it = NULL;
        struct libmnt_fs *fs, *volume = NULL;
        size_t n = 0, l = strlen(mountpoint);
        char **list = NULL;
        dev_t devno;
        int r;

        tb = mnt_new_table();
        it = mnt_new_iter(MNT_ITER_BACKWARD);
        if (!tb || !it)
                return -ENOMEM;
        r = mnt_table_parse_file(tb, mountinfo);
        if (r < 0)
                return log_debug_errno(r, "Failed to parse '%s': %m", mountinfo);

        /* The topmost mount at mountpoint is the volume. */
        while (mnt_table_next_fs(tb, it, &fs) == 0)
                if (streq(mnt_fs_get_target(fs), mountpoint)) {
                        volume = fs;
                        break;
                }
        if (!volume)
                return -ENOENT;
        devno = mnt_fs_get_devno(volume);

        /* Backward: the newest mount first, so children go before parents. */
        mnt_reset_iter(it, MNT_ITER_BACKWARD);
        while (mnt_table_next_fs(tb, it, &fs) == 0) {
                const char *target = mnt_fs_get_target(fs);
                const char *fstype = mnt_fs_get_fstype(fs);
                const char *options = mnt_fs_get_fs_options(fs);
                bool belongs =
                        mnt_fs_get_devno(fs) == devno ||
                        (strncmp(target, mountpoint, l) == 0 && (target[l] == '/' || target[l] == '\0')) ||
                        (fstype && streq(fstype, "overlay") &&
                         (option_below(options, "upperdir", mountpoint) ||
                          option_below(options, "workdir", mountpoint)));
                char **grown;

                if (!belongs)
                        continue;
                grown = realloc(list, (n + 2) * sizeof(char *));
                if (!grown)
                        goto oom;
                list = grown;
                if (!(list[n] = strdup(target)))
                        goto oom;
                list[++n] = NULL;
        }
        *ret = list;
        return 0;
oom:
        for (size_t k = 0; list && k < n; k++)
                free(list[k]);
        free(list);
        return -ENOMEM;
}

int volume_close(const char *mountpoint, const char *mapper_name) {
        char **plan = NULL;
        crypt_status_info st;
        int r;

        r = volume_close_plan("/proc/self/mountinfo", mountpoint, &plan);
        if (r < 0 && r != -ENOENT)
                return r;
        for (size_t k = 0; plan && plan[k]; k++) {
                if (r >= 0 && umount2(plan[k], UMOUNT_NOFOLLOW) < 0) {
                        r = log_error_errno(negative_errno(), "Failed to unmount '%s': %m", plan[k]);
                        log_error("Leaving the volume open.");
                } else if (r >= 0)
                        log_info("Unmounted '%s'.", plan[k]);
                free(plan[k]);
        }
        free(plan);
        if (r < 0 && r != -ENOENT)
                return r;

        luks_setup_logging();
        st = crypt_status(NULL, mapper_name);
        if (st != CRYPT_ACTIVE && st != CRYPT_BUSY) {
                log_info("No open mapping '%s', nothing to close.", mapper_name);
                return 0;
        }
        r = crypt_deactivate(NULL, mapper_name);
        if (r < 0)
                return log_error_errno(r, "Failed to close '/dev/mapper/%s': %m", mapper_name);
        log_info("Closed '/dev/mapper/%s'.", mapper_name);
        return 0;
}
