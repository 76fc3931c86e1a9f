/* SPDX-License-Identifier: MIT */
#pragma once

/* Finding block devices: enumeration through libudev (which reads sysfs, so
 * it works whether or not udevd has run yet), identification through
 * libblkid (filesystem/LUKS type, label, UUID, GPT partition name), and a
 * bounded wait for a device to appear.
 *
 * An allow-list confines all of it: when given, only the listed device nodes
 * are ever opened, nothing else on the machine is probed. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

typedef struct BlockDevice {
        char *node; /* "/dev/sda2", owned */
        dev_t devnum;
        dev_t disk; /* the whole disk it is on (devnum itself for a disk) */
        bool is_partition;
        char *fstype;    /* libblkid TYPE, e.g. "squashfs", "crypto_LUKS"; NULL if none */
        char *label;     /* LABEL (filesystem or LUKS2 label) */
        char *uuid;      /* UUID */
        char *partlabel; /* PART_ENTRY_NAME (GPT partition name) */
        char *partuuid;  /* PART_ENTRY_UUID */
} BlockDevice;

typedef struct DeviceList {
        BlockDevice *devices;
        size_t n;
} DeviceList;

/* Probes one device node with libblkid and fills *ret (release with
 * block_device_done()). A device that carries no recognisable signature is
 * not an error: the type fields stay NULL. Returns 0, or a negative errno
 * for a node that cannot be opened or is not a block device. */
int probe_device(const char *node, BlockDevice *ret);

/* Frees the strings of d and zeroes it; accepts a zeroed d. */
void block_device_done(BlockDevice *d);

/* Probes the block devices of the machine (libudev enumeration; devices of
 * size 0 skipped) or, when allowed is non-NULL, exactly the listed nodes
 * that exist (NULL-terminated). Devices that fail to probe are skipped.
 * Fills *ret (release with device_list_done()); returns 0 or -ENOMEM. */
int probe_scan(char *const *allowed, DeviceList *ret);

/* Frees every device of l and the array; accepts a zeroed l. */
void device_list_done(DeviceList *l);

/* True when d is what spec names (DEVICE_SPEC_PATH compares device numbers,
 * so symlinks such as /dev/disk/by-label/x match). */
bool device_spec_matches(const DeviceSpec *spec, const BlockDevice *d);

/* Returns the device node of the block device devnum ("/dev/sda"), found
 * through sysfs. *ret is owned by the caller. Returns 0 or a negative
 * errno. */
int probe_devnode(dev_t devnum, char **ret);

/* Decides whether a scan found what the caller waits for: returns > 0 to
 * stop (found), 0 to keep waiting, < 0 to stop with that error. */
typedef int (*ProbeMatchFunc)(const DeviceList *l, void *userdata);

/* Scans (as probe_scan()) and calls match, again whenever a block device
 * appears (libudev monitor, and every 250 ms as a fallback when udevd is not
 * running), until match returns non-zero or timeout_sec have passed. With
 * an allow-list whose nodes all exist, one scan is final: those devices
 * will not change by waiting. Returns match's positive or negative value,
 * or -ETIMEDOUT. */
int probe_wait(char *const *allowed, unsigned timeout_sec, ProbeMatchFunc match, void *userdata);
