/* SPDX-License-Identifier: MIT */
#pragma once

/* Opening paths inside a root directory without ever following a symlink.
 * Every path handed to these functions is relative to rootfd (a leading "/"
 * is ignored); a ".." component is refused, so nothing can escape the root,
 * and a symlink anywhere on the way, including the last component, fails with
 * -ELOOP. This is how the tools treat --root and the persistence volume. */

#include <stdbool.h>
#include <sys/types.h>

/* Opens path below rootfd with open(2) flags and mode; O_NOFOLLOW and
 * O_CLOEXEC are always added. Returns the new fd (owned by the caller), or a
 * negative errno: -ELOOP for a symlink on the way, -EINVAL for "..". */
int open_beneath(int rootfd, const char *path, int flags, mode_t mode);

/* Opens the directory path below rootfd (O_DIRECTORY|O_RDONLY). With create,
 * missing components are made with mode (not changing existing ones).
 * "" and "/" open rootfd itself. Returns the fd, or a negative errno. */
int open_dir_beneath(int rootfd, const char *path, bool create, mode_t mode);

/* Splits path into its directory part and last component: "a/b/c" gives
 * "a/b" and "c", "c" gives "" and "c". Returns 0 and two strings owned by the
 * caller, or -EINVAL for a path with no last component ("", "/", "a/"). */
int path_split(const char *path, char **ret_dir, char **ret_name);

/* True when p is absolute, has no ".", ".." or empty components and no
 * trailing slash ("/" itself is normalized). */
bool path_is_normalized_absolute(const char *p);

/* Skips leading slashes: "/etc/x" gives "etc/x". */
const char *path_skip_root(const char *p);
