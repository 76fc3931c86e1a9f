#!/bin/bash
# GPU node access from inside the real sandboxes: the Ollama unit and the
# GPU monitor unit (copies whose ExecStart= is replaced by an open() probe)
# run under a user-mode systemd as root, in a private mount namespace whose
# /dev holds /dev/dri/renderD128 and /dev/dri/card0 as our udev rule leaves
# them (made by `udevadm test` on synthesized sysfs entries, as udev.sh
# does) and whose /etc (an overlay) has the service accounts.
#  - Ollama (UID 901, PrivateDevices=no, its whole sandbox): opens both;
#  - GPU monitor (UID 904, PrivateUsers=yes, video/render as supplementary
#    groups): opens both through the groups;
#  - the WebUI unit's sandbox (UID 902, PrivateDevices=yes): cannot.
# The copies drop only what is not about devices and cannot work here
# (EnvironmentFile=, ReadWritePaths= of paths this machine lacks,
# ExecStartPre=) and the directives this machine cannot apply to any unit
# (probed, named in the output). The cgroup device filter (the reason for
# "no DeviceAllow=") needs a real system manager: the QEMU scenario.
. "$ND_SOURCE_DIR/tests/unit/units/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (mount namespace, mknod)"
need udevadm unshare cmake
[ -x /lib/systemd/systemd ] || skip "systemd is not installed"
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is missing"
getent group render >/dev/null || skip "no render group on this machine"

install_units "$ND_TMP/dest"
sys="$ND_TMP/dest/usr/lib/systemd/system"
u="$ND_TMP/cfg/systemd/user"; mkdir -p "$u" "$ND_TMP/upper" "$ND_TMP/work" "$ND_TMP/out"

probe_sandbox "$sys"/neuraldrive-{ollama,gpu-monitor,webui}.service

copy() { # UNIT NAME
        grep -vE "^(ExecStart|ExecStartPre|EnvironmentFile|ReadWritePaths|WorkingDirectory|Restart|StandardOutput)=${drop:+|^($drop)=}" \
                "$sys/$1.service" |
        sed "/^\[Service\]/a ExecStart=/usr/bin/python3 $W/open.py /dev/dri/renderD128 /dev/dri/card0\nStandardOutput=append:$ND_TMP/out/$2\nType=oneshot" \
                >"$u/$2.service"
}
# Not below /tmp (PrivateTmp= hides it) and readable for the service users.
W=$(sandbox_workdir)
trap 'rm -rf "$W"; cleanup_tmp' EXIT
chmod 0755 "$W"
cat >"$W/open.py" <<'PY'
import errno, os, sys
for p in sys.argv[1:]:
    try:
        os.close(os.open(p, os.O_RDWR))
        r = "ok"
    except OSError as e:
        # No driver behind the synthesized node: the permission check passed.
        r = "ok" if e.errno in (errno.ENXIO, errno.ENODEV) else errno.errorcode[e.errno]
    print(p, r)
PY
chmod 0644 "$W/open.py"
copy neuraldrive-ollama ollama
copy neuraldrive-gpu-monitor monitor
copy neuraldrive-webui webui
sed -i 's/^Type=exec$//' "$u"/*.service

cat >"$ND_TMP/steps.sh" <<STEPS
set -eu
for s in ollama monitor webui; do
        systemctl --user start \$s.service || { systemctl --user status \$s.service --no-pager | tail -5; exit 1; }
done
STEPS

cat >"$ND_TMP/outer.sh" <<OUTER
set -eu
rules="$ND_TMP/dest/usr/lib/udev/rules.d/71-neuraldrive-gpu.rules"
# /etc with the accounts (overlay, private to this namespace).
mount -t overlay overlay -o lowerdir=/etc,upperdir=$ND_TMP/upper,workdir=$ND_TMP/work /etc
for e in neuraldrive-ollama:901 neuraldrive-webui:902 neuraldrive-monitor:904; do
        n=\${e%:*}; id=\${e#*:}
        getent passwd \$n >/dev/null || echo "\$n:x:\$id:\$id::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
        getent group \$n >/dev/null || echo "\$n:x:\$id:" >>/etc/group
done
# A /dev with the basics and the GPU nodes as udev leaves them.
mount -t tmpfs -o mode=0755 tmpfs /dev
mknod -m 0666 /dev/null c 1 3; mknod -m 0666 /dev/zero c 1 5
mknod -m 0666 /dev/urandom c 1 9; mknod -m 0666 /dev/random c 1 8
mknod -m 0666 /dev/full c 1 7; mknod -m 0666 /dev/tty c 5 0
mkdir /dev/dri /dev/shm /dev/pts; chmod 1777 /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts; ln -s pts/ptmx /dev/ptmx
mount -t tmpfs tmpfs /run
mkdir -p /run/udev/rules.d; cp "\$rules" /run/udev/rules.d/
mount -t tmpfs tmpfs /sys
for d in card0:0 renderD128:128; do
        n=\${d%:*}; m=\${d#*:}; p=/sys/devices/virtual/drm/\$n
        mkdir -p \$p /sys/class/drm
        printf 'MAJOR=226\nMINOR=%s\nDEVNAME=dri/%s\n' \$m \$n >\$p/uevent
        ln -s ../../../../class/drm \$p/subsystem
        mknod -m 0600 /dev/dri/\$n c 226 \$m
        SYSTEMD_DEVICE_VERIFY_SYSFS=0 udevadm test --action=add \$p >/dev/null 2>&1
done
umount /sys
umount /run
ls -ln /dev/dri
OUTER
cat "$ND_TMP/outer.sh" - >"$ND_TMP/all.sh" <<ALL
$(declare -f with_user_systemd)
with_user_systemd "$ND_TMP/cfg" "$ND_TMP/steps.sh"
ALL
# with_user_systemd itself calls unshare; inside our namespace that nests a
# second private namespace that inherits /dev and /etc.
ND_TMP="$ND_TMP" unshare -m --propagation private bash "$ND_TMP/all.sh" ||
        { tail -20 "$ND_TMP/manager.log" 2>/dev/null; fail "GPU sandbox run"; }

for s in ollama monitor webui; do echo "$s:"; sed 's/^/  /' "$ND_TMP/out/$s"; done
for n in renderD128 card0; do
        grep -qx "/dev/dri/$n ok" "$ND_TMP/out/ollama" || fail "the Ollama sandbox cannot open $n"
        grep -qx "/dev/dri/$n ok" "$ND_TMP/out/monitor" || fail "the monitor sandbox cannot open $n"
        grep -qx "/dev/dri/$n ok" "$ND_TMP/out/webui" && fail "the WebUI sandbox can open $n"
done
echo "GPU nodes: open from the Ollama and monitor sandboxes, not from the WebUI's"
