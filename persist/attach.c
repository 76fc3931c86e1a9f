/* SPDX-License-Identifier: MIT */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <libcryptsetup.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "apply.h"
#include "conf.h"
#include "create.h"
#include "fd-util.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "memory-util.h"
#include "mount-util.h"
#include "probe.h"
#include "unlock.h"

#define LOOP_MAJOR 7
#define CREATE_TOKEN_TYPE "nd-persist-create"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct crypt_device *, crypt_free)

extern char **environ;

typedef struct Volume {
        char *node;
        bool encrypted;
} Volume;

static bool streq_ptr(const char *a, const char *b) {
        return a && b && streq(a, b);
}

static bool is_named(const BlockDevice *d) {
        return streq_ptr(d->label, ATTACH_NAME) || streq_ptr(d->partlabel, ATTACH_NAME);
}

typedef struct VolumeSearch {
        const AttachContext *ctx;
        Volume found;
        size_t n_candidates;
} VolumeSearch;

/* A plain ext4 volume is only ever accepted for tests: with the test option,
 * with an allow-list, and on a loop device (never a real disk). */
static bool plain_allowed(const AttachContext *ctx, const BlockDevice *d) {
        return ctx->allow_unencrypted && ctx->allowed && major(d->disk) == LOOP_MAJOR &&
               streq_ptr(d->fstype, "ext4");
}

static bool is_candidate(const AttachContext *ctx, const BlockDevice *d) {
        if (ctx->cfg->persist == PERSIST_MODE_DEVICE) {
                if (!device_spec_matches(&ctx->cfg->persist_device, d))
                        return false;
        } else if (d->disk != ctx->image->boot_disk || !is_named(d))
                return false; /* the boot device only: never another disk's volume */
        return streq_ptr(d->fstype, "crypto_LUKS") || plain_allowed(ctx, d);
}

static int volume_match(const DeviceList *l, void *userdata) {
        VolumeSearch *s = userdata;

        for (size_t i = 0; i < l->n; i++) {
                const BlockDevice *d = &l->devices[i];
                if (!is_candidate(s->ctx, d))
                        continue;
                if (s->n_candidates++ > 0) {
                        log_warning("More than one persistence volume on the boot device, using '%s', "
                                    "ignoring '%s'.",
                                    s->found.node, d->node);
                        continue;
                }
                s->found.node = strdup(d->node);
                if (!s->found.node)
                        return -ENOMEM;
                s->found.encrypted = streq_ptr(d->fstype, "crypto_LUKS");
        }
        return s->found.node ? 1 : 0;
}

static int find_volume(const AttachContext *ctx, Volume *ret) {
        VolumeSearch s = { .ctx = ctx };
        /* The boot device is present already (the image was found on it);
         * only an explicitly named device is worth waiting for. */
        unsigned timeout = ctx->cfg->persist == PERSIST_MODE_DEVICE ? ctx->cfg->persist_timeout : 0;
        int r = probe_wait(ctx->allowed, timeout, volume_match, &s);

        if (r == -ETIMEDOUT)
                r = 0;
        if (r <= 0) {
                free(s.found.node);
                return r;
        }
        *ret = s.found;
        return 1;
}

static void crypt_log_to_debug(int level, const char *msg, void *userdata) {
        size_t n = strlen(msg);
        /* libcryptsetup's lines end in "\n" */
        log_debug("libcryptsetup: %.*s", (int) (n > 0 && msg[n - 1] == '\n' ? n - 1 : n), msg);
}

/* A volume whose creation was interrupted carries a creation token that is
 * not "complete": it has no data yet and is not ours to open. */
static bool creation_complete(struct crypt_device *cd) {
        for (int t = 0; t < 32; t++) {
                const char *type = NULL, *json = NULL;
                crypt_token_info info = crypt_token_status(cd, t, &type);

                if (info == CRYPT_TOKEN_INVALID || info == CRYPT_TOKEN_INACTIVE || !type ||
                    !streq(type, CREATE_TOKEN_TYPE))
                        continue;
                if (crypt_token_json_get(cd, t, &json) < 0 || !json)
                        return false;
                /* libcryptsetup serialises tokens without whitespace. */
                return strstr(json, "\"state\":\"complete\"") != NULL;
        }
        return true; /* no token: made by other tools, e.g. cryptsetup luksFormat */
}

