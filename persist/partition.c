/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdisk/libfdisk.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "fd-util.h"
#include "fileio.h"
#include "log.h"
#include "partition.h"

/* GPT type GUID "Linux LUKS" from the Discoverable Partitions Specification. */
#define GPT_TYPE_LINUX_LUKS "CA7D7CCB-63ED-4C53-861C-1742536059CC"

static int read_sysfs(const char *path, char **ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        return read_full_fd(fd, 4096, 0, ret, NULL); /* sysfs files claim 4096 bytes */
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_context *, fdisk_unref_context);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_table *, fdisk_unref_table);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_partition *, fdisk_unref_partition);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_parttype *, fdisk_unref_parttype);

int partition_node_name(const char *disk, unsigned partno, char **ret) {
        size_t l = strlen(disk);
        bool digit = l > 0 && isdigit((unsigned char) disk[l - 1]);
        char *s;

        if (asprintf(&s, "%s%s%u", disk, digit ? "p" : "", partno) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* Finds a used partition named name. Returns its 0-based number or -ENOENT. */
static int find_named(struct fdisk_context *cxt, const char *name) {
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *tb = NULL;
        int r;

        r = fdisk_get_partitions(cxt, &tb);
        if (r < 0)
                return r;
        for (size_t i = 0; i < fdisk_table_get_nents(tb); i++) {
                struct fdisk_partition *pa = fdisk_table_get_partition(tb, i);
                const char *n = fdisk_partition_get_name(pa);
                if (fdisk_partition_is_used(pa) && n && streq(n, name))
                        return (int) fdisk_partition_get_partno(pa);
        }
        return -ENOENT;
}

static int add_in_largest_free(struct fdisk_context *cxt, const char *name, size_t *ret_partno) {
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *free_tb = NULL;
        _cleanup_(fdisk_unref_partitionp) struct fdisk_partition *pa = NULL;
        _cleanup_(fdisk_unref_parttypep) struct fdisk_parttype *type = NULL;
        unsigned long sector = fdisk_get_sector_size(cxt);
        unsigned long grain = fdisk_get_grain_size(cxt) / sector;
        fdisk_sector_t best_start = 0, best_size = 0;
        int r;

        r = fdisk_get_freespaces(cxt, &free_tb);
        if (r < 0)
                return r;
        for (size_t i = 0; i < fdisk_table_get_nents(free_tb); i++) {
                struct fdisk_partition *fs = fdisk_table_get_partition(free_tb, i);
                fdisk_sector_t start = fdisk_align_lba(cxt, fdisk_partition_get_start(fs), FDISK_ALIGN_UP);
                fdisk_sector_t end = fdisk_partition_get_end(fs); /* inclusive */
                fdisk_sector_t size;

                if (end < start)
                        continue;
                size = end - start + 1;
                if (grain > 1)
                        size -= size % grain;
                if (size > best_size) {
                        best_start = start;
                        best_size = size;
                }
        }
        if (best_size * sector < PARTITION_MIN_BYTES)
                return log_debug_errno(-ENOSPC, "Largest free region holds %llu bytes, need %llu",
                                       (unsigned long long) (best_size * sector),
                                       (unsigned long long) PARTITION_MIN_BYTES);

        pa = fdisk_new_partition();
        if (!pa)
                return -ENOMEM;
        type = fdisk_label_parse_parttype(fdisk_get_label(cxt, NULL), GPT_TYPE_LINUX_LUKS);
        if (!type)
                return -ENOMEM;
        if ((r = fdisk_partition_set_start(pa, best_start)) < 0 ||
            (r = fdisk_partition_set_size(pa, best_size)) < 0 ||
            (r = fdisk_partition_partno_follow_default(pa, 1)) < 0 ||
            (r = fdisk_partition_set_type(pa, type)) < 0 || (r = fdisk_partition_set_name(pa, name)) < 0)
                return log_debug_errno(r, "Failed to describe the new partition: %m");

        r = fdisk_add_partition(cxt, pa, ret_partno);
        if (r < 0)
                return log_debug_errno(r, "Failed to add partition: %m");
        log_debug("Adding partition %zu '%s': sectors %llu+%llu", *ret_partno + 1, name,
                  (unsigned long long) best_start, (unsigned long long) best_size);
        return 0;
}

/* The kernel may take a moment (udev, or the loop driver's rescan) to make
 * the node; a bounded wait, then check it is partition partno of disk. */
static int wait_for_partition(const char *disk, const char *node, unsigned partno) {
        struct stat disk_st, st;
        char path[128];
        int r;

        if (stat(disk, &disk_st) < 0)
                return negative_errno();
        for (int i = 0; i < 100; i++) {
                if (stat(node, &st) == 0 && S_ISBLK(st.st_mode))
                        break;
                nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
        }
        if (stat(node, &st) < 0 || !S_ISBLK(st.st_mode))
                return log_debug_errno(-ETIMEDOUT, "Partition node '%s' did not appear", node);

        /* The node must be partition partno of this very disk, not a stale
         * node of some other device. */
        snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/partition", major(st.st_rdev), minor(st.st_rdev));
        _cleanup_free_ char *number = NULL;
        r = read_sysfs(path, &number);
        if (r < 0)
                return log_debug_errno(r, "Failed to read '%s': %m", path);
        if ((unsigned) atoi(number) != partno)
                return log_debug_errno(-ENXIO, "'%s' is not partition %u", node, partno);
        snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/../dev", major(st.st_rdev), minor(st.st_rdev));
        _cleanup_free_ char *parent = NULL;
        char want[32];
        r = read_sysfs(path, &parent);
        if (r < 0)
                return log_debug_errno(r, "Failed to read '%s': %m", path);
        snprintf(want, sizeof(want), "%u:%u\n", major(disk_st.st_rdev), minor(disk_st.st_rdev));
        if (!streq(parent, want))
                return log_debug_errno(-ENXIO, "'%s' is not a partition of '%s'", node, disk);
        return 0;
}

int partition_ensure(const char *disk, const char *name, bool create_gpt, char **ret_node) {
        _cleanup_(fdisk_unref_contextp) struct fdisk_context *cxt = NULL;
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *before = NULL;
        _cleanup_free_ char *node = NULL;
        size_t partno;
        bool added = false;
        int r;

        cxt = fdisk_new_context();
        if (!cxt)
                return -ENOMEM;
        r = fdisk_assign_device(cxt, disk, /* readonly= */ 0);
        if (r < 0)
                return log_debug_errno(r, "Failed to open disk '%s': %m", disk);

        if (!fdisk_has_label(cxt)) {
                if (!create_gpt)
                        return log_debug_errno(-ENOMEDIUM, "'%s' has no partition table", disk);
                r = fdisk_create_disklabel(cxt, "gpt");
                if (r < 0)
                        return log_debug_errno(r, "Failed to create GPT on '%s': %m", disk);
        } else if (!fdisk_is_label(cxt, GPT))
                return log_debug_errno(-EMEDIUMTYPE, "'%s' has a partition table that is not GPT", disk);

        r = find_named(cxt, name);
        if (r >= 0)
                partno = (size_t) r;
        else if (r != -ENOENT)
                return log_debug_errno(r, "Failed to read partitions of '%s': %m", disk);
        else {
                r = fdisk_get_partitions(cxt, &before);
                if (r < 0 && r != -EINVAL) /* -EINVAL: an empty new GPT */
                        return r;
                r = add_in_largest_free(cxt, name, &partno);
                if (r < 0)
                        return r;
                r = fdisk_write_disklabel(cxt);
                if (r < 0)
                        return log_debug_errno(r, "Failed to write partition table of '%s': %m", disk);
                added = true;
        }
        if (added) {
                /* Tell the kernel about the new partition only (BLKPG): at
                 * boot the disk is busy, the system image is mounted from
                 * it, so a whole re-read (BLKRRPART) would fail. */
                r = before ? fdisk_reread_changes(cxt, before) : fdisk_reread_partition_table(cxt);
                if (r < 0)
                        log_debug_errno(r,
                                        "Telling the kernel about the new partition on '%s' failed: %m, "
                                        "waiting for the node anyway",
                                        disk);
        }
        r = fdisk_deassign_device(cxt, /* nosync= */ 0);
        if (r < 0)
                return log_debug_errno(r, "Failed to close disk '%s': %m", disk);

        r = partition_node_name(disk, (unsigned) partno + 1, &node);
        if (r < 0)
                return r;
        r = wait_for_partition(disk, node, (unsigned) partno + 1);
        if (r < 0)
                return r;

        *ret_node = TAKE_PTR(node);
        return added;
}
