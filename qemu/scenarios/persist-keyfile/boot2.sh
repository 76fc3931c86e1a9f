# Boot 2: the same volume, unlocked from the key file again.
. "$ND_TEST_DIR/lib/provisioned.sh"
. "$ND_TEST_DIR/lib/persisted.sh"
persist_active_checks
provisioned_checks
persisted_compare
