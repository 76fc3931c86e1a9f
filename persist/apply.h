/* SPDX-License-Identifier: MIT */
#pragma once

/* Mounting persistence.conf entries into the assembled root.
 *
 * Every directory on the volume is opened with open_dir_beneath() (no
 * symlink followed, no ".."), and the mounts are made on /proc/self/fd/N of
 * those descriptors, so a symlink planted on the volume can neither point a
 * mount outside the volume nor be swapped in between check and mount.
 *
 *   union: overlay on <root>/<path>: lowerdir = the path in the system image
 *          (or an empty directory when the image has none), upperdir =
 *          <volume>/<source>, workdir = <volume>/.nd-work/<escaped source>;
 *          nosuid, nodev.
 *   bind:  bind mount of <volume>/<source> on <root>/<path>; nosuid, nodev.
 *
 * Missing directories are created: on the volume with the mode and owner of
 * the path in the root (so a new /home upper keeps 0755 root:root), in the
 * root (on the tmpfs upper) with 0755. */

#include "conf.h"

typedef struct ApplyContext {
        int volume_fd; /* the mounted persistence volume's root directory */
        int root_fd;   /* the assembled root (opened after the overlay was mounted) */
        int system_fd; /* the mounted system image */
        int empty_fd;  /* an empty, read-only-used directory for lowerdir */
} ApplyContext;

/* Mounts one entry. On failure returns a negative errno and sets
 * *ret_reason to a static sentence for persist.json and the console
 * ("a symlink on the volume is in the way"). */
int apply_entry(const ApplyContext *ctx, const ConfEntry *e, const char **ret_reason);

/* The work directory name for a source: '%' and '/' escaped as %25, %2f.
 * Returns 0 and a heap string, -ENAMETOOLONG past 255 bytes, or -ENOMEM. */
int apply_work_dir_name(const char *source, char **ret);
