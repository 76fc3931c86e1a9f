/* SPDX-License-Identifier: MIT */
#include "random-util.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "macro.h"
#include "memory-util.h"

int random_bytes(void *buf, size_t size) {
        uint8_t *p = buf;

        while (size > 0) {
                ssize_t n = getrandom(p, size, 0);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                p += n;
                size -= (size_t) n;
        }
        return 0;
}

int random_string(const char *alphabet, size_t alphabet_len, char *out, size_t n) {
        uint8_t pool[64];
        size_t used = sizeof pool;
        int r;

        if (alphabet_len < 2 || alphabet_len > 256)
                return -EINVAL;

        /* Accept a byte only below the largest multiple of alphabet_len that
         * fits in 256, so every character is equally likely. */
        unsigned limit = 256 - (256 % alphabet_len);

        for (size_t i = 0; i < n;) {
                if (used == sizeof pool) {
                        r = random_bytes(pool, sizeof pool);
                        if (r < 0) {
                                secure_erase(out, n);
                                secure_erase(pool, sizeof pool);
                                return r;
                        }
                        used = 0;
                }
                uint8_t b = pool[used++];
                if (b >= limit)
                        continue;
                out[i++] = alphabet[b % alphabet_len];
        }
        out[n] = '\0';
        secure_erase(pool, sizeof pool);
        return 0;
}

int random_base62(char *out, size_t n) {
        return random_string(BASE62_ALPHABET, strlen(BASE62_ALPHABET), out, n);
}
