/* SPDX-License-Identifier: MIT */
#include "mount-util.h"

#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "log.h"
#include "macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_context *, mnt_free_context)

int mount_libmount(const char *source, const char *target, const char *fstype, const char *options) {
        _cleanup_(mnt_free_contextp) struct libmnt_context *cxt = mnt_new_context();
        int r;

        if (!cxt)
                return -ENOMEM;
        /* Early boot has no fstab and no /run/mount: only what we pass counts. */
        if (mnt_context_disable_mtab(cxt, 1) < 0 || mnt_context_set_optsmode(cxt, MNT_OMODE_IGNORE) < 0 ||
            mnt_context_set_source(cxt, source) < 0 || mnt_context_set_target(cxt, target) < 0 ||
            (fstype && mnt_context_set_fstype(cxt, fstype) < 0) ||
            (options && mnt_context_set_options(cxt, options) < 0))
                return -ENOMEM;

        r = mnt_context_mount(cxt);
        if (r == 0 && mnt_context_get_status(cxt) == 1)
                return 0;
        if (mnt_context_syscall_called(cxt) && mnt_context_get_syscall_errno(cxt) != 0)
                return -mnt_context_get_syscall_errno(cxt);
        if (r < 0)
                return r;
        /* r > 0: a libmount "helper" failure (loop setup, unknown type ...) */
        log_debug("libmount failed to mount '%s' on '%s' (code %d)", source, target, r);
        return -EIO;
}

char *mount_fd_path(int fd, char buf[static MOUNT_FD_PATH_MAX]) {
        snprintf(buf, MOUNT_FD_PATH_MAX, "/proc/self/fd/%d", fd);
        return buf;
}

int mount_option_value_is_safe(const char *s) {
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p < 0x20 || *p == 0x7f || strchr(",:\\=", *p))
                        return 0;
        return 1;
}

const char *mount_inspect_options(const char *fstype) {
        if (fstype && (streq(fstype, "ext4") || streq(fstype, "ext3")))
                return "ro,nosuid,nodev,noexec,norecovery";
        return "ro,nosuid,nodev,noexec";
}

void mount_umount_quiet(const char *path) {
        if (umount2(path, 0) < 0 && errno != EINVAL && umount2(path, MNT_DETACH) < 0)
                log_debug_errno(errno, "Failed to unmount '%s', ignoring: %m", path);
}
