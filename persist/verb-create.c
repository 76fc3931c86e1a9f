/* SPDX-License-Identifier: MIT */
/* nd-persist create: options, key material and the typed confirmation; the
 * work is persist_create(). */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ask-tty.h"
#include "create.h"
#include "log.h"
#include "memory-util.h"
#include "verbs.h"
#include "volume-cli.h"

static void help(FILE *f) {
        fprintf(f,
                "Usage: nd-persist create [--device DEV | --free-space] [--passphrase-fd N | --key-file F]\n"
                "                         [--recovery-key] [--force] [--root DIR] [--devices DEV,...]\n\n"
                "Create the encrypted persistence volume (LUKS2 + ext4), seeded from the running system.\n\n"
                "  --device DEV          format DEV, or with --whole-disk add a partition on it\n"
                "  --whole-disk          DEV is a GPT disk: add a partition named nd-persist in its\n"
                "                        largest free region (or reuse one of that name)\n"
                "  --free-space          the boot device (boot_device in persist.json) with --whole-disk\n"
                "  --passphrase-fd N     read the passphrase from fd N (up to a newline)\n"
                "  --key-file F          use the whole content of F as key\n"
                "                        (default: type a passphrase twice on the terminal)\n"
                "  --recovery-key        also enrol a recovery key, printed once on stdout\n"
                "  --force               destroy a filesystem, partition table or LUKS volume found on\n"
                "                        the target, after typing its name on the terminal\n"
                "  --root DIR            seed the persisted paths from DIR (default /)\n"
                "  --no-seed             start with empty persisted paths\n"
                "  --devices DEV,...     only ever write to these devices\n"
                "  --run-dir DIR         where neuraldrive/persist.json is (default /run)\n"
                "  --keep-open           leave /dev/mapper/nd-persist open afterwards\n"
                "  --debug               log at debug level\n"
                "  --test-stop-after-luks  (tests, hosts without device-mapper) stop after the\n"
                "                        LUKS2 header and keyslots; the volume stays incomplete\n");
}

/* The human at the terminal must type the device name back. */
static int confirm_destroy(const char *device) {
        _cleanup_free_ char *prompt = NULL, *answer = NULL;
        int r;

        if (asprintf(&prompt,
                     "'%s' carries data that creating the volume destroys.\n"
                     "Type the device name '%s' to go ahead: ",
                     device, device) < 0)
                return log_error_errno(-ENOMEM, "Out of memory");
        r = ask_tty_line(prompt, &answer);
        if (r == -ENXIO)
                return log_error_errno(r, "--force needs a terminal to confirm on, refusing");
        if (r < 0)
                return log_error_errno(r, "Failed to read the confirmation: %m");
        if (!streq(answer, device))
                return log_error_errno(-ECANCELED, "Confirmation did not match '%s', nothing was changed",
                                       device);
        return 0;
}

