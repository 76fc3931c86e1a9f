/* SPDX-License-Identifier: MIT */
/* nd-persist passphrase add|change|remove: which key, from where; the work
 * is volume_passphrase_*(). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "memory-util.h"
#include "verbs.h"
#include "volume-cli.h"
#include "volume.h"

static void help(FILE *f) {
        fprintf(f, "Usage: nd-persist passphrase add|change|remove [OPTIONS]\n\n"
                   "  add      enrol another passphrase (authorised by an existing one)\n"
                   "  change   replace the passphrase you type first by a new one\n"
                   "  remove   remove the passphrase you type (never the last keyslot)\n\n"
                   "  --device DEV            the LUKS2 volume (default: volume in persist.json)\n"
                   "  --passphrase-fd N       read the existing passphrase from fd N (a line)\n"
                   "  --key-file F            use the content of F as the existing key\n"
                   "  --new-passphrase-fd N   read the new passphrase from fd N (a line)\n"
                   "                          (default: typed on the terminal, new ones twice)\n"
                   "  --run-dir DIR           where neuraldrive/persist.json is (default /run)\n"
                   "  --debug                 log at debug level\n");
}

static int parse_fd(const char *s, int *ret) {
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || *end || end == s || v < 0 || v > 65535)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

int verb_passphrase(int argc, char *argv[]) {
        enum { ARG_DEVICE = 0x100, ARG_PASSPHRASE_FD, ARG_KEY_FILE, ARG_NEW_FD, ARG_RUN_DIR, ARG_DEBUG };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "device", required_argument, NULL, ARG_DEVICE },
                { "passphrase-fd", required_argument, NULL, ARG_PASSPHRASE_FD },
                { "key-file", required_argument, NULL, ARG_KEY_FILE },
                { "new-passphrase-fd", required_argument, NULL, ARG_NEW_FD },
                { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                { "debug", no_argument, NULL, ARG_DEBUG },
                {}
        };
        _cleanup_(volume_state_done) VolumeState state = {};
        _cleanup_erase_free_ char *key = NULL, *new_key = NULL;
        const char *device = NULL, *key_file = NULL, *run_dir = "/run", *action;
        int passphrase_fd = -EBADF, new_fd = -EBADF, c, r;
        size_t key_size = 0, new_key_size = 0;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help(stdout);
                        return 0;
                case ARG_DEVICE:
                        device = optarg;
                        break;
                case ARG_PASSPHRASE_FD:
                case ARG_NEW_FD:
                        if (parse_fd(optarg, c == ARG_NEW_FD ? &new_fd : &passphrase_fd) < 0) {
                                fprintf(stderr, "nd-persist passphrase: bad file descriptor '%s'\n", optarg);
                                return 2;
                        }
                        break;
                case ARG_KEY_FILE:
                        key_file = optarg;
                        break;
                case ARG_RUN_DIR:
                        run_dir = optarg;
                        break;
                case ARG_DEBUG:
                        log_set_max_level(LOG_DEBUG);
                        break;
                default:
                        help(stderr);
                        return 2;
                }
        if (optind + 1 != argc || (key_file && passphrase_fd >= 0)) {
                help(stderr);
                return 2;
        }
        action = argv[optind];
        if (!streq(action, "add") && !streq(action, "change") && !streq(action, "remove")) {
                fprintf(stderr, "nd-persist passphrase: unknown action '%s'\n", action);
                return 2;
        }

        if (!device) {
                r = volume_state_read(run_dir, &state);
                if (r < 0 || !state.volume) {
                        log_error("No persistence volume known from '%s/neuraldrive/persist.json'; use "
                                  "--device DEV",
                                  run_dir);
                        return 1;
                }
                device = state.volume;
        }

        r = volume_cli_get_key(key_file, passphrase_fd, "Current passphrase (or recovery key): ", 0, &key,
                               &key_size);
        if (r < 0)
                return 1;
        if (!streq(action, "remove")) {
                r = volume_cli_get_key(NULL, new_fd, "New passphrase: ", 1, &new_key, &new_key_size);
                if (r < 0)
                        return 1;
        }

        if (streq(action, "add"))
                r = volume_passphrase_add(device, key, key_size, new_key, new_key_size);
        else if (streq(action, "change"))
                r = volume_passphrase_change(device, key, key_size, new_key, new_key_size);
        else
                r = volume_passphrase_remove(device, key, key_size);
        if (r == -EPERM) {
                log_error("Failed to %s a passphrase on '%s': the current passphrase is wrong", action,
                          device);
                return 1;
        }
        if (r == -EBUSY) {
                log_error("Refusing to remove the last keyslot of '%s': the data would be lost for good",
                          device);
                return 1;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to %s a passphrase on '%s': %m", action, device);
                return 1;
        }
        printf("%s keyslot %d on '%s'.\n",
               streq(action, "add")      ? "Added"
               : streq(action, "change") ? "Changed into"
                                         : "Removed",
               r, device);
        return 0;
}
