#!/bin/bash
# sysusers.d/neuraldrive.conf agrees with nd-firstboot's table: both run on
# fresh temporary roots (Debian's base passwd/group) (systemd-sysusers --root A, nd-firstboot --root B)
# and must give byte-identical passwd and group entries for the service
# accounts, both locked in shadow. Then each runs on the other's result, as
# on a booted system where both run: neither may change anything or fail.
# Without an nd-firstboot binary (not built yet) the names and IDs are
# compared with the design's table, written out below, and the test says so.
. "$(dirname "$0")/lib.sh"
need systemd-sysusers cmake

install_units "$ND_TMP/dest"
conf="$ND_TMP/dest/usr/lib/sysusers.d/neuraldrive.conf"
[ -f "$conf" ] || fail "sysusers.d file not installed at /usr/lib/sysusers.d/neuraldrive.conf"
fb="$ND_BUILD_DIR/firstboot/nd-firstboot"
: >"$ND_TMP/cmdline"

svc() { grep -E '^neuraldrive-(ollama|webui|caddy|monitor|api):' "$1" || true; }

A="$ND_TMP/A"; seed_root "$A"
systemd-sysusers --root "$A" "$conf" >/dev/null 2>&1 || fail "systemd-sysusers --root"
[ "$(svc "$A/etc/passwd" | wc -l)" = 5 ] || fail "systemd-sysusers did not create the five accounts"

if [ ! -x "$fb" ]; then
        # DESIGN.md: "neuraldrive-ollama 901, neuraldrive-webui 902,
        # neuraldrive-caddy 903, neuraldrive-monitor 904, neuraldrive-api 905
        # (group of the same name and GID)".
        echo "nd-firstboot not built ($fb): comparing with DESIGN.md's table"
        for e in neuraldrive-ollama:901 neuraldrive-webui:902 neuraldrive-caddy:903 \
                 neuraldrive-monitor:904 neuraldrive-api:905; do
                n=${e%:*}; id=${e#*:}
                grep -qE "^$n:x:$id:$id:" "$A/etc/passwd" || fail "passwd: $n is not $id:$id"
                grep -qxE "$n:x:$id:" "$A/etc/group" || fail "group: $n is not $id"
        done
        echo "sysusers.d matches DESIGN.md's names and IDs"
        exit 0
fi

echo "comparing with nd-firstboot ($fb)"
B="$ND_TMP/B"; seed_root "$B"
"$fb" --root "$B" --run-dir "$B/run" --cmdline "$ND_TMP/cmdline" >/dev/null 2>"$ND_TMP/fb.err" ||
        { cat "$ND_TMP/fb.err"; fail "nd-firstboot --root"; }
for f in passwd group; do
        diff -u <(svc "$B/etc/$f") <(svc "$A/etc/$f") || fail "$f differs (nd-firstboot vs systemd-sysusers)"
        [ "$(svc "$A/etc/$f" | wc -l)" = 5 ] || fail "$f: not five accounts"
done
svc "$A/etc/passwd"
for r in "$A" "$B"; do
        svc "$r/etc/shadow" | awk -F: '$2 !~ /^!/ { bad = 1 } END { exit bad }' || fail "an account is not locked in $r/etc/shadow"
done
echo "passwd and group entries identical; all locked"

# Both orders on one root.
for r in "$A" "$B"; do cp -a "$r" "$r.before"; done
"$fb" --root "$A" --run-dir "$B/run" --cmdline "$ND_TMP/cmdline" >/dev/null 2>"$ND_TMP/fb.err" ||
        { cat "$ND_TMP/fb.err"; fail "nd-firstboot refused the accounts systemd-sysusers made"; }
for f in passwd group; do
        diff <(svc "$A.before/etc/$f") <(svc "$A/etc/$f") >/dev/null || fail "nd-firstboot changed sysusers' $f entries"
done
systemd-sysusers --root "$B" "$conf" >"$ND_TMP/su.out" 2>&1 || fail "systemd-sysusers on nd-firstboot's root"
grep -q 'Creating' "$ND_TMP/su.out" && { cat "$ND_TMP/su.out"; fail "systemd-sysusers created accounts nd-firstboot had made"; }
for f in passwd group shadow gshadow; do
        cmp -s "$B.before/etc/$f" "$B/etc/$f" || fail "systemd-sysusers changed nd-firstboot's $f"
done
echo "sysusers after nd-firstboot and nd-firstboot after sysusers: no change, no conflict"
