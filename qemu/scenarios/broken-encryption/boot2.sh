# Boot 2: the boot path opened the (unencrypted) volume; write the marker.
# The state is reported, not checked: should nd-persist one day refuse a
# cipher_null volume, this boot degrades, the marker stays in RAM and the
# host check must still fail, then on the luksDump cipher line.
echo "persist.json: state $(json_get /run/neuraldrive/persist.json state), encrypted $(json_get /run/neuraldrive/persist.json encrypted)"
. "$ND_TEST_DIR/lib/persisted.sh"
persisted_snapshot