static int try_key(struct crypt_device *cd, const char *key, size_t size) {
        int r = crypt_activate_by_passphrase(cd, ATTACH_NAME, CRYPT_ANY_SLOT, key, size, 0);
        return r < 0 ? r : 0;
}

/* libdevmapper waits for udev to acknowledge each device-mapper event when
 * udevd runs; without the dm udev rules in the initramfs nobody ever
 * acknowledges and the activation hangs. Then libdevmapper must make the
 * /dev/mapper node itself. */
static void dm_udev_fallback(void) {
        static const char *const rules[] = {
                "/lib/udev/rules.d/95-dm-notify.rules",
                "/usr/lib/udev/rules.d/95-dm-notify.rules",
        };

        for (size_t i = 0; i < ELEMENTSOF(rules); i++)
                if (access(rules[i], F_OK) == 0)
                        return;
        log_debug("No device-mapper udev rules, letting libdevmapper create the nodes itself.");
        (void) setenv("DM_DISABLE_UDEV", "1", 0);
}

/* True when the active nd-persist mapping sits on node (a create at boot
 * leaves it open; anything else of that name is not ours to mount). */
static bool mapping_is_of(const char *node) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        struct stat a, b;

        if (crypt_init_by_name(&cd, ATTACH_NAME) < 0)
                return false;
        const char *backing = crypt_get_device_name(cd);
        return backing && stat(backing, &a) == 0 && stat(node, &b) == 0 && S_ISBLK(a.st_mode) &&
               a.st_rdev == b.st_rdev;
}

/* A LUKS2 header can name cipher_null: the data would then sit on the stick
 * in the clear while the boot reports persistence as encrypted. Only a real
 * cipher with a key of at least 256 bits is accepted. */
static bool volume_is_encrypted(struct crypt_device *cd) {
        const char *cipher = crypt_get_cipher(cd);
        return cipher && !startswith(cipher, "cipher_null") && crypt_get_volume_key_size(cd) >= 32;
}

