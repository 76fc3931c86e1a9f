#!/bin/bash
# The GPU udev rule under the real udev rule engine (udevadm test) with
# synthesized devices: in a private mount namespace /sys, /dev and /run are
# tmpfs mounts holding a fake sysfs entry and a device node for
# /dev/dri/card0, /dev/dri/renderD128 and /dev/kfd (and a non-GPU misc
# device as control). udevadm test applies the permissions to those nodes.
# Checked: with our rule UID 901 owns the GPU nodes and group and mode are
# exactly what Debian's rules give without it (nobody else gains access);
# the control device is untouched; opening renderD128 read-write is
# permitted for UID 901 (the kernel answers ENXIO, there is no driver)
# and refused (EACCES) for other unprivileged users. Real hardware (virtio-
# gpu) is the QEMU scenario's job. This machine's /sys, /dev and /run are
# never written.
. "$ND_SOURCE_DIR/tests/unit/units/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (mount namespace, mknod)"
need udevadm unshare setpriv cmake
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is missing"
[ -f /usr/lib/udev/rules.d/50-udev-default.rules ] || skip "udev's default rules are not installed"

install_units "$ND_TMP/dest"
rules="$ND_TMP/dest/usr/lib/udev/rules.d/71-neuraldrive-gpu.rules"
[ -f "$rules" ] || fail "udev rule not installed at /usr/lib/udev/rules.d"

cat >"$ND_TMP/inner.sh" <<'INNER'
set -eu
with_rule="$1"; rules="$2"
mount -t tmpfs tmpfs /sys
mount -t tmpfs tmpfs /dev
mount -t tmpfs tmpfs /run
mkdir -p /run/udev/rules.d /dev/dri
[ "$with_rule" = 1 ] && cp "$rules" /run/udev/rules.d/
dev() { # SUBSYSTEM NAME DEVNAME MAJOR MINOR
        local d=/sys/devices/virtual/$1/$2
        mkdir -p "$d" /sys/class/$1
        printf 'MAJOR=%s\nMINOR=%s\nDEVNAME=%s\n' "$4" "$5" "$3" >"$d/uevent"
        printf '%s:%s\n' "$4" "$5" >"$d/dev"
        ln -s ../../../../class/$1 "$d/subsystem"
        ln -s ../../devices/virtual/$1/$2 /sys/class/$1/$2
        mknod -m 0600 "/dev/$3" c "$4" "$5" # as devtmpfs creates it
        SYSTEMD_DEVICE_VERIFY_SYSFS=0 udevadm test --action=add "$d" >/run/udevadm-$2.log 2>&1 ||
                { cat /run/udevadm-$2.log; exit 1; }
        grep -q "^Reading rules file: /run/udev/rules.d/71-neuraldrive-gpu.rules" /run/udevadm-$2.log ||
                [ "$with_rule" = 0 ] || { echo "rule file not read"; exit 1; }
        grep -iE 'invalid|error' /run/udevadm-$2.log | grep -i neuraldrive && exit 1
        printf '%s %s\n' "$3" "$(stat -c '%u %g %a' "/dev/$3")"
}
dev drm card0 dri/card0 226 0
dev drm renderD128 dri/renderD128 226 128
dev kfd kfd kfd 238 0
dev misc nd-test nd-test 10 250
access() { # UID NODE -> ok | EACCES | ...
        setpriv --reuid="$1" --regid="$1" --clear-groups /usr/bin/python3 -c '
import errno, os, sys
try:
    os.close(os.open(sys.argv[1], os.O_RDWR))
    print("ok")
except OSError as e:
    # No driver behind the fake node: the permission check passed.
    print("ok" if e.errno in (errno.ENXIO, errno.ENODEV) else errno.errorcode[e.errno])
' "$2"
}
for u in 901 902 65534; do
        printf 'access %s %s\n' "$u" "$(access "$u" /dev/dri/renderD128)"
done
INNER

unshare -m --propagation private bash "$ND_TMP/inner.sh" 1 "$rules" >"$ND_TMP/with" 2>&1 ||
        { cat "$ND_TMP/with"; fail "udevadm test with our rule"; }
unshare -m --propagation private bash "$ND_TMP/inner.sh" 0 "$rules" >"$ND_TMP/without" 2>&1 ||
        { cat "$ND_TMP/without"; fail "udevadm test without our rule"; }
echo "with our rule (node uid gid mode):"; cat "$ND_TMP/with"
echo "Debian's rules alone:"; cat "$ND_TMP/without"

field() { awk -v n="$2" -v f="$3" '$1 == n { print $f }' "$1"; }
for n in dri/card0 dri/renderD128 kfd; do
        [ "$(field "$ND_TMP/with" $n 2)" = 901 ] || fail "$n not owned by 901"
        [ "$(field "$ND_TMP/without" $n 2)" = 0 ] || fail "$n: baseline owner is not root"
        for f in 3 4; do
                [ "$(field "$ND_TMP/with" $n $f)" = "$(field "$ND_TMP/without" $n $f)" ] ||
                        fail "$n: group/mode changed by our rule"
        done
        [ "$(field "$ND_TMP/with" $n 4)" = 660 ] || fail "$n: mode is not 0660 (Debian's rules changed?)"
done
[ "$(field "$ND_TMP/with" nd-test 2)" = 0 ] || fail "a non-GPU device was given to 901"
[ "$(sed -n 's/^access 901 //p' "$ND_TMP/with")" = ok ] || fail "UID 901 cannot open renderD128"
for u in 902 65534; do
        [ "$(sed -n "s/^access $u //p" "$ND_TMP/with")" = EACCES ] || fail "UID $u can open renderD128"
done
[ "$(sed -n 's/^access 901 //p' "$ND_TMP/without")" = EACCES ] || fail "control: UID 901 could open it without our rule"
echo "udev: GPU nodes owned by 901, group/mode unchanged, others refused"
