# Boot 1: persisted first boot (key file), state recorded.
. "$ND_TEST_DIR/lib/provisioned.sh"
. "$ND_TEST_DIR/lib/persisted.sh"
persist_active_checks
provisioned_checks
persisted_snapshot
