/* SPDX-License-Identifier: MIT */
#include "apply.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fd-util.h"
#include "fs-util.h"
#include "log.h"
#include "macro.h"
#include "mount-util.h"

int apply_work_dir_name(const char *source, char **ret) {
        size_t n = 0;

        for (const char *p = source; *p; p++)
                n += (*p == '%' || *p == '/') ? 3 : 1;
        if (n > 255)
                return -ENAMETOOLONG;

        char *s = malloc(n + 1), *o = s;
        if (!s)
                return -ENOMEM;
        for (const char *p = source; *p; p++) {
                if (*p == '%' || *p == '/') {
                        sprintf(o, "%%%02x", (unsigned char) *p);
                        o += 3;
                } else
                        *o++ = *p;
        }
        *o = '\0';
        *ret = s;
        return 0;
}

static const char *reason_for(int r, const char *what_loop, const char *what_other) {
        if (r == -ELOOP)
                return what_loop;
        if (r == -EINVAL)
                return "the path contains '..'";
        if (r == -ENOTDIR)
                return "a file that is not a directory is in the way";
        return what_other;
}

/* Opens (creating when missing) the directory source on the volume. A new
 * directory takes the mode and owner of like_fd (the path in the root), so
 * the merged directory looks as it did without persistence. */
static int open_volume_dir(int volume_fd, const char *source, int like_fd) {
        int fd = open_dir_beneath(volume_fd, source, false, 0);
        struct stat st;

        if (fd != -ENOENT)
                return fd;
        fd = open_dir_beneath(volume_fd, source, true, 0755);
        if (fd < 0 || like_fd < 0 || fstat(like_fd, &st) < 0)
                return fd;
        if (fchown(fd, st.st_uid, st.st_gid) < 0 || fchmod(fd, st.st_mode & 07777) < 0)
                log_debug_errno(errno,
                                "Failed to copy the owner/mode of the root's directory to the "
                                "volume's '%s', ignoring: %m",
                                source);
        return fd;
}

static int mount_union(const ApplyContext *ctx, const ConfEntry *e, int target_fd, int upper_fd,
                       const char **ret_reason) {
        _cleanup_close_ int lower_fd = -EBADF, work_fd = -EBADF;
        _cleanup_free_ char *work_name = NULL, *work_path = NULL, *opts = NULL;
        char lp[MOUNT_FD_PATH_MAX], up[MOUNT_FD_PATH_MAX], wp[MOUNT_FD_PATH_MAX], tp[MOUNT_FD_PATH_MAX];
        int r;

        /* The image's own directory, not the root's: stacking an overlay on
         * the root overlay (or on a parent union) would hit the kernel's
         * stacking limit. */
        lower_fd = open_dir_beneath(ctx->system_fd, e->path, false, 0);
        if (lower_fd < 0)
                lower_fd = fcntl(ctx->empty_fd, F_DUPFD_CLOEXEC, 3);
        if (lower_fd < 0)
                return negative_errno();

        r = apply_work_dir_name(e->source, &work_name);
        if (r < 0) {
                *ret_reason = "the source name is too long for a work directory";
                return r;
        }
        if (asprintf(&work_path, CONF_WORK_DIR "/%s", work_name) < 0)
                return -ENOMEM;
        work_fd = open_dir_beneath(ctx->volume_fd, work_path, true, 0700);
        if (work_fd < 0) {
                *ret_reason =
                        reason_for(work_fd, "a symlink on the volume is in the way of the work directory",
                                   "the work directory on the volume cannot be created");
                return work_fd;
        }

        if (asprintf(&opts, "lowerdir=%s,upperdir=%s,workdir=%s", mount_fd_path(lower_fd, lp),
                     mount_fd_path(upper_fd, up), mount_fd_path(work_fd, wp)) < 0)
                return -ENOMEM;
        /* noatime like the volume itself: with relatime every first read of
         * a file writes its inode through the overlay (bench/ measured it). */
        if (mount("overlay", mount_fd_path(target_fd, tp), "overlay", MS_NOSUID | MS_NODEV | MS_NOATIME,
                  opts) < 0) {
                *ret_reason = "the overlay mount failed";
                return negative_errno();
        }
        return 0;
}

static int mount_bind(int target_fd, int source_fd, const char **ret_reason) {
        _cleanup_close_ int tree_fd = -EBADF;
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOATIME,
                                   .attr_clr = MOUNT_ATTR__ATIME };

        /* A detached copy of the volume directory gets its flags before it
         * becomes visible anywhere, then is moved onto the target. */
        tree_fd = open_tree(source_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (tree_fd < 0 || mount_setattr(tree_fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0 ||
            move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
                *ret_reason = "the bind mount failed";
                return negative_errno();
        }
        return 0;
}

int apply_entry(const ApplyContext *ctx, const ConfEntry *e, const char **ret_reason) {
        _cleanup_close_ int target_fd = -EBADF, source_fd = -EBADF;
        int r;

        *ret_reason = NULL;

        target_fd = open_dir_beneath(ctx->root_fd, e->path, true, 0755);
        if (target_fd < 0) {
                *ret_reason = reason_for(target_fd, "the path is a symlink in the root",
                                         "the path cannot be created in the root");
                return target_fd;
        }
        source_fd = open_volume_dir(ctx->volume_fd, e->source, target_fd);
        if (source_fd < 0) {
                *ret_reason = reason_for(source_fd,
                                         "a symlink on the volume is in the way (refusing to follow it)",
                                         "the source directory on the volume cannot be opened");
                return source_fd;
        }

        if (e->mode == CONF_MODE_UNION)
                r = mount_union(ctx, e, target_fd, source_fd, ret_reason);
        else
                r = mount_bind(target_fd, source_fd, ret_reason);
        if (r < 0)
                return r;

        log_debug("Persisted '%s' (%s of '%s' on the volume).", e->path, conf_mode_to_string(e->mode),
                  e->source);
        return 0;
}
