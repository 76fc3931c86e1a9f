#!/bin/bash
# neuraldrive-firstboot.service and neuraldrive-certs.service with their
# real sandboxes (ProtectSystem=, capability bounding set, system call
# filter, MemoryDenyWriteExecute=, address families, ...) around the real
# nd-firstboot, run by a user-mode systemd as root in a private mount
# namespace. The unit copies differ from the installed ones only in
# pointing nd-firstboot at a temporary root (--root/--run-dir/--cmdline,
# ReadWritePaths=), in logging to a file, in ASAN_OPTIONS, and in lacking the
# sandbox directives this machine cannot apply at all (probed first with
# /bin/true; in this container ProtectKernelTunables=, ProtectKernelLogs=
# and ProtectHome= fail with 226/NAMESPACE for any unit); the test prints
# which ones it had to drop.
#  - fallback without /run/neuraldrive/firstboot.done: provisions the root;
#  - with the marker: skipped by its condition, nothing written;
#  - certs: a deleted server certificate is re-issued under the sandbox and
#    verifies against the CA; a second run leaves it alone.
. "$ND_SOURCE_DIR/tests/unit/units/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (mount namespace)"
need unshare openssl cmake
[ -x /lib/systemd/systemd ] || skip "systemd is not installed"
fb="$ND_BUILD_DIR/firstboot/nd-firstboot"
[ -x "$fb" ] || skip "nd-firstboot is not built ($fb)"

install_units "$ND_TMP/dest"
sys="$ND_TMP/dest/usr/lib/systemd/system"
# Not below /tmp: PrivateTmp= would hide the test root and the program
# from the units (hence the copy of nd-firstboot).
W=$(sandbox_workdir)
trap 'rm -rf "$W"; cleanup_tmp' EXIT
cp "$fb" "$W/nd-firstboot"
fb="$W/nd-firstboot"
T="$W/root"; seed_root "$T"
S="$W/skipped"; seed_root "$S"
: >"$W/cmdline"
u="$ND_TMP/cfg/systemd/user"; mkdir -p "$u"

probe_sandbox "$sys/neuraldrive-firstboot.service" "$sys/neuraldrive-certs.service"
strip() { if [ -n "$drop" ]; then grep -vE "^($drop)="; else cat; fi; }

# A sanitizer build's LeakSanitizer needs ptrace, which the system call
# filter refuses; leak checks are the unit tier's business.
asan="Environment=ASAN_OPTIONS=detect_leaks=0"
args="--root $T --run-dir $T/run --cmdline $W/cmdline --log-target=stderr"
sed -e "s#^ExecStart=/usr/sbin/nd-firstboot\$#ExecStart=$fb $args#" \
    -e "s#^StandardOutput=.*#StandardOutput=append:$W/fb.log#; s#^StandardError=.*#StandardError=append:$W/fb.log#" \
    -e "/^\[Service\]/a $asan" \
    "$sys/neuraldrive-firstboot.service" | strip >"$u/neuraldrive-firstboot.service"
sed -e "s#^ExecStart=/usr/sbin/nd-firstboot\$#ExecStart=$fb --root $S --run-dir $S/run --cmdline $W/cmdline#" \
    -e "s#^StandardOutput=.*#StandardOutput=append:$W/fb.log#; s#^StandardError=.*#StandardError=append:$W/fb.log#" \
    "$sys/neuraldrive-firstboot.service" | strip >"$u/nd-skipped.service"
sed -e "s#^ExecStart=/usr/sbin/nd-firstboot --renew-cert\$#ExecStart=$fb $args --renew-cert#" \
    -e "s#^ReadWritePaths=/etc/neuraldrive\$#ReadWritePaths=$T/etc/neuraldrive#" \
    -e "/^\[Service\]/a StandardOutput=append:$W/fb.log\nStandardError=append:$W/fb.log\n$asan" \
    "$sys/neuraldrive-certs.service" | strip >"$u/neuraldrive-certs.service"
for f in neuraldrive-firstboot.service nd-skipped.service neuraldrive-certs.service; do
        grep -q "^ExecStart=$fb " "$u/$f" || fail "could not point $f at the test root"
done
grep -q "^ReadWritePaths=$T/etc/neuraldrive\$" "$u/neuraldrive-certs.service" || fail "certs ReadWritePaths"
keep="^(ExecStart|ReadWritePaths|StandardOutput|StandardError|Environment${drop:+|$drop})="
diff <(grep -vE "$keep" "$sys/neuraldrive-certs.service") <(grep -vE "$keep" "$u/neuraldrive-certs.service") >/dev/null ||
        fail "the certs unit copy differs in more than the paths"

tls="$T/etc/neuraldrive/tls"
cat >"$ND_TMP/steps.sh" <<STEPS
set -eu
ok() { systemctl --user start "\$1" || { systemctl --user status "\$1" --no-pager; cat $W/fb.log 2>/dev/null; exit 1; }
       [ "\$(systemctl --user show -P Result "\$1")" = success ] || { echo "\$1 did not succeed"; exit 1; }; }
ok neuraldrive-firstboot.service
[ -s $T/etc/neuraldrive/api.key ] && [ -s $tls/server.crt ] || { echo "fallback did not provision"; exit 1; }
grep -q '^neuraldrive-ollama:x:901:901:' $T/etc/passwd || { echo "fallback made no users"; exit 1; }
echo "fallback without the marker: provisioned"

mkdir -p /run/neuraldrive && : >/run/neuraldrive/firstboot.done
systemctl --user start nd-skipped.service
[ "\$(systemctl --user show -P ConditionResult nd-skipped.service)" = no ] || { echo "fallback ran despite the marker"; exit 1; }
[ ! -e $S/etc/neuraldrive ] || { echo "fallback wrote files despite the marker"; exit 1; }
echo "fallback with the marker: skipped"

rm $tls/server.crt
ok neuraldrive-certs.service
openssl verify -CAfile $tls/neuraldrive-ca.crt $tls/server.crt
sum=\$(sha256sum <$tls/server.crt)
ok neuraldrive-certs.service
[ "\$(sha256sum <$tls/server.crt)" = "\$sum" ] || { echo "renewal rewrote a fresh certificate"; exit 1; }
echo "certs under its sandbox: re-issued when missing, untouched when fresh"
STEPS
with_user_systemd "$ND_TMP/cfg" "$ND_TMP/steps.sh" || { tail -20 "$ND_TMP/manager.log"; fail "provisioning units"; }
