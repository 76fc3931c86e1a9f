/* SPDX-License-Identifier: MIT */
#pragma once

/* Mounting for the boot path. Block devices and image files go through
 * libmount (which sets up loop devices for files); overlay, tmpfs and bind
 * mounts whose parts live on the persistence volume are made with mount(2)
 * on /proc/self/fd/N paths of directories opened without following symlinks,
 * so that nothing on the volume can redirect a mount elsewhere. */

#include <stddef.h>

/* Mounts source (a block device or, with "loop" in options, a file) at
 * target with libmount. fstype may be NULL (libmount/libblkid detect it).
 * fstab and mtab are neither read nor written. Returns 0 or a negative
 * errno (the mount(2) error when the syscall was made). */
int mount_libmount(const char *source, const char *target, const char *fstype, const char *options);

/* Writes "/proc/self/fd/<fd>" into buf (at least MOUNT_FD_PATH_MAX bytes)
 * and returns buf. */
#define MOUNT_FD_PATH_MAX 32
char *mount_fd_path(int fd, char buf[static MOUNT_FD_PATH_MAX]);

/* True when s can be placed in a mount option string (no ',', ':', '\\',
 * '=' or control characters, which overlayfs/tmpfs option parsing treats
 * specially). */
int mount_option_value_is_safe(const char *s);

/* Options for looking into a medium read-only (the system image medium, a
 * key-file device): "ro,nosuid,nodev,noexec", plus "norecovery" for ext3/4,
 * because even a read-only mount replays a dirty journal, and merely
 * looking at a stick must never write to it. Returns a static string. */
const char *mount_inspect_options(const char *fstype);

/* Unmounts path (lazily when busy). Errors are logged at debug level and
 * ignored: used on cleanup paths. */
void mount_umount_quiet(const char *path);
