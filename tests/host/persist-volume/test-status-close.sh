#!/bin/bash
# nd-persist status (text and --json) and close (unmount the persisted
# paths and the volume). Without device-mapper the "volume" here is a plain
# ext4 loop mount; closing the LUKS mapping is proven in QEMU.
. "$(dirname "$0")/lib.sh"

RUN="$WORK/run"
mkdir -p "$RUN/neuraldrive"

# No persist.json: the boot path did not run.
out=$("$ND" status --run-dir "$RUN" --json)
[ "$(jq -r .state <<<"$out")" = unknown ] || fail "status without persist.json: $out"
"$ND" status --run-dir "$RUN" | grep -q "^Persistence: unknown" || fail "text status without persist.json"
pass "status without persist.json"

# A volume named in persist.json.
mkloop L vol 64
"$ND" create --device "$L" --devices "$L" --passphrase-fd 3 --test-stop-after-luks 3<<<"status pass" >/dev/null
cat >"$RUN/neuraldrive/persist.json" <<JSON
{"version":1,"state":"degraded","reason":"a \"quoted\" reason","boot_device":"/dev/loopX",
 "system_device":null,"system_image":null,"toram":false,"volume":"$L","encrypted":true,
 "mapper":"/dev/mapper/nd-persist","mountpoint":"$WORK/persist","paths":[],"skipped":[]}
JSON
out=$("$ND" status --run-dir "$RUN" --json)
jq -e --arg L "$L" '.state == "degraded" and .reason == "a \"quoted\" reason" and .volume == $L and
        .mapping_open == false and .luks.label == "nd-persist" and .luks.cipher == "aes-xts-plain64" and
        .luks.key_bits == 512 and .luks.keyslots == 1 and .luks.creation_state == "keyed"' <<<"$out" >/dev/null ||
        fail "status --json: $out"
text=$("$ND" status --run-dir "$RUN")
grep -q "^Volume: $L (LUKS2 label 'nd-persist', aes-xts-plain64 512-bit, 1 keyslot, creation keyed)" <<<"$text" ||
        fail "text status: $text"
pass "status --json and text"

# close: the volume at $WORK/persist, an overlay with its upper dir on the
# volume, a bind mount of a volume directory, and an unrelated mount.
mkloop E ext4 64
mkfs.ext4 -q "$E"
mkdir -p "$WORK/persist" "$WORK/root/etc/neuraldrive" "$WORK/root/home" "$WORK/lower" "$WORK/other"
mount -o nosuid,nodev,noatime "$E" "$WORK/persist"
mkdir -p "$WORK/persist/etc/neuraldrive" "$WORK/persist/.nd-work/etc" "$WORK/persist/home"
echo data >"$WORK/persist/etc/neuraldrive/file"
mount -t overlay overlay -o "lowerdir=$WORK/lower,upperdir=$WORK/persist/etc/neuraldrive,workdir=$WORK/persist/.nd-work/etc" \
        "$WORK/root/etc/neuraldrive" || skip "overlayfs does not mount here"
mount --bind "$WORK/persist/home" "$WORK/root/home"
mount -t tmpfs tmpfs "$WORK/other"
cleanup_mounts() {
        for m in "$WORK/root/home" "$WORK/root/etc/neuraldrive" "$WORK/persist" "$WORK/other"; do
                umount "$m" 2>/dev/null || true
        done
}
trap 'cleanup_mounts; cleanup' EXIT

# Something still using a persisted path: close refuses and keeps the volume.
exec 7<"$WORK/root/etc/neuraldrive/file"
if "$ND" close --run-dir "$RUN" 2>"$WORK/err"; then
        fail "close succeeded with a file open on the volume"
fi
grep -q "Failed to unmount '$WORK/root/etc/neuraldrive'" "$WORK/err" || { cat "$WORK/err"; fail "unclear busy error"; }
mountpoint -q "$WORK/persist" || fail "volume unmounted although a path was busy"
exec 7<&-

"$ND" close --run-dir "$RUN"
for m in "$WORK/root/etc/neuraldrive" "$WORK/root/home" "$WORK/persist"; do
        ! mountpoint -q "$m" || fail "'$m' still mounted after close"
done
mountpoint -q "$WORK/other" || fail "close unmounted an unrelated mount"
"$ND" close --run-dir "$RUN" || fail "a second close (nothing left) failed"
pass "close: overlay, bind mount and volume unmounted, busy refused, unrelated mount kept"
