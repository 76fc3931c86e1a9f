#!/bin/bash
# The fail2ban jail as fail2ban loads it: a copy of this machine's Debian
# configuration (/etc/fail2ban) plus our jail.d file. fail2ban-client -d
# must show the sshd jail with backend systemd and maxretry 3, -t must
# accept the configuration, and the failregex list the jail really loads
# must count a "Failed publickey" line as a failure (the filter's default
# ignores it for valid users, which the control without our file shows).
. "$(dirname "$0")/lib.sh"
need fail2ban-client fail2ban-regex python3 cmake
[ -f /etc/fail2ban/jail.conf ] || skip "/etc/fail2ban/jail.conf missing"

install_units "$ND_TMP/dest"
jail="$ND_TMP/dest/etc/fail2ban/jail.d/neuraldrive.conf"
[ -f "$jail" ] || fail "jail not installed at /etc/fail2ban/jail.d/neuraldrive.conf"

conf() { # DIR WITH-OUR-JAIL(0/1)
        rm -rf "$1"; cp -a /etc/fail2ban "$1"
        [ "$2" = 1 ] && cp "$jail" "$1/jail.d/"
        return 0
}
conf "$ND_TMP/ours" 1
conf "$ND_TMP/stock" 0

fail2ban-client -c "$ND_TMP/ours" -d >"$ND_TMP/dump" 2>"$ND_TMP/err" || { cat "$ND_TMP/err"; fail "fail2ban-client -d"; }
grep -qxF "['add', 'sshd', 'systemd']" "$ND_TMP/dump" || { grep sshd "$ND_TMP/dump" | head; fail "sshd jail not loaded with backend systemd"; }
grep -qxF "['set', 'sshd', 'maxretry', 3]" "$ND_TMP/dump" || fail "sshd jail without maxretry 3"
grep -qxF "['start', 'sshd']" "$ND_TMP/dump" || fail "sshd jail not started"
grep -qF "['set', 'sshd', 'addjournalmatch', '_SYSTEMD_UNIT=ssh.service'" "$ND_TMP/dump" || fail "journalmatch does not name ssh.service"
grep -qxF "['set', 'sshd', 'addaction', 'nftables-multiport']" "$ND_TMP/dump" || fail "sshd jail does not ban through nftables"
echo "fail2ban-client -d: jail sshd, backend systemd, maxretry 3, nftables ban action"
fail2ban-client -c "$ND_TMP/ours" -t 2>&1 | grep -q 'OK: configuration test is successful' || fail "fail2ban-client -t"
echo "fail2ban-client -t: ok"

# A filter made of exactly the prefregex/failregex/datepattern lines the
# jail loads.
filter_from_dump() { # CONFDIR -> writes CONFDIR/filter.d/nd-loaded.conf
        fail2ban-client -c "$1" -d 2>/dev/null | python3 -c '
import ast, sys
pref, fail, date = None, [], None
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("["):
        continue
    try:
        cmd = ast.literal_eval(line)
    except (ValueError, SyntaxError):
        continue
    if cmd[:3] == ["set", "sshd", "prefregex"]:
        pref = cmd[3]
    elif cmd[:3] == ["multi-set", "sshd", "addfailregex"]:
        fail += cmd[3]
    elif cmd[:3] == ["set", "sshd", "addfailregex"]:
        fail.append(cmd[3])
if not fail:
    sys.exit("no failregex for sshd")
esc = lambda s: s.replace("%", "%%")
print("[Definition]")
if pref:
    print("prefregex = " + esc(pref))
print("failregex = " + "\n            ".join(esc(f) for f in fail))
' >"$1/filter.d/nd-loaded.conf"
}
filter_from_dump "$ND_TMP/ours" || fail "could not extract the loaded failregex"
filter_from_dump "$ND_TMP/stock" || fail "could not extract the stock failregex"

line='Dec  4 20:00:01 neuraldrive sshd[4242]: Failed publickey for neuraldrive-admin from 192.0.2.10 port 50022 ssh2: ED25519 SHA256:Zk3b9mQpT0aVQ5c2xv9m1q8yT3Jk2Hq0rY7uPz4nW6E'
out=$(fail2ban-regex -c "$ND_TMP/ours" "$line" nd-loaded 2>&1)
printf '%s\n' "$out" | grep -E '^Lines:'
printf '%s\n' "$out" | grep -qE '^Lines: 1 lines, 0 ignored, 1 matched, 0 missed' ||
        { printf '%s\n' "$out"; fail "the jail's filter does not count a failed public key"; }
out=$(fail2ban-regex -c "$ND_TMP/stock" "$line" nd-loaded 2>&1)
printf '%s\n' "$out" | grep -qE '^Lines: 1 lines, 0 ignored, 1 matched' &&
        fail "control: the stock jail already counts failed public keys; the test proves nothing"
echo "fail2ban-regex: failed publickey counted by our jail, not by the stock one"
