# BENCHMARK SETUP, boot 1 (sourced by the test image's nd-test-run with lib.sh).
# No volume yet: make ours with nd-persist create, then live-boot's reference
# volume with the same key and the same PBKDF parameters.
B=$ND_TEST_DIR/results/bench
mkdir -p "$B"
pj=/run/neuraldrive/persist.json
check_eq "no volume before create" degraded "$(json_get $pj state)"

mkdir -p /run/bench-key
check_cmd "key disk mounted" mount -o ro LABEL=NDKEY /run/bench-key
K=/run/bench-key/persist.key

t0=$(date +%s.%N)
check_cmd "nd-persist create --free-space --key-file" nd-persist create --free-space --key-file "$K"
t1=$(date +%s.%N)
echo "$t0 $t1" | awk '{ printf "create_s=%.2f\n", $2 - $1 }' >"$B/create.txt"
vol=$(blkid -t PARTLABEL=nd-persist -o device | head -n 1)
check_match "nd-persist partition" '^/dev/vda[0-9]+$' "$vol"
cryptsetup luksDump "$vol" >"$B/ours.luksDump" 2>&1
check_cmd "our volume accepts the key file" cryptsetup open --test-passphrase --key-file "$K" "$vol"
nd-persist status >"$B/ours.status" 2>&1 || true

# Same KDF as keyslot 0 of ours, so both boots pay the same unlock cost.
kdf() { awk -v k="$1" '/^Keyslots:/ { s = 1 } s && index($0, k ":") { sub(/.*:[ \t]*/, ""); print; exit }' "$B/ours.luksDump"; }
T=$(kdf "Time cost"); M=$(kdf "Memory"); P=$(kdf "Threads")
check_match "PBKDF parameters read" '^[0-9]+ [0-9]+ [0-9]+$' "$T $M $P"
echo "time_cost=$T memory_kib=$M threads=$P" >"$B/kdf-params.txt"

lb=$(lsblk -bdnpo NAME,SIZE | awk '$2 == 96 * 1048576 { print $1; exit }')
check_match "live-boot volume disk" '^/dev/vd[a-z]$' "$lb"
check_cmd "live-boot volume: luksFormat" cryptsetup luksFormat -q --type luks2 --cipher aes-xts-plain64 \
        --key-size 512 --pbkdf argon2id --pbkdf-force-iterations "$T" --pbkdf-memory "$M" \
        --pbkdf-parallel "$P" --label persistence --key-file "$K" "$lb"
check_cmd "live-boot volume: open" cryptsetup open --key-file "$K" "$lb" bench-lb
check_cmd "live-boot volume: mkfs" mkfs.ext4 -q -L persistence /dev/mapper/bench-lb
mkdir -p /run/bench-lb
check_cmd "live-boot volume: mount" mount /dev/mapper/bench-lb /run/bench-lb
# live-boot's format, the same entries as nd-persist's default set.
printf '%s\n' "/etc/neuraldrive union" "/var/lib/neuraldrive union" \
        "/var/log/neuraldrive union" "/home union" >/run/bench-lb/persistence.conf
umount /run/bench-lb
check_cmd "live-boot volume: close" cryptsetup close bench-lb
cryptsetup luksDump "$lb" >"$B/liveboot.luksDump" 2>&1
umount /run/bench-key
sync