static int unlock_volume(const AttachContext *ctx, const char *node, const char **ret_reason) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;
        const PersistConfig *cfg = ctx->cfg;
        int r;

        crypt_set_log_callback(NULL, crypt_log_to_debug, NULL);
        r = crypt_init(&cd, node);
        if (r < 0) {
                *ret_reason = "the volume cannot be opened";
                return r;
        }
        r = crypt_load(cd, CRYPT_LUKS2, NULL);
        if (r < 0) {
                *ret_reason = "the volume has no valid LUKS2 header";
                return r;
        }
        if (!volume_is_encrypted(cd)) {
                *ret_reason = "the volume does not encrypt its data (cipher_null or a short key)";
                return -EMEDIUMTYPE;
        }
        if (!creation_complete(cd)) {
                *ret_reason = "the volume's creation was interrupted (run 'nd-persist create' again)";
                return -EBUSY;
        }
        if (crypt_status(cd, ATTACH_NAME) == CRYPT_ACTIVE) {
                if (!mapping_is_of(node)) {
                        *ret_reason = "another device is open as " ATTACH_MAPPER;
                        return -EEXIST; /* not -EBUSY: that means "interrupted create" */
                }
                log_info("Persistence volume '%s' is unlocked already.", node);
                return 0;
        }

        if (cfg->keyfile_path) {
                _cleanup_free_ char *mnt = NULL;
                char *key = NULL;
                size_t size = 0;

                if (asprintf(&mnt, "%s/keyfile", ctx->nd_dir) < 0)
                        return -ENOMEM;
                r = unlock_read_keyfile(&cfg->keyfile_device, cfg->keyfile_path, ctx->allowed,
                                        cfg->persist_timeout, mnt, &key, &size);
                if (r >= 0) {
                        log_debug("Read the key file '%s' (%zu bytes).", cfg->keyfile_path, size);
                        r = try_key(cd, key, size);
                        erase_and_free(key);
                        if (r >= 0) {
                                log_info("Persistence volume '%s' unlocked with the key file.", node);
                                return 0;
                        }
                        if (r != -EPERM) {
                                log_error_errno(r, "Failed to activate '%s' with the key file: %m", node);
                                *ret_reason = "activating the volume failed";
                                return r;
                        }
                        log_warning("The key file '%s' does not unlock '%s', asking for the passphrase.",
                                    cfg->keyfile_path, node);
                } else
                        log_warning_errno(r,
                                          "Failed to read the key file '%s' from %s=%s: %m; asking "
                                          "for the passphrase.",
                                          cfg->keyfile_path,
                                          device_spec_type_to_string(cfg->keyfile_device.type),
                                          cfg->keyfile_device.value);
        }

        for (int i = 1; i <= UNLOCK_TRIES; i++) {
                char prompt[256];
                char *pw = NULL;
                size_t size = 0;

                snprintf(prompt, sizeof prompt,
                         "\nNeuralDrive: passphrase for the persistence volume %s%s: ", node,
                         i > 1 ? " (again)" : "");
                r = unlock_ask_passphrase(cfg->consoles, cfg->n_consoles, prompt, cfg->persist_timeout, &pw,
                                          &size);
                if (r == -ETIMEDOUT) {
                        *ret_reason = "no passphrase was typed in time";
                        return r;
                }
                if (r < 0) {
                        *ret_reason = "no console to ask for the passphrase on";
                        return r;
                }
                r = try_key(cd, pw, size);
                erase_and_free(pw);
                if (r >= 0) {
                        log_info("Persistence volume '%s' unlocked.", node);
                        return 0;
                }
                if (r != -EPERM) {
                        log_error_errno(r, "Failed to activate '%s': %m", node);
                        *ret_reason = "activating the volume failed";
                        return r;
                }
                log_warning("Wrong passphrase for '%s' (try %d of %d).", node, i, UNLOCK_TRIES);
        }
        *ret_reason = "wrong passphrase, 3 times";
        return -EPERM;
}

static void lock_volume(void) {
        _cleanup_(crypt_freep) struct crypt_device *cd = NULL;

        if (crypt_init_by_name(&cd, ATTACH_NAME) >= 0)
                (void) crypt_deactivate(cd, ATTACH_NAME);
}

static const char *find_e2fsck(void) {
        static const char *const paths[] = { "/sbin/e2fsck", "/usr/sbin/e2fsck" };

        for (size_t i = 0; i < ELEMENTSOF(paths); i++)
                if (access(paths[i], X_OK) == 0)
                        return paths[i];
        return NULL;
}

/* e2fsck -p repairs only what is safe to repair without a human; anything
 * else (exit status 4 and above) leaves the volume unmounted. */
