#!/bin/bash
# Host tier for `nd-persist boot`: builds disk images (a raw SquashFS
# partition, a live-build medium, a persistence partition), attaches them as
# loop devices and runs the boot path on them with --devices, so nothing but
# these loop devices is ever probed. Checks the mounted tree and persist.json.
#
# usage: test-boot.sh /path/to/nd-persist
set -euo pipefail

ND_PERSIST=${1:?usage: test-boot.sh ND_PERSIST}

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (loop devices, mounts)"
for t in mksquashfs sgdisk partx losetup mke2fs e2fsck debugfs jq findmnt cryptsetup; do
    command -v "$t" >/dev/null || skip "'$t' is not installed"
done
[ -e /dev/loop-control ] || skip "no loop device support"
grep -qw squashfs /proc/filesystems || modprobe -q squashfs 2>/dev/null || skip "no squashfs"
grep -qw overlay /proc/filesystems || modprobe -q overlay 2>/dev/null || skip "no overlayfs"

W=$(mktemp -d /tmp/nd-persist-host.XXXXXX)
LOOPS=()
FAILED=0

unmount_below() {
    local m
    # deepest first; lazily, so a failed test never leaves a mount behind
    for m in $(findmnt -rn -o TARGET | grep -F "$1" | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
}

cleanup() {
    unmount_below "$W"
    for l in "${LOOPS[@]}"; do
        partx -d "$l" 2>/dev/null || true
        losetup -d "$l" 2>/dev/null || true
    done
    rm -rf "$W"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILED=1; }
pass() { echo "ok: $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# --- building blocks -------------------------------------------------------

# The system image: a small root with the directories the default set uses.
ROOTSRC=$W/rootsrc
mkdir -p "$ROOTSRC"/{etc/neuraldrive,home,var/lib/neuraldrive,var/log,run,proc,sys,dev,srv,opt,usr/bin}
echo "from-image" > "$ROOTSRC/etc/neuraldrive/image-file"
echo "nd-test" > "$ROOTSRC/etc/hostname"
mksquashfs "$ROOTSRC" "$W/system.sqfs" -quiet -noappend -all-root >/dev/null

# make_disk NAME NAME:SIZE_MB ...  -> $DISK (loop device, partitions p1..pN)
make_disk() {
    local img=$W/$1.img i=1 args=() p
    shift
    truncate -s 128M "$img"
    for p in "$@"; do
        args+=("-n$i:0:+${p#*:}M" "-c$i:${p%%:*}")
        i=$((i + 1))
    done
    sgdisk "${args[@]}" "$img" >/dev/null
    DISK=$(losetup -fP --show "$img")
    LOOPS+=("$DISK")
    partx -a "$DISK" 2>/dev/null || true
    for ((p = 1; p < i; p++)); do
        for _ in $(seq 50); do [ -b "${DISK}p$p" ] && break; sleep 0.1; done
        [ -b "${DISK}p$p" ] || { echo "partition ${DISK}p$p did not appear"; exit 1; }
    done
}

put_system() { dd if="$W/system.sqfs" of="$1" bs=1M status=none conv=fsync; }

# make_volume DEV [persistence.conf content]: plain ext4 labelled nd-persist
make_volume() {
    local dev=$1 src=$W/volsrc.$RANDOM
    mkdir -p "$src"
    if [ $# -ge 2 ]; then printf '%s' "$2" > "$src/persistence.conf"; fi
    [ -n "${VOLUME_SETUP:-}" ] && (cd "$src" && eval "$VOLUME_SETUP")
    mke2fs -q -t ext4 -L nd-persist -d "$src" "$dev"
}

# boot NAME CMDLINE DEVICES [extra options]: runs the boot path; $RC, $LOG,
# $T (target), $R (run dir), $J (persist.json)
boot() {
    local name=$1 cmdline=$2 devices=$3
    shift 3
    T=$W/$name/target R=$W/$name/run LOG=$W/$name/log J=$W/$name/run/neuraldrive/persist.json
    mkdir -p "$T" "$R"
    echo "$cmdline" > "$W/$name/cmdline"
    set +e
    "$ND_PERSIST" boot --target "$T" --run-dir "$R" --cmdline "$W/$name/cmdline" \
        --devices "$devices" --log-target=stderr "$@" >"$LOG" 2>&1
    RC=$?
    set -e
    sed "s/^/    [$name] /" "$LOG"
}

shutdown_boot() { unmount_below "$W/$1/"; }

fstype_of() { findmnt -n -o FSTYPE --mountpoint "$1" 2>/dev/null; }
options_of() { findmnt -n -o OPTIONS --mountpoint "$1" 2>/dev/null; }
has_opts() { local o; o=$(options_of "$1"); shift; for x in "$@"; do [[ ",$o," == *",$x,"* ]] || return 1; done; }
json() { jq -r "$1" "$J"; }

# --- 1: raw SquashFS partition + persistence volume with persistence.conf --
echo "== raw SquashFS partition, volume with persistence.conf"
make_disk d1 nd-system:16 nd-persist:48
put_system "${DISK}p1"
VOLUME_SETUP='mkdir -p opt outside-target && ln -s /etc opt/escape && mkdir -p srv/data && echo kept > srv/data/old && ln -s / home-link' \
make_volume "${DISK}p2" '# NeuralDrive persistence
/etc/neuraldrive union
/home union,source=homes
/srv/data bind

/var/lib/neuraldrive union
/../etc union
/var/log/x  bogus
/opt/escape bind
/sys/kernel union
/mnt/rel union,source=../outside
/mnt/link bind,source=home-link/etc
/etc/neuraldrive bind
this is not a path
'
D1=$DISK
boot b1 "boot=neuraldrive console=ttyS0" "${D1}p1,${D1}p2" --test-allow-unencrypted
check "boot exits 0" [ "$RC" = 0 ]
check "root is an overlay" [ "$(fstype_of "$T")" = overlay ]
check "system image mounted read-only" has_opts "$R/neuraldrive/system" ro
check "image content visible in the root" grep -qx from-image "$T/etc/neuraldrive/image-file"
for p in /etc/neuraldrive /home /var/lib/neuraldrive; do
    check "$p is a union overlay" [ "$(fstype_of "$T$p")" = overlay ]
    check "$p is nosuid,nodev,noatime" has_opts "$T$p" nosuid nodev noatime
done
check "/srv/data is a bind mount of the volume" [ "$(fstype_of "$T/srv/data")" = ext4 ]
check "/srv/data is nosuid,nodev,noatime" has_opts "$T/srv/data" nosuid nodev noatime
check "/srv/data shows the volume's content" grep -qx kept "$T/srv/data/old"
check "volume mounted nosuid,nodev,noatime" has_opts "$R/neuraldrive/persist" nosuid nodev noatime
check "state active" [ "$(json .state)" = active ]
check "boot_device recorded" [ "$(json .boot_device)" = "$D1" ]
check "volume recorded" [ "$(json .volume)" = "${D1}p2" ]
check "4 paths persisted" [ "$(json '.paths | length')" = 4 ]
check "home's source is homes" [ "$(json '.paths[] | select(.path=="/home") | .source')" = homes ]
check "8 lines skipped" [ "$(json '.skipped | length')" = 8 ]
check "'/../etc' refused" [ "$(json '.skipped[] | select(.path=="/../etc") | .line')" = 7 ]
check "unknown option reported with its line" grep -q "persistence.conf line 8 ('/var/log/x'): unknown option" "$LOG"
check "symlink on the volume refused" [ "$(json '.skipped[] | select(.path=="/opt/escape") | .reason')" = "a symlink on the volume is in the way (refusing to follow it)" ]
check "/opt/escape not mounted" [ -z "$(fstype_of "$T/opt/escape")" ]
check "symlink inside a source path refused" [ "$(json '.skipped[] | select(.path=="/mnt/link") | .reason')" = "a symlink on the volume is in the way (refusing to follow it)" ]
check "source escaping the volume refused" [ "$(json '.skipped[] | select(.path=="/mnt/rel") | .line')" = 11 ]
check "/sys refused" [ "$(json '.skipped[] | select(.path=="/sys/kernel") | .line')" = 10 ]
check "duplicate refused" [ "$(json '.skipped[] | select(.line==13) | .reason')" = "duplicate path" ]
check "garbage line refused" [ "$(json '.skipped[] | select(.line==14) | .line')" = 14 ]

# writes land on the volume and survive a "reboot"
echo "user data" > "$T/home/note"
echo "new state" > "$T/var/lib/neuraldrive/state"
echo "ram only" > "$T/etc/hostname.new"
check "union write lands in the volume's source dir" grep -qx "user data" "$R/neuraldrive/persist/homes/note"
check "root writes go to the tmpfs" [ -f "$R/neuraldrive/overlay/upper/etc/hostname.new" ]
shutdown_boot b1
rm -rf "$W/b1"
boot b1 "boot=neuraldrive" "${D1}p1,${D1}p2" --test-allow-unencrypted
check "second boot exits 0" [ "$RC" = 0 ]
check "home note survived the reboot" grep -qx "user data" "$T/home/note"
check "state file survived the reboot" grep -qx "new state" "$T/var/lib/neuraldrive/state"
check "non-persisted write is gone" [ ! -e "$T/etc/hostname.new" ]
shutdown_boot b1

# toram from a raw partition: only the SquashFS's bytes_used are copied
boot b1t "boot=neuraldrive neuraldrive.toram" "${D1}p1,${D1}p2" --test-allow-unencrypted
check "raw toram boot exits 0" [ "$RC" = 0 ]
check "raw toram recorded" [ "$(json .toram)" = true ]
COPY=$(stat -c %s "$R/neuraldrive/toram/filesystem.squashfs")
SQ=$(stat -c %s "$W/system.sqfs")
check "copy is the image rounded to 4 KiB, not the 16 MiB partition" [ "$COPY" = $(( (SQ + 4095) / 4096 * 4096 )) ]
check "system mounted from the copy (a loop device)" bash -c "findmnt -n -o SOURCE --mountpoint '$R/neuraldrive/system' | grep -q '^/dev/loop[0-9]*\$'"
check "persistence still active" [ "$(json .state)" = active ]
shutdown_boot b1t

# an explicitly named volume
boot b1d "boot=neuraldrive neuraldrive.persist=PARTLABEL=nd-persist neuraldrive.persist.timeout=1" "${D1}p1,${D1}p2" --test-allow-unencrypted
check "persist=PARTLABEL=nd-persist: active" [ "$(json .state)" = active ]
shutdown_boot b1d
boot b1e "boot=neuraldrive neuraldrive.persist=LABEL=nothere neuraldrive.persist.timeout=1" "${D1}p1,${D1}p2" --test-allow-unencrypted
check "persist=LABEL=nothere: degraded, names it" grep -q "LABEL=nothere was not found" <<<"$(json .reason)"
shutdown_boot b1e

# --- 2: no persistence volume ----------------------------------------------
echo "== no persistence volume"
make_disk d2 nd-system:16
put_system "${DISK}p1"
boot b2 "boot=neuraldrive neuraldrive.frobnicate=1 neuraldrive.persist.timeout=soon" "${DISK}p1" --test-allow-unencrypted
check "boot exits 0" [ "$RC" = 0 ]
check "root is an overlay" [ "$(fstype_of "$T")" = overlay ]
check "state degraded" [ "$(json .state)" = degraded ]
check "reason names the boot device" grep -q "no persistence volume" <<<"$(json .reason)"
check "degraded boot says RAM only" grep -q "RAM only" "$LOG"
check "unknown key warned about" grep -q "unknown kernel argument 'neuraldrive.frobnicate'" "$LOG"
check "malformed value warned about" grep -q "malformed kernel argument 'neuraldrive.persist.timeout=soon'" "$LOG"
shutdown_boot b2

# --- 3: neuraldrive.persist=off ------------------------------------------
echo "== neuraldrive.persist=off"
boot b3 "boot=neuraldrive neuraldrive.persist=off" "${D1}p1,${D1}p2" --test-allow-unencrypted
check "boot exits 0" [ "$RC" = 0 ]
check "state disabled" [ "$(json .state)" = disabled ]
check "volume not mounted" [ -z "$(fstype_of "$R/neuraldrive/persist")" ]
shutdown_boot b3

# --- 4: plain volume without the test option is refused --------------------
echo "== plain volume without --test-allow-unencrypted"
boot b4 "boot=neuraldrive" "${D1}p1,${D1}p2"
check "boot exits 0" [ "$RC" = 0 ]
check "state degraded" [ "$(json .state)" = degraded ]
check "plain volume not mounted" [ -z "$(fstype_of "$R/neuraldrive/persist")" ]
shutdown_boot b4

# --- 5: live-build medium, default search, and toram -------------------------
echo "== live-build layout on an ext4 medium"
mkdir -p "$W/medium/live"
cp "$W/system.sqfs" "$W/medium/live/filesystem.squashfs"
make_disk d5 NDLIVE:24 nd-persist:24
mke2fs -q -t ext4 -L NDLIVE -d "$W/medium" "${DISK}p1"
make_volume "${DISK}p2"
D5=$DISK
boot b5 "boot=neuraldrive" "${D5}p1,${D5}p2" --test-allow-unencrypted
check "boot exits 0" [ "$RC" = 0 ]
check "image file found on the medium" [ "$(json .system_image)" = "${D5}p1:/live/filesystem.squashfs" ]
check "medium mounted read-only, no journal replay" has_opts "$R/neuraldrive/medium" ro nosuid nodev noexec norecovery
check "image content visible" grep -qx from-image "$T/etc/neuraldrive/image-file"
check "no persistence.conf: default set (4 paths)" [ "$(json '.paths | length')" = 4 ]
check "default set notice" grep -q "No persistence.conf on the volume" "$LOG"
shutdown_boot b5

boot b5t "boot=neuraldrive neuraldrive.system=LABEL=NDLIVE:/live/filesystem.squashfs neuraldrive.toram" "${D5}p1,${D5}p2" --test-allow-unencrypted
check "toram boot exits 0" [ "$RC" = 0 ]
check "toram recorded" [ "$(json .toram)" = true ]
check "medium released after the copy" [ -z "$(fstype_of "$R/neuraldrive/medium")" ]
check "copy lives in a tmpfs" [ "$(fstype_of "$R/neuraldrive/toram")" = tmpfs ]
check "image content visible" grep -qx from-image "$T/etc/neuraldrive/image-file"
shutdown_boot b5t

boot b5p "boot=neuraldrive neuraldrive.system=/live/filesystem.squashfs" "${D5}p1,${D5}p2" --test-allow-unencrypted
check "bare image path: found on the medium" [ "$(json .system_image)" = "${D5}p1:/live/filesystem.squashfs" ]
shutdown_boot b5p

# --- 6: system image missing -----------------------------------------------
echo "== system image missing"
make_disk d6 data:16
mke2fs -q -t ext4 -L data "${DISK}p1"
boot b6 "boot=neuraldrive neuraldrive.system.timeout=1" "${DISK}p1"
check "boot exits non-zero" [ "$RC" != 0 ]
check "message says what was looked for where" grep -q "System image not found: looked for a SquashFS partition with PARTLABEL or LABEL 'nd-system'.*on the devices given with --devices" "$LOG"
check "nothing mounted at the target" [ -z "$(fstype_of "$T")" ]
boot b6b "boot=neuraldrive neuraldrive.system=PARTLABEL=nope neuraldrive.system.timeout=1" "${D1}p1"
check "wrong PARTLABEL: exits non-zero" [ "$RC" != 0 ]
check "message names the PARTLABEL" grep -q "PARTLABEL=nope" "$LOG"

echo "== system image broken"
make_disk d6c nd-system:16
put_system "${DISK}p1"
# keep the superblock (blkid still says squashfs), destroy the tables behind it
dd if=/dev/urandom of="${DISK}p1" bs=1 seek=96 count=4000 conv=notrunc,fsync status=none
boot b6c "boot=neuraldrive neuraldrive.system.timeout=1" "${DISK}p1"
check "broken image: exits non-zero" [ "$RC" != 0 ]
check "broken image: says which image failed to mount" grep -q "Failed to mount the system image '${DISK}p1'" "$LOG"
check "broken image: nothing at the target" [ -z "$(fstype_of "$T")" ]
check "broken image: nothing left mounted" [ -z "$(fstype_of "$R/neuraldrive/system")" ]

echo "== root overlay cannot be mounted (target is a file)"
mkdir -p "$W/b6d/run"
touch "$W/b6d/target-file"
echo "boot=neuraldrive" > "$W/b6d/cmdline"
set +e
"$ND_PERSIST" boot --target "$W/b6d/target-file" --run-dir "$W/b6d/run" --cmdline "$W/b6d/cmdline" \
    --devices "${D1}p1" --log-target=stderr >"$W/b6d/log" 2>&1
RC=$?
set -e
sed 's/^/    [b6d] /' "$W/b6d/log"
check "exits non-zero" [ "$RC" != 0 ]
check "says the root overlay failed" grep -q "Failed to mount the root overlay" "$W/b6d/log"
check "system image not left mounted" [ -z "$(fstype_of "$W/b6d/run/neuraldrive/system")" ]

# --- 7: persistence.conf that is a symlink -----------------------------------
echo "== persistence.conf is a symlink"
make_disk d7 nd-system:16 nd-persist:24
put_system "${DISK}p1"
VOLUME_SETUP='ln -s /etc/passwd persistence.conf' make_volume "${DISK}p2"
boot b7 "boot=neuraldrive" "${DISK}p1,${DISK}p2" --test-allow-unencrypted
check "boot exits 0" [ "$RC" = 0 ]
check "state degraded" [ "$(json .state)" = degraded ]
check "reason: symlink" grep -q "persistence.conf is a symlink" <<<"$(json .reason)"
check "volume unmounted again" [ -z "$(fstype_of "$R/neuraldrive/persist")" ]
shutdown_boot b7

# --- 7b: a volume e2fsck -p cannot repair -------------------------------------
echo "== volume with errors e2fsck -p refuses to fix"
make_disk d7b nd-system:16 nd-persist:24
put_system "${DISK}p1"
make_volume "${DISK}p2"
debugfs -w -R "clri <2>" "${DISK}p2" >/dev/null 2>&1       # root directory inode wiped
debugfs -w -R "ssv state 2" "${DISK}p2" >/dev/null 2>&1     # and the kernel's "has errors" mark
boot b7b "boot=neuraldrive" "${DISK}p1,${DISK}p2" --test-allow-unencrypted
check "boot exits 0" [ "$RC" = 0 ]
check "state degraded, says why" grep -q "errors e2fsck -p cannot repair" <<<"$(json .reason)"
check "volume not mounted" [ -z "$(fstype_of "$R/neuraldrive/persist")" ]
check "volume not modified into a fresh one (root inode still cleared)" \
    bash -c "e2fsck -n '${DISK}p2' >/dev/null 2>&1; [ \$? -ge 4 ]"
shutdown_boot b7b

# --- 8: LUKS2 volume with a key file (no device-mapper here) -----------------
echo "== LUKS2 volume, key file on a USB-like medium"
make_disk d8 nd-system:16 nd-persist:24
put_system "${DISK}p1"
D8=$DISK
head -c 64 /dev/urandom > "$W/keyfile.bin"
cryptsetup luksFormat -q --type luks2 --label nd-persist --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
    --key-file "$W/keyfile.bin" "${D8}p2"
mkdir -p "$W/keymedium/keys"
cp "$W/keyfile.bin" "$W/keymedium/keys/nd.key"
make_disk d8k keys:8
D8K=$DISK
mke2fs -q -t ext4 -L NDKEYS -d "$W/keymedium" "${DISK}p1"
boot b8 "boot=neuraldrive neuraldrive.persist.keyfile=LABEL=NDKEYS:/keys/nd.key neuraldrive.persist.timeout=2 neuraldrive.debug" \
    "${D8}p1,${D8}p2,${DISK}p1"
check "boot exits 0" [ "$RC" = 0 ]
check "LUKS volume found on the boot device" [ "$(json .volume)" = "${D8}p2" ]
check "recorded as encrypted" [ "$(json .encrypted)" = true ]
check "key file read and accepted (no passphrase fallback)" bash -c "! grep -qi 'passphrase' '$LOG'"
check "key file read from the key medium (64 bytes)" grep -q "Read the key file '/keys/nd.key' (64 bytes)" "$LOG"
check "key device unmounted again" [ -z "$(findmnt -n -S "${DISK}p1")" ]
if [ -e /dev/mapper/control ] && grep -qw device-mapper /proc/devices; then
    check "state active (device-mapper present)" [ "$(json .state)" = active ]
else
    check "state degraded without device-mapper" [ "$(json .state)" = degraded ]
    check "reason: activation failed" grep -q "activating the volume failed" <<<"$(json .reason)"
fi
shutdown_boot b8

# --- 8c: a LUKS2 volume with a weak key is refused ---------------------------
# (cipher_null itself cannot be formatted without device-mapper; the QEMU
# tier's broken-encryption scenario makes one and sees it refused.)
echo "== LUKS2 volume with a 128-bit key is refused"
make_disk d8c nd-system:16 nd-persist:24
put_system "${DISK}p1"
cryptsetup luksFormat -q --type luks2 --label nd-persist --cipher aes-cbc-essiv:sha256 --key-size 128 \
    --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file "$W/keyfile.bin" "${DISK}p2"
boot b8c "boot=neuraldrive neuraldrive.persist.keyfile=LABEL=NDKEYS:/keys/nd.key neuraldrive.persist.timeout=2" \
    "${DISK}p1,${DISK}p2,${D8K}p1"
check "boot exits 0" [ "$RC" = 0 ]
check "state degraded" [ "$(json .state)" = degraded ]
check "reason: not encrypted" grep -q "does not encrypt its data" <<<"$(json .reason)"
check "key medium not even read" bash -c "! grep -q 'Read the key file' '$LOG'"
shutdown_boot b8c

# --- 9: neuraldrive.persist=create with a key file ---------------------------
echo "== neuraldrive.persist=create, headless (key file)"
make_disk d9 nd-system:16
put_system "${DISK}p1"
D9=$DISK
boot b9 "boot=neuraldrive neuraldrive.persist=create neuraldrive.persist.keyfile=LABEL=NDKEYS:/keys/nd.key neuraldrive.persist.timeout=2" \
    "$D9,${D9}p1,${D8K}p1"
check "boot exits 0" [ "$RC" = 0 ]
check "a partition named nd-persist was added to the boot device" \
    bash -c "sgdisk -p '$W/d9.img' | grep -q ' nd-persist\$'"
NEWPART=${D9}p2
check "the new partition's node exists" [ -b "$NEWPART" ]
check "it is LUKS2 labelled nd-persist" bash -c "cryptsetup luksDump '$NEWPART' | grep -q '^Label:.*nd-persist'"
check "the key file opens it" cryptsetup open --test-passphrase --key-file "$W/keyfile.bin" "$NEWPART"
check "no recovery key printed on a headless create" bash -c "! grep -qi 'recovery key' '$LOG'"
if [ -e /dev/mapper/control ] && grep -qw device-mapper /proc/devices; then
    check "state active (device-mapper present)" [ "$(json .state)" = active ]
else
    check "without device-mapper: degraded, says creating failed" \
        grep -q "not created: creating the volume failed" <<<"$(json .reason)"
    shutdown_boot b9
    rm -rf "$W/b9"
    boot b9 "boot=neuraldrive neuraldrive.persist=create neuraldrive.persist.keyfile=LABEL=NDKEYS:/keys/nd.key neuraldrive.persist.timeout=2" \
        "$D9,${D9}p1,${NEWPART},${D8K}p1"
    check "next boot: interrupted create detected and redone" grep -q "left by an interrupted create, creating it again" "$LOG"
    check "next boot: same partition reused" [ "$(json .volume)" = "${D9}p2" ]
fi
shutdown_boot b9

# --- 10/11: the console prompts, on a pseudo-terminal as console= ------------
# console-driver.py links the pty to /dev/nd-test-console-PID for the run.
CONSOLE=nd-test-console-$$
DRIVER=$(dirname "$0")/console-driver.py
if command -v python3 >/dev/null; then
    echo "== LUKS2 volume, passphrase typed on the console"
    T=$W/b10/target R=$W/b10/run J=$W/b10/run/neuraldrive/persist.json
    mkdir -p "$T" "$R"
    echo "boot=neuraldrive console=$CONSOLE,115200n8 neuraldrive.persist.timeout=5" > "$W/b10.cmdline"
    set +e
    python3 "$DRIVER" --link "$CONSOLE" --transcript "$W/b10.console" \
        --answer "passphrase for the persistence volume ${D8}p2: =not the key" -- \
        "$ND_PERSIST" boot --target "$T" --run-dir "$R" --cmdline "$W/b10.cmdline" \
        --devices "${D8}p1,${D8}p2" --log-target=stderr >"$W/b10.log" 2>&1
    RC=$?
    set -e
    sed 's/^/    [b10] /' "$W/b10.log"
    check "boot exits 0 after answering the prompt" [ "$RC" = 0 ]
    check "prompt shown on the console= device" grep -q "NeuralDrive: passphrase for the persistence volume ${D8}p2" "$W/b10.console"
    check "typed passphrase not echoed" bash -c "! grep -q 'not the key' '$W/b10.console'"
    check "not unlocked: degraded" [ "$(json .state)" = degraded ]
    shutdown_boot b10

    echo "== neuraldrive.persist=create, passphrase typed twice"
    make_disk d11 nd-system:16
    put_system "${DISK}p1"
    D11=$DISK
    T=$W/b11/target R=$W/b11/run J=$W/b11/run/neuraldrive/persist.json
    mkdir -p "$T" "$R"
    echo "boot=neuraldrive console=$CONSOLE neuraldrive.persist=create neuraldrive.persist.timeout=10" > "$W/b11.cmdline"
    set +e
    python3 "$DRIVER" --link "$CONSOLE" --transcript "$W/b11.console" --timeout 120 \
        --answer "choose a passphrase for the new persistence volume: =first try" \
        --answer "type it again: =a typo" \
        --answer "choose a passphrase for the new persistence volume: =correct horse" \
        --answer "type it again: =correct horse" -- \
        "$ND_PERSIST" boot --target "$T" --run-dir "$R" --cmdline "$W/b11.cmdline" \
        --devices "$D11,${D11}p1" --log-target=stderr >"$W/b11.log" 2>&1
    RC=$?
    set -e
    sed 's/^/    [b11] /' "$W/b11.log"
    check "boot exits 0 after the prompts" [ "$RC" = 0 ]
    check "mismatch reported on the console" grep -q "the two passphrases differ" "$W/b11.console"
    check "passphrases not echoed" bash -c "! grep -q 'correct horse' '$W/b11.console'"
    check "new volume made" [ -b "${D11}p2" ]
    check "the typed passphrase opens it" bash -c "printf 'correct horse' | cryptsetup open --test-passphrase --key-file - '${D11}p2'"
    check "the mismatched one does not" bash -c "! printf 'first try' | cryptsetup open --test-passphrase --key-file - '${D11}p2' 2>/dev/null"
    check "two keyslots (passphrase + recovery key)" [ "$(cryptsetup luksDump "${D11}p2" | grep -cE '^  [0-9]+: luks2')" = 2 ]
    if [ -e /dev/mapper/control ] && grep -qw device-mapper /proc/devices; then
        check "recovery key shown on the console" grep -q "Recovery key" "$W/b11.console"
    fi
    shutdown_boot b11
else
    echo "SKIP console prompt checks: no python3"
fi

[ "$FAILED" = 0 ] && echo "all checks passed"
exit "$FAILED"
