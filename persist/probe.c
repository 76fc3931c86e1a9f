/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "fd-util.h"
#include "log.h"
#include "macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(blkid_probe, blkid_free_probe)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev *, udev_unref)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev_device *, udev_device_unref)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev_enumerate *, udev_enumerate_unref)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev_monitor *, udev_monitor_unref)

void block_device_done(BlockDevice *d) {
        free(d->node);
        free(d->fstype);
        free(d->label);
        free(d->uuid);
        free(d->partlabel);
        free(d->partuuid);
        *d = (BlockDevice){};
}

void device_list_done(DeviceList *l) {
        for (size_t i = 0; i < l->n; i++)
                block_device_done(&l->devices[i]);
        free(l->devices);
        *l = (DeviceList){};
}

static int lookup(blkid_probe pr, const char *name, char **ret) {
        const char *v = NULL;

        if (blkid_probe_lookup_value(pr, name, &v, NULL) < 0 || !v) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

/* The whole disk of a partition, from sysfs: /sys/dev/block/M:m/partition
 * exists for partitions, and the parent directory is the disk. */
static int disk_of(dev_t devnum, dev_t *ret_disk, bool *ret_is_partition) {
        _cleanup_(udev_unrefp) struct udev *udev = udev_new();
        _cleanup_(udev_device_unrefp) struct udev_device *d = NULL;

        if (!udev)
                return -ENOMEM;
        d = udev_device_new_from_devnum(udev, 'b', devnum);
        if (!d)
                return negative_errno();

        const char *devtype = udev_device_get_devtype(d);
        if (devtype && streq(devtype, "partition")) {
                struct udev_device *p = udev_device_get_parent_with_subsystem_devtype(d, "block", "disk");
                if (!p) /* borrowed from d */
                        return -ENODEV;
                *ret_disk = udev_device_get_devnum(p);
                *ret_is_partition = true;
                return 0;
        }
        *ret_disk = devnum;
        *ret_is_partition = false;
        return 0;
}

int probe_devnode(dev_t devnum, char **ret) {
        _cleanup_(udev_unrefp) struct udev *udev = udev_new();
        _cleanup_(udev_device_unrefp) struct udev_device *d = NULL;

        if (!udev)
                return -ENOMEM;
        d = udev_device_new_from_devnum(udev, 'b', devnum);
        if (!d)
                return negative_errno();
        const char *node = udev_device_get_devnode(d);
        if (!node)
                return -ENODEV;
        char *s = strdup(node);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int probe_device(const char *node, BlockDevice *ret) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        BlockDevice d = {};
        struct stat st;
        int r;

        /* O_NONBLOCK: an empty CD drive must not make us wait here. */
        fd = open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;

        d.devnum = st.st_rdev;
        r = disk_of(d.devnum, &d.disk, &d.is_partition);
        if (r < 0) {
                d.disk = d.devnum;
                d.is_partition = false;
        }
        d.node = strdup(node);
        if (!d.node)
                return -ENOMEM;

        pr = blkid_new_probe();
        if (!pr || blkid_probe_set_device(pr, fd, 0, 0) < 0) {
                block_device_done(&d);
                return -ENOMEM;
        }
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);

        r = blkid_do_safeprobe(pr);
        if (r == -2)
                log_debug("Device '%s' carries more than one signature, treating it as unknown.", node);
        if (r == 0 || r == 1) {
                /* r == 1: no superblock, but the partition entry may still be known. */
                if (lookup(pr, "TYPE", &d.fstype) < 0 || lookup(pr, "LABEL", &d.label) < 0 ||
                    lookup(pr, "UUID", &d.uuid) < 0 || lookup(pr, "PART_ENTRY_NAME", &d.partlabel) < 0 ||
                    lookup(pr, "PART_ENTRY_UUID", &d.partuuid) < 0) {
                        block_device_done(&d);
                        return -ENOMEM;
                }
        }

        log_debug("Probed '%s': type=%s label=%s partlabel=%s", node, strempty(d.fstype), strempty(d.label),
                  strempty(d.partlabel));
        *ret = d;
        return 0;
}

static int list_add(DeviceList *l, const char *node) {
        BlockDevice d;
        int r;

        for (size_t i = 0; i < l->n; i++)
                if (streq(l->devices[i].node, node))
                        return 0;

        r = probe_device(node, &d);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                log_debug_errno(r, "Skipping '%s': %m", node);
                return 0;
        }
        BlockDevice *n = reallocarray(l->devices, l->n + 1, sizeof *n);
        if (!n) {
                block_device_done(&d);
                return -ENOMEM;
        }
        l->devices = n;
        l->devices[l->n++] = d;
        return 0;
}

