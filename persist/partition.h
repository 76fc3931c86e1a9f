/* SPDX-License-Identifier: MIT */
#pragma once

/* The GPT partition that holds the persistence volume, made with libfdisk. */

#include <stdbool.h>
#include <stdint.h>

/* Minimum size of a new persistence partition: LUKS2 header (16 MiB) plus
 * a small ext4. */
#define PARTITION_MIN_BYTES (64ull * 1024 * 1024)

/* Finds the partition named name on the whole disk (a device node,
 * borrowed), or adds one of that name (type "Linux LUKS") spanning the
 * largest free region of the disk's GPT, aligned to the disk's grain. With
 * create_gpt a disk without any partition table first gets an empty GPT
 * (the caller has made sure it carries nothing). Then it waits (up to
 * 10 s) for the kernel's partition node. Returns 1 when the partition was
 * added, 0 when it existed, with *ret_node (owned string) its device node;
 * or a negative errno: -EMEDIUMTYPE when the disk has a table that is not
 * GPT, -ENOMEDIUM when it has none and !create_gpt, -ENOSPC when no free
 * region holds PARTITION_MIN_BYTES, -ETIMEDOUT when the node never came. */
int partition_ensure(const char *disk, const char *name, bool create_gpt, char **ret_node);

/* The device node of partition number partno (1-based) of disk:
 * "/dev/sda" + 2 gives "/dev/sda2", "/dev/loop0" + 1 "/dev/loop0p1".
 * Returns 0 and *ret (owned), or -ENOMEM. */
int partition_node_name(const char *disk, unsigned partno, char **ret);
