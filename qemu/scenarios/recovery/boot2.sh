# Boot 2: neuraldrive.recovery=api-key rotated the API key only.
. "$ND_TEST_DIR/lib/provisioned.sh"
. "$ND_TEST_DIR/lib/persisted.sh"
persist_active_checks
provisioned_checks
key=$(api_key)
if [ -n "$key" ] && [ "$key" != "$(saved apikey)" ]; then pass "API key rotated"; else fail "API key rotated" "expected a new key, saw the old one (or none)"; fi
check_cmd "caddy.env carries the new key" grep -qx "NEURALDRIVE_API_KEY=$key" /etc/neuraldrive/caddy.env
check_eq "CA kept" "$(saved ca)" "$(ca_fingerprint)"
check_eq "SSH host key kept" "$(saved ssh)" "$(ssh_fingerprint)"
check_eq "data kept" "$(saved marker)" "$(cat /var/lib/neuraldrive/nd-test/marker 2>&1)"
save apikey "$key"
