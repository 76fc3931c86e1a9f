/* SPDX-License-Identifier: MIT */
#pragma once

/* The two credentials: the API key ("nd-" + 32 base62 characters) and the
 * admin password (shown once, stored only as a yescrypt hash). Buffers that
 * hold them are wiped by the callers (erase_and_free / secure_erase). */

#include <stdbool.h>
#include <stddef.h>

#define SECRETS_API_KEY_PREFIX "nd-"
#define SECRETS_API_KEY_CHARS 32
#define SECRETS_API_KEY_LEN (sizeof(SECRETS_API_KEY_PREFIX) - 1 + SECRETS_API_KEY_CHARS)

/* Lowercase letters and digits without look-alikes (0/o, 1/l/i): 31
 * symbols, 25 of them in five dash-separated groups: 123 bits. */
#define SECRETS_PASSWORD_ALPHABET "23456789abcdefghjkmnpqrstuvwxyz"
#define SECRETS_PASSWORD_GROUPS 5
#define SECRETS_PASSWORD_GROUP_LEN 5
#define SECRETS_PASSWORD_LEN (SECRETS_PASSWORD_GROUPS * (SECRETS_PASSWORD_GROUP_LEN + 1) - 1)

/* Writes a new API key and NUL to ret (SECRETS_API_KEY_LEN + 1 bytes).
 * Returns 0 or a negative errno (ret wiped). */
int secrets_generate_api_key(char ret[static SECRETS_API_KEY_LEN + 1]);

/* True when s is "nd-" followed by exactly 32 base62 characters. */
bool secrets_api_key_is_valid(const char *s);

/* Writes a new admin password and NUL to ret (SECRETS_PASSWORD_LEN + 1
 * bytes). Returns 0 or a negative errno (ret wiped). */
int secrets_generate_password(char ret[static SECRETS_PASSWORD_LEN + 1]);

/* Hashes password with yescrypt and a fresh salt (libcrypt). *ret is a new
 * string owned by the caller. Returns 0 or a negative errno. */
int secrets_hash_password(const char *password, char **ret);

/* Checks password against a crypt(3) hash. Returns 1 on match, 0 on
 * mismatch, or a negative errno. */
int secrets_verify_password(const char *password, const char *hash);

/* True when hash looks like a usable yescrypt/crypt hash for shadow (no
 * ':' or newline, starts with '$'). */
bool secrets_hash_is_valid(const char *hash);
