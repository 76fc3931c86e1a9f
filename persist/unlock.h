/* SPDX-License-Identifier: MIT */
#pragma once

/* Key material for the persistence volume: a key file on a (USB) device
 * named by neuraldrive.persist.keyfile=DEVICE:PATH, or a passphrase typed on
 * the console. Secrets live in heap buffers that the caller releases with
 * erase_and_free(); they never reach a log line. */

#include <stddef.h>

#include "config.h"

#define UNLOCK_TRIES 3
#define UNLOCK_PASSPHRASE_MAX 512
#define UNLOCK_KEYFILE_MAX (8 * 1024 * 1024) /* cryptsetup's default key file limit */

/* Waits (bounded by timeout_sec) for the device, mounts it read-only (nosuid,
 * nodev, noexec) at mount_dir, reads path beneath it without following
 * symlinks, and unmounts it again. The whole file is the key, byte for byte
 * (as cryptsetup --key-file). Returns 0 with *ret (erase_and_free()) and
 * *ret_size, or a negative errno. */
int unlock_read_keyfile(const DeviceSpec *device, const char *path, char *const *allowed,
                        unsigned timeout_sec, const char *mount_dir, char **ret, size_t *ret_size);

/* Shows prompt on every console (device nodes; NULL/0: /dev/console) with
 * echo off and returns the first line answered on any of them, without the
 * line end. The consoles' terminal settings are restored. Returns 0 with *ret
 * (erase_and_free()), -ETIMEDOUT when nobody answered within timeout_sec,
 * -ENXIO when no console could be opened, or another negative errno. */
int unlock_ask_passphrase(char *const *consoles, size_t n_consoles, const char *prompt, unsigned timeout_sec,
                          char **ret, size_t *ret_size);
