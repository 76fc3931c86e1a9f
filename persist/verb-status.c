/* SPDX-License-Identifier: MIT */
/* nd-persist status [--json]: persist.json from the boot path plus what
 * libcryptsetup says about the volume. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json-flat.h"
#include "log.h"
#include "verbs.h"
#include "volume-cli.h"
#include "volume.h"

static void help(FILE *f) {
        fprintf(f, "Usage: nd-persist status [--json] [--run-dir DIR] [--device DEV]\n\n"
                   "  --json          print one JSON object\n"
                   "  --run-dir DIR   where neuraldrive/persist.json is (default /run)\n"
                   "  --device DEV    inspect this LUKS2 volume (default: volume in persist.json)\n");
}

static void json_field(FILE *f, const char *name, const char *value, bool last) {
        fprintf(f, "\"%s\":", name);
        if (value)
                json_flat_write_string(f, value);
        else
                fputs("null", f);
        fputs(last ? "" : ",", f);
}

static const char *mapper_name(const char *mapper) {
        const char *n = mapper ? startswith(mapper, "/dev/mapper/") : NULL;
        return n && *n ? n : "nd-persist";
}

static void print_json(const VolumeState *s, const VolumeInfo *i, bool have_info) {
        fputc('{', stdout);
        json_field(stdout, "state", s->state ? s->state : "unknown", false);
        json_field(stdout, "reason", s->reason, false);
        json_field(stdout, "boot_device", s->boot_device, false);
        json_field(stdout, "volume", s->volume, false);
        json_field(stdout, "mapper", s->mapper, false);
        json_field(stdout, "mountpoint", s->mountpoint, false);
        fprintf(stdout, "\"mapping_open\":%s,\"luks\":", i->active ? "true" : "false");
        if (!have_info || i->keyslots < 0)
                fputs("null", stdout);
        else {
                fputc('{', stdout);
                json_field(stdout, "device", i->device, false);
                json_field(stdout, "label", i->label, false);
                json_field(stdout, "cipher", i->cipher, false);
                fprintf(stdout, "\"key_bits\":%d,\"keyslots\":%d,", i->key_bits, i->keyslots);
                json_field(stdout, "creation_state", i->creation_state, true);
                fputc('}', stdout);
        }
        fputs("}\n", stdout);
}

static void print_text(const VolumeState *s, const VolumeInfo *i, bool have_info) {
        printf("Persistence: %s\n", s->state ? s->state : "unknown");
        if (s->reason)
                printf("Reason: %s\n", s->reason);
        if (s->boot_device)
                printf("Boot device: %s\n", s->boot_device);
        if (have_info && i->keyslots >= 0)
                printf("Volume: %s (LUKS2 label '%s', %s %d-bit, %d keyslot%s, creation %s)\n",
                       i->device ? i->device : strempty(s->volume), i->label ? i->label : "",
                       i->cipher ? i->cipher : "?", i->key_bits, i->keyslots, i->keyslots == 1 ? "" : "s",
                       i->creation_state ? i->creation_state : "not recorded");
        else if (s->volume)
                printf("Volume: %s\n", s->volume);
        printf("Mapping: /dev/mapper/%s (%s)\n", mapper_name(s->mapper), i->active ? "open" : "closed");
        if (s->mountpoint)
                printf("Mounted at: %s\n", s->mountpoint);
}

int verb_status(int argc, char *argv[]) {
        enum { ARG_JSON = 0x100, ARG_RUN_DIR, ARG_DEVICE };
        static const struct option options[] = { { "help", no_argument, NULL, 'h' },
                                                 { "json", no_argument, NULL, ARG_JSON },
                                                 { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                                                 { "device", required_argument, NULL, ARG_DEVICE },
                                                 {} };
        _cleanup_(volume_state_done) VolumeState s = {};
        _cleanup_(volume_info_done) VolumeInfo i = { .keyslots = -1 };
        const char *run_dir = "/run", *device = NULL;
        bool json = false, have_info;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help(stdout);
                        return 0;
                case ARG_JSON:
                        json = true;
                        break;
                case ARG_RUN_DIR:
                        run_dir = optarg;
                        break;
                case ARG_DEVICE:
                        device = optarg;
                        break;
                default:
                        help(stderr);
                        return 2;
                }
        if (optind < argc) {
                help(stderr);
                return 2;
        }

        r = volume_state_read(run_dir, &s);
        if (r == -ENOENT) {
                s.state = strdup("unknown");
                s.reason = strdup("no persist.json: the boot path did not run");
                if (!s.state || !s.reason)
                        return 1;
        } else if (r < 0) {
                log_error_errno(r, "Failed to read '%s/neuraldrive/persist.json': %m", run_dir);
                return 1;
        }

        r = volume_info(mapper_name(s.mapper), device ? device : s.volume, &i);
        have_info = r >= 0;
        if (r < 0)
                log_warning_errno(r, "Failed to inspect the LUKS2 volume: %m, showing persist.json only");

        if (json)
                print_json(&s, &i, have_info);
        else
                print_text(&s, &i, have_info);
        return 0;
}
