/* SPDX-License-Identifier: MIT */
#include "image.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "fd-util.h"
#include "fs-util.h"
#include "log.h"
#include "macro.h"
#include "mount-util.h"
#include "probe.h"

#define REJECTED_MAX 64
/* What must stay free after the copy: the rest of the boot needs RAM too. */
#define TORAM_RESERVE_MIN (256ULL << 20)

/* Filesystems a live medium may carry the image file on. */
static const char *const medium_fstypes[] = { "iso9660", "udf", "vfat", "exfat", "ext4", "ext3", "ext2" };

void system_image_done(SystemImage *img) {
        free(img->device);
        free(img->boot_device);
        free(img->image_path);
        *img = (SystemImage){};
}

typedef struct Search {
        const PersistConfig *cfg;
        const char *medium_dir;
        dev_t rejected[REJECTED_MAX]; /* media already mounted and found without the file */
        size_t n_rejected;
        /* result */
        char *device;
        dev_t disk;
        bool on_medium;
} Search;

static bool is_medium_fstype(const char *t) {
        if (!t)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(medium_fstypes); i++)
                if (streq(t, medium_fstypes[i]))
                        return true;
        return false;
}

static bool streq_ptr(const char *a, const char *b) {
        return a && b && streq(a, b);
}

static const char *image_file(const PersistConfig *cfg) {
        return cfg->system_path ?: CONFIG_LIVE_IMAGE_PATH;
}

static bool is_raw_candidate(const PersistConfig *cfg, const BlockDevice *d) {
        if (!streq_ptr(d->fstype, "squashfs") || cfg->system_path)
                return false;
        if (cfg->system.type != DEVICE_SPEC_NONE)
                return device_spec_matches(&cfg->system, d);
        return streq_ptr(d->partlabel, CONFIG_SYSTEM_NAME) || streq_ptr(d->label, CONFIG_SYSTEM_NAME);
}

static bool is_medium_candidate(const Search *s, const BlockDevice *d) {
        if (!is_medium_fstype(d->fstype))
                return false;
        for (size_t i = 0; i < s->n_rejected; i++)
                if (s->rejected[i] == d->devnum)
                        return false;
        return s->cfg->system.type == DEVICE_SPEC_NONE || device_spec_matches(&s->cfg->system, d);
}

/* Mounts the medium read-only and checks for the image file; leaves it
 * mounted when found. Returns 1 found, 0 not there (unmounted again). */
static int try_medium(Search *s, const BlockDevice *d) {
        _cleanup_close_ int dirfd = -EBADF, fd = -EBADF;
        struct stat st;
        int r;

        r = mount_libmount(d->node, s->medium_dir, d->fstype, mount_inspect_options(d->fstype));
        if (r < 0) {
                log_debug_errno(r, "Failed to mount '%s' to look for the image, skipping: %m", d->node);
                goto reject;
        }
        dirfd = open(s->medium_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd >= 0)
                fd = open_beneath(dirfd, image_file(s->cfg), O_RDONLY | O_NONBLOCK, 0);
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
                return 1;

        log_debug("No '%s' on '%s'.", image_file(s->cfg), d->node);
        dirfd = safe_close(dirfd);
        mount_umount_quiet(s->medium_dir);
reject:
        if (s->n_rejected < REJECTED_MAX)
                s->rejected[s->n_rejected++] = d->devnum;
        return 0;
}

static int found(Search *s, const BlockDevice *d, bool on_medium) {
        s->device = strdup(d->node);
        if (!s->device)
                return -ENOMEM;
        s->disk = d->disk;
        s->on_medium = on_medium;
        return 1;
}

static int search_match(const DeviceList *l, void *userdata) {
        Search *s = userdata;
        int r;

        /* Raw SquashFS partitions first: they are what an installed stick has. */
        for (size_t i = 0; i < l->n; i++)
                if (is_raw_candidate(s->cfg, &l->devices[i]))
                        return found(s, &l->devices[i], false);

        for (size_t i = 0; i < l->n; i++) {
                if (!is_medium_candidate(s, &l->devices[i]))
                        continue;
                r = try_medium(s, &l->devices[i]);
                if (r != 0)
                        return r > 0 ? found(s, &l->devices[i], true) : r;
        }
        return 0;
}

