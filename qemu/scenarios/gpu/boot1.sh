# The render node of the virtio GPU, and who can open it.
node=/dev/dri/renderD128
udevadm settle -t 30
check_cmd "render node exists" test -c $node
check_eq "render node owner/group/mode" "901 render 660" "$(stat -c '%u %G %a' $node 2>&1)"
check_cmd "UID 901 opens it read-write" \
        setpriv --reuid=901 --regid=901 --clear-groups sh -c "exec 3<>$node"
check_not "nobody (65534) cannot open it" \
        setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "exec 3<>$node"

# A unit with exactly the Ollama unit's [Service] sandbox, running a probe
# instead of ollama (whose binary is not in the test image).
unit=/usr/lib/systemd/system/neuraldrive-ollama.service
check_cmd "ollama unit installed" test -f $unit
{
        echo "[Service]"
        # Everything but what runs and when: EnvironmentFile= lines go too
        # (ollama.conf is NeuralDrive's, not in the test image).
        sed -n '/^\[Service\]/,/^\[/p' $unit | grep -v -e '^\[' -e '^ExecStart' -e '^Restart' -e '^EnvironmentFile' \
                -e '^Type=' -e '^StartLimit' -e '^ExecReload' -e '^ExecStop'
        echo "Type=oneshot"
        echo "ExecStart=/bin/sh -c 'exec 3<>$node && id -u'"
} >/run/systemd/system/nd-test-gpu-probe.service
systemctl daemon-reload
if systemctl start nd-test-gpu-probe.service; then
        pass "probe unit (ollama sandbox, UID 901) opens the node"
else
        fail "probe unit (ollama sandbox, UID 901) opens the node" \
                "expected success, the unit failed: $(journalctl -b -u nd-test-gpu-probe.service -o cat | tail -n 5 | tr '\n' ' ')"
fi
check_eq "probe unit ran as" 901 "$(journalctl -u nd-test-gpu-probe.service -o cat | grep -E '^[0-9]+$' | tail -n 1)"
check_eq "probe unit user" "neuraldrive-ollama" "$(systemctl show -p User --value nd-test-gpu-probe.service)"
check_eq "probe unit ProtectSystem" strict "$(systemctl show -p ProtectSystem --value nd-test-gpu-probe.service)"
check_eq "probe unit NoNewPrivileges" yes "$(systemctl show -p NoNewPrivileges --value nd-test-gpu-probe.service)"
check_eq "probe unit PrivateDevices" no "$(systemctl show -p PrivateDevices --value nd-test-gpu-probe.service)"
