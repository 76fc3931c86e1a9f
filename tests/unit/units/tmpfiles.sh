#!/bin/bash
# tmpfiles.d/neuraldrive.conf on a temporary root whose accounts come from
# our sysusers.d file: every data directory with its owner and mode, and a
# second run that repairs a wrong owner/mode without touching contents.
. "$(dirname "$0")/lib.sh"
need systemd-tmpfiles systemd-sysusers cmake
[ "$(id -u)" = 0 ] || skip "needs root (chown)"

install_units "$ND_TMP/dest"
r="$ND_TMP/root"; mkdir -p "$r/etc"
systemd-sysusers --root "$r" "$ND_TMP/dest/usr/lib/sysusers.d/neuraldrive.conf" >/dev/null 2>&1 || fail "systemd-sysusers"
conf="$ND_TMP/dest/usr/lib/tmpfiles.d/neuraldrive.conf"
systemd-tmpfiles --root "$r" --create "$conf" || fail "systemd-tmpfiles --create"

check() {
        local want
        while read -r path want; do
                got=$(stat -c '%a %u:%g' "$r$path" 2>/dev/null) || fail "$path missing"
                [ "$got" = "$want" ] || fail "$path is $got, expected $want"
        done <<'LIST'
/var/lib/neuraldrive 755 0:0
/var/lib/neuraldrive/models 750 901:901
/var/lib/neuraldrive/ollama 750 901:901
/var/lib/neuraldrive/webui 750 902:902
/var/lib/neuraldrive/caddy 750 903:903
/var/lib/neuraldrive/caddy/config 750 903:903
/var/lib/neuraldrive/config 755 0:0
/var/log/neuraldrive 755 0:0
/run/neuraldrive 755 0:0
LIST
}
check
echo "directories, owners and modes: ok"

# A persisted directory with the wrong owner/mode and data inside.
echo weights >"$r/var/lib/neuraldrive/models/blob"
chown 0:0 "$r/var/lib/neuraldrive/models/blob" "$r/var/lib/neuraldrive/models"
chmod 0777 "$r/var/lib/neuraldrive/models"
systemd-tmpfiles --root "$r" --create "$conf" || fail "second systemd-tmpfiles run"
check
[ "$(cat "$r/var/lib/neuraldrive/models/blob")" = weights ] || fail "contents changed"
[ "$(stat -c '%u' "$r/var/lib/neuraldrive/models/blob")" = 0 ] || fail "tmpfiles chowned contents recursively"
echo "repair on an existing tree: ok"
