/* SPDX-License-Identifier: MIT */
/* The openssh-key-v1 reader used on the persisted host key: any input is
 * refused or yields a public key that formats as one .pub line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-assert.h"
#include "macro.h"
#include "ssh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *blob = NULL;
        _cleanup_free_ char *pub = NULL;
        size_t blob_size;

        if (size > 65536)
                return 0;
        if (ssh_parse_private_key((const char *) data, size, &blob, &blob_size) < 0)
                return 0;
        FUZZ_CHECK(blob_size >= 8);
        if (ssh_format_public_key(blob, blob_size, "fuzz", &pub) == 0) {
                FUZZ_CHECK(strchr(pub, '\n') == pub + strlen(pub) - 1);
                FUZZ_CHECK(strchr(pub, ' ') != NULL);
        }
        return 0;
}
