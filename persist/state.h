/* SPDX-License-Identifier: MIT */
#pragma once

/* The outcome of the boot path, in <run-dir>/neuraldrive/persist.json, read
 * by `nd-persist status`, `nd-persist create --free-space` (boot_device) and
 * the System API. Schema (version 1), every key always present, null when
 * not known:
 *
 *   {
 *     "version": 1,
 *     "state": "active" | "degraded" | "disabled",
 *     "reason": string | null,       why not active (a sentence for humans)
 *     "boot_device": "/dev/vda",      whole disk holding the system image
 *     "system_device": "/dev/vda1",   partition/medium holding the image
 *     "system_image": "/dev/vda1" | "/dev/sr0:/live/filesystem.squashfs",
 *     "toram": false,
 *     "volume": "/dev/vda2" | null,   the persistence partition
 *     "encrypted": true | false | null,
 *     "mapper": "/dev/mapper/nd-persist" | null,
 *     "mountpoint": "/run/neuraldrive/persist" | null,
 *     "paths": [ {"path": "/home", "mode": "union"|"bind", "source": "home"} ],
 *     "skipped": [ {"path": "/x" | null, "line": 3, "reason": "..."} ]
 *   }
 *
 * "paths" lists what is actually mounted into the root, "skipped" the
 * persistence.conf entries that were refused or failed. */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef enum PersistState {
        PERSIST_STATE_ACTIVE,
        PERSIST_STATE_DEGRADED,
        PERSIST_STATE_DISABLED,
} PersistState;

typedef struct StatePath {
        char *path;
        char *mode;   /* "union" or "bind" */
        char *source; /* volume-relative */
} StatePath;

typedef struct StateSkipped {
        char *path;    /* may be NULL */
        unsigned line; /* 0: not from a line */
        char *reason;
} StateSkipped;

typedef struct BootState {
        PersistState state;
        char *reason;
        char *boot_device;
        char *system_device;
        char *system_image;
        bool toram;
        char *volume;
        int encrypted; /* -1 unknown */
        char *mapper;
        char *mountpoint;
        StatePath *paths;
        size_t n_paths;
        StateSkipped *skipped;
        size_t n_skipped;
} BootState;

/* "active", "degraded" or "disabled". Returns a static string. */
const char *persist_state_to_string(PersistState s);

/* Sets state and reason (copied, printf-style). Returns 0 or -ENOMEM. */
int state_set(BootState *s, PersistState state, const char *format, ...) _printf_(3, 4);

/* Appends to paths / skipped (strings copied; path may be NULL for
 * skipped). Returns 0 or -ENOMEM. */
int state_add_path(BootState *s, const char *path, const char *mode, const char *source);
int state_add_skipped(BootState *s, const char *path, unsigned line, const char *reason);

/* Serialises s as the JSON above into a heap string. Returns 0 or -ENOMEM. */
int state_to_json(const BootState *s, char **ret);

/* Writes s to nd_dir/persist.json atomically, mode 0644. Returns 0 or a
 * negative errno. */
int state_write(const BootState *s, const char *nd_dir);

/* Frees everything s holds and resets it (encrypted = -1). */
void boot_state_done(BootState *s);
