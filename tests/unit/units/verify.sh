#!/bin/bash
# systemd-analyze verify on every unit units/ installs (and on Debian's
# ssh.service with our drop-in), in a test root with stand-in executables.
# Any message about a unit counts as a failure, not only the exit code:
# verify reports unknown keys and bad values as warnings with status 0.
. "$(dirname "$0")/lib.sh"
need systemd-analyze cmake

root="$ND_TMP/root"
make_unit_root "$root"

verify() { # UNIT -> prints the messages, fails when there are any
        local out rc=0
        out=$(systemd-analyze verify --man=no --root="$root" "$1" 2>&1) || rc=$?
        if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
                printf '%s\n' "$out"
                return 1
        fi
}

units=$(cd "$root/usr/lib/systemd/system" && ls neuraldrive-*)
[ -n "$units" ] || fail "no units installed"
[ -e "$root/usr/lib/systemd/system/ssh.service" ] && units="$units ssh.service"
[ -e "$root/usr/lib/systemd/system/ssh.service.d/neuraldrive.conf" ] || fail "ssh.service drop-in not installed"
n=0
for u in $units; do
        verify "$u" || fail "systemd-analyze verify $u"
        echo "verify $u: ok"
        n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n units verified"

# The check itself must catch a broken unit: a misspelt key and a missing
# program in a copy of the Caddy unit.
sed -e 's/^ProtectSystem=/ProtectSytem=/' "$root/usr/lib/systemd/system/neuraldrive-caddy.service" \
        >"$root/etc/systemd/system/nd-broken1.service"
if verify nd-broken1.service >/dev/null; then fail "verify accepted a misspelt key"; fi
sed -e 's#^ExecStart=.*#ExecStart=/usr/local/bin/no-such-program#' \
        "$root/usr/lib/systemd/system/neuraldrive-caddy.service" >"$root/etc/systemd/system/nd-broken2.service"
if verify nd-broken2.service >/dev/null; then fail "verify accepted a missing program"; fi
echo "verify catches broken copies: ok"
