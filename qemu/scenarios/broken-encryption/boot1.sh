# Boot 1 (RAM only): BREAK ENCRYPTION ON PURPOSE. The volume nd-persist-boot
# will find: GPT partition nd-persist, LUKS2 label nd-persist, but cipher_null.
modprobe crypto_null 2>/dev/null || true
mkdir -p /run/keydisk
mount -o ro LABEL=NDKEY /run/keydisk
check_cmd "partition added" sh -c 'echo ",,L" | sfdisk --append --no-reread -q /dev/vda'
check_cmd "partition named nd-persist" sfdisk --part-label /dev/vda 2 nd-persist
partx -a -n 2 /dev/vda 2>/dev/null || partx -u /dev/vda
udevadm settle
check_cmd "LUKS2 with cipher_null formatted" cryptsetup luksFormat -q --type luks2 \
        --cipher cipher_null-ecb --label nd-persist --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
        --key-file /run/keydisk/persist.key /dev/vda2
check_cmd "opened" cryptsetup open --key-file /run/keydisk/persist.key /dev/vda2 nd-null
check_cmd "ext4 made" mke2fs -q -t ext4 -L nd-persist-data /dev/mapper/nd-null
mkdir -p /run/nullvol
mount /dev/mapper/nd-null /run/nullvol
printf '/etc/neuraldrive union\n/var/lib/neuraldrive union\n/var/log/neuraldrive union\n/home union\n' \
        >/run/nullvol/persistence.conf
umount /run/nullvol
cryptsetup close nd-null
check_match "luksDump shows cipher_null" "cipher: cipher_null" "$(cryptsetup luksDump /dev/vda2)"
