# BENCHMARK SETUP, boot 2: our volume unlocked from the key file at boot.
# Measures persisted-path I/O (overlay on ext4 on dm-crypt against ext4 on the
# same dm-crypt directly) and the KDF (ours and cryptsetup's default).
B=$ND_TEST_DIR/results/bench
mkdir -p "$B"
. "$ND_TEST_DIR/scenario/params.sh" 2>/dev/null || true
pj=/run/neuraldrive/persist.json
check_eq "persistence active" active "$(json_get $pj state)"
check_eq "volume on dm-crypt" true "$(json_get $pj encrypted)"
mnt=$(json_get $pj mountpoint)
[ -n "$mnt" ] || mnt=$(findmnt -n -o TARGET -S /dev/mapper/nd-persist | head -n 1)
check_match "volume mount point" '^/' "$mnt"
check_eq "persisted path is an overlay" overlay "$(findmnt -n -o FSTYPE /var/lib/neuraldrive)"
{
        findmnt -n -o TARGET,SOURCE,FSTYPE,OPTIONS /var/lib/neuraldrive
        findmnt -n -o TARGET,SOURCE,FSTYPE,OPTIONS "$mnt"
        dmsetup table --showkeys nd-persist 2>/dev/null | awk '{ $5 = "<key>"; print }'
        df -m "$mnt"
} >"$B/io-setup.txt" 2>&1

# ext4 zeroes the new volume's inode tables in the background, paced at 10x
# the time each group takes (minutes here); bench-guest.py waits for it to
# end before measuring. init_itable=0 only drops the pacing.
mount -o remount,init_itable=0 "$mnt" || true
mkdir -p /run/bench-key
mount -o ro LABEL=NDKEY /run/bench-key
mkdir -p /var/lib/neuraldrive/bench-io "$mnt/bench-io"
check_cmd "I/O benchmark" python3 "$ND_TEST_DIR/scenario/bench-guest.py" io \
        --out "$B/io.json" --mib "${BENCH_IO_MIB:-128}" --files "${BENCH_IO_FILES:-10000}" \
        --reps "${BENCH_IO_REPS:-3}" persisted=/var/lib/neuraldrive/bench-io direct="$mnt/bench-io"
vol=$(blkid -t PARTLABEL=nd-persist -o device | head -n 1)
check_cmd "KDF benchmark" python3 "$ND_TEST_DIR/scenario/bench-guest.py" kdf \
        --out "$B/kdf.json" --key /run/bench-key/persist.key --reps "${BENCH_KDF_REPS:-3}" "$vol"
cp /proc/meminfo "$B/guest-meminfo.txt"
cryptsetup --version >"$B/guest-cryptsetup-version.txt"
umount /run/bench-key
rmdir /var/lib/neuraldrive/bench-io "$mnt/bench-io" 2>/dev/null
sync
