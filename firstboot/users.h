/* SPDX-License-Identifier: MIT */
#pragma once

/* The appliance's accounts: five service users with fixed IDs and the
 * interactive neuraldrive-admin. This file's table (users.c) is the one
 * place the names and IDs are written down; units/ mirrors it in sysusers.d. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define USERS_OLLAMA_UID 901
#define USERS_WEBUI_UID 902
#define USERS_CADDY_UID 903
#define USERS_MONITOR_UID 904
#define USERS_API_UID 905
#define USERS_ADMIN_UID 1000
#define USERS_ADMIN_NAME "neuraldrive-admin"
#define USERS_ADMIN_HOME "/home/neuraldrive-admin"

typedef struct UserSpec {
        const char *name;
        uid_t uid; /* the group of the same name has gid == uid */
        const char *gecos;
        const char *home;
        const char *shell;
} UserSpec;

/* The accounts in creation order; *ret_n is the number of entries. */
const UserSpec *users_table(size_t *ret_n);

/* Supplementary groups of the admin account, NULL-terminated. Groups the
 * root does not have are skipped. */
extern const char *const users_admin_groups[];

/* Makes sure every account of the table exists with exactly its IDs, below
 * rootfd, under <root>/etc/.pwd.lock. When admin_hash is non-NULL it becomes
 * the admin's password hash in shadow. A name or ID that is taken by
 * something else fails with -EEXIST and a message naming both, before any
 * file is changed. Each file that needs a change is replaced atomically,
 * unchanged lines byte for byte. Returns 1 when a file was written, 0 when
 * everything was already in place, or a negative errno. */
int users_ensure(int rootfd, const char *admin_hash);

/* Creates the admin's home directory (0700, owned by the admin) when it is
 * missing. Returns 1 when created, 0 when present, or a negative errno. */
int users_ensure_admin_home(int rootfd, bool chown_files);
