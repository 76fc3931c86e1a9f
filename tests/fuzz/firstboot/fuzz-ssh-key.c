/* SPDX-License-Identifier: MIT */
/* The openssh-key-v1 reader used on the persisted host key: any input is
 * refused or yields a public key that formats as one .pub line. Inputs
 * starting with 'B' are taken as the binary key body and armoured here, so
 * the fuzzer reaches the binary parser instead of spending itself on base64. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fuzz-assert.h"
#include "macro.h"
#include "ssh.h"

#define BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----\n"
#define END "\n-----END OPENSSH PRIVATE KEY-----\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *blob = NULL;
        _cleanup_free_ char *pub = NULL, *armoured = NULL;
        const char *text = (const char *) data;
        size_t text_size = size, blob_size;

        if (size > 65536)
                return 0;
        if (size > 0 && data[0] == 'B') {
                size_t enc = 4 * ((size - 1 + 2) / 3);
                armoured = malloc(strlen(BEGIN) + enc + strlen(END) + 1);
                FUZZ_CHECK(armoured);
                strcpy(armoured, BEGIN);
                EVP_EncodeBlock((unsigned char *) armoured + strlen(BEGIN), data + 1, (int) (size - 1));
                strcat(armoured, END);
                text = armoured;
                text_size = strlen(armoured);
        }
        if (ssh_parse_private_key(text, text_size, &blob, &blob_size) < 0)
                return 0;
        FUZZ_CHECK(blob_size >= 8);
        if (ssh_format_public_key(blob, blob_size, "fuzz", &pub) == 0) {
                FUZZ_CHECK(strchr(pub, '\n') == pub + strlen(pub) - 1);
                FUZZ_CHECK(strchr(pub, ' ') != NULL);
        }
        return 0;
}
