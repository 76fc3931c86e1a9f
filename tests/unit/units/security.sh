#!/bin/bash
# The security model, checked by the tools that enforce it:
#  - systemd-analyze security --offline=yes: exposure <= 2.0 for Caddy,
#    WebUI, GPU monitor and System API, <= 4.5 for Ollama; the scores are
#    printed and must match the table in units/README.md;
#  - check-hardening.sh passes on the installed units and FAILS on every
#    mutated copy (a directive of the model removed or weakened, a device
#    allow list added to the Ollama unit).
. "$(dirname "$0")/lib.sh"
need systemd-analyze cmake
here=$(cd "$(dirname "$0")" && pwd)

root="$ND_TMP/root"
make_unit_root "$root"
unitdir="$root/usr/lib/systemd/system"

"$here/check-hardening.sh" "$unitdir" || fail "the installed units violate the security model"
echo "security model directives: ok"

declare -A limit=([neuraldrive-ollama]=4.5 [neuraldrive-webui]=2.0 [neuraldrive-caddy]=2.0
                  [neuraldrive-gpu-monitor]=2.0 [neuraldrive-system-api]=2.0)
echo "systemd-analyze security --offline=yes exposure (systemd $(systemd-analyze --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p')):"
for s in $ND_SERVICES; do
        out=$(systemd-analyze security --offline=yes --root="$root" "$s.service" 2>&1) ||
                { printf '%s\n' "$out"; fail "systemd-analyze security $s"; }
        score=$(printf '%s\n' "$out" | sed -n -E "s/.*Overall exposure level for $s\.service: ([0-9]+\.[0-9]+).*/\1/p")
        [ -n "$score" ] || { printf '%s\n' "$out"; fail "no exposure score for $s"; }
        printf '  %-32s %s (limit %s)\n' "$s.service" "$score" "${limit[$s]}"
        awk -v a="$score" -v b="${limit[$s]}" 'BEGIN { exit !(a <= b) }' ||
                fail "$s exposure $score above ${limit[$s]}"
        grep -qE "^\| *$s\.service *\| *$score *\|" "$UNITS_SRC/README.md" ||
                fail "units/README.md does not record $s.service with exposure $score"
done

# Mutations: each must make the checker fail.
keys="User Group ProtectSystem ProtectHome PrivateTmp NoNewPrivileges CapabilityBoundingSet
      AmbientCapabilities RestrictAddressFamilies SystemCallFilter SystemCallArchitectures
      ProtectKernelTunables ProtectKernelModules ProtectKernelLogs ProtectControlGroups
      RestrictNamespaces RestrictRealtime RestrictSUIDSGID LockPersonality MemoryDenyWriteExecute
      UMask ReadWritePaths PrivateDevices MemoryHigh MemoryMax Restart StartLimitBurst
      IPAddressDeny Requires AssertPathExists EnvironmentFile"
mut="$ND_TMP/mut"
export CHECK_CACHE="$ND_TMP/cache"; mkdir -p "$CHECK_CACHE"
n=0
mutate() { # DESCRIPTION UNIT SED-SCRIPT
        rm -rf "$mut"; mkdir "$mut"
        for u in $ND_SERVICES; do cp "$unitdir/$u.service" "$mut/"; done
        sed -i -E -e "$3" "$mut/$2.service"
        cmp -s "$mut/$2.service" "$unitdir/$2.service" && return 0 # not applicable
        if "$here/check-hardening.sh" "$mut" >/dev/null; then
                fail "mutation not detected: $1 in $2"
        fi
        n=$((n + 1))
}
for s in $ND_SERVICES; do
        for k in $keys; do
                # Only what the model requires of this unit (e.g. no ReadWritePaths for
                # the monitor, PrivateDevices only for Ollama's explicit "no").
                case "$s:$k" in
                neuraldrive-gpu-monitor:ReadWritePaths|*:PrivateDevices|*:EnvironmentFile) continue ;;
                neuraldrive-ollama:*) ;;
                *:MemoryHigh|*:MemoryMax|*:Restart|*:StartLimitBurst) continue ;;
                esac
                case "$s:$k" in
                neuraldrive-caddy:AmbientCapabilities) ;;
                *:AmbientCapabilities) continue ;;
                esac
                mutate "remove $k=" "$s" "/^$k=/d"
        done
        mutate "ProtectSystem=full" "$s" 's/^ProtectSystem=strict$/ProtectSystem=full/'
        mutate "AF_PACKET allowed" "$s" 's/^(RestrictAddressFamilies=.*)$/\1 AF_PACKET/'
        mutate "extra writable path" "$s" 's/^(ProtectHome=yes)$/\1\nReadWritePaths=\/etc/'
done
mutate "remove PrivateDevices=no" neuraldrive-ollama '/^PrivateDevices=no$/d'
mutate "remove caddy.env" neuraldrive-caddy '/^EnvironmentFile=/d'
mutate "CAP_SYS_ADMIN" neuraldrive-caddy 's/^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$/CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SYS_ADMIN/'
mutate "capability" neuraldrive-webui 's/^CapabilityBoundingSet=$/CapabilityBoundingSet=CAP_NET_RAW/'
for add in "DeviceAllow=/dev/nvidia0 rw" "DeviceAllow=/dev/dri/renderD128 rw" "DevicePolicy=auto" "ProtectClock=yes"; do
        mutate "add $add" neuraldrive-ollama "s#^(PrivateDevices=no)\$#\\1\\n$add#"
        mutate "add $add" neuraldrive-gpu-monitor "s#^(PrivateDevices=no)\$#\\1\\n$add#"
done
# The implied-ACL check must also stand on its own: a device ACL systemd
# derives (PrivateDevices=yes → DevicePolicy=closed) without any of the
# forbidden keys.
mutate "PrivateDevices=yes" neuraldrive-ollama 's/^PrivateDevices=no$/PrivateDevices=yes/'
[ "$n" -ge 120 ] || fail "only $n mutations applied"
echo "mutations detected: $n of $n"
