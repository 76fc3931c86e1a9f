/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fd-util.h"
#include "fileio.h"
#include "fs-util.h"
#include "log.h"
#include "populate.h"
#include "seed.h"

/* The union paths of POPULATE_PERSISTENCE_CONF, in its order. */
static const char *const persisted_paths[] = {
        "/etc/neuraldrive",
        "/var/lib/neuraldrive",
        "/var/log/neuraldrive",
        "/home",
};

int populate_dir(int volfd, const char *seed_root) {
        _cleanup_close_ int srcfd = -EBADF;
        int r;

        if (seed_root) {
                srcfd = open(seed_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (srcfd < 0)
                        return log_error_errno(negative_errno(), "Failed to open '%s' to seed from: %m",
                                               seed_root);
        }
        for (size_t i = 0; i < ELEMENTSOF(persisted_paths); i++) {
                if (srcfd >= 0)
                        r = seed_copy_path(srcfd, volfd, persisted_paths[i]);
                else {
                        _cleanup_close_ int fd = open_dir_beneath(volfd, persisted_paths[i], true, 0755);
                        r = fd < 0 ? fd : 0;
                }
                if (r < 0)
                        return log_error_errno(r, "Failed to seed '%s' into the new volume: %m",
                                               persisted_paths[i]);
        }
        r = write_file_atomic(volfd, "persistence.conf", POPULATE_PERSISTENCE_CONF,
                              strlen(POPULATE_PERSISTENCE_CONF), 0644, 0, 0, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to write persistence.conf: %m");
        if (syncfs(volfd) < 0)
                return log_error_errno(negative_errno(), "Failed to sync the new volume: %m");
        return 0;
}

int populate_device(const char *node, const char *seed_root) {
        char dir[] = "/run/nd-persist-create.XXXXXX";
        int r, k;

        if (!mkdtemp(dir))
                return log_error_errno(negative_errno(), "Failed to make a mount point: %m");
        if (mount(node, dir, "ext4", MS_NOSUID | MS_NODEV | MS_NOATIME, NULL) < 0) {
                r = log_error_errno(negative_errno(), "Failed to mount '%s': %m", node);
                (void) rmdir(dir);
                return r;
        }

        _cleanup_close_ int volfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        r = volfd < 0 ? log_error_errno(negative_errno(), "Failed to open '%s': %m", dir)
                      : populate_dir(volfd, seed_root);
        volfd = safe_close(volfd);

        k = umount2(dir, 0) < 0 ? negative_errno() : 0;
        if (k < 0)
                log_error_errno(k, "Failed to unmount '%s': %m", dir);
        else
                (void) rmdir(dir);
        return r < 0 ? r : k;
}
