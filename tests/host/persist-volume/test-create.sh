#!/bin/bash
# nd-persist create on loop devices: LUKS2 parameters, passphrase and
# recovery key, a partition in a GPT disk's free space, refusals, and
# interrupted creates. Hosts without device-mapper stop after the LUKS2
# step (--test-stop-after-luks); mkfs and seeding are proven in QEMU.
. "$(dirname "$0")/lib.sh"

PASS="correct horse battery staple"

# 1. A blank device: LUKS2, argon2id, label, two keyslots, both keys work.
mkloop L blank 128
out=$("$ND" create --device "$L" --devices "$L" --passphrase-fd 3 --recovery-key \
        --test-stop-after-luks 3<<<"$PASS")
echo "$out"
rk=$(grep -oE "$RECOVERY_RE" <<<"$out") || fail "no recovery key printed"
[ "$(wc -l <<<"$rk")" = 1 ] || fail "recovery key printed more than once"
dump=$(cryptsetup luksDump "$L")
grep -qE '^Version:\s+2$' <<<"$dump" || fail "not LUKS2"
grep -qE '^Label:\s+nd-persist$' <<<"$dump" || fail "label is not nd-persist"
grep -qE 'PBKDF:\s+argon2id' <<<"$dump" || fail "keyslots not argon2id"
grep -qE 'cipher:\s+aes-xts-plain64' <<<"$dump" || fail "cipher is not aes-xts-plain64"
grep -qE 'Cipher key:\s+512 bits' <<<"$dump" || fail "key is not 512 bits"
[ "$(keyslots "$L")" = 2 ] || fail "expected 2 keyslots, got $(keyslots "$L")"
mem=$(grep -E '^\s+Memory:' <<<"$dump" | awk '{print $2}' | sort -n | tail -1)
[ "$mem" -le 1048576 ] || fail "argon2id memory $mem KiB above 1 GiB"
[ "$(token_state "$L")" = keyed ] || fail "token state '$(token_state "$L")', want keyed"
test_key "$L" "$PASS" || fail "passphrase not accepted"
test_key "$L" "$rk" || fail "recovery key not accepted"
! test_key "$L" "wrong $PASS" || fail "a wrong passphrase was accepted"
! grep -q "$PASS" <<<"$out" || fail "passphrase echoed"
pass "LUKS2 aes-xts-plain64/512, argon2id ($mem KiB), label, 2 keyslots, passphrase + recovery key"

# 2. Without the test stop, a host without device-mapper fails clearly after
# keying, and the volume stays marked incomplete (so a rerun redoes it).
if [ ! -e /sys/class/misc/device-mapper ]; then
        mkloop L2 nodm 64
        if "$ND" create --device "$L2" --devices "$L2" --passphrase-fd 3 3<<<"$PASS" 2>"$WORK/err"; then
                fail "create claimed success without device-mapper"
        fi
        grep -q "device-mapper is not available" "$WORK/err" || { cat "$WORK/err"; fail "unclear error without dm"; }
        [ "$(token_state "$L2")" = keyed ] || fail "no-dm volume not marked incomplete"
        pass "without device-mapper: clear failure, volume left marked incomplete"
fi

# 3. A key file: exact bytes, NUL and newline included.
mkloop L3 keyfile 64
head -c 64 /dev/urandom >"$WORK/key"
printf 'a\0b\n' >>"$WORK/key"
"$ND" create --device "$L3" --devices "$L3" --key-file "$WORK/key" --test-stop-after-luks >/dev/null
cryptsetup open --test-passphrase --key-file "$WORK/key" "$L3" || fail "key file not accepted"
[ "$(keyslots "$L3")" = 1 ] || fail "key file: expected 1 keyslot"
pass "key file enrolled byte-exact"

# 4. The allow-list: a device outside it is never touched.
mkloop L4 outside 64
if "$ND" create --device "$L4" --devices "$L3" --passphrase-fd 3 --test-stop-after-luks 3<<<"$PASS" 2>"$WORK/err"; then
        fail "wrote to a device outside --devices"
fi
grep -q "not among the allowed devices" "$WORK/err" || fail "unclear allow-list refusal"
[ -z "$(blkid -p -o value -s TYPE "$L4" || true)" ] || fail "device outside the allow-list was written"
pass "device outside --devices refused"
