/* SPDX-License-Identifier: MIT */
#pragma once

/* Kernel command line parsing.
 *
 * Words are split where the kernel's own parser (next_arg() in lib/cmdline.c)
 * splits them, so we see the arguments the kernel saw:
 *  - words are separated by spaces, tabs and newlines;
 *  - a double quote starts or ends a quoted stretch in which whitespace does
 *    not split; a quote left open runs to the end of the line, as in the
 *    kernel; quote characters are dropped from keys and values;
 *  - "key=value" gives a key and a value (split at the first '='), a word
 *    without '=' is a flag (value NULL), "key=" gives the empty value "".
 * Repeated keys are all kept in order; cmdline_get() returns the last one
 * (last wins, as for the kernel's own parameters).
 *
 * Input with a NUL byte is refused (-EINVAL), and so is input longer than
 * CMDLINE_MAX bytes (-E2BIG): the kernel never passes either, so such input
 * is not a command line. A trailing newline (as in /proc/cmdline) is fine. */

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX 4096

typedef struct CmdlineArg {
        char *key;
        char *value; /* NULL for a flag */
} CmdlineArg;

typedef struct Cmdline {
        CmdlineArg *args;
        size_t n_args;
} Cmdline;

/* Parses size bytes at text. On success *ret is a new Cmdline owned by the
 * caller (cmdline_free()). Returns 0, -EINVAL (NUL byte), -E2BIG (longer than
 * CMDLINE_MAX) or -ENOMEM; *ret is untouched on failure. */
int cmdline_parse(const char *text, size_t size, Cmdline **ret);

/* Reads and parses a file (/proc/cmdline, or a --cmdline FILE). Returns as
 * cmdline_parse(), or the negative errno of opening/reading the file. */
int cmdline_read(const char *path, Cmdline **ret);

/* Frees a Cmdline; accepts NULL. Returns NULL. */
Cmdline *cmdline_free(Cmdline *c);
static inline void cmdline_freep(Cmdline **c) {
        cmdline_free(*c);
}
#define _cleanup_cmdline_free_ __attribute__((cleanup(cmdline_freep)))

/* Looks up key; the last occurrence wins. Returns the argument (borrowed
 * from c) or NULL when the key is absent. arg->value is NULL for a flag. */
const CmdlineArg *cmdline_get(const Cmdline *c, const char *key);

/* True when key is present as a flag or with a value that reads as true
 * ("1", "yes", "true", "on", or empty). A value that reads as false ("0",
 * "no", "false", "off") gives false. Other values give -EINVAL through
 * ret_error (set to 0 otherwise) and false. */
bool cmdline_get_bool(const Cmdline *c, const char *key, int *ret_error);

/* Calls cb for every argument whose key starts with prefix (for example
 * "neuraldrive."), in command-line order. Stops and returns the first
 * negative value cb returns; returns 0 otherwise. */
int cmdline_foreach_prefix(const Cmdline *c, const char *prefix,
                           int (*cb)(const CmdlineArg *arg, void *userdata), void *userdata);
