#!/bin/bash
# check-hardening.sh UNITDIR: checks the five service units in UNITDIR
# against NeuralDrive's security model. Prints one line per violation and
# exits 1 if there is any. Used by security.sh on the real units and on
# mutated copies (which must fail).
set -uo pipefail
dir="$1"
bad=0
violation() { echo "VIOLATION $1: $2"; bad=1; }

# The unit files, read once (this runs for every mutated copy).
declare -A text
for f in "$dir"/*.service; do
        u=$(basename "$f" .service)
        text[$u]=$'\n'"$(<"$f")"$'\n'
done
# has UNIT LINE: the exact assignment is present.
has() { [[ ${text[$1]-} == *$'\n'"$2"$'\n'* ]]; }
# key_present UNIT KEY
key_present() { [[ ${text[$1]-} == *$'\n'"$2="* ]]; }
need_line() { has "$1" "$2" || violation "$1" "missing '$2'"; }

common=(
        "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" "NoNewPrivileges=yes"
        "ProtectKernelTunables=yes" "ProtectKernelModules=yes" "ProtectKernelLogs=yes"
        "ProtectControlGroups=yes" "RestrictNamespaces=yes" "LockPersonality=yes"
        "RestrictRealtime=yes" "RestrictSUIDSGID=yes" "SystemCallArchitectures=native"
        "SystemCallFilter=@system-service" "UMask=0077" "PrivateIPC=yes" "PrivateMounts=yes"
        "ProtectProc=invisible" "RemoveIPC=yes"
)

declare -A user=(
        [neuraldrive-ollama]=neuraldrive-ollama [neuraldrive-webui]=neuraldrive-webui
        [neuraldrive-caddy]=neuraldrive-caddy [neuraldrive-gpu-monitor]=neuraldrive-monitor
        [neuraldrive-system-api]=neuraldrive-api
)
# Each service may write only below its own data (none for the monitor).
declare -A rw=(
        [neuraldrive-ollama]="ReadWritePaths=/var/lib/neuraldrive/models /var/lib/neuraldrive/ollama"
        [neuraldrive-webui]="ReadWritePaths=/var/lib/neuraldrive/webui"
        [neuraldrive-caddy]="ReadWritePaths=/var/lib/neuraldrive/caddy"
        [neuraldrive-gpu-monitor]=""
        [neuraldrive-system-api]="ReadWritePaths=/etc/neuraldrive"
)

for s in "${!user[@]}"; do
        f="$dir/$s.service"
        [ -f "$f" ] || { violation "$s" "unit file missing"; continue; }
        need_line "$s" "User=${user[$s]}"
        need_line "$s" "Group=${user[$s]}"
        for l in "${common[@]}"; do need_line "$s" "$l"; done
        grep -qE '^SystemCallFilter=~@privileged( |$)' "$f" || violation "$s" "missing 'SystemCallFilter=~@privileged'"
        grep -qE '^RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6( AF_NETLINK)?$' "$f" ||
                violation "$s" "RestrictAddressFamilies= missing or wider than AF_UNIX AF_INET AF_INET6 (+AF_NETLINK)"
        got=$(grep -E '^ReadWritePaths=' "$f" || true)
        [ "$got" = "${rw[$s]}" ] || violation "$s" "ReadWritePaths is '$got', expected '${rw[$s]}'"
        # No service may hold capabilities except Caddy's one.
        if [ "$s" = neuraldrive-caddy ]; then
                need_line "$s" "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"
                need_line "$s" "AmbientCapabilities=CAP_NET_BIND_SERVICE"
                [ "$(grep -cE '^(CapabilityBoundingSet|AmbientCapabilities)=' "$f")" = 2 ] ||
                        violation "$s" "extra capability lines"
        else
                need_line "$s" "CapabilityBoundingSet="
                [ "$(grep -cE '^CapabilityBoundingSet=' "$f")" = 1 ] || violation "$s" "extra CapabilityBoundingSet= lines"
                ! grep -qE '^AmbientCapabilities=.+' "$f" || violation "$s" "ambient capabilities"
        fi
        ! grep -qE '^(User=root|DynamicUser=|PermissionsStartOnly=)' "$f" || violation "$s" "runs as root"
done

# MemoryDenyWriteExecute where the runtime allows it (Go, plain CPython).
for s in neuraldrive-caddy neuraldrive-gpu-monitor neuraldrive-system-api; do
        need_line "$s" "MemoryDenyWriteExecute=yes"
done
# Services that only serve Caddy on loopback.
for s in neuraldrive-gpu-monitor neuraldrive-system-api; do
        need_line "$s" "IPAddressDeny=any"
        need_line "$s" "IPAddressAllow=localhost"
done
# Missing provisioned keys must stop these two.
need_line neuraldrive-caddy "Requires=neuraldrive-firstboot.service"
need_line neuraldrive-caddy "EnvironmentFile=/etc/neuraldrive/caddy.env"
need_line neuraldrive-caddy "AssertPathExists=/etc/neuraldrive/tls/server.crt"
need_line neuraldrive-caddy "AssertPathExists=/etc/neuraldrive/tls/server.key"
need_line neuraldrive-system-api "Requires=neuraldrive-firstboot.service"
need_line neuraldrive-system-api "AssertPathExists=/etc/neuraldrive/api.key"

# Ollama: GPU access without any device filter, limits against exhaustion.
o=neuraldrive-ollama
need_line $o "PrivateDevices=no"
need_line $o "MemoryHigh=90%"
need_line $o "MemoryMax=95%"
need_line $o "Restart=on-failure"
need_line $o "StartLimitBurst=5"
need_line $o "StartLimitIntervalSec=300"
for k in DeviceAllow DevicePolicy ProtectClock; do
        ! key_present $o $k || violation $o "$k= present (on cgroup v2 a device allow list blocks CUDA)"
done
# The GPU monitor talks to the same driver.
for k in DeviceAllow DevicePolicy ProtectClock; do
        ! key_present neuraldrive-gpu-monitor $k || violation neuraldrive-gpu-monitor "$k= present"
done

# What systemd itself makes of the units: no device ACL at all for the two
# GPU users (catches directives that imply one, e.g. ProtectClock=).
for s in neuraldrive-ollama neuraldrive-gpu-monitor; do
        # CHECK_CACHE (optional): a directory remembering the analysis per
        # file content, so that many mutated copies stay fast.
        key=""
        if [ -n "${CHECK_CACHE:-}" ]; then
                key="$CHECK_CACHE/$(sha256sum <"$dir/$s.service" | cut -d' ' -f1)"
        fi
        if [ -n "$key" ] && [ -f "$key" ]; then
                d=$(cat "$key")
        else
                d=$(systemd-analyze security --offline=yes --json=short "$dir/$s.service" 2>/dev/null |
                    grep -o '"name":"DeviceAllow=","json_field":"DeviceAllow","description":"[^"]*"' || true)
                [ -z "$key" ] || printf '%s' "$d" >"$key"
        fi
        case "$d" in
        *'"description":"Service has no device ACL"') ;;
        *) violation "$s" "systemd sees a device ACL: ${d:-no DeviceAllow entry in the analysis}" ;;
        esac
done
exit $bad
