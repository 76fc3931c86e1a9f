/* SPDX-License-Identifier: MIT */
/* nd-persist close: unmount the persisted paths and the volume, close the
 * LUKS mapping; the work is volume_close(). */
#include <getopt.h>
#include <stdio.h>

#include "log.h"
#include "verbs.h"
#include "volume-cli.h"
#include "volume.h"

static void help(FILE *f) {
        fprintf(f, "Usage: nd-persist close [--run-dir DIR] [--mountpoint DIR] [--mapper NAME]\n\n"
                   "Unmount the persisted paths and the volume, then close the LUKS mapping.\n\n"
                   "  --run-dir DIR      where neuraldrive/persist.json is (default /run)\n"
                   "  --mountpoint DIR   the volume's mount point (default: from persist.json,\n"
                   "                     else /run/neuraldrive/persist)\n"
                   "  --mapper NAME      the mapping (default nd-persist)\n");
}

int verb_close(int argc, char *argv[]) {
        enum { ARG_RUN_DIR = 0x100, ARG_MOUNTPOINT, ARG_MAPPER };
        static const struct option options[] = { { "help", no_argument, NULL, 'h' },
                                                 { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                                                 { "mountpoint", required_argument, NULL, ARG_MOUNTPOINT },
                                                 { "mapper", required_argument, NULL, ARG_MAPPER },
                                                 {} };
        _cleanup_(volume_state_done) VolumeState s = {};
        const char *run_dir = "/run", *mountpoint = NULL, *mapper = NULL;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help(stdout);
                        return 0;
                case ARG_RUN_DIR:
                        run_dir = optarg;
                        break;
                case ARG_MOUNTPOINT:
                        mountpoint = optarg;
                        break;
                case ARG_MAPPER:
                        mapper = optarg;
                        break;
                default:
                        help(stderr);
                        return 2;
                }
        if (optind < argc) {
                help(stderr);
                return 2;
        }

        if (volume_state_read(run_dir, &s) >= 0) {
                if (!mountpoint)
                        mountpoint = s.mountpoint;
                if (!mapper && s.mapper)
                        mapper = startswith(s.mapper, "/dev/mapper/");
        }
        if (!mountpoint)
                mountpoint = "/run/neuraldrive/persist";
        if (!mapper || !*mapper)
                mapper = "nd-persist";

        return volume_close(mountpoint, mapper) < 0 ? 1 : 0;
}
