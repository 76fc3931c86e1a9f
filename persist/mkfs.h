/* SPDX-License-Identifier: MIT */
#pragma once

/* Runs mke2fs (an argv array, never a shell) to make ext4 with label on
 * node. The child gets no descriptors beyond stdin/stdout/stderr. Returns 0,
 * or a negative errno (-EPROTO when mke2fs exits non-zero). */
int mkfs_ext4(const char *node, const char *label);
