/* SPDX-License-Identifier: MIT */
#pragma once

/* The persistence stage of the boot path: find the volume on the boot
 * device, unlock it, check and mount it, and apply persistence.conf to the
 * root. Never fatal: every failure is recorded in the BootState (degraded,
 * with the reason) and the boot continues in RAM only. */

#include <stdbool.h>

#include "config.h"
#include "image.h"
#include "state.h"

#define ATTACH_NAME "nd-persist" /* GPT partition name, LUKS2 label, mapper name */
#define ATTACH_MAPPER "/dev/mapper/" ATTACH_NAME

typedef struct AttachContext {
        const PersistConfig *cfg;
        const SystemImage *image;
        char *const *allowed;   /* device allow-list or NULL */
        bool allow_unencrypted; /* test-only, see BootOptions */
        const char *nd_dir;     /* <run-dir>/neuraldrive */
        const char *target;     /* the assembled root */
} AttachContext;

/* Runs the stage and records the outcome (state, reason, volume, mapper,
 * mountpoint, paths, skipped) in *state. Returns 0, or -ENOMEM (the only
 * error; everything else is a degraded state). */
int attach_persistence(const AttachContext *ctx, BootState *state);
