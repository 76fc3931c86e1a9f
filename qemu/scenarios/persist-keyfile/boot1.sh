# Boot 1: neuraldrive.persist=create made the volume from the key file before
# nd-firstboot ran, so what it provisioned lives on the volume.
. "$ND_TEST_DIR/lib/provisioned.sh"
. "$ND_TEST_DIR/lib/persisted.sh"
persist_active_checks
provisioned_checks
check_file /run/neuraldrive/initial-credentials 600 root:root
persisted_snapshot
