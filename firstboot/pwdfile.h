/* SPDX-License-Identifier: MIT */
#pragma once

/* Reading and editing /etc/passwd, group, shadow and gshadow without
 * disturbing what is there: every line we do not change is written back byte
 * for byte (comments, odd spacing, NIS "+" entries, a missing final newline),
 * so an administrator's file is never reformatted behind their back.
 *
 * A line is an entry when its first field (the name) is non-empty and it is
 * not a comment; for passwd and group the numeric ID (third field) is parsed
 * when it is a valid decimal number below 2^32 - 1 and the line has the
 * right number of fields. Anything else is kept as opaque text. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum PwdFileType {
        PWDFILE_PASSWD,  /* name:passwd:uid:gid:gecos:home:shell */
        PWDFILE_GROUP,   /* name:passwd:gid:members */
        PWDFILE_SHADOW,  /* name:hash:lastchg:min:max:warn:inactive:expire:reserved */
        PWDFILE_GSHADOW, /* name:passwd:admins:members */
        _PWDFILE_TYPE_MAX,
} PwdFileType;

#define PWDFILE_MAX_SIZE (16U * 1024U * 1024U)

typedef struct PwdLine {
        char *text;   /* the line without its newline, NUL-terminated, owned */
        size_t len;   /* strlen(text) */
        char *name;   /* first field when the line is an entry, else NULL; owned */
        bool valid;   /* all fields present and the IDs parse */
        uint32_t id;  /* uid (passwd) or gid (group) when valid */
        uint32_t gid; /* passwd: primary gid when valid */
} PwdLine;

typedef struct PwdFile {
        PwdFileType type;
        PwdLine *lines;
        size_t n_lines;
        size_t n_allocated;
        bool final_newline; /* the input ended with '\n' (or was empty) */
        bool modified;
} PwdFile;

/* Parses size bytes of a file of the given type. *ret is a new PwdFile owned
 * by the caller (pwdfile_free()). Input with a NUL byte or larger than
 * PWDFILE_MAX_SIZE is refused with -EINVAL / -EFBIG. Returns 0 or a negative
 * errno; *ret is untouched on failure. */
int pwdfile_parse(PwdFileType type, const char *data, size_t size, PwdFile **ret);

/* Frees f; accepts NULL. Returns NULL. */
PwdFile *pwdfile_free(PwdFile *f);
static inline void pwdfile_freep(PwdFile **f) {
        pwdfile_free(*f);
}
#define _cleanup_pwdfile_free_ __attribute__((cleanup(pwdfile_freep)))

/* Returns the first entry named name (borrowed from f), or NULL. */
const PwdLine *pwdfile_find_name(const PwdFile *f, const char *name);

/* Returns the first valid passwd/group entry whose id is id, or NULL. */
const PwdLine *pwdfile_find_id(const PwdFile *f, uint32_t id);

/* Appends a new line (copied; must not contain '\n' or NUL). It is parsed
 * like input, so it becomes findable. Returns 0, -EINVAL or -ENOMEM. */
int pwdfile_append(PwdFile *f, const char *line);

/* Replaces the text of the entry at index i (copied, re-parsed).
 * Returns 0, -EINVAL, -ERANGE or -ENOMEM. */
int pwdfile_replace(PwdFile *f, size_t i, const char *line);

/* Index of line (a pointer returned by a find function) in f. */
size_t pwdfile_index(const PwdFile *f, const PwdLine *line);

/* Copies field number n (0-based) of a line into a new string owned by the
 * caller. Returns 0, -ENOENT when the line has fewer fields, or -ENOMEM. */
int pwdfile_field(const PwdLine *line, unsigned n, char **ret);

/* Returns the text of line with field n (0-based) replaced by value, as a
 * new string owned by the caller. Returns 0, -ENOENT or -ENOMEM. */
int pwdfile_line_with_field(const PwdLine *line, unsigned n, const char *value, char **ret);

/* True when the comma-separated list field n of line contains member. */
bool pwdfile_list_contains(const PwdLine *line, unsigned n, const char *member);

/* Serialises f: unchanged lines exactly as read, lines joined by '\n'; the
 * final newline is kept as it was, and always present after an edit.
 * *ret is a NUL-terminated heap buffer owned by the caller, *ret_size its
 * length. Returns 0 or -ENOMEM. */
int pwdfile_format(const PwdFile *f, char **ret, size_t *ret_size);

/* The number of ':'-separated fields a valid entry has for type. */
unsigned pwdfile_n_fields(PwdFileType type);