static int check_filesystem(const char *node, const char **ret_reason) {
        const char *e2fsck = find_e2fsck();
        posix_spawn_file_actions_t fa;
        pid_t pid;
        int status, r;

        if (!e2fsck) {
                log_warning("e2fsck not found, mounting '%s' without a check.", node);
                return 0;
        }
        char *argv[] = { (char *) e2fsck, (char *) "-p", (char *) node, NULL };
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        r = posix_spawn(&pid, e2fsck, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0) {
                log_warning_errno(r, "Failed to run '%s', mounting '%s' without a check: %m", e2fsck, node);
                return 0;
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (!WIFEXITED(status) || WEXITSTATUS(status) >= 4) {
                log_error("e2fsck found errors on '%s' it cannot repair safely (exit status %d).", node,
                          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
                *ret_reason = "the file system has errors e2fsck -p cannot repair";
                return -EUCLEAN;
        }
        if (WEXITSTATUS(status) != 0)
                log_notice("e2fsck repaired '%s' (exit status %d).", node, WEXITSTATUS(status));
        return 0;
}

static int load_conf(int volume_fd, BootState *state, PersistenceConf *ret) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r;

        r = read_full_file_beneath(volume_fd, CONF_FILE_NAME, CONF_SIZE_MAX, 0, &text, &size);
        if (r == -ENOENT) {
                log_notice("No %s on the volume, persisting the default set: /etc/neuraldrive, "
                           "/var/lib/neuraldrive, /var/log/neuraldrive, /home.",
                           CONF_FILE_NAME);
                return conf_default(ret);
        }
        if (r < 0)
                return r;
        r = conf_parse(text, size, ret);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ret->n_problems; i++) {
                const ConfProblem *p = &ret->problems[i];
                log_warning("%s line %u%s%s%s: %s, skipping it.", CONF_FILE_NAME, p->line,
                            p->path ? " ('" : "", strempty(p->path), p->path ? "')" : "", p->reason);
                r = state_add_skipped(state, p->path, p->line, p->reason);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int open_dir(const char *path) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

/* Applies persistence.conf. Returns the number of mounted entries, or a
 * negative errno with *ret_reason set for a failure that stops it all. */
static int apply_conf(const AttachContext *ctx, const char *mountpoint, BootState *state,
                      const char **ret_reason) {
        _cleanup_close_ int volume_fd = -EBADF, root_fd = -EBADF, system_fd = -EBADF, empty_fd = -EBADF;
        _cleanup_free_ char *system = NULL, *empty = NULL;
        PersistenceConf conf = {};
        int r, mounted = 0;

        if (asprintf(&system, "%s/system", ctx->nd_dir) < 0 || asprintf(&empty, "%s/empty", ctx->nd_dir) < 0)
                return -ENOMEM;
        if (mkdir(empty, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        volume_fd = open_dir(mountpoint);
        root_fd = open_dir(ctx->target);
        system_fd = open_dir(system);
        empty_fd = open_dir(empty);
        if (volume_fd < 0 || root_fd < 0 || system_fd < 0 || empty_fd < 0) {
                *ret_reason = "the mounted directories cannot be opened";
                return -EIO;
        }

        r = load_conf(volume_fd, state, &conf);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                log_error_errno(r, "Failed to read '%s/%s': %m", mountpoint, CONF_FILE_NAME);
                *ret_reason =
                        r == -ELOOP ? "persistence.conf is a symlink" : "persistence.conf cannot be read";
                return r;
        }

        ApplyContext actx = {
                .volume_fd = volume_fd, .root_fd = root_fd, .system_fd = system_fd, .empty_fd = empty_fd
        };
        for (size_t i = 0; i < conf.n_entries; i++) {
                const ConfEntry *e = &conf.entries[i];
                const char *reason = NULL;

                r = apply_entry(&actx, e, &reason);
                if (r == -ENOMEM)
                        break;
                if (r < 0) {
                        log_warning_errno(r, "Not persisting '%s'%s: %s (%m).", e->path,
                                          e->line ? "" : " (default set)", strempty(reason));
                        r = state_add_skipped(state, e->path, e->line, reason ?: "mount failed");
                } else {
                        mounted++;
                        r = state_add_path(state, e->path, conf_mode_to_string(e->mode), e->source);
                }
                if (r < 0)
                        break;
        }
        conf_done(&conf);
        return r < 0 ? r : mounted;
}

/* Writes text to each console (the recovery key must reach the human who
 * typed the passphrase, wherever they are). */
static void tell_consoles(const PersistConfig *cfg, const char *text) {
        static char *const fallback[] = { (char *) "/dev/console" };
        char *const *consoles = cfg->n_consoles > 0 ? cfg->consoles : fallback;
        size_t n = cfg->n_consoles > 0 ? cfg->n_consoles : 1;

        for (size_t i = 0; i < n; i++) {
                _cleanup_close_ int fd = open(consoles[i], O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
                if (fd >= 0)
                        (void) loop_write(fd, text, strlen(text));
        }
}

/* A new passphrase, typed twice on the console, up to UNLOCK_TRIES times. */
static int ask_new_passphrase(const PersistConfig *cfg, char **ret, size_t *ret_size) {
        for (int i = 1; i <= UNLOCK_TRIES; i++) {
                char *a = NULL, *b = NULL;
                size_t na = 0, nb = 0;
                int r;

                r = unlock_ask_passphrase(
                        cfg->consoles, cfg->n_consoles,
                        "\nNeuralDrive: choose a passphrase for the new persistence volume: ",
                        cfg->persist_timeout, &a, &na);
                if (r < 0)
                        return r;
                r = unlock_ask_passphrase(cfg->consoles, cfg->n_consoles,
                                          "NeuralDrive: type it again: ", cfg->persist_timeout, &b, &nb);
                if (r < 0) {
                        erase_and_free(a);
                        return r;
                }
                bool same = na == nb && memcmp(a, b, na) == 0;
                erase_and_free(b);
                if (same && na > 0) {
                        *ret = a;
                        *ret_size = na;
                        return 0;
                }
                erase_and_free(a);
                tell_consoles(cfg, na == 0 ? "NeuralDrive: the passphrase must not be empty.\n"
                                           : "NeuralDrive: the two passphrases differ.\n");
        }
        return -EPERM;
}

/* neuraldrive.persist=create: makes the volume in the free space of the
 * boot device, keyed by the key file (headless) or a passphrase typed
 * twice. A typed passphrase also gets a recovery key, shown once on the
 * consoles; a key file is its own backup and nothing secret is printed on
 * a console nobody may be watching. Leaves /dev/mapper/nd-persist open. */
static int create_volume(const AttachContext *ctx, Volume *ret, const char **ret_reason) {
        const PersistConfig *cfg = ctx->cfg;
        PersistCreateResult result = {};
        _cleanup_free_ char *mnt = NULL;
        char *key = NULL;
        size_t size = 0;
        bool typed = false;
        int r;

        if (!ctx->image->boot_device) {
                *ret_reason = "the boot device is not known";
                return -ENODEV;
        }
        if (cfg->keyfile_path) {
                if (asprintf(&mnt, "%s/keyfile", ctx->nd_dir) < 0)
                        return -ENOMEM;
                r = unlock_read_keyfile(&cfg->keyfile_device, cfg->keyfile_path, ctx->allowed,
                                        cfg->persist_timeout, mnt, &key, &size);
                if (r < 0) {
                        log_error_errno(r, "Failed to read the key file '%s' for the new volume: %m",
                                        cfg->keyfile_path);
                        *ret_reason = "the key file for the new volume cannot be read";
                        return r;
                }
        } else {
                r = ask_new_passphrase(cfg, &key, &size);
                if (r < 0) {
                        *ret_reason = r == -ETIMEDOUT ? "no passphrase was typed in time"
                                                      : "no passphrase was chosen";
                        return r;
                }
                typed = true;
        }

        log_notice("Creating the persistence volume in the free space of '%s'.", ctx->image->boot_device);
        PersistCreateOptions o = {
                .device = ctx->image->boot_device,
                .whole_disk = true,
                .key = key,
                .key_size = size,
                .recovery_key = typed,
                .allowed_devices = ctx->allowed,
                .keep_open = true,
        };
        r = persist_create(&o, &result);
        erase_and_free(key);
        if (r < 0) {
                log_error_errno(r, "Failed to create the persistence volume on '%s': %m",
                                ctx->image->boot_device);
                *ret_reason = "creating the volume failed";
                return r;
        }

        if (result.recovery_key) {
                _cleanup_erase_free_ char *text = NULL;
                if (asprintf(&text,
                             "\nNeuralDrive: the persistence volume was created. Recovery key, shown "
                             "only now (write it down; it opens the volume like the passphrase):\n\n"
                             "    %s\n\n",
                             result.recovery_key) >= 0)
                        tell_consoles(cfg, text);
        }
        ret->node = TAKE_PTR(result.volume);
        ret->encrypted = true;
        persist_create_result_done(&result);
        return ret->node ? 0 : -ENOMEM;
}

static int degrade(BootState *state, const char *what, const char *reason) {
        return state_set(state, PERSIST_STATE_DEGRADED, "%s%s%s", what, reason ? ": " : "",
                         strempty(reason));
}

int attach_persistence(const AttachContext *ctx, BootState *state) {
        _cleanup_free_ char *mountpoint = NULL;
        const char *reason = NULL, *fs_node;
        Volume vol = {};
        int r;

        if (ctx->cfg->persist == PERSIST_MODE_OFF)
                return state_set(state, PERSIST_STATE_DISABLED, "neuraldrive.persist=off");
        dm_udev_fallback();

        r = find_volume(ctx, &vol);
        if (r < 0)
                return r == -ENOMEM ? r : degrade(state, "looking for the persistence volume failed", NULL);
        if (r == 0 && ctx->cfg->persist == PERSIST_MODE_CREATE) {
                r = create_volume(ctx, &vol, &reason);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return degrade(state, "the persistence volume was not created", reason);
        } else if (r == 0) {
                if (ctx->cfg->persist == PERSIST_MODE_DEVICE)
                        return state_set(state, PERSIST_STATE_DEGRADED,
                                         "the persistence volume %s=%s was not found",
                                         device_spec_type_to_string(ctx->cfg->persist_device.type),
                                         ctx->cfg->persist_device.value);
                return state_set(state, PERSIST_STATE_DEGRADED,
                                 "no persistence volume (LUKS2, label or partition name '%s') on the "
                                 "boot device '%s'",
                                 ATTACH_NAME, strempty(ctx->image->boot_device));
        }

        free(state->volume);
        state->volume = vol.node;
        state->encrypted = vol.encrypted;
        if (vol.encrypted) {
                r = unlock_volume(ctx, vol.node, &reason);
                if (r == -EBUSY && ctx->cfg->persist == PERSIST_MODE_CREATE) {
                        /* an interrupted create holds no data: finish it now */
                        log_notice("The persistence volume '%s' was left by an interrupted create, "
                                   "creating it again.",
                                   vol.node);
                        vol = (Volume){};
                        r = create_volume(ctx, &vol, &reason);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0)
                                return degrade(state, "the persistence volume was not created", reason);
                        free(state->volume);
                        state->volume = vol.node;
                        r = unlock_volume(ctx, vol.node, &reason);
                }
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return degrade(state, "the persistence volume was not unlocked", reason);
                if (!(state->mapper = strdup(ATTACH_MAPPER)))
                        return -ENOMEM;
                fs_node = ATTACH_MAPPER;
        } else {
                log_warning("TESTING ONLY: using the unencrypted volume '%s'.", vol.node);
                fs_node = vol.node;
        }

        r = check_filesystem(fs_node, &reason);
        if (r < 0) {
                r = degrade(state, "the persistence volume was not mounted", reason);
                goto fail;
        }

        if (asprintf(&mountpoint, "%s/persist", ctx->nd_dir) < 0) {
                r = -ENOMEM;
                goto fail;
        }
        if (mkdir(mountpoint, 0700) < 0 && errno != EEXIST) {
                r = degrade(state, "the persistence volume was not mounted", "no mount point");
                goto fail;
        }
        r = mount_libmount(fs_node, mountpoint, "ext4", "nosuid,nodev,noatime");
        if (r < 0) {
                log_error_errno(r, "Failed to mount '%s' on '%s': %m", fs_node, mountpoint);
                r = degrade(state, "the persistence volume was not mounted", "ext4 mount failed");
                goto fail;
        }

        r = apply_conf(ctx, mountpoint, state, &reason);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                mount_umount_quiet(mountpoint);
                r = degrade(state, "persistence.conf was not applied", reason);
                goto fail;
        }
        state->mountpoint = TAKE_PTR(mountpoint);
        if (r == 0 && state->n_skipped > 0)
                return degrade(state, "no entry of persistence.conf could be applied", NULL);
        return state_set(state, PERSIST_STATE_ACTIVE, NULL);

fail:
        if (vol.encrypted)
                lock_volume();
        free(state->mapper);
        state->mapper = NULL;
        return r;
}
