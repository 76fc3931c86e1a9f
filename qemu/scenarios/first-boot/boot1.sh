# Scenario 1, the only boot: a fresh image with no persistence volume.
. "$ND_TEST_DIR/lib/provisioned.sh"

pj=/run/neuraldrive/persist.json
check_eq "persist.json state" degraded "$(json_get $pj state)"
check_match "persist.json reason" "no persistence volume" "$(json_get $pj reason)"
check_eq "persist.json boot device" /dev/vda "$(json_get $pj boot_device)"
check_eq "multi-user.target reached" active "$(systemctl show -p ActiveState --value multi-user.target)"
check_eq "root is the overlay" overlay "$(findmnt -n -o FSTYPE /)"
check_eq "system image mounted read-only" "squashfs ro" \
        "$(findmnt -n -o FSTYPE,OPTIONS /run/neuraldrive/system | awk '{split($2, o, ","); print $1, o[1]}')"

provisioned_checks
check_file /run/neuraldrive/initial-credentials 600 root:root
