/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "mkfs.h"

int mkfs_ext4(const char *node, const char *label) {
        /* -F: the fresh mapping holds random bytes, which mke2fs may take for
         * something and then ask on a terminal that the boot path lacks. */
        char *argv[] = { "mke2fs",         "-q",          "-F", "-t", "ext4", "-L", (char *) label, "-E",
                         "root_owner=0:0", (char *) node, NULL };
        int status;
        pid_t pid;

        pid = fork();
        if (pid < 0)
                return log_debug_errno(negative_errno(), "Failed to fork for mke2fs: %m");
        if (pid == 0) {
                /* Key material may sit behind an inherited fd (--passphrase-fd). */
                (void) syscall(SYS_close_range, 3U, ~0U, 0);
                execvp(argv[0], argv);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return log_debug_errno(-EPROTO, "mke2fs on '%s' failed (status %d)", node,
                                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return 0;
}
