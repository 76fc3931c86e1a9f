# Shared helpers for the units/ tests (sourced by bash scripts).
# Environment from ctest: ND_SOURCE_DIR, ND_BUILD_DIR.
set -euo pipefail

: "${ND_SOURCE_DIR:?run through ctest (ND_SOURCE_DIR unset)}"
: "${ND_BUILD_DIR:?run through ctest (ND_BUILD_DIR unset)}"
UNITS_SRC="$ND_SOURCE_DIR/units"

# The five services of the security model with their users.
ND_SERVICES="neuraldrive-ollama neuraldrive-webui neuraldrive-caddy neuraldrive-gpu-monitor neuraldrive-system-api"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
need() { for t in "$@"; do command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"; done; }

# A temporary directory removed on exit; ND_TMP names it.
ND_TMP=$(mktemp -d /tmp/nd-units-test.XXXXXX)
cleanup_tmp() { rm -rf "$ND_TMP"; }
trap cleanup_tmp EXIT

# install_units DESTDIR: runs the units/ install rules as `cmake --install
# --prefix /usr` would, so the tests see the installed layout.
install_units() {
        DESTDIR="$1" cmake -DCMAKE_INSTALL_PREFIX=/usr \
                -P "$ND_BUILD_DIR/units/cmake_install.cmake" >/dev/null
}

# make_unit_root ROOT: a root with Debian 12's own units (copied from this
# machine), ours installed on top, and an executable stand-in for every
# absolute program any of those units run, so `systemd-analyze verify
# --root` resolves everything.
make_unit_root() {
        local root="$1" exe
        mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system"
        cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
        install_units "$root"
        sed -n -E 's/^Exec[A-Za-z]*=[-+@!:]*(\/[^ ]*).*/\1/p' \
                "$root"/usr/lib/systemd/system/*.service | sort -u |
        while read -r exe; do
                [ -e "$root$exe" ] && continue
                mkdir -p "$root$(dirname "$exe")"
                printf '#!/bin/sh\nexit 0\n' >"$root$exe"
                chmod 0755 "$root$exe"
        done
}

# with_user_systemd CONFIG_HOME STEPS: runs bash STEPS next to a user-mode
# systemd (as root) whose units are in CONFIG_HOME/systemd/user. Both live
# in a private mount namespace with /run a tmpfs, so this machine's /run is
# never touched (its PID 1 is not systemd; the manager only needs
# /run/systemd/system to exist). The manager is stopped when STEPS ends.
with_user_systemd() {
        local cfg="$1" steps="$2" inner="$ND_TMP/user-systemd.sh"
        cat >"$inner" <<INNER
set -u
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/system /run/user/0
export XDG_RUNTIME_DIR=/run/user/0 XDG_CONFIG_HOME=$cfg
/lib/systemd/systemd --user >$ND_TMP/manager.log 2>&1 &
mgr=\$!
trap 'kill \$mgr 2>/dev/null; wait \$mgr 2>/dev/null' EXIT
for i in \$(seq 100); do
        case "\$(systemctl --user is-system-running 2>/dev/null)" in running|degraded) break ;; esac
        sleep 0.1
done
bash $steps
INNER
        unshare -m --propagation private bash "$inner"
}

# probe_sandbox UNIT_FILE...: sets $drop to the sandbox directives of those
# units (as an ERE alternation of keys, empty for none) that this machine
# cannot apply to any unit at all, probed on /bin/true with a user-mode
# systemd (in some containers ProtectHome= and friends fail with
# 226/NAMESPACE), and prints them. The unit copies under test leave them out.
probe_sandbox() {
        local u="$ND_TMP/cfg/systemd/user" kv i=0
        mkdir -p "$u"
        : >"$ND_TMP/probes"
        while read -r kv; do
                [ -n "$kv" ] || continue
                i=$((i + 1))
                printf '[Service]\nType=oneshot\n%s\nExecStart=/bin/true\n' "$kv" >"$u/probe$i.service"
                echo "probe$i $kv" >>"$ND_TMP/probes"
        done < <(sed -n -E 's/^(Protect[A-Za-z]*|Private[A-Za-z]*|Restrict[A-Za-z]*)=.*/&/p' "$@" | sort -u)
        cat >"$ND_TMP/probe-steps.sh" <<PROBE
while read -r n kv; do
        systemctl --user start \$n.service >/dev/null 2>&1 || echo "\$kv"
done <$ND_TMP/probes >$ND_TMP/unsupported
PROBE
        with_user_systemd "$ND_TMP/cfg" "$ND_TMP/probe-steps.sh"
        rm -f "$u"/probe*.service
        drop=$(sed 's/=.*//' "$ND_TMP/unsupported" | sort -u | paste -sd'|')
        [ -z "$drop" ] ||
                echo "not applicable on this machine (dropped from the copies): $(paste -sd' ' "$ND_TMP/unsupported")"
}

# sandbox_workdir: prints a new directory that sandboxed units can see.
# PrivateTmp= hides /tmp and /var/tmp, so when the build directory lies below
# either (a clone in /tmp), the directory goes to /var/lib instead. The
# caller removes it.
sandbox_workdir() {
        local base="$ND_BUILD_DIR"
        case "$(realpath "$base")/" in /tmp/* | /var/tmp/*) base=/var/lib ;; esac
        mktemp -d "$base/nd-units-test.XXXXXX"
}

# seed_root ROOT: /etc/passwd and /etc/group as a fresh Debian 12 has them
# (base-passwd's masters), the base nd-firstboot and systemd-sysusers add to.
seed_root() {
        mkdir -p "$1/etc" "$1/run"
        [ -f /usr/share/base-passwd/passwd.master ] || skip "base-passwd's masters are missing"
        cp /usr/share/base-passwd/passwd.master "$1/etc/passwd"
        cp /usr/share/base-passwd/group.master "$1/etc/group"
}
