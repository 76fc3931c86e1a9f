# Boot 4: the right passphrase again; nothing was lost by the failed boot.
. "$ND_TEST_DIR/lib/provisioned.sh"
. "$ND_TEST_DIR/lib/persisted.sh"
persist_active_checks
persisted_compare
check_eq "file written at boot 2 survived" "written at boot 2" "$(cat /var/lib/neuraldrive/nd-test/boot2 2>&1)"
