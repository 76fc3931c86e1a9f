/* SPDX-License-Identifier: MIT */
#include "secrets.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "memory-util.h"
#include "random-util.h"

int secrets_generate_api_key(char ret[static SECRETS_API_KEY_LEN + 1]) {
        size_t p = strlen(SECRETS_API_KEY_PREFIX);
        int r;

        memcpy(ret, SECRETS_API_KEY_PREFIX, p);
        r = random_base62(ret + p, SECRETS_API_KEY_CHARS);
        if (r < 0) {
                secure_erase(ret, SECRETS_API_KEY_LEN + 1);
                return r;
        }
        return 0;
}

bool secrets_api_key_is_valid(const char *s) {
        const char *k = startswith(s, SECRETS_API_KEY_PREFIX);

        if (!k || strlen(k) != SECRETS_API_KEY_CHARS)
                return false;
        return strspn(k, BASE62_ALPHABET) == SECRETS_API_KEY_CHARS;
}

int secrets_generate_password(char ret[static SECRETS_PASSWORD_LEN + 1]) {
        const size_t n = SECRETS_PASSWORD_GROUPS * SECRETS_PASSWORD_GROUP_LEN;
        char raw[SECRETS_PASSWORD_GROUPS * SECRETS_PASSWORD_GROUP_LEN + 1];
        size_t o = 0;
        int r;

        r = random_string(SECRETS_PASSWORD_ALPHABET, strlen(SECRETS_PASSWORD_ALPHABET), raw, n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                if (i > 0 && i % SECRETS_PASSWORD_GROUP_LEN == 0)
                        ret[o++] = '-';
                ret[o++] = raw[i];
        }
        ret[o] = '\0';
        secure_erase(raw, sizeof raw);
        return 0;
}

bool secrets_hash_is_valid(const char *hash) {
        return hash && hash[0] == '$' && !strpbrk(hash, ":\n") && strlen(hash) > 10;
}

int secrets_hash_password(const char *password, char **ret) {
        _cleanup_free_ char *salt = NULL;
        struct crypt_data *cd = NULL;
        char *hash;
        int r = 0;

        /* NULL random bytes: libcrypt draws the salt from the kernel itself. */
        errno = 0;
        salt = crypt_gensalt_ra("$y$", 0, NULL, 0);
        if (!salt)
                return errno > 0 ? -errno : -EINVAL;

        cd = calloc(1, sizeof *cd);
        if (!cd)
                return -ENOMEM;
        errno = 0;
        hash = crypt_r(password, salt, cd);
        if (!hash || hash[0] == '*')
                r = errno > 0 ? -errno : -EINVAL;
        else if (!(*ret = strdup(hash)))
                r = -ENOMEM;
        /* crypt_data holds the password's intermediate state */
        secure_erase(cd, sizeof *cd);
        free(cd);
        return r;
}

int secrets_verify_password(const char *password, const char *hash) {
        struct crypt_data *cd;
        char *h;
        int r;

        cd = calloc(1, sizeof *cd);
        if (!cd)
                return -ENOMEM;
        h = crypt_r(password, hash, cd);
        if (!h || h[0] == '*')
                r = -EINVAL;
        else
                r = streq(h, hash);
        secure_erase(cd, sizeof *cd);
        free(cd);
        return r;
}
