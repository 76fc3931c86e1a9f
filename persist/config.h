/* SPDX-License-Identifier: MIT */
#pragma once

/* The neuraldrive.* kernel arguments of the boot path, parsed into one
 * struct. Parsing never fails on bad input: an unknown neuraldrive.* key or
 * a malformed value is reported (warning naming the argument) and the safe
 * default is used, because a typo on the kernel command line must not stop a
 * boot. Only -ENOMEM is returned as an error. */

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"

#define CONFIG_SYSTEM_NAME "nd-system" /* default PARTLABEL/LABEL */
#define CONFIG_LIVE_IMAGE_PATH "/live/filesystem.squashfs"
#define CONFIG_SYSTEM_TIMEOUT_DEFAULT 30  /* seconds */
#define CONFIG_PERSIST_TIMEOUT_DEFAULT 60 /* seconds */
#define CONFIG_TIMEOUT_MAX 3600
#define CONFIG_CONSOLES_MAX 8

typedef enum DeviceSpecType {
        DEVICE_SPEC_NONE,      /* not given */
        DEVICE_SPEC_PATH,      /* /dev/... */
        DEVICE_SPEC_LABEL,     /* LABEL= (filesystem or LUKS2 label) */
        DEVICE_SPEC_PARTLABEL, /* PARTLABEL= (GPT partition name) */
        DEVICE_SPEC_UUID,      /* UUID= (filesystem or LUKS UUID) */
        DEVICE_SPEC_PARTUUID,  /* PARTUUID= */
} DeviceSpecType;

typedef struct DeviceSpec {
        DeviceSpecType type;
        char *value; /* owned; NULL with DEVICE_SPEC_NONE */
} DeviceSpec;

typedef enum PersistMode {
        PERSIST_MODE_AUTO,   /* use the volume on the boot device if there is one */
        PERSIST_MODE_OFF,    /* RAM only */
        PERSIST_MODE_CREATE, /* as auto, and create the volume when missing */
        PERSIST_MODE_DEVICE, /* use exactly PersistConfig.persist_device */
} PersistMode;

typedef struct PersistConfig {
        /* neuraldrive.system=: where the system image is. NONE: the default
         * search (PARTLABEL/LABEL nd-system, then live/filesystem.squashfs on
         * any medium). system_path: a file on the medium (absolute,
         * normalized), NULL for "the device holds the SquashFS itself, or the
         * default file". */
        DeviceSpec system;
        char *system_path;
        unsigned system_timeout; /* neuraldrive.system.timeout=, seconds */

        PersistMode persist; /* neuraldrive.persist= */
        DeviceSpec persist_device;
        DeviceSpec keyfile_device; /* neuraldrive.persist.keyfile=DEVICE:PATH */
        char *keyfile_path;
        unsigned persist_timeout; /* neuraldrive.persist.timeout=, seconds */

        bool toram; /* neuraldrive.toram */
        bool debug; /* neuraldrive.debug */

        /* Device nodes of the console= arguments ("/dev/ttyS0"), in order;
         * empty when none were given (the caller then uses /dev/console). */
        char *consoles[CONFIG_CONSOLES_MAX];
        size_t n_consoles;
} PersistConfig;

/* Fills *ret from the kernel arguments in c. Every problem found is logged
 * at warning level, naming the argument, and replaced by the default.
 * Returns 0, or -ENOMEM (then *ret is untouched). The result is released
 * with config_done(). */
int config_from_cmdline(const Cmdline *c, PersistConfig *ret);

/* Frees what config_from_cmdline() allocated; accepts a zeroed config. */
void config_done(PersistConfig *cfg);

/* Parses a device specification: "LABEL=x", "PARTLABEL=x", "UUID=x",
 * "PARTUUID=x" or "/dev/...". Values are 1..255 printable characters.
 * Returns 0 and fills *ret (value owned by the caller), -EINVAL for a
 * malformed spec, or -ENOMEM. */
int device_spec_parse(const char *s, DeviceSpec *ret);

/* Splits "DEVICE:/PATH" at the first ":/". Returns 0 with both parts, 1 when
 * there is no ":/" (only *ret_device is set, to a copy of s), or -ENOMEM. */
int config_split_device_path(const char *s, char **ret_device, char **ret_path);

/* The name of a spec type as written on the command line ("LABEL",
 * "PARTLABEL", "UUID", "PARTUUID"; "path" for /dev/..., "(none)"). Returns a
 * static string. */
const char *device_spec_type_to_string(DeviceSpecType t);

/* "auto", "off", "create" or "device". Returns a static string. */
const char *persist_mode_to_string(PersistMode m);
