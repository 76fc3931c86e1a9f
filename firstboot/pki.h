/* SPDX-License-Identifier: MIT */
#pragma once

/* The appliance's own CA and its server certificate (OpenSSL 3).
 *
 * The CA is ECDSA P-256, valid ten years, with critical NameConstraints that
 * permit only the appliance's names and private/loopback address ranges: a
 * client that trusts it cannot be attacked for any other site. The server
 * certificate is ECDSA P-256, valid 397 days, serverAuth, with SANs for the
 * appliance's names and its current addresses inside those ranges. */

#include <stdbool.h>
#include <stddef.h>

#define PKI_DIR "/etc/neuraldrive/tls"
#define PKI_CA_CERT PKI_DIR "/neuraldrive-ca.crt"
#define PKI_CA_KEY PKI_DIR "/ca.key"
#define PKI_SERVER_CERT PKI_DIR "/server.crt"
#define PKI_SERVER_KEY PKI_DIR "/server.key"
#define PKI_CA_DAYS 3650
#define PKI_SERVER_DAYS 397

/* A list of subject alternative names in canonical text form: "DNS:name",
 * "IP:10.0.0.5", "IP:::1", sorted and without duplicates. */
typedef struct PkiNames {
        char **items;
        size_t n;
} PkiNames;

void pki_names_done(PkiNames *n);

/* Builds the SAN set for hostname: neuraldrive.local, hostname,
 * hostname.local, localhost, 127.0.0.1, ::1, and each address of addrs
 * (text, NULL-terminated, may be NULL) that lies inside the permitted
 * ranges (others are left out with a debug message: a name outside the CA's
 * constraints would make clients reject the whole certificate).
 * Returns 0 or -ENOMEM/-EINVAL. */
int pki_names_build(const char *hostname, char *const *addrs, PkiNames *ret);

/* The machine's current addresses (getifaddrs), without link-local ones,
 * as a NULL-terminated list of strings owned by the caller (free each and
 * the array). Returns 0 or a negative errno. */
int pki_current_addresses(char ***ret);

/* True when the text address lies in a range the CA permits. */
bool pki_address_is_permitted(const char *addr);

typedef enum PkiFlags {
        PKI_FORCE = 1 << 0,           /* make new material even when the old is fine */
        PKI_CHECK_ADDRESSES = 1 << 1, /* re-issue when the IP addresses differ */
        PKI_CHOWN = 1 << 2,           /* give files their owners (root only) */
} PkiFlags;

/* Makes sure ca.key and neuraldrive-ca.crt exist and belong together; makes
 * a new CA for hostname when they do not (or with PKI_FORCE). Returns 1 when
 * a CA was made, 0 when the existing one is kept, or a negative errno. */
int pki_ensure_ca(int rootfd, const char *hostname, PkiFlags flags);

/* Makes sure server.key and server.crt exist, belong together, are signed
 * by the current CA, carry the DNS names of names (and, with
 * PKI_CHECK_ADDRESSES, exactly its addresses) and have more than a third of
 * their life left; otherwise issues a new certificate (the key is kept
 * unless missing, broken or PKI_FORCE). server.crt is not touched when
 * nothing changed. Returns 1 when issued, 0 when kept, or a negative errno. */
int pki_ensure_server_cert(int rootfd, const PkiNames *names, PkiFlags flags);

/* SHA-256 fingerprint of the DER certificate at path below rootfd, as
 * "AB:CD:..." (ret must hold 96 bytes). Returns 0 or a negative errno. */
int pki_fingerprint(int rootfd, const char *path, char ret[static 96]);

/* notAfter of the certificate at path as seconds since the epoch. */
int pki_not_after(int rootfd, const char *path, long long *ret);
