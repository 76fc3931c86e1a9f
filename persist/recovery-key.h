/* SPDX-License-Identifier: MIT */
#pragma once

/* Recovery keys: 8 groups of 5 characters from Crockford's base32 alphabet
 * (no I, L, O, U: nothing to confuse when typing from paper), separated by
 * '-': 40 characters x 5 bits = 200 bits from getrandom(). */

#define RECOVERY_KEY_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define RECOVERY_KEY_GROUPS 8
#define RECOVERY_KEY_GROUP_LEN 5
#define RECOVERY_KEY_LEN (RECOVERY_KEY_GROUPS * (RECOVERY_KEY_GROUP_LEN + 1) - 1)

/* Generates a recovery key. *ret is a NUL-terminated heap string of
 * RECOVERY_KEY_LEN characters, owned by the caller, to be released with
 * erase_and_free(). Returns 0 or a negative errno. */
int recovery_key_generate(char **ret);
