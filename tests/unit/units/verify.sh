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

# The boot transaction: enabled as the preset enables them, our units must
# not close an ordering cycle with Debian's (verify starts each unit on its
# own and does not see one).
need python3 systemctl
systemctl --root="$root" preset $(cd "$root/usr/lib/systemd/system" && ls neuraldrive-*) >/dev/null 2>&1 ||
        fail "systemctl preset in the test root"
[ -L "$root/etc/systemd/system/sysinit.target.wants/neuraldrive-firstboot.service" ] ||
        fail "the preset did not enable neuraldrive-firstboot.service"
python3 "$(dirname "$0")/ordering-cycles.py" "$root" neuraldrive- || fail "ordering cycle through our units"

# The check itself must catch a broken unit: a misspelt key and a missing
# program in a copy of the Caddy unit.
sed -e 's/^ProtectSystem=/ProtectSytem=/' "$root/usr/lib/systemd/system/neuraldrive-caddy.service" \
        >"$root/etc/systemd/system/nd-broken1.service"
if verify nd-broken1.service >/dev/null; then fail "verify accepted a misspelt key"; fi
sed -e 's#^ExecStart=.*#ExecStart=/usr/local/bin/no-such-program#' \
        "$root/usr/lib/systemd/system/neuraldrive-caddy.service" >"$root/etc/systemd/system/nd-broken2.service"
if verify nd-broken2.service >/dev/null; then fail "verify accepted a missing program"; fi
echo "verify catches broken copies: ok"
