/* SPDX-License-Identifier: MIT */
#pragma once

/* persistence.conf, in live-boot's format (persistence.conf(5)):
 *
 *   # comment
 *   /home union
 *   /var/lib/neuraldrive union,source=ndstate
 *   /srv/models bind
 *   /opt/x                  (no option: bind, as in live-boot)
 *
 * One entry per line: an absolute, normalized path (no "." / ".." / "//",
 * no trailing "/"), then optionally a comma-separated option list: "union"
 * (overlay with the upper layer on the volume), "bind" (bind mount of the
 * volume directory), "source=DIR" (the volume directory, relative to the
 * volume root; default: the path without its leading "/"). live-boot's
 * "link" is not supported. Refused, with the line and a reason: paths that
 * are not normalized or escape the root ("/../etc"), "/" itself, paths in
 * /proc, /sys, /dev or /run, sources in the reserved ".nd-work", sources
 * nested in another entry's source, duplicate paths, unknown options, more
 * than CONF_ENTRIES_MAX entries. A refused line is skipped; the others
 * still apply. */

#include <stddef.h>

#define CONF_FILE_NAME "persistence.conf"
#define CONF_SIZE_MAX (64 * 1024)
#define CONF_ENTRIES_MAX 128
#define CONF_PATH_MAX 1024
#define CONF_WORK_DIR ".nd-work" /* overlay work directories on the volume */

typedef enum ConfMode {
        CONF_MODE_UNION,
        CONF_MODE_BIND,
} ConfMode;

typedef struct ConfEntry {
        char *path;   /* "/home" */
        char *source; /* "home", volume-relative, normalized */
        ConfMode mode;
        unsigned line; /* 0 for the default set */
} ConfEntry;

typedef struct ConfProblem {
        unsigned line;
        char *path; /* the path of the line when it had one, else NULL */
        char *reason;
} ConfProblem;

typedef struct PersistenceConf {
        ConfEntry *entries; /* sorted by path: parents before their children */
        size_t n_entries;
        ConfProblem *problems;
        size_t n_problems;
} PersistenceConf;

/* Parses size bytes of text (NUL bytes make their line malformed). Never
 * fails on content: bad lines go to ->problems. Returns 0, -E2BIG for more
 * than CONF_SIZE_MAX bytes, or -ENOMEM; fills *ret (release with
 * conf_done()) only on success. */
int conf_parse(const char *text, size_t size, PersistenceConf *ret);

/* The set used when the volume has no persistence.conf: /etc/neuraldrive,
 * /var/lib/neuraldrive, /var/log/neuraldrive and /home, all union. Returns
 * 0 or -ENOMEM. */
int conf_default(PersistenceConf *ret);

/* Frees entries and problems and zeroes c; accepts a zeroed c. */
void conf_done(PersistenceConf *c);

/* "union" or "bind". Returns a static string. */
const char *conf_mode_to_string(ConfMode m);
