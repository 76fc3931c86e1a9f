#!/bin/bash
# modprobe.d/neuraldrive-gpu.conf as kmod parses it: the NVIDIA device file
# options for both module names Debian uses (nvidia, nvidia-current),
# owner UID 901, group video, mode 0660.
. "$(dirname "$0")/lib.sh"
need modprobe cmake
install_units "$ND_TMP/dest"
d="$ND_TMP/dest/usr/lib/modprobe.d"
[ -f "$d/neuraldrive-gpu.conf" ] || fail "modprobe.d file not installed at /usr/lib/modprobe.d"
out=$(modprobe -C "$d" --showconfig 2>&1) || { printf '%s\n' "$out"; fail "modprobe --showconfig"; }
video=44
for m in nvidia nvidia_current; do
        l=$(printf '%s\n' "$out" | grep -E "^options $m " || true)
        echo "$l"
        for o in NVreg_DeviceFileUID=901 NVreg_DeviceFileGID=$video NVreg_DeviceFileMode=0660; do
                printf '%s\n' "$l" | grep -qw -- "$o" || fail "$m lacks $o"
        done
done
# GID 44 must be video (Debian's base-passwd fixes it).
if getent group video >/dev/null; then
        [ "$(getent group video | cut -d: -f3)" = $video ] || fail "video is not GID $video here"
fi
