#!/bin/bash
# Benchmark of `nd-persist boot` on the host-tier images (see README.md in
# this directory for the method and the committed results).
#
# usage: bench/persist/run-bench.sh [RUNS]     (root; loop devices)
# Builds nd-persist optimised and without sanitizers in build-bench/, makes
# three disk images and boots each RUNS times (default 20), printing the
# median and maximum of wall time and peak RSS per scenario.
set -euo pipefail
RUNS=${1:-20}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=$SRC/build-bench
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }

CC=${CC:-clang} cmake -S "$SRC" -B "$B" -DCMAKE_BUILD_TYPE=Release -DND_SANITIZE=OFF -DND_FUZZ=OFF \
    -DBUILD_TESTING=OFF >/dev/null
cmake --build "$B" --target nd-persist -j2 >/dev/null
ND=$B/persist/nd-persist
cc -O2 -o "$B/measure" "$SRC/bench/persist/measure.c"

W=$(mktemp -d /tmp/nd-persist-bench.XXXXXX)
LOOPS=()
unmount_below() { for m in $(findmnt -rn -o TARGET | grep -F "$1" | sort -r); do umount -l "$m" || true; done; }
cleanup() {
    unmount_below "$W"
    for l in "${LOOPS[@]}"; do partx -d "$l" 2>/dev/null || true; losetup -d "$l" || true; done
    rm -rf "$W"
}
trap cleanup EXIT

# A root shaped like the appliance's top level, ~40 MiB of incompressible
# data so mounting reads a real superblock and directory tables.
mkdir -p "$W/root"/{etc/neuraldrive,home,var/lib/neuraldrive,var/log,run,proc,sys,dev,usr/bin,usr/lib}
for i in $(seq 200); do echo "config $i" > "$W/root/etc/file$i"; done
head -c 40M /dev/urandom > "$W/root/usr/lib/blob"
mksquashfs "$W/root" "$W/system.sqfs" -quiet -noappend -all-root >/dev/null
mkdir -p "$W/medium/live" && cp "$W/system.sqfs" "$W/medium/live/filesystem.squashfs"

make_disk() { # NAME NAME:MB ...
    local img=$W/$1.img i=1 args=() p; shift
    truncate -s 256M "$img"
    for p in "$@"; do args+=("-n$i:0:+${p#*:}M" "-c$i:${p%%:*}"); i=$((i + 1)); done
    sgdisk "${args[@]}" "$img" >/dev/null
    DISK=$(losetup -fP --show "$img"); LOOPS+=("$DISK")
    partx -a "$DISK" 2>/dev/null || true
    for ((p = 1; p < i; p++)); do for _ in $(seq 50); do [ -b "${DISK}p$p" ] && break; sleep 0.1; done; done
}

make_disk raw nd-system:64 nd-persist:128
dd if="$W/system.sqfs" of="${DISK}p1" bs=1M status=none conv=fsync
mke2fs -q -t ext4 -L nd-persist "${DISK}p2"
RAW=$DISK
make_disk live NDLIVE:96 nd-persist:128
mke2fs -q -t ext4 -L NDLIVE -d "$W/medium" "${DISK}p1"
mke2fs -q -t ext4 -L nd-persist "${DISK}p2"
LIVE=$DISK

# The run directory lives on a tmpfs, as /run does in the initramfs (an
# fsync of persist.json there costs nothing; on a disk it would dominate).
mkdir -p "$W/tmpfs"
mount -t tmpfs -o mode=0755 nd-bench-run "$W/tmpfs"

run_scenario() { # NAME CMDLINE DEVICES
    local name=$1 cmdline=$2 devices=$3 i
    echo "$cmdline" > "$W/cmdline"
    : > "$W/$name.results"
    for i in $(seq "$RUNS"); do
        mkdir -p "$W/run-$name/t" "$W/tmpfs/r-$name"
        "$B/measure" "$ND" boot --target "$W/run-$name/t" --run-dir "$W/tmpfs/r-$name" \
            --cmdline "$W/cmdline" --devices "$devices" --test-allow-unencrypted \
            --log-target=stderr 2>>"$W/$name.stderr" >>"$W/$name.results.raw"
        grep -o 'wall_ms=[^ ]* maxrss_kib=[^ ]* status=[0-9]* cpu_ms=[^ ]*' "$W/$name.results.raw" | tail -n1 >>"$W/$name.results"
        unmount_below "$W/run-$name/"
        unmount_below "$W/tmpfs/r-$name/"
        rm -rf "$W/run-$name" "$W/tmpfs/r-$name"
    done
    local n walls rss bad
    n=$(wc -l <"$W/$name.results")
    walls=$(sed 's/.*wall_ms=\([^ ]*\).*/\1/' "$W/$name.results" | sort -n)
    rss=$(sed 's/.*maxrss_kib=\([^ ]*\).*/\1/' "$W/$name.results" | sort -n)
    cpus=$(sed 's/.*cpu_ms=\([^ ]*\).*/\1/' "$W/$name.results" | sort -n)
    bad=$(grep -vc 'status=0 ' "$W/$name.results" || true)
    if [ "$bad" != 0 ]; then tail -n 5 "$W/$name.stderr" >&2; fi
    printf '%-28s runs=%d  wall min %s median %s max %s ms  CPU median %s ms  peak RSS median %s KiB max %s KiB  failed runs %s\n' \
        "$name" "$n" "$(head -n1 <<<"$walls")" "$(sed -n "$(((n + 1) / 2))p" <<<"$walls")" "$(tail -n1 <<<"$walls")" \
        "$(sed -n "$(((n + 1) / 2))p" <<<"$cpus")" \
        "$(sed -n "$(((n + 1) / 2))p" <<<"$rss")" "$(tail -n1 <<<"$rss")" "$bad"
}

echo "nd-persist boot, $RUNS runs per scenario, $(uname -r), $(nproc) CPUs"
run_scenario "raw-partition+volume" "boot=neuraldrive" "${RAW}p1,${RAW}p2"
run_scenario "live-medium+volume" "boot=neuraldrive" "${LIVE}p1,${LIVE}p2"
run_scenario "raw-partition-persist-off" "boot=neuraldrive neuraldrive.persist=off" "${RAW}p1,${RAW}p2"
# e2fsck -p alone, for reference: it is a child of nd-persist and its peak
# RSS is part of what wait4 reports when it is the larger one.
"$B/measure" /sbin/e2fsck -p "${RAW}p2" | sed 's/^/e2fsck -p alone:             /'
