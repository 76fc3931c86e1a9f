# Boot 1: no volume yet. Write the markers, then make the volume in the
# running system from a passphrase; create seeds it with the persisted paths,
# markers and first-boot secrets included.
. "$ND_TEST_DIR/lib/provisioned.sh"
. "$ND_TEST_DIR/lib/persisted.sh"
check_eq "persist.json state before create" degraded "$(json_get /run/neuraldrive/persist.json state)"
provisioned_checks
persisted_snapshot
out=$(printf 'correct horse battery\n' | nd-persist create --free-space --passphrase-fd 0 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  create: /'
check_eq "nd-persist create --free-space exit status" 0 "$rc"
check_eq "partition 2 is named nd-persist" nd-persist "$(lsblk -n -o PARTLABEL /dev/vda2 2>&1)"
check_eq "partition 2 is LUKS" crypto_LUKS "$(blkid -p -o value -s TYPE /dev/vda2 2>&1)"
