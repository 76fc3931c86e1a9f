# Boot 3: a normal boot keeps the rotated key (it was written to the volume).
. "$ND_TEST_DIR/lib/persisted.sh"
persist_active_checks
if [ "$(saved apikey)" = "$(api_key)" ]; then pass "rotated API key persisted"; else fail "rotated API key persisted" "expected the key made in recovery, saw another"; fi
check_eq "CA kept" "$(saved ca)" "$(ca_fingerprint)"
