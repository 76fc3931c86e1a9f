#!/bin/bash
# The filesystem half of create on a plain loop device (no device-mapper
# needed): ext4 with its label, persistence.conf, and the persisted paths
# seeded with modes, owners and contents; escaping symlinks left out.
. "$(dirname "$0")/lib.sh"
HELPER=${ND_POPULATE_HELPER:?}
command -v e2fsck >/dev/null || skip "'e2fsck' is not installed"

# The running system's persisted paths, as first boot leaves them.
R="$WORK/root"
mkdir -p "$R/etc/neuraldrive/tls" "$R/var/lib/neuraldrive/models" "$R/home/neuraldrive-admin/.ssh"
printf 'nd-0123456789abcdefghijklmnopqrstuv' >"$R/etc/neuraldrive/api.key"
chown 905:905 "$R/etc/neuraldrive/api.key"
chmod 0600 "$R/etc/neuraldrive/api.key"
echo KEY >"$R/etc/neuraldrive/tls/server.key"
chown 0:903 "$R/etc/neuraldrive/tls/server.key"
chmod 0640 "$R/etc/neuraldrive/tls/server.key"
head -c 300000 /dev/urandom >"$R/var/lib/neuraldrive/models/blob"
chown -R 901:901 "$R/var/lib/neuraldrive/models"
chmod 0750 "$R/var/lib/neuraldrive/models"
echo "ssh-ed25519 AAAA admin" >"$R/home/neuraldrive-admin/.ssh/authorized_keys"
chmod 0700 "$R/home/neuraldrive-admin/.ssh"
chown -R 1000:1000 "$R/home/neuraldrive-admin"
ln -s tls/server.key "$R/etc/neuraldrive/current.key"
ln -s /etc/shadow "$R/etc/neuraldrive/shadow"
ln -s ../../../etc/shadow "$R/var/lib/neuraldrive/models/escape"
# /var/log/neuraldrive does not exist yet.

mkloop L vol 64
"$HELPER" "$L" "$R" 2>"$WORK/err" || { cat "$WORK/err"; fail "populate failed"; }
grep -q "points outside the persisted path" "$WORK/err" || fail "escaping symlinks not reported"

[ "$(blkid -p -o value -s TYPE "$L")" = ext4 ] || fail "not ext4"
[ "$(blkid -p -o value -s LABEL "$L")" = nd-persist-data ] || fail "label not nd-persist-data"
e2fsck -fn "$L" >/dev/null 2>&1 || fail "e2fsck finds errors"

V="$WORK/vol"
mkdir "$V"
mount -o ro "$L" "$V"
trap 'umount "$V" 2>/dev/null; cleanup' EXIT

diff -u - "$V/persistence.conf" <<'CONF' || fail "persistence.conf differs"
/etc/neuraldrive union
/var/lib/neuraldrive union
/var/log/neuraldrive union
/home union
CONF
[ "$(stat -c %a:%u:%g "$V/persistence.conf")" = 644:0:0 ] || fail "persistence.conf mode/owner"
[ "$(stat -c %u:%g "$V")" = 0:0 ] || fail "volume root not owned by root"
check() { # PATH MODE:UID:GID
        [ "$(stat -c %a:%u:%g "$V/$1")" = "$2" ] || fail "'$1' is $(stat -c %a:%u:%g "$V/$1"), want $2"
}
check etc/neuraldrive/api.key 600:905:905
check etc/neuraldrive/tls/server.key 640:0:903
check var/lib/neuraldrive/models 750:901:901
check home/neuraldrive-admin/.ssh 700:1000:1000
check var/log/neuraldrive 755:0:0
cmp "$R/etc/neuraldrive/api.key" "$V/etc/neuraldrive/api.key" || fail "api.key content"
cmp "$R/var/lib/neuraldrive/models/blob" "$V/var/lib/neuraldrive/models/blob" || fail "model blob content"
[ "$(readlink "$V/etc/neuraldrive/current.key")" = tls/server.key ] || fail "inside symlink not copied"
[ ! -e "$V/etc/neuraldrive/shadow" ] && [ ! -L "$V/etc/neuraldrive/shadow" ] || fail "absolute symlink copied"
[ ! -L "$V/var/lib/neuraldrive/models/escape" ] || fail "escaping symlink copied"
! findmnt -rn | grep -q nd-persist-create || fail "private mount left behind"
pass "ext4 'nd-persist-data', persistence.conf, seeded paths with modes/owners/content, escaping symlinks left out"

# Without a seed root: empty upper directories.
umount "$V"
"$HELPER" "$L" - 2>"$WORK/err" || { cat "$WORK/err"; fail "unseeded populate failed"; }
mount -o ro "$L" "$V"
for p in etc/neuraldrive var/lib/neuraldrive var/log/neuraldrive home; do
        [ -d "$V/$p" ] && [ -z "$(ls -A "$V/$p")" ] || fail "'$p' missing or not empty without seeding"
done
pass "unseeded: empty upper directories"
