/* SPDX-License-Identifier: MIT */
#pragma once

/* machine-id and hostname: kept under /etc/neuraldrive on the persistence
 * volume and copied into the volatile root at every boot, so the appliance
 * keeps its identity (journal, DHCP client id, mDNS name) across reboots. */

#include <stdbool.h>

#define MACHINE_PERSISTED_ID "/etc/neuraldrive/machine-id"
#define MACHINE_PERSISTED_HOSTNAME "/etc/neuraldrive/hostname"
#define MACHINE_DEFAULT_HOSTNAME "neuraldrive"
#define MACHINE_HOSTNAME_MAX 63

/* True when s is 32 lowercase hex characters and not all zero. */
bool machine_id_is_valid(const char *s);

/* True when s is a single DNS label: 1-63 of [a-z0-9-], no '-' at either end. */
bool machine_hostname_is_valid(const char *s);

/* Makes sure /etc/neuraldrive/machine-id exists (adopting a valid
 * /etc/machine-id of the root, else a new random v4 ID), then copies it to
 * /etc/machine-id (0444). ret_id (33 bytes) receives it. Returns 1 when the
 * persistent ID was created, 0 when it existed, or a negative errno. */
int machine_ensure_id(int rootfd, bool chown_files, char ret_id[static 33]);

/* Same for /etc/neuraldrive/hostname (default "neuraldrive") and
 * /etc/hostname (0644). ret (MACHINE_HOSTNAME_MAX + 1 bytes) receives it.
 * Returns 1 when created, 0 when it existed, or a negative errno. */
int machine_ensure_hostname(int rootfd, bool chown_files, char ret[static MACHINE_HOSTNAME_MAX + 1]);
