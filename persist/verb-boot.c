/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "log.h"
#include "macro.h"
#include "verbs.h"

#define ALLOWED_MAX 64

static void help(FILE *f) {
        fprintf(f, "Usage: nd-persist boot --target DIR [OPTIONS]\n\n"
                   "Assemble the root at DIR from the system image and the persistence volume\n"
                   "(run by the initramfs for boot=neuraldrive).\n\n"
                   "  --target DIR        where to mount the root (required)\n"
                   "  --cmdline FILE      read kernel arguments from FILE instead of /proc/cmdline\n"
                   "  --run-dir DIR       state directory moved into the new root (default /run)\n"
                   "  --devices DEV,...   probe only these device nodes (nothing else is opened)\n"
                   "  --log-target=T      auto, stderr or kmsg\n"
                   "  --debug             debug messages (as neuraldrive.debug)\n"
                   "  --test-allow-unencrypted\n"
                   "                      TESTING ONLY: accept a plain ext4 volume on a loop device\n"
                   "                      listed in --devices (hosts without device-mapper)\n");
}

/* Splits "a,b,c" into a NULL-terminated array of pointers into s. */
static int split_devices(char *s, char **ret, size_t max) {
        size_t n = 0;

        for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (n + 1 >= max)
                        return -E2BIG;
                ret[n++] = tok;
        }
        ret[n] = NULL;
        return n == 0 ? -EINVAL : 0;
}

int verb_boot(int argc, char *argv[]) {
        enum {
                ARG_TARGET = 0x100,
                ARG_CMDLINE,
                ARG_RUN_DIR,
                ARG_DEVICES,
                ARG_LOG_TARGET,
                ARG_DEBUG,
                ARG_TEST_UNENCRYPTED
        };
        static const struct option options[] = { { "help", no_argument, NULL, 'h' },
                                                 { "target", required_argument, NULL, ARG_TARGET },
                                                 { "cmdline", required_argument, NULL, ARG_CMDLINE },
                                                 { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                                                 { "devices", required_argument, NULL, ARG_DEVICES },
                                                 { "log-target", required_argument, NULL, ARG_LOG_TARGET },
                                                 { "debug", no_argument, NULL, ARG_DEBUG },
                                                 { "test-allow-unencrypted", no_argument, NULL,
                                                   ARG_TEST_UNENCRYPTED },
                                                 {} };
        static char *allowed[ALLOWED_MAX];
        BootOptions o = {};
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help(stdout);
                        return 0;
                case ARG_TARGET:
                        o.target = optarg;
                        break;
                case ARG_CMDLINE:
                        o.cmdline_path = optarg;
                        break;
                case ARG_RUN_DIR:
                        o.run_dir = optarg;
                        break;
                case ARG_DEVICES:
                        if (split_devices(optarg, allowed, ALLOWED_MAX) < 0) {
                                fprintf(stderr, "nd-persist boot: --devices needs 1 to %d device nodes\n",
                                        ALLOWED_MAX - 1);
                                return 2;
                        }
                        o.allowed_devices = allowed;
                        break;
                case ARG_LOG_TARGET:
                        r = log_target_from_string(optarg);
                        if (r < 0) {
                                fprintf(stderr, "nd-persist boot: unknown log target '%s'\n", optarg);
                                return 2;
                        }
                        log_set_target(r);
                        break;
                case ARG_DEBUG:
                        o.debug = true;
                        break;
                case ARG_TEST_UNENCRYPTED:
                        o.test_allow_unencrypted = true;
                        break;
                default:
                        help(stderr);
                        return 2;
                }

        if (optind < argc || !o.target) {
                fprintf(stderr, "nd-persist boot: --target DIR is required and takes no other arguments\n");
                return 2;
        }
        if (o.test_allow_unencrypted && !o.allowed_devices) {
                fprintf(stderr, "nd-persist boot: --test-allow-unencrypted is for tests only and "
                                "needs --devices\n");
                return 2;
        }
        if (o.debug)
                log_set_max_level(LOG_DEBUG);

        return persist_boot(&o) < 0 ? 1 : 0;
}
