/* SPDX-License-Identifier: MIT */
#pragma once

/* Filling a new persistence filesystem: persistence.conf and one upper
 * directory per persisted path, seeded from a root directory. */

/* The default persistence.conf of a new volume (live-boot format). */
#define POPULATE_PERSISTENCE_CONF                                                                           \
        "/etc/neuraldrive union\n"                                                                          \
        "/var/lib/neuraldrive union\n"                                                                      \
        "/var/log/neuraldrive union\n"                                                                      \
        "/home union\n"

/* Fills the (empty) filesystem whose root is open at volfd: for each path
 * of POPULATE_PERSISTENCE_CONF the upper directory <volume>/<path>, a copy
 * of that path below seed_root (see seed.h) or, with seed_root NULL, empty;
 * then persistence.conf (0644 root); then syncfs. Returns 0 or a negative
 * errno, after logging what failed. */
int populate_dir(int volfd, const char *seed_root);

/* Mounts the ext4 on node (nosuid, nodev, noatime) on a private directory
 * below /run, populate_dir()s it and unmounts it again. Returns 0 or a
 * negative errno, after logging what failed. */
int populate_device(const char *node, const char *seed_root);
