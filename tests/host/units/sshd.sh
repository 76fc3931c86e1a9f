#!/bin/bash
# sshd -T over Debian 12's stock sshd_config (the pristine copy the
# openssh-server package ships in /usr/share/openssh) plus our drop-in,
# installed where they belong, with the host key at the path the drop-in
# names. Runs in a private mount namespace: /etc is an overlay and /run a
# tmpfs there, so this machine's own files are never touched.
. "$ND_SOURCE_DIR/tests/unit/units/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (mount namespace)"
need unshare ssh-keygen cmake
[ -x /usr/sbin/sshd ] || skip "openssh-server is not installed"
stock=/usr/share/openssh/sshd_config
[ -f "$stock" ] || skip "$stock (Debian's stock sshd_config) is missing"
dpkg --verify openssh-server 2>/dev/null | grep -q "$stock" && fail "$stock differs from the Debian package"

install_units "$ND_TMP/dest"
mkdir -p "$ND_TMP/upper" "$ND_TMP/work"

cat >"$ND_TMP/inner.sh" <<INNER
set -eu
mount -t tmpfs tmpfs /run
mkdir -m 0755 /run/sshd
mount -t overlay overlay -o lowerdir=/etc,upperdir=$ND_TMP/upper,workdir=$ND_TMP/work /etc
cp $stock /etc/ssh/sshd_config
rm -rf /etc/ssh/sshd_config.d /etc/neuraldrive
mkdir -p /etc/ssh/sshd_config.d /etc/neuraldrive/ssh
cp $ND_TMP/dest/etc/ssh/sshd_config.d/00-neuraldrive.conf /etc/ssh/sshd_config.d/
ssh-keygen -q -t ed25519 -N '' -C test -f /etc/neuraldrive/ssh/ssh_host_ed25519_key
case "\$1" in
later)  # a drop-in that sorts later and a main file that say the opposite.
        # (Not AllowUsers: sshd accumulates its lines instead of keeping the
        # first; units/README.md says so.)
        printf 'PasswordAuthentication yes\nPermitRootLogin yes\nMaxAuthTries 10\nLogLevel INFO\nAuthenticationMethods password\nKbdInteractiveAuthentication yes\n' \
                >/etc/ssh/sshd_config.d/50-local.conf
        sed -i '/^Include/a PasswordAuthentication yes' /etc/ssh/sshd_config ;;
none)   rm /etc/ssh/sshd_config.d/00-neuraldrive.conf ;;
esac
/usr/sbin/sshd -t
/usr/sbin/sshd -T
INNER

expect() { # OUTPUT-FILE: every policy value, exactly once where single-valued
        local out="$1" l
        for l in "passwordauthentication no" "kbdinteractiveauthentication no" \
                 "permitrootlogin no" "authenticationmethods publickey" \
                 "allowusers neuraldrive-admin" "maxauthtries 3" "loglevel VERBOSE" \
                 "pubkeyauthentication yes" "permitemptypasswords no" \
                 "hostkey /etc/neuraldrive/ssh/ssh_host_ed25519_key"; do
                grep -qxF "$l" "$out" || { cat "$out"; fail "sshd -T lacks '$l' ($2)"; }
        done
        [ "$(grep -c '^allowusers ' "$out")" = 1 ] || fail "more than one AllowUsers entry ($2)"
        [ "$(grep -c '^hostkey ' "$out")" = 1 ] || fail "more than one host key ($2)"
}

for mode in plain later; do
        rm -rf "$ND_TMP/upper" "$ND_TMP/work"; mkdir -p "$ND_TMP/upper" "$ND_TMP/work"
        unshare -m --propagation private bash "$ND_TMP/inner.sh" "$mode" >"$ND_TMP/T.$mode" 2>"$ND_TMP/err" ||
                { cat "$ND_TMP/err"; fail "sshd -t/-T failed ($mode)"; }
        expect "$ND_TMP/T.$mode" "$mode"
        echo "sshd -T ($mode): every value present"
done
grep -E '^(passwordauthentication|kbdinteractiveauthentication|permitrootlogin|authenticationmethods|allowusers|maxauthtries|loglevel|hostkey) ' "$ND_TMP/T.later"

# Control: without the drop-in the stock file gives other values, so the
# checks above do depend on it.
rm -rf "$ND_TMP/upper" "$ND_TMP/work"; mkdir -p "$ND_TMP/upper" "$ND_TMP/work"
unshare -m --propagation private bash "$ND_TMP/inner.sh" none >"$ND_TMP/T.none" 2>/dev/null || true
if grep -qxF "allowusers neuraldrive-admin" "$ND_TMP/T.none" || grep -qxF "permitrootlogin no" "$ND_TMP/T.none"; then
        fail "stock sshd_config alone already has the policy; the test proves nothing"
fi
echo "control without the drop-in differs: ok"