char *image_describe_search(const PersistConfig *cfg) {
        char *s = NULL;
        int r;

        if (cfg->system.type == DEVICE_SPEC_NONE && !cfg->system_path)
                r = asprintf(&s,
                             "a SquashFS partition with PARTLABEL or LABEL '%s', or '%s' on an "
                             "iso9660/udf/vfat/exfat/ext2/3/4 medium",
                             CONFIG_SYSTEM_NAME, CONFIG_LIVE_IMAGE_PATH);
        else if (cfg->system.type == DEVICE_SPEC_NONE)
                r = asprintf(&s, "'%s' on an iso9660/udf/vfat/exfat/ext2/3/4 medium", cfg->system_path);
        else if (cfg->system_path)
                r = asprintf(&s, "'%s' on the medium %s%s%s", cfg->system_path,
                             cfg->system.type == DEVICE_SPEC_PATH
                                     ? ""
                                     : device_spec_type_to_string(cfg->system.type),
                             cfg->system.type == DEVICE_SPEC_PATH ? "" : "=", cfg->system.value);
        else
                r = asprintf(&s, "a SquashFS on %s%s%s, or '%s' on it as a medium",
                             cfg->system.type == DEVICE_SPEC_PATH
                                     ? ""
                                     : device_spec_type_to_string(cfg->system.type),
                             cfg->system.type == DEVICE_SPEC_PATH ? "" : "=", cfg->system.value,
                             CONFIG_LIVE_IMAGE_PATH);
        return r < 0 ? NULL : s;
}

/* Reads what "MemAvailable:" says, in bytes. */
static int mem_available(uint64_t *ret) {
        _cleanup_fclose_ FILE *f = fopen("/proc/meminfo", "re");
        char line[256];

        if (!f)
                return negative_errno();
        while (fgets(line, sizeof line, f)) {
                unsigned long long kb;
                if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                        *ret = kb * 1024;
                        return 0;
                }
        }
        return -ENODATA;
}

/* The size of the image in bytes: a file's size, or for a raw partition the
 * bytes_used of the SquashFS superblock (the partition may be much larger). */
static int image_size(int fd, uint64_t *ret) {
        struct stat st;
        uint8_t sb[96];

        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (S_ISREG(st.st_mode)) {
                *ret = (uint64_t) st.st_size;
                return 0;
        }
        if (pread(fd, sb, sizeof sb, 0) != (ssize_t) sizeof sb)
                return -EIO;
        if (memcmp(sb, "hsqs", 4) != 0)
                return -EBADMSG;
        uint64_t used;
        memcpy(&used, sb + 40, sizeof used);
        used = le64toh(used);

        uint64_t dev_size = 0;
        if (ioctl(fd, BLKGETSIZE64, &dev_size) < 0)
                return negative_errno();
        used = (used + 4095) & ~(uint64_t) 4095;
        if (used == 0 || used > dev_size)
                return -EBADMSG;
        *ret = used;
        return 0;
}

static int copy_bytes(int in, int out, uint64_t size) {
        static char buf[256 * 1024];
        uint64_t done = 0;

        while (done < size) {
                size_t want = size - done < sizeof buf ? (size_t) (size - done) : sizeof buf;
                ssize_t n = loop_read(in, buf, want);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        return -EIO; /* shorter than it said */
                int r = loop_write(out, buf, (size_t) n);
                if (r < 0)
                        return r;
                done += (uint64_t) n;
        }
        return 0;
}

/* Copies the image (source: a device or file) into a tmpfs at ND/toram.
 * Returns 0 and the copy's path, -E2BIG when it does not fit into RAM, or
 * another negative errno (the tmpfs is unmounted again on failure). */
