/* SPDX-License-Identifier: MIT */
#pragma once

/* Recovery: which credentials to rotate, and the dated backup of the old
 * material (/etc/neuraldrive/backup/<UTC time>/, 0700 root) made before
 * anything is replaced. */

#include <stddef.h>

typedef enum ReprovisionItem {
        REPROVISION_API_KEY = 1 << 0,
        REPROVISION_TLS = 1 << 1, /* server key + certificate */
        REPROVISION_ADMIN = 1 << 2,
        REPROVISION_SSH = 1 << 3,
        REPROVISION_CA = 1 << 4, /* only when named: every client must trust the new CA */
        /* "all": everything but the CA */
        REPROVISION_ALL = REPROVISION_API_KEY | REPROVISION_TLS | REPROVISION_ADMIN | REPROVISION_SSH,
} ReprovisionItem;

#define REPROVISION_BACKUP_DIR "/etc/neuraldrive/backup"

/* Parses a comma-separated list of api-key, tls, admin, ssh, ca, all.
 * Returns 0 and the item mask, or -EINVAL (naming the bad word in a log
 * message). */
int reprovision_parse(const char *list, unsigned *ret);

/* Formats a mask as "api-key,tls,...". buf of at least 64 bytes. */
const char *reprovision_to_string(unsigned items, char *buf, size_t size);

/* Makes a new dated backup directory and hard-links (or copies) into it
 * every existing file of the named items, keeping their relative paths.
 * *ret_dir (owned by the caller) is its path below the root. Returns 0 or
 * a negative errno; nothing has been replaced yet at this point. */
int reprovision_backup(int rootfd, unsigned items, char **ret_dir);
