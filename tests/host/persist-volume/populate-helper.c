/* SPDX-License-Identifier: MIT */
/* Host-test helper: runs the filesystem steps of nd-persist create (mke2fs,
 * then mount, seed, persistence.conf, unmount) on a plain block device, so
 * they are proven on hosts without device-mapper, where create itself
 * stops before them.
 * usage: populate-helper DEVICE SEED_ROOT|- */
#include <stdio.h>
#include <string.h>

#include "create.h"
#include "log.h"
#include "mkfs.h"
#include "populate.h"

int main(int argc, char *argv[]) {
        int r;

        if (argc != 3) {
                fprintf(stderr, "usage: %s DEVICE SEED_ROOT|-\n", argv[0]);
                return 2;
        }
        r = mkfs_ext4(argv[1], PERSIST_CREATE_FS_LABEL);
        if (r < 0) {
                log_error_errno(r, "mkfs_ext4 '%s': %m", argv[1]);
                return 1;
        }
        r = populate_device(argv[1], strcmp(argv[2], "-") == 0 ? NULL : argv[2]);
        return r < 0 ? 1 : 0;
}
