#!/bin/bash
# Benchmark: nd-firstboot against the procedure NeuralDrive runs today, on
# the same kind of temporary root (a copy of the Debian 12 /etc fixture).
#
#   reference first boot: openssl req -x509 -newkey rsa:4096 (self-signed),
#                         six useradd --prefix calls, ssh-keygen -A
#   nd-firstboot first boot: a fresh root, everything created
#   nd-firstboot every boot: the same root again (nothing to create)
#
# Wall time per run (median of N runs) and CPU time (user+sys, from
# /usr/bin/time; the every-boot CPU is the total of many runs divided by
# their number, since one run is below the 10 ms clock tick).
#
# usage: bench.sh ND_FIRSTBOOT [REF_RUNS] [FB_RUNS] [EVERY_BOOT_RUNS]
# Use a build without sanitizers (see README.md in this folder).
set -euo pipefail
tool=$(readlink -f "$1")
ref_runs=${2:-7} fb_runs=${3:-21} eb_runs=${4:-500}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../../tests/fixtures/firstboot/users/debian12
work=$(mktemp -d /tmp/nd-firstboot-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C

new_root() {
    rm -rf "$1"
    mkdir -p "$1/etc/ssh" "$1/run"
    for f in passwd group shadow gshadow; do cp "$fixtures/$f.input" "$1/etc/$f"; done
    chmod 640 "$1/etc/shadow" "$1/etc/gshadow"
    echo quiet > "$1/cmdline"
}

reference() {
    local r=$1
    openssl req -x509 -newkey rsa:4096 -nodes -keyout "$r/etc/server.key" -out "$r/etc/server.crt" \
        -days 3650 -subj /CN=neuraldrive.local 2>/dev/null
    local uid=901
    for u in ollama webui caddy monitor api; do
        useradd --prefix "$r" --system --uid $uid --user-group --no-create-home --shell /usr/sbin/nologin \
            "neuraldrive-$u"
        uid=$((uid + 1))
    done
    useradd --prefix "$r" --uid 1000 --user-group --create-home --shell /bin/bash neuraldrive-admin
    ssh-keygen -A -f "$r" >/dev/null
}

firstboot() {
    "$tool" --root "$1" --run-dir "$1/run" --cmdline "$1/cmdline" >/dev/null
}

# time_one FUNC ROOT -> "wall cpu" in seconds
time_one() {
    /usr/bin/time -f '%e %U %S' -o "$work/t" bash -c "$(declare -f "$1"); tool='$tool' fixtures='$fixtures'; $1 '$2'" >/dev/null
    awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$work/t"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: > "$work/ref" ; : > "$work/fb"
for i in $(seq "$ref_runs"); do new_root "$work/r"; time_one reference "$work/r" >> "$work/ref"; done
for i in $(seq "$fb_runs"); do new_root "$work/r"; time_one firstboot "$work/r" >> "$work/fb"; done

# every boot: one provisioned root, eb_runs runs in one timed loop
new_root "$work/r"; firstboot "$work/r"
/usr/bin/time -f '%e %U %S' -o "$work/t" bash -c \
    "for i in \$(seq $eb_runs); do '$tool' --root '$work/r' --run-dir '$work/r/run' --cmdline '$work/r/cmdline' >/dev/null; done"
read -r eb_wall eb_user eb_sys < "$work/t"

ref_wall=$(cut -d' ' -f1 "$work/ref" | median); ref_cpu=$(cut -d' ' -f2 "$work/ref" | median)
fb_wall=$(cut -d' ' -f1 "$work/fb" | median); fb_cpu=$(cut -d' ' -f2 "$work/fb" | median)
awk -v rw="$ref_wall" -v rc="$ref_cpu" -v fw="$fb_wall" -v fc="$fb_cpu" -v ew="$eb_wall" -v eu="$eb_user" \
    -v es="$eb_sys" -v n="$eb_runs" -v nr="$ref_runs" -v nf="$fb_runs" 'BEGIN {
    if (fw == 0) fw = 0.001; if (fc == 0) fc = 0.001
    printf "reference first boot (median of %d): wall %.3f s, cpu %.3f s\n", nr, rw, rc
    printf "nd-firstboot first boot (median of %d): wall %.3f s, cpu %.3f s\n", nf, fw, fc
    printf "first boot speed-up: wall %.1fx, cpu %.1fx\n", rw / fw, rc / fc
    printf "nd-firstboot every boot (%d runs): wall %.2f ms/run, cpu %.2f ms/run\n", n, ew * 1000 / n, (eu + es) * 1000 / n
}'