static int copy_to_ram(const char *source, const char *nd_dir, char **ret_path) {
        _cleanup_free_ char *dir = NULL, *path = NULL, *opts = NULL;
        _cleanup_close_ int in = -EBADF, out = -EBADF;
        uint64_t size, avail;
        int r;

        in = open(source, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (in < 0)
                return negative_errno();
        r = image_size(in, &size);
        if (r < 0)
                return r;
        r = mem_available(&avail);
        if (r < 0)
                return r;
        if (avail < size || avail - size < TORAM_RESERVE_MIN) {
                log_warning("The system image (%llu MiB) does not fit into RAM (%llu MiB available, "
                            "%llu MiB must stay free).",
                            (unsigned long long) (size >> 20), (unsigned long long) (avail >> 20),
                            (unsigned long long) (TORAM_RESERVE_MIN >> 20));
                return -E2BIG;
        }

        if (asprintf(&dir, "%s/toram", nd_dir) < 0 || asprintf(&path, "%s/filesystem.squashfs", dir) < 0 ||
            asprintf(&opts, "size=%llu,mode=0700", (unsigned long long) (size + (1 << 20))) < 0)
                return -ENOMEM;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return negative_errno();
        if (mount("nd-toram", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
                return negative_errno();

        out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
        if (out < 0) {
                r = negative_errno();
                goto fail;
        }
        r = copy_bytes(in, out, size);
        if (r < 0)
                goto fail;

        *ret_path = TAKE_PTR(path);
        return 0;

fail:
        out = safe_close(out);
        mount_umount_quiet(dir);
        return r;
}

static int make_dir(const char *nd_dir, const char *name, mode_t mode, char **ret) {
        char *p;

        if (asprintf(&p, "%s/%s", nd_dir, name) < 0)
                return -ENOMEM;
        if (mkdir(p, mode) < 0 && errno != EEXIST) {
                int r = negative_errno();
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

int image_find_and_mount(const PersistConfig *cfg, char *const *allowed, const char *nd_dir,
                         SystemImage *ret) {
        _cleanup_free_ char *medium_dir = NULL, *system_dir = NULL, *source = NULL, *ram_copy = NULL,
                            *boot_device = NULL, *what = NULL;
        Search s = { .cfg = cfg };
        int r;

        r = make_dir(nd_dir, "medium", 0755, &medium_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to create '%s/medium': %m", nd_dir);
        r = make_dir(nd_dir, "system", 0755, &system_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to create '%s/system': %m", nd_dir);
        s.medium_dir = medium_dir;

        what = image_describe_search(cfg);
        if (!what)
                return -ENOMEM;
        log_info("Looking for the system image: %s.", what);

        r = probe_wait(allowed, cfg->system_timeout, search_match, &s);
        if (r == -ETIMEDOUT || r == 0) {
                log_error("System image not found: looked for %s on %s for %u s.", what,
                          allowed ? "the devices given with --devices" : "all block devices",
                          cfg->system_timeout);
                return -ENOENT;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to look for the system image: %m");

        if (s.on_medium) {
                if (asprintf(&source, "%s%s", medium_dir, image_file(cfg)) < 0)
                        r = -ENOMEM;
        } else if (!(source = strdup(s.device)))
                r = -ENOMEM;
        if (r < 0)
                goto fail;
        (void) probe_devnode(s.disk, &boot_device);

        if (cfg->toram) {
                r = copy_to_ram(source, nd_dir, &ram_copy);
                if (r == -ENOMEM)
                        goto fail;
                if (r < 0)
                        log_warning_errno(r,
                                          "Failed to copy the system image to RAM, running it from "
                                          "'%s' instead: %m",
                                          s.device);
        }

        const char *img = ram_copy ?: source;
        bool is_file = ram_copy || s.on_medium;
        r = mount_libmount(img, system_dir, "squashfs", is_file ? "ro,loop" : "ro");
        if (r < 0) {
                log_error_errno(r, "Failed to mount the system image '%s' on '%s': %m", img, system_dir);
                goto fail;
        }
        /* With a copy in RAM the medium is no longer needed: it can be removed. */
        if (ram_copy && s.on_medium)
                mount_umount_quiet(medium_dir);

        log_info("System image '%s%s%s' mounted%s.", s.device, s.on_medium ? ":" : "",
                 s.on_medium ? image_file(cfg) : "", ram_copy ? " from a copy in RAM" : "");

        *ret = (SystemImage){
                .device = TAKE_PTR(s.device),
                .boot_device = TAKE_PTR(boot_device),
                .boot_disk = s.disk,
                .toram = ram_copy != NULL,
        };
        if (s.on_medium && !(ret->image_path = strdup(image_file(cfg)))) {
                system_image_done(ret);
                return -ENOMEM;
        }
        return 0;

fail:
        if (ram_copy) {
                char toram[PATH_MAX];
                snprintf(toram, sizeof toram, "%s/toram", nd_dir);
                mount_umount_quiet(toram);
        }
        if (s.on_medium)
                mount_umount_quiet(medium_dir);
        free(s.device);
        return r;
}

int image_mount_root(const char *nd_dir, const char *target) {
        _cleanup_free_ char *overlay = NULL, *upper = NULL, *work = NULL, *opts = NULL;
        int r;

        if (!mount_option_value_is_safe(nd_dir))
                return log_error_errno(-EINVAL, "Run directory '%s' cannot be used in mount options.",
                                       nd_dir);

        r = make_dir(nd_dir, "overlay", 0755, &overlay);
        if (r < 0)
                return log_error_errno(r, "Failed to create '%s/overlay': %m", nd_dir);
        if (mount("nd-overlay", overlay, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
                return log_error_errno(errno, "Failed to mount a tmpfs on '%s': %m", overlay);

        r = make_dir(overlay, "upper", 0755, &upper);
        if (r >= 0)
                r = make_dir(overlay, "work", 0700, &work);
        if (r >= 0 && asprintf(&opts, "lowerdir=%s/system,upperdir=%s,workdir=%s", nd_dir, upper, work) < 0)
                r = -ENOMEM;
        if (r < 0) {
                log_error_errno(r, "Failed to prepare the overlay in '%s': %m", overlay);
                goto fail;
        }
        if (mount("overlay", target, "overlay", 0, opts) < 0) {
                r = log_error_errno(errno, "Failed to mount the root overlay on '%s': %m", target);
                goto fail;
        }
        return 0;

fail:
        mount_umount_quiet(overlay);
        return r;
}
