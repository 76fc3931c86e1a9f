/* SPDX-License-Identifier: MIT */
#pragma once

/* SSH host keys, kept on the persistence volume under /etc/neuraldrive/ssh
 * so clients see the same host key every boot; sshd reads them through the
 * drop-in (HostKey /etc/neuraldrive/ssh/ssh_host_ed25519_key).
 *
 * The private key is written in OpenSSH's own "openssh-key-v1" format
 * (unencrypted), built here from OpenSSL Ed25519 / P-256 keys, so no ssh-keygen
 * process runs at boot. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SSH_DIR "/etc/neuraldrive/ssh"
#define SSH_ED25519_KEY SSH_DIR "/ssh_host_ed25519_key"
#define SSH_ED25519_PUB SSH_DIR "/ssh_host_ed25519_key.pub"
#define SSH_ECDSA_KEY SSH_DIR "/ssh_host_ecdsa_key"
#define SSH_ECDSA_PUB SSH_DIR "/ssh_host_ecdsa_key.pub"
#define SSH_FINGERPRINT_MAX 64

/* Makes sure the Ed25519 and ECDSA P-256 host keys and their .pub files
 * exist (0600 / 0644 root). A missing or unreadable private key (or force)
 * gives a new pair; a missing or stale .pub is rebuilt from the private
 * key. Returns 1 when a new key was made, 0 otherwise, or a negative errno. */
int ssh_ensure_host_keys(int rootfd, bool force, bool chown_files);

/* The "SHA256:..." fingerprint (as ssh-keygen -l prints it) of the public
 * key in the .pub file at path. ret holds SSH_FINGERPRINT_MAX bytes.
 * Returns 0 or a negative errno. */
int ssh_fingerprint(int rootfd, const char *path, char ret[static SSH_FINGERPRINT_MAX]);

/* Parses an unencrypted openssh-key-v1 private key file (PEM-armoured text
 * of size bytes) and returns a copy of its first public key blob in *ret
 * (owned by the caller) and its length. Returns 0, -EBADMSG for anything
 * that is not such a key, or -ENOMEM. */
int ssh_parse_private_key(const char *text, size_t size, uint8_t **ret, size_t *ret_size);

/* Formats a public key blob as "<type> <base64> <comment>\n". *ret is
 * owned by the caller. Returns 0, -EBADMSG or -ENOMEM. */
int ssh_format_public_key(const uint8_t *blob, size_t size, const char *comment, char **ret);
