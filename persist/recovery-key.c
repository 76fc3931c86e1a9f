/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "memory-util.h"
#include "random-util.h"
#include "recovery-key.h"

int recovery_key_generate(char **ret) {
        _cleanup_erase_free_ char *key = NULL;
        char group[RECOVERY_KEY_GROUP_LEN + 1];
        size_t n = 0;
        int r;

        key = malloc(RECOVERY_KEY_LEN + 1);
        if (!key)
                return -ENOMEM;
        for (int g = 0; g < RECOVERY_KEY_GROUPS; g++) {
                r = random_string(RECOVERY_KEY_ALPHABET, sizeof(RECOVERY_KEY_ALPHABET) - 1, group,
                                  RECOVERY_KEY_GROUP_LEN);
                if (r < 0)
                        return r;
                if (g > 0)
                        key[n++] = '-';
                memcpy(key + n, group, RECOVERY_KEY_GROUP_LEN);
                n += RECOVERY_KEY_GROUP_LEN;
        }
        secure_erase(group, sizeof(group));
        key[n] = '\0';
        *ret = TAKE_PTR(key);
        return 0;
}
