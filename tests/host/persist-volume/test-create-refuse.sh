#!/bin/bash
# What create refuses: a filesystem, a partition table, a foreign LUKS volume
# (all only with --force and the device name typed on the terminal), and a
# complete nd-persist volume (never). Interrupted creates are redone.
. "$(dirname "$0")/lib.sh"

PASS="refusal passphrase"
KEY="$WORK/key"
printf '%s' "$PASS" >"$KEY"

create() { "$ND" create --devices "$1" --device "$@" --key-file "$KEY" --test-stop-after-luks; }

# The same command under a pseudo-terminal that types $2 (the confirmation).
create_typed() {
        local dev=$1 answer=$2
        shift 2
        printf '%s\n' "$answer" | script -qec \
                "'$ND' create --devices '$dev' --device '$dev' --key-file '$KEY' --test-stop-after-luks $*" \
                /dev/null
}

# ext4 is refused without --force and left as it was.
mkloop E ext4 64
mkfs.ext4 -q -L keepme "$E"
create "$E" 2>"$WORK/err" && fail "formatted over ext4"
grep -q "carries a ext4 signature, refusing without --force" "$WORK/err" || { cat "$WORK/err"; fail "unclear ext4 refusal"; }
[ "$(blkid -p -o value -s LABEL "$E")" = keepme ] || fail "ext4 damaged by a refusal"
# --force with the wrong answer changes nothing.
create_typed "$E" "/dev/nonsense" --force >"$WORK/out" 2>&1 && fail "wrong confirmation accepted"
grep -q "Confirmation did not match" "$WORK/out" || { cat "$WORK/out"; fail "unclear confirmation refusal"; }
[ "$(blkid -p -o value -s LABEL "$E")" = keepme ] || fail "ext4 damaged after a wrong confirmation"
# --force without a terminal changes nothing.
"$ND" create --devices "$E" --device "$E" --key-file "$KEY" --force --test-stop-after-luks </dev/null \
        >"$WORK/out" 2>&1 && fail "--force went ahead without a terminal" || true
[ "$(blkid -p -o value -s LABEL "$E")" = keepme ] || fail "ext4 damaged without a terminal"
# The right answer destroys it, and no stale ext4 signature survives.
create_typed "$E" "$E" --force >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "confirmed --force failed"; }
[ "$(blkid -p -o value -s TYPE "$E")" = crypto_LUKS ] || fail "not LUKS after confirmed --force"
test_key "$E" "$PASS" || fail "key not accepted after --force"
pass "ext4: refused, wrong/absent confirmation refused, typed confirmation formats"

# A partition table on the target device is refused.
mkloop P ptable 64
sfdisk -q --no-reread "$P" <<<'label: gpt
start=2048, size=8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4'
create "$P" 2>"$WORK/err" && fail "formatted over a partition table"
grep -q "carries a gpt partition table" "$WORK/err" || { cat "$WORK/err"; fail "unclear table refusal"; }
[ "$(sfdisk --json "$P" | jq -r .partitiontable.label)" = gpt ] || fail "table damaged by a refusal"
pass "partition table refused"

# A foreign LUKS2 volume (keyslot, no nd-persist token) is refused.
mkloop X foreign 64
printf 'other' | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
        --key-file - "$X"
uuid=$(cryptsetup luksUUID "$X")
create "$X" 2>"$WORK/err" && fail "formatted over a foreign LUKS volume"
grep -q "carries a crypto_LUKS signature, refusing without --force" "$WORK/err" || { cat "$WORK/err"; fail "unclear LUKS refusal"; }
[ "$(cryptsetup luksUUID "$X")" = "$uuid" ] || fail "foreign LUKS header changed"
test_key "$X" other || fail "foreign LUKS key lost"
pass "foreign LUKS refused"

# A complete nd-persist volume is never touched, not even with --force.
mkloop C complete 64
printf 'data' | cryptsetup luksFormat -q --type luks2 --label nd-persist --pbkdf pbkdf2 \
        --pbkdf-force-iterations 1000 --key-file - "$C"
echo '{"type":"nd-persist-create","keyslots":[],"version":1,"state":"complete"}' >"$WORK/token.json"
cryptsetup token import --json-file "$WORK/token.json" "$C"
uuid=$(cryptsetup luksUUID "$C")
create "$C" 2>"$WORK/err" && fail "formatted over a complete volume"
grep -q "already holds a complete nd-persist volume" "$WORK/err" || { cat "$WORK/err"; fail "unclear complete refusal"; }
create_typed "$C" "$C" --force >"$WORK/out" 2>&1 && fail "--force formatted over a complete volume"
[ "$(cryptsetup luksUUID "$C")" = "$uuid" ] || fail "complete volume header changed"
test_key "$C" data || fail "complete volume key lost"
pass "complete nd-persist volume refused, with and without --force"

# A malformed creation token: do not guess.
mkloop B badtoken 64
printf 'data' | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
        --key-file - "$B"
echo '{"type":"nd-persist-create","keyslots":[],"state":7}' >"$WORK/bad.json"
cryptsetup token import --json-file "$WORK/bad.json" "$B"
uuid=$(cryptsetup luksUUID "$B")
create "$B" 2>"$WORK/err" && fail "formatted over a volume with a malformed token"
[ "$(cryptsetup luksUUID "$B")" = "$uuid" ] || fail "volume with malformed token changed"
pass "malformed token refused"

# A header without keyslots: ours (label nd-persist, cut off before the
# token) is redone; anybody else's needs --force.
for label in nd-persist other; do
        mkloop Z "nokeys-$label" 64
        printf 'x' | cryptsetup luksFormat -q --type luks2 --label "$label" --pbkdf pbkdf2 \
                --pbkdf-force-iterations 1000 --key-file - "$Z"
        cryptsetup luksErase -q "$Z"
        [ "$(keyslots "$Z")" = 0 ] || fail "setup: keyslots left"
        if [ "$label" = nd-persist ]; then
                create "$Z" 2>"$WORK/err" || { cat "$WORK/err"; fail "keyless nd-persist header not redone"; }
                test_key "$Z" "$PASS" || fail "keyless nd-persist header: key not accepted after redo"
        else
                create "$Z" 2>"$WORK/err" && fail "formatted over a keyless foreign header"
                grep -q "refusing without --force" "$WORK/err" || { cat "$WORK/err"; fail "unclear keyless refusal"; }
        fi
done
pass "keyless header: ours redone, foreign refused"

# Interrupted creates are redone: after the header (no keyslot yet) and
# after the keyslots; each rerun gives a fresh, working volume.
for step in formatted keyed; do
        mkloop I "int-$step" 64
        ND_PERSIST_TEST_FAIL_AT=$step create "$I" 2>"$WORK/err" && fail "interrupted create at $step succeeded"
        [ "$(token_state "$I")" = "$step" ] || fail "token state '$(token_state "$I")' after interrupting at $step"
        uuid=$(cryptsetup luksUUID "$I")
        create "$I" 2>"$WORK/err" || { cat "$WORK/err"; fail "rerun after $step failed"; }
        grep -q "holds an interrupted create, redoing it" "$WORK/err" || fail "rerun after $step did not say it redoes"
        [ "$(cryptsetup luksUUID "$I")" != "$uuid" ] || fail "rerun after $step kept the old header"
        [ "$(keyslots "$I")" = 1 ] || fail "rerun after $step: $(keyslots "$I") keyslots"
        test_key "$I" "$PASS" || fail "rerun after $step: key not accepted"
done
pass "create interrupted after 'formatted' and after 'keyed' redone on rerun"
