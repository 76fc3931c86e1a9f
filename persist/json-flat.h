/* SPDX-License-Identifier: MIT */
#pragma once

/* A small, strict reader for flat JSON objects, used for text read from
 * outside: the creation-state token stored in the LUKS2 header of a volume
 * (which an attacker holding the stick can rewrite) and
 * /run/neuraldrive/persist.json. It validates the whole document (RFC 8259
 * syntax, nesting at most JSON_FLAT_MAX_DEPTH) and returns top-level string
 * members; nested values are checked and skipped. Plus a writer for JSON
 * strings. */

#include <stddef.h>
#include <stdio.h>

#define JSON_FLAT_MAX_DEPTH 32
#define JSON_FLAT_MAX_SIZE (64 * 1024)

/* Looks up the top-level member key of the JSON object in json (size bytes,
 * need not be NUL-terminated). On success *ret is the decoded value, a
 * NUL-terminated heap string owned by the caller. Returns 0; -ENOENT when the
 * object has no such member; -EMEDIUMTYPE when the member is not a string
 * (or decodes to a string holding NUL); -EINVAL when the text is not a single
 * valid JSON object, or has the key twice; -E2BIG beyond JSON_FLAT_MAX_SIZE;
 * -ENOMEM. *ret is untouched on failure. */
int json_flat_get_string(const char *json, size_t size, const char *key, char **ret);

/* Writes s as a JSON string literal (quotes, escapes for '"', '\\' and
 * control characters) to f. */
void json_flat_write_string(FILE *f, const char *s);
