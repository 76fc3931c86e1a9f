/* SPDX-License-Identifier: MIT */
#pragma once

/* The system image: find it (a raw SquashFS partition, or a SquashFS file on
 * a medium in live-build's layout), optionally copy it to RAM, mount it
 * read-only, and mount the root at the target as an overlay of it with a
 * tmpfs upper layer.
 *
 * Everything is mounted below the boot state directory ND (normally
 * /run/neuraldrive, which initramfs-tools moves into the new root):
 *   ND/medium   the medium holding the image file (not for raw partitions)
 *   ND/toram    tmpfs with the image copy (neuraldrive.toram)
 *   ND/system   the SquashFS, read-only (the overlay's lower layer)
 *   ND/overlay  tmpfs with upper/ and work/ of the root overlay */

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

typedef struct SystemImage {
        char *device;      /* node the image was found on ("/dev/vda1", "/dev/sr0") */
        char *boot_device; /* the whole disk holding it ("/dev/vda") */
        dev_t boot_disk;
        char *image_path; /* the file on the medium, NULL for a raw SquashFS device */
        bool toram;       /* the image was copied to RAM */
} SystemImage;

/* Waits (bounded by cfg->system_timeout) for the system image as
 * cfg->system / cfg->system_path describe it, on the devices of allowed
 * (NULL: all), and mounts it read-only at ND/system, copying it to RAM first
 * when cfg->toram asks and it fits (otherwise a warning, and the medium is
 * used). On success fills *ret (release with system_image_done()).
 * Returns 0, -ENOENT when nothing was found in time (a message saying what
 * was looked for where has been logged), or another negative errno. */
int image_find_and_mount(const PersistConfig *cfg, char *const *allowed, const char *nd_dir,
                         SystemImage *ret);

/* Mounts a tmpfs at ND/overlay and the root overlay (lower ND/system, upper
 * and work on that tmpfs) at target. Returns 0 or a negative errno. */
int image_mount_root(const char *nd_dir, const char *target);

/* Human-readable description of what the default/configured search looks
 * for, for messages ("a partition with PARTLABEL or LABEL 'nd-system' ...").
 * Returns a heap string or NULL on OOM. */
char *image_describe_search(const PersistConfig *cfg);

/* Frees the strings of img and zeroes it (mounts are left alone: they are
 * the boot's result). Accepts a zeroed img. */
void system_image_done(SystemImage *img);
