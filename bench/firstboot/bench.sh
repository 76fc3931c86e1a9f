#!/bin/bash
# Benchmark: nd-firstboot against the procedure NeuralDrive runs today, on
# the same kind of temporary root (a copy of the Debian 12 /etc fixture).
#
#   reference first boot: openssl req -x509 -newkey rsa:4096 (self-signed),
#                         six useradd --prefix calls, ssh-keygen -A
#   nd-firstboot first boot: a fresh root, everything created
#   nd-firstboot every boot: the same root again (nothing to create)
#
# Wall and CPU time (user+sys, /usr/bin/time). The reference: median of
# REF_RUNS separately timed runs. nd-firstboot: the total of a timed loop
# divided by the number of runs, since one run is below the 10 ms tick.
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

: > "$work/ref"
for i in $(seq "$ref_runs"); do new_root "$work/r"; time_one reference "$work/r" >> "$work/ref"; done

# loop_time N COMMAND... -> "wall_ms cpu_ms" per iteration of a timed loop
# (one run of nd-firstboot is below the 10 ms tick of /usr/bin/time)
loop_time() {
    local n=$1; shift
    /usr/bin/time -f '%e %U %S' -o "$work/t" bash -c "$*" >/dev/null
    awk -v n="$n" '{ printf "%.2f %.2f\n", $1 * 1000 / n, ($2 + $3) * 1000 / n }' "$work/t"
}

# first boot: fb_runs fresh roots prepared beforehand, then one timed loop
for i in $(seq "$fb_runs"); do new_root "$work/fb$i"; done
read -r fb_wall fb_cpu < <(loop_time "$fb_runs" \
    "for i in \$(seq $fb_runs); do '$tool' --root '$work/fb'\$i --run-dir '$work/fb'\$i/run --cmdline '$work/fb'\$i/cmdline; done")

# every boot: the first of those roots again, eb_runs times
read -r eb_wall eb_cpu < <(loop_time "$eb_runs" \
    "for i in \$(seq $eb_runs); do '$tool' --root '$work/fb1' --run-dir '$work/fb1/run' --cmdline '$work/fb1/cmdline'; done")

# the floor: starting the program at all (dynamic linking of libcrypto etc.)
read -r help_wall help_cpu < <(loop_time "$eb_runs" "for i in \$(seq $eb_runs); do '$tool' --help; done")

ref_wall=$(cut -d' ' -f1 "$work/ref" | median); ref_cpu=$(cut -d' ' -f2 "$work/ref" | median)
awk -v rw="$ref_wall" -v rc="$ref_cpu" -v fw="$fb_wall" -v fc="$fb_cpu" -v ew="$eb_wall" -v ec="$eb_cpu" \
    -v hw="$help_wall" -v hc="$help_cpu" -v n="$eb_runs" -v nr="$ref_runs" -v nf="$fb_runs" 'BEGIN {
    printf "reference first boot (median of %d runs): wall %.0f ms, cpu %.0f ms\n", nr, rw * 1000, rc * 1000
    printf "nd-firstboot first boot (mean of %d runs): wall %.1f ms, cpu %.1f ms\n", nf, fw, fc
    printf "first boot speed-up: wall %.1fx, cpu %.1fx\n", rw * 1000 / fw, rc * 1000 / fc
    printf "nd-firstboot every boot (mean of %d runs): wall %.2f ms, cpu %.2f ms\n", n, ew, ec
    printf "  of which program start (nd-firstboot --help, %d runs): wall %.2f ms, cpu %.2f ms\n", n, hw, hc
}'

# perf's task-clock for one every-boot run, when perf is there (it counts
# only this process, so it is the least disturbed by a busy machine)
if command -v perf >/dev/null && perf stat -r 1 true >/dev/null 2>&1; then
    perf stat -r 100 "$tool" --root "$work/fb1" --run-dir "$work/fb1/run" --cmdline "$work/fb1/cmdline" \
        2>&1 >/dev/null | awk '/task-clock/ { printf "nd-firstboot every boot (perf stat -r 100): %s ms task-clock (+- %s)\n", $1, $(NF-1) }'
fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
