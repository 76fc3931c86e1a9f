/* SPDX-License-Identifier: MIT */
#pragma once

/* The provisioning record, /etc/neuraldrive/firstboot.state (0644 root):
 * KEY=VALUE lines saying what was provisioned and when, plus public
 * fingerprints. It never holds a secret. It is written last in a run, and
 * only when something in it changed, so an every-boot run leaves it alone.
 * `nd-firstboot --status [--json]` prints it. */

#include <stdbool.h>
#include <stdio.h>

#define STATE_FILE "/etc/neuraldrive/firstboot.state"

typedef enum StateKey {
        STATE_VERSION,
        STATE_FIRST_BOOT,
        STATE_MACHINE_ID,
        STATE_HOSTNAME,
        STATE_CA_CREATED,
        STATE_CA_FINGERPRINT,
        STATE_SERVER_CERT_ISSUED,
        STATE_SERVER_CERT_NOT_AFTER,
        STATE_SERVER_CERT_FINGERPRINT,
        STATE_API_KEY_CREATED,
        STATE_ADMIN_PASSWORD_SET,
        STATE_SSH_HOST_KEY_CREATED,
        STATE_SSH_ED25519_FINGERPRINT,
        STATE_SSH_ECDSA_FINGERPRINT,
        STATE_LAST_REPROVISION,
        STATE_LAST_REPROVISION_ITEMS,
        STATE_LAST_BACKUP,
        _STATE_KEY_MAX,
} StateKey;

typedef struct State {
        char *values[_STATE_KEY_MAX];
} State;

/* The file's name for a key ("CA_CREATED"), and the JSON name ("ca_created"). */
const char *state_key_to_string(StateKey k);

void state_done(State *s);

/* Loads the state file below rootfd into *s (which must be empty); a
 * missing file gives an empty state. Unknown keys and malformed lines are
 * ignored. Returns 0 or a negative errno. */
int state_load(int rootfd, State *s);

/* Sets (a copy of) value; NULL clears. Returns 0 or -ENOMEM. */
int state_set(State *s, StateKey k, const char *value);
const char *state_get(const State *s, StateKey k);

/* Writes the state file atomically unless it already has this content.
 * Returns 1 written, 0 unchanged, or a negative errno. */
int state_save(int rootfd, const State *s, bool chown_files);

/* Prints s as "Key: value" lines or as one JSON object. Returns 0 or a
 * negative errno. */
int state_print(const State *s, FILE *f, bool json);

/* Formats the current time as an ISO 8601 UTC string (buf >= 32 bytes). */
void state_now(char *buf, size_t size);