static int scan_udev(DeviceList *l) {
        _cleanup_(udev_unrefp) struct udev *udev = udev_new();
        _cleanup_(udev_enumerate_unrefp) struct udev_enumerate *e = NULL;
        struct udev_list_entry *entry;
        int r;

        if (!udev)
                return -ENOMEM;
        e = udev_enumerate_new(udev);
        if (!e)
                return -ENOMEM;
        if (udev_enumerate_add_match_subsystem(e, "block") < 0 || udev_enumerate_scan_devices(e) < 0)
                return -ENOMEM;

        udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
                _cleanup_(udev_device_unrefp) struct udev_device *d =
                        udev_device_new_from_syspath(udev, udev_list_entry_get_name(entry));
                if (!d)
                        continue;
                const char *node = udev_device_get_devnode(d);
                const char *size = udev_device_get_sysattr_value(d, "size");
                if (!node || (size && streq(size, "0")))
                        continue;
                r = list_add(l, node);
                if (r < 0)
                        return r;
        }
        return 0;
}

int probe_scan(char *const *allowed, DeviceList *ret) {
        DeviceList l = {};
        int r = 0;

        if (allowed) {
                for (char *const *a = allowed; *a && r >= 0; a++)
                        r = list_add(&l, *a);
        } else
                r = scan_udev(&l);
        if (r < 0) {
                device_list_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

static bool streq_ptr(const char *a, const char *b) {
        return a && b && streq(a, b);
}

bool device_spec_matches(const DeviceSpec *spec, const BlockDevice *d) {
        struct stat st;

        switch (spec->type) {
        case DEVICE_SPEC_PATH:
                return stat(spec->value, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == d->devnum;
        case DEVICE_SPEC_LABEL:
                return streq_ptr(spec->value, d->label);
        case DEVICE_SPEC_PARTLABEL:
                return streq_ptr(spec->value, d->partlabel);
        case DEVICE_SPEC_UUID:
                return d->uuid && strcasecmp(spec->value, d->uuid) == 0;
        case DEVICE_SPEC_PARTUUID:
                return d->partuuid && strcasecmp(spec->value, d->partuuid) == 0;
        default:
                return false;
        }
}

static bool allowed_all_present(char *const *allowed) {
        for (char *const *a = allowed; *a; a++)
                if (access(*a, F_OK) < 0)
                        return false;
        return true;
}

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A monitor on udev's events wakes us as soon as a device is announced. It is
 * an optimisation only: without udevd nothing arrives and the poll timeout
 * makes us rescan anyway. */
static struct udev_monitor *open_monitor(struct udev *udev) {
        struct udev_monitor *m = udev ? udev_monitor_new_from_netlink(udev, "udev") : NULL;

        if (!m)
                return NULL;
        if (udev_monitor_filter_add_match_subsystem_devtype(m, "block", NULL) < 0 ||
            udev_monitor_enable_receiving(m) < 0)
                return udev_monitor_unref(m);
        return m;
}

int probe_wait(char *const *allowed, unsigned timeout_sec, ProbeMatchFunc match, void *userdata) {
        _cleanup_(udev_unrefp) struct udev *udev = udev_new();
        _cleanup_(udev_monitor_unrefp) struct udev_monitor *mon = open_monitor(udev);
        long long deadline = now_ms() + (long long) timeout_sec * 1000;
        int r;

        for (;;) {
                _cleanup_(device_list_done) DeviceList l = {};

                r = probe_scan(allowed, &l);
                if (r < 0)
                        return r;
                r = match(&l, userdata);
                if (r != 0)
                        return r;
                if (allowed && allowed_all_present(allowed))
                        return -ETIMEDOUT;

                long long left = deadline - now_ms();
                if (left <= 0)
                        return -ETIMEDOUT;

                struct pollfd p = { .fd = mon ? udev_monitor_get_fd(mon) : -1, .events = POLLIN };
                (void) poll(&p, 1, (int) (left < 250 ? left : 250));
                if (mon && (p.revents & POLLIN)) {
                        struct udev_device *d;
                        while ((d = udev_monitor_receive_device(mon)))
                                udev_device_unref(d);
                }
        }
}