int verb_create(int argc, char *argv[]) {
        enum {
                ARG_DEVICE = 0x100,
                ARG_WHOLE_DISK,
                ARG_FREE_SPACE,
                ARG_PASSPHRASE_FD,
                ARG_KEY_FILE,
                ARG_RECOVERY_KEY,
                ARG_FORCE,
                ARG_ROOT,
                ARG_NO_SEED,
                ARG_DEVICES,
                ARG_RUN_DIR,
                ARG_KEEP_OPEN,
                ARG_DEBUG,
                ARG_TEST_STOP,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "device", required_argument, NULL, ARG_DEVICE },
                { "whole-disk", no_argument, NULL, ARG_WHOLE_DISK },
                { "free-space", no_argument, NULL, ARG_FREE_SPACE },
                { "passphrase-fd", required_argument, NULL, ARG_PASSPHRASE_FD },
                { "key-file", required_argument, NULL, ARG_KEY_FILE },
                { "recovery-key", no_argument, NULL, ARG_RECOVERY_KEY },
                { "force", no_argument, NULL, ARG_FORCE },
                { "root", required_argument, NULL, ARG_ROOT },
                { "no-seed", no_argument, NULL, ARG_NO_SEED },
                { "devices", required_argument, NULL, ARG_DEVICES },
                { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                { "keep-open", no_argument, NULL, ARG_KEEP_OPEN },
                { "debug", no_argument, NULL, ARG_DEBUG },
                { "test-stop-after-luks", no_argument, NULL, ARG_TEST_STOP },
                {}
        };
        static char *allowed[VOLUME_CLI_DEVICES_MAX + 1];
        PersistCreateOptions o = { .seed_root = "/" };
        _cleanup_(persist_create_result_done) PersistCreateResult result = {};
        _cleanup_(volume_state_done) VolumeState state = {};
        _cleanup_erase_free_ char *key = NULL;
        const char *key_file = NULL, *run_dir = "/run";
        bool free_space = false, force = false;
        int passphrase_fd = -EBADF, c, r;
        char *end;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help(stdout);
                        return 0;
                case ARG_DEVICE:
                        o.device = optarg;
                        break;
                case ARG_WHOLE_DISK:
                        o.whole_disk = true;
                        break;
                case ARG_FREE_SPACE:
                        free_space = true;
                        break;
                case ARG_PASSPHRASE_FD:
                        errno = 0;
                        passphrase_fd = (int) strtol(optarg, &end, 10);
                        if (errno != 0 || *end || end == optarg || passphrase_fd < 0) {
                                fprintf(stderr, "nd-persist create: bad --passphrase-fd '%s'\n", optarg);
                                return 2;
                        }
                        break;
                case ARG_KEY_FILE:
                        key_file = optarg;
                        break;
                case ARG_RECOVERY_KEY:
                        o.recovery_key = true;
                        break;
                case ARG_FORCE:
                        force = true;
                        break;
                case ARG_ROOT:
                        o.seed_root = optarg;
                        break;
                case ARG_NO_SEED:
                        o.seed_root = NULL;
                        break;
                case ARG_DEVICES:
                        if (volume_cli_split_devices(optarg, allowed) < 0) {
                                fprintf(stderr, "nd-persist create: --devices needs 1 to %d device nodes\n",
                                        VOLUME_CLI_DEVICES_MAX);
                                return 2;
                        }
                        o.allowed_devices = allowed;
                        break;
                case ARG_RUN_DIR:
                        run_dir = optarg;
                        break;
                case ARG_KEEP_OPEN:
                        o.keep_open = true;
                        break;
                case ARG_DEBUG:
                        log_set_max_level(LOG_DEBUG);
                        break;
                case ARG_TEST_STOP:
                        o.stop_after_luks = true;
                        break;
                default:
                        help(stderr);
                        return 2;
                }
        if (optind < argc || !!o.device == free_space || (key_file && passphrase_fd >= 0)) {
                fprintf(stderr, "nd-persist create: give exactly one of --device DEV and --free-space, "
                                "at most one of --passphrase-fd and --key-file\n");
                return 2;
        }

        if (free_space) {
                r = volume_state_read(run_dir, &state);
                if (r < 0) {
                        log_error_errno(
                                r, "Failed to read '%s/neuraldrive/persist.json' for the boot device: %m",
                                run_dir);
                        return 1;
                }
                if (!state.boot_device) {
                        log_error("persist.json names no boot device; use --device DEV --whole-disk");
                        return 1;
                }
                o.device = state.boot_device;
                o.whole_disk = true;
        }

        r = volume_cli_get_key(key_file, passphrase_fd, "New passphrase for the persistence volume: ",
                               /* is_new= */ 1, &key, &o.key_size);
        if (r < 0)
                return 1;
        o.key = key;

        /* First without force: anything found on the target stops it before
         * a single byte is written; only then ask the human. */
        r = persist_create(&o, &result);
        if (r == -EBUSY && force) {
                if (confirm_destroy(o.device) < 0)
                        return 1;
                o.force = true;
                r = persist_create(&o, &result);
        }
        if (r < 0)
                return 1;

        printf("Created the persistence volume on '%s'%s.\n", result.volume,
               o.stop_after_luks ? " (LUKS2 only, test mode: no filesystem)" : "");
        if (result.recovery_key) {
                printf("\nRecovery key (shown only now; write it down, it opens the volume like the "
                       "passphrase):\n\n"
                       "    %s\n\n",
                       result.recovery_key);
                fflush(stdout);
        }
        return 0;
}
