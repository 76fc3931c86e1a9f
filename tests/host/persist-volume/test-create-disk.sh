#!/bin/bash
# nd-persist create on a whole GPT disk (--whole-disk, what --free-space does
# on the boot device): a partition named nd-persist in the largest free
# region, the existing partition untouched, an interrupted create resumed on
# the same partition.
. "$(dirname "$0")/lib.sh"
command -v partx >/dev/null || skip "'partx' is not installed"

PASS="disk passphrase"

mkloop D disk 256 -P
# A "system" partition at 1-65 MiB and free space behind it.
sfdisk -q --no-reread "$D" <<<'label: gpt
start=2048, size=131072, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="system"'
partx -u "$D" 2>/dev/null || true
for _ in $(seq 50); do [ -b "${D}p1" ] && break; sleep 0.1; done
[ -b "${D}p1" ] || skip "the kernel made no partition nodes for '$D'"
head -c 1M /dev/urandom >"$WORK/marker"
dd if="$WORK/marker" of="${D}p1" bs=1M count=1 conv=fsync status=none
sum_before=$(sha256sum <"${D}p1")

# Fault injection: stop dead right after the partition is made.
if ND_PERSIST_TEST_FAIL_AT=partition "$ND" create --device "$D" --whole-disk --devices "$D" \
        --passphrase-fd 3 --test-stop-after-luks 3<<<"$PASS" 2>"$WORK/err"; then
        fail "interrupted create reported success"
fi
[ "$(sfdisk --json "$D" | jq '.partitiontable.partitions | length')" = 2 ] || fail "partition not added"

# The rerun reuses that partition, no third one.
"$ND" create --device "$D" --whole-disk --devices "$D" --passphrase-fd 3 --recovery-key \
        --test-stop-after-luks 3<<<"$PASS" >"$WORK/out"
json=$(sfdisk --json "$D")
[ "$(jq '.partitiontable.partitions | length' <<<"$json")" = 2 ] || fail "rerun added another partition"
[ "$(jq -r '.partitiontable.label' <<<"$json")" = gpt ] || fail "not GPT any more"
[ "$(jq -r '.partitiontable.partitions[1].name' <<<"$json")" = nd-persist ] || fail "partition not named nd-persist"
[ "$(jq -r '.partitiontable.partitions[1].type' <<<"$json")" = CA7D7CCB-63ED-4C53-861C-1742536059CC ] ||
        fail "partition type is not Linux LUKS"
start=$(jq '.partitiontable.partitions[1].start' <<<"$json")
size=$(jq '.partitiontable.partitions[1].size' <<<"$json")
[ $((start % 2048)) = 0 ] || fail "partition start $start not 1 MiB aligned"
[ "$start" -ge $((2048 + 131072)) ] || fail "partition overlaps the system partition"
[ $(((start + size) * 512)) -le $((256 * 1024 * 1024)) ] || fail "partition runs past the disk"
[ "$size" -ge $((150 * 2048)) ] || fail "partition does not take the free space ($size sectors)"
grep -q "on '${D}p2'" "$WORK/out" || fail "create did not name ${D}p2"
cryptsetup luksDump "${D}p2" | grep -qE '^Label:\s+nd-persist$' || fail "no LUKS2 nd-persist on ${D}p2"
test_key "${D}p2" "$PASS" || fail "passphrase not accepted on ${D}p2"
[ "$(sha256sum <"${D}p1")" = "$sum_before" ] || fail "the system partition changed"
sgdisk -p "$D" | grep -E '^\s+2\s.*nd-persist$' >/dev/null || fail "sgdisk does not list nd-persist"
pass "partition 2 'nd-persist' (Linux LUKS, aligned, $((size / 2048)) MiB) in free space; p1 untouched; interrupted create resumed"

# A disk with an MBR table is not ours to repartition.
mkloop M mbr 128
sfdisk -q --no-reread "$M" <<<'label: dos
start=2048, size=65536, type=83'
if "$ND" create --device "$M" --whole-disk --devices "$M" --passphrase-fd 3 --test-stop-after-luks \
        3<<<"$PASS" 2>"$WORK/err"; then
        fail "repartitioned an MBR disk"
fi
grep -q "not GPT" "$WORK/err" || fail "unclear MBR refusal"
[ "$(sfdisk --json "$M" | jq -r .partitiontable.label)" = dos ] || fail "MBR table changed"
pass "MBR disk refused"

# A full GPT disk: no room.
mkloop F full 64
sfdisk -q --no-reread "$F" <<<'label: gpt
start=2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4'
if "$ND" create --device "$F" --whole-disk --devices "$F" --passphrase-fd 3 --test-stop-after-luks \
        3<<<"$PASS" 2>"$WORK/err"; then
        fail "created on a full disk"
fi
grep -q "no free region" "$WORK/err" || { cat "$WORK/err"; fail "unclear no-space error"; }
pass "full disk refused"
