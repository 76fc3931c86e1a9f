/* SPDX-License-Identifier: MIT */
#pragma once

/* Secure random: getrandom(2) only, which blocks until the kernel's CRNG is
 * initialised (early in boot this is where we wait, never on a weak source). */

#include <stddef.h>

#define BASE62_ALPHABET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/* Fills buf with size bytes from the kernel CSPRNG. Returns 0 or a negative
 * errno. */
int random_bytes(void *buf, size_t size);

/* Writes n characters drawn uniformly from alphabet (alphabet_len between 2
 * and 256 distinct characters) to out, followed by a NUL: out must hold n + 1
 * bytes. Uniform by rejection sampling, so no character is more likely than
 * another. Returns 0 or a negative errno; out is wiped on failure. */
int random_string(const char *alphabet, size_t alphabet_len, char *out, size_t n);

/* random_string() over BASE62_ALPHABET. */
int random_base62(char *out, size_t n);
