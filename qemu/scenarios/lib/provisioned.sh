# Checks of everything nd-firstboot provisions, shared by the scenarios
# (run-scenario copies qemu/scenarios/lib/ onto every scenario disk).
provisioned_checks() {
        for u in ollama:901 webui:902 caddy:903 monitor:904 api:905; do
                n=neuraldrive-${u%%:*} id=${u#*:}
                check_eq "user $n uid:gid" "$id:$id" "$(getent passwd "$n" | cut -d: -f3,4)"
                check_eq "group $n gid" "$id" "$(getent group "$n" | cut -d: -f3)"
        done
        check_cmd "admin account exists" getent passwd neuraldrive-admin
        check_match "admin password is a yescrypt hash" '^\$y\$' "$(getent shadow neuraldrive-admin | cut -d: -f2)"

        d=/etc/neuraldrive
        check_file $d/api.key 600 neuraldrive-api:neuraldrive-api
        check_file $d/caddy.env 600 root:root
        check_file $d/tls/neuraldrive-ca.crt 644 root:root
        check_file $d/tls/ca.key 600 root:root
        check_file $d/tls/server.crt 644 root:root
        check_file $d/tls/server.key 640 root:neuraldrive-caddy

        key=$(cat $d/api.key)
        check_match "API key format" '^nd-[A-Za-z0-9]{32}$' "$key"
        check_cmd "caddy.env carries the API key" grep -qx "NEURALDRIVE_API_KEY=$key" $d/caddy.env
        check_cmd "server certificate verifies against the CA" \
                openssl verify -CAfile $d/tls/neuraldrive-ca.crt $d/tls/server.crt
        check_match "CA basicConstraints" 'CA:TRUE, pathlen:0' \
                "$(openssl x509 -in $d/tls/neuraldrive-ca.crt -noout -ext basicConstraints)"
        check_eq "server key matches its certificate" \
                "$(openssl x509 -in $d/tls/server.crt -noout -pubkey)" \
                "$(openssl pkey -in $d/tls/server.key -pubout)"
        check_match "SSH host key" 'ED25519' "$(ssh-keygen -l -f $d/ssh/ssh_host_ed25519_key.pub 2>&1)"
        check_match "machine-id" '^[0-9a-f]{32}$' "$(cat /etc/machine-id)"
}
