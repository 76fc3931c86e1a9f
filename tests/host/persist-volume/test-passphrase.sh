#!/bin/bash
# nd-persist passphrase add|change|remove, checked with
# cryptsetup open --test-passphrase.
. "$(dirname "$0")/lib.sh"

P1="first passphrase" P2="second passphrase" P3="third passphrase" P4="typed passphrase"

mkloop L vol 64
"$ND" create --device "$L" --devices "$L" --passphrase-fd 3 --test-stop-after-luks 3<<<"$P1" >/dev/null
[ "$(keyslots "$L")" = 1 ] || fail "setup: expected 1 keyslot"

# add, authorised by P1; the device comes from persist.json.
mkdir -p "$WORK/run/neuraldrive"
printf '{"version":1,"state":"active","reason":null,"volume":"%s","mapper":"/dev/mapper/nd-persist"}\n' "$L" \
        >"$WORK/run/neuraldrive/persist.json"
"$ND" passphrase add --run-dir "$WORK/run" --passphrase-fd 3 --new-passphrase-fd 4 3<<<"$P1" 4<<<"$P2"
[ "$(keyslots "$L")" = 2 ] || fail "add: expected 2 keyslots"
test_key "$L" "$P1" && test_key "$L" "$P2" || fail "add: a passphrase does not open the volume"
pass "add (device from persist.json)"

# A wrong current passphrase changes nothing.
if "$ND" passphrase add --device "$L" --passphrase-fd 3 --new-passphrase-fd 4 3<<<"nope" 4<<<"$P3" 2>"$WORK/err"; then
        fail "add with a wrong passphrase succeeded"
fi
grep -q "current passphrase is wrong" "$WORK/err" || { cat "$WORK/err"; fail "unclear wrong-passphrase error"; }
[ "$(keyslots "$L")" = 2 ] || fail "wrong passphrase: keyslots changed"
pass "wrong current passphrase refused"

# change P2 -> P3, both read from one fd, a line each.
"$ND" passphrase change --device "$L" --passphrase-fd 3 --new-passphrase-fd 3 3< <(printf '%s\n%s\n' "$P2" "$P3")
! test_key "$L" "$P2" || fail "change: old passphrase still opens"
test_key "$L" "$P3" && test_key "$L" "$P1" || fail "change: new or other passphrase lost"
[ "$(keyslots "$L")" = 2 ] || fail "change: expected 2 keyslots"
pass "change"

# add typed on a terminal: current once, new twice; nothing echoed. The
# answers are sent once the first prompt is up (echo off), as a person would;
# typed ahead, the terminal itself would echo them before the tool runs.
typed() { sleep 2; printf '%s\n' "$@"; }
typed "$P3" "$P4" "$P4" | script -qec "'$ND' passphrase add --device '$L'" /dev/null >"$WORK/tty" 2>&1 ||
        { cat "$WORK/tty"; fail "typed add failed"; }
! grep -q "$P4" "$WORK/tty" || fail "typed passphrase was echoed"
test_key "$L" "$P4" || fail "typed passphrase not enrolled"
# Two different typed passphrases are refused.
typed "$P3" "one" "two" | script -qec "'$ND' passphrase add --device '$L'" /dev/null >"$WORK/tty" 2>&1 &&
        fail "mismatched typed passphrases accepted"
grep -q "differ" "$WORK/tty" || { cat "$WORK/tty"; fail "unclear mismatch error"; }
[ "$(keyslots "$L")" = 3 ] || fail "typed: expected 3 keyslots"
pass "typed on the terminal, echo off, asked twice"

# remove P1 and P4, then the last one is refused.
"$ND" passphrase remove --device "$L" --passphrase-fd 3 3<<<"$P1"
"$ND" passphrase remove --device "$L" --passphrase-fd 3 3<<<"$P4"
! test_key "$L" "$P1" || fail "remove: removed passphrase still opens"
[ "$(keyslots "$L")" = 1 ] || fail "remove: expected 1 keyslot"
if "$ND" passphrase remove --device "$L" --passphrase-fd 3 3<<<"$P3" 2>"$WORK/err"; then
        fail "removed the last keyslot"
fi
grep -q "last keyslot" "$WORK/err" || { cat "$WORK/err"; fail "unclear last-keyslot refusal"; }
test_key "$L" "$P3" || fail "last passphrase lost"
pass "remove, and the last keyslot kept"
