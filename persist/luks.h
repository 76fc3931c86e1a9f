/* SPDX-License-Identifier: MIT */
#pragma once

/* Thin wrappers over libcryptsetup for the persistence volume: LUKS2 with
 * the parameters this project promises (aes-xts-plain64, 512-bit key,
 * argon2id bounded by the machine's RAM), keyslots, and the creation-state
 * token. libcryptsetup's messages go to log.h at debug level; its errors
 * come back as negative errno. */

#include <libcryptsetup.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct crypt_device *, crypt_free);
#define _cleanup_crypt_free_ _cleanup_(crypt_freep)

/* Upper bound of the argon2id memory cost, KiB. */
#define LUKS_PBKDF_MAX_MEMORY_KB (1024u * 1024u)
/* Unlock time the KDF is benchmarked to, as cryptsetup's LUKS2 default. */
#define LUKS_PBKDF_TIME_MS 2000u

/* Routes libcryptsetup's log callback (all of it) into log.h at debug level.
 * Idempotent. */
void luks_setup_logging(void);

/* The argon2id memory cost for this machine: min(1 GiB, RAM/2), at least
 * 32 MiB. Returns KiB. */
uint32_t luks_pbkdf_memory_kb(void);

/* Opens device (borrowed path) as a crypt_device. Returns 0 and *ret (owned:
 * crypt_free()), or a negative errno. */
int luks_init(const char *device, struct crypt_device **ret);

/* Loads the LUKS2 header of cd. Returns 0, -EINVAL when there is no LUKS2
 * header, or another negative errno. */
int luks_load(struct crypt_device *cd);

/* Writes a fresh LUKS2 header (aes-xts-plain64, 512-bit volume key from the
 * kernel RNG, argon2id as luks_pbkdf_memory_kb(), label) to cd's device,
 * replacing whatever header was there. No keyslot yet. Returns 0 or a
 * negative errno. */
int luks_format(struct crypt_device *cd, const char *label);

/* Adds a keyslot for key (key_size bytes, borrowed) using the volume key
 * held by cd after luks_format(). Returns the keyslot number or a negative
 * errno. */
int luks_add_key_after_format(struct crypt_device *cd, const char *key, size_t key_size);

/* Sets argon2id with this machine's bounds as the KDF for keyslots added
 * from now on. Returns 0 or a negative errno. */
int luks_set_pbkdf(struct crypt_device *cd);

/* Number of active keyslots of a loaded header (>= 0). */
int luks_count_keyslots(struct crypt_device *cd);

/* Reads the state recorded in the nd-persist-create token. Returns 0 and
 * *ret (owned string), -ENOENT when there is no such token, -EINVAL when the
 * token is malformed, or another negative errno. */
int luks_token_get_state(struct crypt_device *cd, char **ret);

/* Records state in the nd-persist-create token (replacing an earlier one).
 * state must be a plain word. Returns 0 or a negative errno. */
int luks_token_set_state(struct crypt_device *cd, const char *state);
