# Boot 2: the boot path opened the (unencrypted) volume; write the marker.
. "$ND_TEST_DIR/lib/persisted.sh"
check_eq "persist.json state" active "$(json_get /run/neuraldrive/persist.json state)"
persisted_snapshot
