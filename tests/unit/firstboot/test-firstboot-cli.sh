#!/bin/bash
# nd-firstboot as the boot runs it: exit codes, --status --json, the kernel
# command line, then the provisioned material with real clients: a TLS 1.3
# handshake (openssl s_server/s_client) and sshd -t with the host key.
# usage: test-firstboot-cli.sh ND_FIRSTBOOT SOURCE_DIR
set -euo pipefail
tool=$1 src=$2
fixtures=$src/tests/fixtures/firstboot/users/debian12
work=$(mktemp -d /tmp/nd-firstboot-cli.XXXXXX)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

root=$work/root run=$work/run
mkdir -p "$root/etc" "$run"
for f in passwd group shadow gshadow; do cp "$fixtures/$f.input" "$root/etc/$f"; done
echo "BOOT_IMAGE=/vmlinuz quiet" > "$work/cmdline"

# usage errors are 2, failures 1
set +e
"$tool" --bogus >/dev/null 2>&1; [ $? = 2 ] || fail "unknown option must exit 2"
"$tool" --reprovision=nonsense --root "$root" >/dev/null 2>&1; [ $? = 2 ] || fail "bad item must exit 2"
"$tool" --json --root "$root" >/dev/null 2>&1; [ $? = 2 ] || fail "--json without --status must exit 2"
"$tool" --root "$work/missing" --run-dir "$run" --cmdline "$work/cmdline" >/dev/null 2>&1
[ $? = 1 ] || fail "missing root must exit 1"
set -e
[ ! -e "$run/neuraldrive/firstboot.done" ] || fail "a failed run left the done marker"

"$tool" --status --json --root "$root" | jq -e '.provisioned == false' >/dev/null || fail "status before"

# first boot
"$tool" --root "$root" --run-dir "$run" --cmdline "$work/cmdline" --log-target=stderr > "$work/console"
grep -q '^Admin password:' "$work/console" || fail "password not shown"
[ "$(stat -c %a "$run/neuraldrive/initial-credentials")" = 600 ] || fail "credentials mode"
[ -f "$run/neuraldrive/firstboot.done" ] || fail "no done marker for the fallback unit"
"$tool" --status --json --root "$root" > "$work/status.json"
jq -e '.provisioned == true and .version == 1 and (.hostname == "neuraldrive")' "$work/status.json" >/dev/null ||
    fail "status after"
key=$(cat "$root/etc/neuraldrive/api.key")
! grep -q "$key" "$work/status.json" || fail "status leaks the API key"
"$tool" --status --root "$root" | grep -q '^Provisioned: yes' || fail "text status"

# every boot: silent, nothing changes
before=$(find "$root" -type f -printf '%p %i %T@\n' | sort)
"$tool" --root "$root" --run-dir "$run" --cmdline "$work/cmdline" > "$work/console2"
[ ! -s "$work/console2" ] || fail "second run printed something"
after=$(find "$root" -type f -printf '%p %i %T@\n' | sort)
[ "$before" = "$after" ] || fail "second run changed files"

