/* SPDX-License-Identifier: MIT */
/* nd-firstboot: parses options and the kernel command line, then hands
 * over to firstboot_run() / firstboot_status(). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "fd-util.h"
#include "firstboot.h"
#include "log.h"
#include "macro.h"
#include "reprovision.h"

typedef struct Args {
        const char *root, *run_dir, *cmdline;
        unsigned reprovision;
        bool renew_cert, status, json, debug;
        LogTarget log_target;
} Args;

static void help(void) {
        printf("Usage: nd-firstboot [OPTIONS]\n\n"
               "Provision a NeuralDrive root: service users, admin password, API key,\n"
               "CA and server certificate, SSH host keys, machine-id and hostname.\n\n"
               "  --root DIR              root to provision (default /)\n"
               "  --run-dir DIR           /run of that root, for initial-credentials (default /run)\n"
               "  --cmdline FILE          kernel command line (default /proc/cmdline)\n"
               "  --reprovision[=LIST]    rotate api-key,tls,admin,ssh,ca or all (default all)\n"
               "  --renew-cert            re-issue the server certificate if names/addresses\n"
               "                          changed or a third of its life is left\n"
               "  --status [--json]       show what was provisioned and when\n"
               "  --log-target=TARGET     auto, stderr or kmsg\n"
               "  --debug                 debug messages\n"
               "  -h --help               this help\n");
}

/* Returns 1 to go on, 0 to exit successfully, or -EINVAL for a usage error. */
static int parse_args(int argc, char **argv, Args *a) {
        enum {
                ARG_ROOT = 0x100,
                ARG_RUN_DIR,
                ARG_CMDLINE,
                ARG_REPROVISION,
                ARG_RENEW,
                ARG_STATUS,
                ARG_JSON,
                ARG_LOG_TARGET,
                ARG_DEBUG
        };
        static const struct option options[] = {
                { "root", required_argument, NULL, ARG_ROOT },
                { "run-dir", required_argument, NULL, ARG_RUN_DIR },
                { "cmdline", required_argument, NULL, ARG_CMDLINE },
                { "reprovision", optional_argument, NULL, ARG_REPROVISION },
                { "renew-cert", no_argument, NULL, ARG_RENEW },
                { "status", no_argument, NULL, ARG_STATUS },
                { "json", no_argument, NULL, ARG_JSON },
                { "log-target", required_argument, NULL, ARG_LOG_TARGET },
                { "debug", no_argument, NULL, ARG_DEBUG },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case ARG_ROOT:
                        a->root = optarg;
                        break;
                case ARG_RUN_DIR:
                        a->run_dir = optarg;
                        break;
                case ARG_CMDLINE:
                        a->cmdline = optarg;
                        break;
                case ARG_REPROVISION: {
                        unsigned items;
                        r = reprovision_parse(optarg ?: "all", &items);
                        if (r < 0)
                                return r;
                        a->reprovision |= items;
                        break;
                }
                case ARG_RENEW:
                        a->renew_cert = true;
                        break;
                case ARG_STATUS:
                        a->status = true;
                        break;
                case ARG_JSON:
                        a->json = true;
                        break;
                case ARG_LOG_TARGET:
                        r = log_target_from_string(optarg);
                        if (r < 0)
                                return log_error_errno(-EINVAL, "Unknown log target '%s'", optarg);
                        a->log_target = r;
                        break;
                case ARG_DEBUG:
                        a->debug = true;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return -EINVAL;
                }
        }
        if (optind < argc)
                return log_error_errno(-EINVAL, "Unexpected argument '%s'", argv[optind]);
        if (a->json && !a->status)
                return log_error_errno(-EINVAL, "--json only goes with --status");
        if ((a->status + a->renew_cert + (a->reprovision != 0)) > 1)
                return log_error_errno(-EINVAL,
                                       "--status, --renew-cert and --reprovision exclude each other");
        return 1;
}

/* neuraldrive.debug and neuraldrive.recovery=LIST. A bad value is reported
 * and ignored: a typo must never rotate credentials. */
static void apply_cmdline(Args *a) {
        _cleanup_cmdline_free_ Cmdline *c = NULL;
        const CmdlineArg *arg;
        int r, error;

        r = cmdline_read(a->cmdline, &c);
        if (r < 0) {
                log_debug_errno(r, "Failed to read '%s' (%m), ignoring", a->cmdline);
                return;
        }
        if (cmdline_get(c, "neuraldrive.debug")) {
                bool on = cmdline_get_bool(c, "neuraldrive.debug", &error);
                if (error < 0)
                        log_warning("Invalid value for neuraldrive.debug, ignoring");
                else if (on)
                        a->debug = true;
        }
        arg = cmdline_get(c, "neuraldrive.recovery");
        if (arg && !a->status && !a->renew_cert) {
                unsigned items;
                if (!arg->value || reprovision_parse(arg->value, &items) < 0)
                        log_warning(
                                "neuraldrive.recovery needs a list of api-key, tls, admin, ssh, ca or all, "
                                "ignoring it");
                else
                        a->reprovision |= items;
        }
}

static int open_dir(const char *path, int *ret) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(negative_errno(), "Failed to open '%s': %m", path);
        *ret = fd;
        return 0;
}

int main(int argc, char **argv) {
        _cleanup_close_ int root_fd = -EBADF, run_fd = -EBADF;
        Args a = {
                .root = "/", .run_dir = "/run", .cmdline = "/proc/cmdline", .log_target = LOG_TARGET_AUTO
        };
        int r;

        log_set_ident("nd-firstboot");
        r = parse_args(argc, argv, &a);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        log_set_target(a.log_target);
        apply_cmdline(&a);
        if (a.debug)
                log_set_max_level(LOG_DEBUG);

        if (open_dir(a.root, &root_fd) < 0)
                return 1;
        if (a.status)
                return firstboot_status(root_fd, a.json, stdout) < 0 ? 1 : 0;
        if (open_dir(a.run_dir, &run_fd) < 0)
                return 1;

        FirstbootOptions o = {
                .root_fd = root_fd,
                .run_fd = run_fd,
                .reprovision = a.reprovision,
                .renew_cert = a.renew_cert,
        };
        r = firstboot_run(&o);
        return r < 0 ? 1 : 0;
}
