#!/bin/bash
# neuraldrive-caddy-reload.path/.service under a real systemd (a user-mode
# manager in a private mount namespace; this machine's PID 1 is not
# systemd) with the real nd-firstboot writing the files:
#  - Caddy (a stand-in with the real unit's Wants= on the path unit) is
#    started once;
#  - nd-firstboot --renew-cert on a fresh certificate changes nothing and
#    Caddy is NOT restarted;
#  - --reprovision=tls replaces server.crt, --reprovision=api-key replaces
#    caddy.env: Caddy restarts and its last start saw the new files. (It
#    may restart twice: the backup nd-firstboot makes first is a hard link,
#    an attribute change of the watched file.)
#  - with Caddy stopped, a new certificate does not start it (try-restart).
# The unit copies differ from the installed ones only in the watched root
# (a temporary directory instead of /) and in systemctl --user.
. "$ND_SOURCE_DIR/tests/unit/units/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (mount namespace)"
need unshare cmake
[ -x /lib/systemd/systemd ] || skip "systemd is not installed"
fb="$ND_BUILD_DIR/firstboot/nd-firstboot"
[ -x "$fb" ] || skip "nd-firstboot is not built ($fb)"

install_units "$ND_TMP/dest"
sys="$ND_TMP/dest/usr/lib/systemd/system"
T="$ND_TMP/root"
seed_root "$T"
mkdir -p "$ND_TMP/cfg/systemd/user"
: >"$ND_TMP/cmdline"
fbrun() { "$fb" --root "$T" --run-dir "$T/run" --cmdline "$ND_TMP/cmdline" "$@" >>"$ND_TMP/fb.log" 2>&1 ||
                { cat "$ND_TMP/fb.log"; fail "nd-firstboot $*"; }; }
fbrun

u="$ND_TMP/cfg/systemd/user"
sed "s#=/etc/neuraldrive/#=$T/etc/neuraldrive/#" "$sys/neuraldrive-caddy-reload.path" >"$u/neuraldrive-caddy-reload.path"
sed "s#/usr/bin/systemctl try-restart#/usr/bin/systemctl --user try-restart#" \
        "$sys/neuraldrive-caddy-reload.service" >"$u/neuraldrive-caddy-reload.service"
grep -q "$T/etc/neuraldrive/tls/server.crt" "$u/neuraldrive-caddy-reload.path" || fail "path unit copy"
grep -q -- "--user try-restart neuraldrive-caddy.service" "$u/neuraldrive-caddy-reload.service" || fail "service copy"
{
        echo "[Unit]"
        grep -E '^Wants=neuraldrive-caddy-reload\.path$' "$sys/neuraldrive-caddy.service" ||
                fail "the Caddy unit does not pull in its reload path"
        echo "[Service]"
        # Records what it would load: the certificate and caddy.env.
        echo "ExecStart=/bin/sh -c 'cat $T/etc/neuraldrive/tls/server.crt $T/etc/neuraldrive/caddy.env | sha256sum >>$ND_TMP/starts; exec sleep 100000'"
} >"$u/neuraldrive-caddy.service"

cat >"$ND_TMP/steps.sh" <<STEPS
set -eu
starts() { wc -l <$ND_TMP/starts 2>/dev/null || echo 0; }
# files: what Caddy would load now.
files() { cat "$T/etc/neuraldrive/tls/server.crt" "$T/etc/neuraldrive/caddy.env" | sha256sum; }
# expect MIN MAX WHAT: wait (bounded, generously) until Caddy has started at
# least MIN times and its last start saw the current files, let the manager
# settle, then the total must be at most MAX (a late extra restart also
# shows up in the next step's minimum).
expect() {
        for i in \$(seq 200); do
                [ "\$(starts)" -ge "\$1" ] && [ "\$(tail -n1 $ND_TMP/starts)" = "\$(files)" ] && break
                sleep 0.1
        done
        sleep 1
        systemctl --user is-active --quiet neuraldrive-caddy-reload.path || { echo "path unit not active"; exit 1; }
        systemctl --user is-active --quiet neuraldrive-caddy.service || { echo "Caddy not running"; exit 1; }
        n=\$(starts)
        [ "\$n" -ge "\$1" ] && [ "\$n" -le "\$2" ] || { echo "\$3: Caddy started \$n times, expected \$1..\$2"; exit 1; }
        [ "\$(tail -n1 $ND_TMP/starts)" = "\$(files)" ] || { echo "\$3: Caddy runs with old files"; exit 1; }
        echo "\$3: Caddy started \$n time(s) in total, running with the current files"
}
fb() { "$fb" --root "$T" --run-dir "$T/run" --cmdline "$ND_TMP/cmdline" "\$@" >>$ND_TMP/fb.log 2>&1; }
systemctl --user start neuraldrive-caddy.service
expect 1 1 "start"
sum=\$(sha256sum "$T/etc/neuraldrive/tls/server.crt")
fb --renew-cert
[ "\$(sha256sum "$T/etc/neuraldrive/tls/server.crt")" = "\$sum" ] || { echo "--renew-cert rewrote a fresh certificate"; exit 1; }
expect 1 1 "--renew-cert, nothing to renew"
fb --reprovision=tls
[ "\$(sha256sum "$T/etc/neuraldrive/tls/server.crt")" != "\$sum" ] || { echo "--reprovision=tls kept the certificate"; exit 1; }
expect 2 3 "new certificate"
m=\$(starts)
fb --reprovision=api-key
expect \$((m + 1)) \$((m + 2)) "new API key in caddy.env"
m=\$(starts)
systemctl --user stop neuraldrive-caddy.service
fb --reprovision=tls
sleep 2
[ "\$(starts)" = "\$m" ] || { echo "a stopped Caddy was started by the path unit"; exit 1; }
systemctl --user is-active --quiet neuraldrive-caddy.service && { echo "Caddy running after try-restart on a stopped unit"; exit 1; }
echo "stopped Caddy stays stopped: ok"
STEPS

with_user_systemd "$ND_TMP/cfg" "$ND_TMP/steps.sh" || { tail -20 "$ND_TMP/manager.log"; fail "caddy reload behaviour"; }