# A machine-id bind-mounted by systemd (no initramfs ran us) is kept for
# this boot instead of failing the run.
if [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
    echo 0123456789abcdef0123456789abcdef > "$work/transient-machine-id"
    unshare --mount --propagation private bash -c \
        'mount --bind "$1" "$2/etc/machine-id" && exec "$3" --root "$2" --run-dir "$4" --cmdline "$5" --log-target=stderr' \
        _ "$work/transient-machine-id" "$root" "$tool" "$run" "$work/cmdline" 2> "$work/mounted.err" ||
        { cat "$work/mounted.err" >&2; fail "run with a mounted /etc/machine-id failed"; }
    grep -q "'/etc/machine-id' is a mount point" "$work/mounted.err" || fail "mounted machine-id not reported"
    [ "$(cat "$root/etc/machine-id")" != 0123456789abcdef0123456789abcdef ] || fail "machine-id under the mount changed"
else
    echo "skipping the mounted machine-id check: needs root and unshare"
fi

# recovery from the kernel command line: only the API key
echo "quiet neuraldrive.recovery=api-key" > "$work/cmdline-recovery"
"$tool" --root "$root" --run-dir "$run" --cmdline "$work/cmdline-recovery" > "$work/console3"
newkey=$(cat "$root/etc/neuraldrive/api.key")
[ "$newkey" != "$key" ] || fail "recovery did not rotate the API key"
grep -q "$newkey" "$work/console3" || fail "new key not shown"
grep -q "^NEURALDRIVE_API_KEY=$newkey\$" "$root/etc/neuraldrive/caddy.env" || fail "caddy.env not updated"
# recovery of tls: a new server certificate, announced with its fingerprint
"$tool" --reprovision=tls --root "$root" --run-dir "$run" --cmdline "$work/cmdline" > "$work/console4"
fp=$(openssl x509 -in "$root/etc/neuraldrive/tls/server.crt" -noout -fingerprint -sha256 | cut -d= -f2)
grep -q "New server certificate (SHA-256): $fp" "$work/console4" || fail "new certificate not announced"
ls -d "$root"/etc/neuraldrive/backup/*/tls >/dev/null || fail "no backup of the old certificate"
# a malformed recovery list changes nothing
echo "neuraldrive.recovery=everything" > "$work/cmdline-bad"
"$tool" --root "$root" --run-dir "$run" --cmdline "$work/cmdline-bad" 2>/dev/null
[ "$(cat "$root/etc/neuraldrive/api.key")" = "$newkey" ] || fail "bad recovery list rotated the key"

# TLS 1.3 with real clients
tls=$root/etc/neuraldrive/tls
for attempt in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    openssl s_server -accept "127.0.0.1:$port" -tls1_3 -cert "$tls/server.crt" -key "$tls/server.key" \
        -www -naccept 4 >"$work/server.log" 2>&1 &
    server_pid=$!
    for i in $(seq 1 50); do grep -q ACCEPT "$work/server.log" && break; sleep 0.1; done
    grep -q ACCEPT "$work/server.log" && break
    kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=
done
[ -n "$server_pid" ] || fail "could not start openssl s_server"
connect() {
    openssl s_client -connect "127.0.0.1:$port" -tls1_3 -CAfile "$tls/neuraldrive-ca.crt" \
        -verify_return_error -verify_hostname "$1" </dev/null >"$work/client.log" 2>&1
}
connect neuraldrive.local || { cat "$work/client.log"; fail "TLS handshake for neuraldrive.local"; }
grep -q 'Protocol *: TLSv1.3\|New, TLSv1.3' "$work/client.log" || fail "not TLS 1.3"
grep -q 'Verify return code: 0 (ok)' "$work/client.log" || fail "verification not ok"
! connect www.example.com || fail "handshake for another host name succeeded"
grep -q 'hostname mismatch' "$work/client.log" || fail "expected a hostname mismatch"
kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=

# sshd accepts the host key, with the units' drop-in pointed at this root
key=$root/etc/neuraldrive/ssh/ssh_host_ed25519_key
ssh-keygen -l -f "$key" | grep -q 'ED25519' || fail "ssh-keygen -l"
[ "$(ssh-keygen -y -f "$key" | cut -d' ' -f1,2)" = "$(cut -d' ' -f1,2 "$key.pub")" ] || fail "ssh-keygen -y"
if [ "$(id -u)" = 0 ] && command -v sshd >/dev/null && command -v unshare >/dev/null; then
    dropin=$src/units/ssh/00-neuraldrive.conf
    if [ -f "$dropin" ]; then
        sed "s|^HostKey /etc/neuraldrive/ssh/|HostKey $root/etc/neuraldrive/ssh/|" "$dropin" > "$work/sshd_config"
    else
        echo "HostKey $key" > "$work/sshd_config"
    fi
    grep -q "^HostKey $key\$" "$work/sshd_config" || fail "drop-in has no HostKey line for the key"
    grep -q "^HostKey .*ecdsa" "$work/sshd_config" ||
        echo "HostKey $root/etc/neuraldrive/ssh/ssh_host_ecdsa_key" >> "$work/sshd_config"
    # sshd -t wants /run/sshd: give it one in a private mount namespace
    unshare --mount sh -c "mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/sshd && \
        $(command -v sshd) -t -f '$work/sshd_config'" || fail "sshd -t rejected the configuration/host key"
else
    echo "skipping sshd -t: needs root, sshd and unshare"
fi
echo "ok"
