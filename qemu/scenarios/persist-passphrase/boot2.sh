# Boot 2: the passphrase was typed on the serial console.
. "$ND_TEST_DIR/lib/provisioned.sh"
. "$ND_TEST_DIR/lib/persisted.sh"
persist_active_checks
provisioned_checks
persisted_compare
# Something written now must also be there at boot 4, after the failed boot.
echo "written at boot 2" >/var/lib/neuraldrive/nd-test/boot2
