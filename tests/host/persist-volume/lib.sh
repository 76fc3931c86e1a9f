# Shared by the persist-volume host tests: sourced, not run.
# Every device these tests write to is a loop device over an image file the
# test made itself in its own temporary directory.
set -euo pipefail

ND=${ND_BUILD_DIR:?}/persist/nd-persist

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

[ "$(id -u)" = 0 ] || skip "needs root (loop devices)"
for tool in losetup cryptsetup sfdisk blkid jq script mkfs.ext4; do
        command -v "$tool" >/dev/null || skip "'$tool' is not installed"
done
[ -x "$ND" ] || fail "'$ND' not built"

WORK=$(mktemp -d /tmp/nd-persist-volume.XXXXXX)
LOOPS=()
cleanup() {
        set +e
        for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
        rm -rf "$WORK"
}
trap cleanup EXIT

# mkloop VAR NAME SIZE_MB [-P]: a zeroed image and its loop device (with -P
# the kernel scans partitions), stored in VAR. Not in a $(...) subshell, so
# that cleanup() knows every loop device.
mkloop() {
        local img="$WORK/$2.img" dev
        truncate -s "$3M" "$img"
        dev=$(losetup --show -f ${4:-} "$img") || skip "no loop device available"
        LOOPS+=("$dev")
        printf -v "$1" '%s' "$dev"
}

# test_key DEV KEY: does the LUKS volume on DEV accept KEY (exact bytes)?
test_key() {
        printf '%s' "$2" | cryptsetup open --test-passphrase --key-file - "$1" 2>/dev/null
}

# token_state DEV: the state in our creation token, or "none".
token_state() {
        local id
        for id in $(seq 0 31); do
                local json
                json=$(cryptsetup token export --token-id "$id" "$1" 2>/dev/null) || continue
                if [ "$(jq -r .type <<<"$json")" = nd-persist-create ]; then
                        jq -r .state <<<"$json"
                        return
                fi
        done
        echo none
}

keyslots() { cryptsetup luksDump "$1" | grep -cE '^\s+[0-9]+: luks2$' || true; }

RECOVERY_RE='([0-9A-HJKMNP-TV-Z]{5}-){7}[0-9A-HJKMNP-TV-Z]{5}'
