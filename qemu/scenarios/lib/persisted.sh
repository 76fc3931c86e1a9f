# Snapshot/compare of the state that persistence must carry across a reboot
# (shared by the persistence scenarios).

ca_fingerprint() { openssl x509 -in /etc/neuraldrive/tls/neuraldrive-ca.crt -noout -fingerprint -sha256 | cut -d= -f2; }
ssh_fingerprint() { ssh-keygen -l -f /etc/neuraldrive/ssh/ssh_host_ed25519_key.pub | awk '{print $2}'; }
api_key() { cat /etc/neuraldrive/api.key; }

# Records the state and writes the markers: one inside a persisted path, one
# outside. The persisted marker is random, so finding it on the raw disk can
# only mean it was written there in the clear.
persisted_snapshot() {
        save ca "$(ca_fingerprint)"
        save ssh "$(ssh_fingerprint)"
        save apikey "$(api_key)"
        marker=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
        save marker "$marker"
        mkdir -p /var/lib/neuraldrive/nd-test
        printf '%s\n' "$marker" >/var/lib/neuraldrive/nd-test/marker
        printf '%s\n' "$marker" >/var/lib/neuraldrive/nd-test/marker-2
        echo outside >/root/outside-persisted-paths
        sync
        check_eq "marker written" "$marker" "$(cat /var/lib/neuraldrive/nd-test/marker)"
}

# Compares with the snapshot of an earlier boot.
persisted_compare() {
        check_eq "CA fingerprint survived" "$(saved ca)" "$(ca_fingerprint)"
        check_eq "SSH host key fingerprint survived" "$(saved ssh)" "$(ssh_fingerprint)"
        if [ "$(saved apikey)" = "$(api_key)" ]; then pass "API key survived"; else fail "API key survived" "expected the key of the earlier boot, saw a different one"; fi
        check_eq "file under /var/lib/neuraldrive survived" "$(saved marker)" "$(cat /var/lib/neuraldrive/nd-test/marker 2>&1)"
        check_not "file outside the persisted paths is gone" test -e /root/outside-persisted-paths
        check_not "no new initial credentials (the admin password was made once)" \
                test -e /run/neuraldrive/initial-credentials
}

# persist.json says active on an encrypted volume, and the default persisted
# paths are mounted nosuid,nodev from it.
persist_active_checks() {
        pj=/run/neuraldrive/persist.json
        check_eq "persist.json state" active "$(json_get $pj state)"
        check_eq "persist.json encrypted" true "$(json_get $pj encrypted)"
        check_eq "persist.json mapper" /dev/mapper/nd-persist "$(json_get $pj mapper)"
        check_eq "LUKS2 mapping is crypt" "CRYPT-LUKS2" "$(dmsetup info -c --noheadings -o uuid nd-persist | cut -c1-11)"
        for p in /etc/neuraldrive /var/lib/neuraldrive /var/log/neuraldrive /home; do
                opts=$(findmnt -n -o OPTIONS --target "$p" | tr ',' '\n')
                if printf '%s\n' "$opts" | grep -qx nosuid && printf '%s\n' "$opts" | grep -qx nodev \
                        && [ "$(findmnt -n -o TARGET --target "$p")" = "$p" ]; then
                        pass "$p mounted nosuid,nodev"
                else
                        fail "$p mounted nosuid,nodev" "expected a mount at $p with nosuid,nodev, saw '$(findmnt -n -o TARGET,FSTYPE,OPTIONS --target "$p")'"
                fi
        done
}
