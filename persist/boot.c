/* SPDX-License-Identifier: MIT */
#include "boot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attach.h"
#include "cmdline.h"
#include "config.h"
#include "fd-util.h"
#include "fs-util.h"
#include "image.h"
#include "log.h"
#include "macro.h"
#include "mount-util.h"
#include "state.h"

static int read_config(const BootOptions *o, PersistConfig *ret) {
        _cleanup_cmdline_free_ Cmdline *c = NULL;
        const char *path = o->cmdline_path ?: "/proc/cmdline";
        int r;

        r = cmdline_read(path, &c);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                /* Defaults are what a plain boot=neuraldrive asks for anyway. */
                log_warning_errno(r, "Failed to read kernel arguments from '%s', using the defaults: %m",
                                  path);
                r = cmdline_parse("", 0, &c);
                if (r < 0)
                        return r;
        }
        return config_from_cmdline(c, ret);
}

/* The message every degraded or disabled boot shows on the console: the
 * user must know that what they do now will be gone after a reboot. */
static void announce(const BootState *s) {
        if (s->state == PERSIST_STATE_ACTIVE) {
                log_info("Persistence active: '%s' mounted on '%s', %zu path(s) persisted%s.",
                         strempty(s->volume), strempty(s->mountpoint), s->n_paths,
                         s->n_skipped ? ", some entries skipped (see above)" : "");
                return;
        }
        const char *what = s->state == PERSIST_STATE_DISABLED ? "DISABLED" : "DEGRADED";
        log_warning("Persistence %s: %s. This boot runs in RAM only: changes are lost at shutdown.", what,
                    strempty(s->reason));
        if (log_get_target() == LOG_TARGET_KMSG)
                fprintf(stderr,
                        "\n*** NeuralDrive: persistence %s: %s.\n"
                        "*** This boot runs in RAM only: changes are lost at shutdown.\n\n",
                        what, strempty(s->reason));
}

int persist_boot(const BootOptions *o) {
        _cleanup_(config_done) PersistConfig cfg = {};
        _cleanup_(system_image_done) SystemImage img = {};
        _cleanup_(boot_state_done) BootState state = { .encrypted = -1 };
        _cleanup_free_ char *nd_dir = NULL, *run_dir = NULL, *target = NULL;
        int r;

        r = read_config(o, &cfg);
        if (r < 0)
                return log_error_errno(r, "Failed to parse the kernel arguments: %m");
        if (cfg.debug || o->debug)
                log_set_max_level(LOG_DEBUG);

        /* Absolute paths: they end up in mount options and persist.json. */
        run_dir = realpath(o->run_dir ?: "/run", NULL);
        if (!run_dir)
                return log_error_errno(errno, "Failed to resolve the run directory '%s': %m",
                                       o->run_dir ?: "/run");
        target = realpath(o->target, NULL);
        if (!target)
                return log_error_errno(errno, "Failed to resolve the target '%s': %m", o->target);
        if (asprintf(&nd_dir, "%s/neuraldrive", run_dir) < 0)
                return log_oom();
        if (!mount_option_value_is_safe(nd_dir))
                return log_error_errno(-EINVAL,
                                       "The run directory '%s' contains characters that cannot "
                                       "be used in mount options (',', ':', '\\', '=').",
                                       nd_dir);
        /* realpath() resolved every symlink, so the walk from / meets none. */
        _cleanup_close_ int slash_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (slash_fd < 0)
                return log_error_errno(errno, "Failed to open '/': %m");
        r = open_dir_beneath(slash_fd, nd_dir, true, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create '%s': %m", nd_dir);
        safe_close(r);

        r = image_find_and_mount(&cfg, o->allowed_devices, nd_dir, &img);
        if (r < 0)
                return r;
        r = image_mount_root(nd_dir, target);
        if (r < 0) {
                /* The boot stops here; leave nothing half-assembled behind. */
                static const char *const mounts[] = { "system", "medium", "toram" };
                for (size_t i = 0; i < ELEMENTSOF(mounts); i++) {
                        char p[PATH_MAX];
                        snprintf(p, sizeof p, "%s/%s", nd_dir, mounts[i]);
                        mount_umount_quiet(p);
                }
                return r;
        }

        state.boot_device = img.boot_device ? strdup(img.boot_device) : NULL;
        state.system_device = strdup(img.device);
        if (img.image_path)
                r = asprintf(&state.system_image, "%s:%s", img.device, img.image_path);
        else
                state.system_image = strdup(img.device);
        state.toram = img.toram;
        if ((img.boot_device && !state.boot_device) || !state.system_device || !state.system_image || r < 0)
                return log_oom();

        AttachContext actx = {
                .cfg = &cfg,
                .image = &img,
                .allowed = o->allowed_devices,
                .allow_unencrypted = o->test_allow_unencrypted,
                .nd_dir = nd_dir,
                .target = target,
        };
        r = attach_persistence(&actx, &state);
        if (r < 0)
                return log_oom();

        announce(&state);
        r = state_write(&state, nd_dir);
        if (r < 0)
                log_warning_errno(r, "Failed to write '%s/persist.json', ignoring: %m", nd_dir);
        return 0;
}
