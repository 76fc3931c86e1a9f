# Boot 3: three wrong passphrases. The boot went on without persistence.
. "$ND_TEST_DIR/lib/persisted.sh"
pj=/run/neuraldrive/persist.json
check_eq "persist.json state" degraded "$(json_get $pj state)"
check_match "persist.json reason" "wrong passphrase, 3 times" "$(json_get $pj reason)"
check_eq "multi-user.target reached" active "$(systemctl show -p ActiveState --value multi-user.target)"
check_not "volume not mapped" test -e /dev/mapper/nd-persist
check_not "persisted file not visible" test -e /var/lib/neuraldrive/nd-test/marker
