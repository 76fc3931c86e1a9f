/* SPDX-License-Identifier: MIT */
#pragma once

/* Seeding a new persistence volume with what the running system already
 * keeps in a persisted path, so that secrets made at first boot survive. */

/* Copies the tree at path (normalized absolute, e.g. "/etc/neuraldrive")
 * below src_rootfd to the same path below dst_rootfd, which must not exist
 * yet there. Directories, regular files and symlinks keep their mode, owner
 * and modification time (xattrs/ACLs are not copied). Nothing is followed:
 * a symlink on the way to path fails with -ELOOP; a symlink inside the tree
 * whose target is absolute, climbs out of the tree, or has a ".." after a
 * name (which could climb out through another symlink) is skipped with a
 * warning, as are devices, FIFOs and sockets. A path missing below
 * src_rootfd gives an empty directory (0755) in the destination. Missing
 * parents in the destination are made 0755. Returns 0 or a negative errno;
 * on failure the destination may hold a partial copy (the create procedure
 * redoes the whole volume). */
int seed_copy_path(int src_rootfd, int dst_rootfd, const char *path);
