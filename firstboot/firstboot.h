/* SPDX-License-Identifier: MIT */
#pragma once

/* One provisioning run: the steps in order, each idempotent, each leaving a
 * complete file set behind (files are replaced atomically and every file is
 * checked against what it depends on at the next run).
 *
 * Persistent files (all below the root):
 *   /etc/neuraldrive/machine-id, hostname           0644 root
 *   /etc/neuraldrive/admin-password.hash            0600 root (yescrypt)
 *   /etc/neuraldrive/api.key                        0600 neuraldrive-api
 *   /etc/neuraldrive/caddy.env                      0600 root
 *   /etc/neuraldrive/tls/{neuraldrive-ca.crt,ca.key,server.crt,server.key}
 *   /etc/neuraldrive/ssh/ssh_host_{ed25519,ecdsa}_key{,.pub} 0600 / 0644 root
 *   /etc/neuraldrive/firstboot.state                0644 root (written last)
 * Volatile: /etc/{passwd,group,shadow,gshadow,machine-id,hostname} and
 * <run-dir>/neuraldrive/initial-credentials (0600 root). */

#include <stdbool.h>
#include <stdio.h>

#define FIRSTBOOT_ADMIN_HASH "/etc/neuraldrive/admin-password.hash"
#define FIRSTBOOT_API_KEY "/etc/neuraldrive/api.key"
#define FIRSTBOOT_CADDY_ENV "/etc/neuraldrive/caddy.env"
#define FIRSTBOOT_CREDENTIALS "neuraldrive/initial-credentials" /* below the run dir */
/* Below the run dir: provisioning completed for this boot. The fallback unit
 * (neuraldrive-firstboot.service) only runs when it is missing. */
#define FIRSTBOOT_DONE_MARKER "neuraldrive/firstboot.done"

/* Test-only: stop (fail) right after this many steps have completed. */
#define FIRSTBOOT_FAIL_ENV "ND_FIRSTBOOT_FAIL_AFTER_STEP"

typedef struct FirstbootOptions {
        int root_fd;          /* the root to provision */
        int run_fd;           /* the /run to leave initial-credentials in */
        unsigned reprovision; /* ReprovisionItem mask */
        bool renew_cert;      /* only check/re-issue the server certificate */
        FILE *console;        /* where new credentials are shown; NULL: stdout */
        /* Seam: the current addresses (pki_current_addresses when NULL). */
        int (*get_addresses)(char ***ret);
} FirstbootOptions;

/* Runs the provisioning steps. Returns 0 on success or a negative errno
 * (already logged). */
int firstboot_run(const FirstbootOptions *o);

/* Prints the provisioning state of the root (text or JSON) to f.
 * Returns 0 or a negative errno. */
int firstboot_status(int root_fd, bool json, FILE *f);

/* The number of steps of a full run (for tests of interrupted runs). */
unsigned firstboot_n_steps(void);
