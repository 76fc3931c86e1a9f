/* SPDX-License-Identifier: MIT */
#pragma once

/* The boot path as one action (nd-persist boot): read the kernel arguments,
 * find and mount the system image, mount the root overlay at the target,
 * then attach the persistence volume and apply persistence.conf, and record
 * the outcome in <run-dir>/neuraldrive/persist.json. */

#include <stdbool.h>

typedef struct BootOptions {
        const char *target;       /* where the root is assembled ($rootmnt) */
        const char *cmdline_path; /* NULL: /proc/cmdline */
        const char *run_dir;      /* NULL: /run */
        /* NULL-terminated allow-list of device nodes; NULL: every block
         * device may be probed. Borrowed. */
        char *const *allowed_devices;
        /* Accept a plain (unencrypted) ext4 persistence volume, only on a
         * loop device and only together with allowed_devices. For host tests
         * on machines without device-mapper; never for production. */
        bool test_allow_unencrypted;
        bool debug; /* as neuraldrive.debug */
} BootOptions;

/* Runs the boot path. Problems with persistence never fail it: they are
 * reported on the console and the boot continues in RAM only (degraded).
 * Returns 0 when the root is assembled at o->target, or a negative errno
 * when the system image is missing or cannot be mounted (a message saying
 * what was looked for where has been logged). */
int persist_boot(const BootOptions *o);
