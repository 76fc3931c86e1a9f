#!/bin/bash
# The systemd preset, applied the way an image build applies it
# (systemctl --root preset-all) to a root with Debian's units and presets,
# where openssh-server's postinst has enabled ssh.service: afterwards SSH
# is disabled and our units are enabled through their [Install] sections.
. "$(dirname "$0")/lib.sh"
need systemctl cmake
[ -d /usr/lib/systemd/system-preset ] || skip "no /usr/lib/systemd/system-preset on this machine"

r="$ND_TMP/root"
mkdir -p "$r/usr/lib/systemd" "$r/etc/systemd/system/multi-user.target.wants"
cp -a /usr/lib/systemd/system /usr/lib/systemd/system-preset "$r/usr/lib/systemd/"
install_units "$r"
[ -f "$r/usr/lib/systemd/system/ssh.service" ] || skip "openssh-server's ssh.service is not on this machine"
ln -s /usr/lib/systemd/system/ssh.service "$r/etc/systemd/system/multi-user.target.wants/ssh.service"

systemctl --root="$r" preset-all >/dev/null 2>&1 || fail "systemctl preset-all"
state() { systemctl --root="$r" is-enabled "$1" 2>/dev/null || true; }
[ "$(state ssh.service)" = disabled ] || fail "ssh.service is $(state ssh.service) after the preset"
for u in neuraldrive-firstboot.service neuraldrive-ollama.service neuraldrive-webui.service \
         neuraldrive-caddy.service neuraldrive-gpu-monitor.service neuraldrive-system-api.service \
         neuraldrive-certs.service neuraldrive-certs.timer; do
        [ "$(state $u)" = enabled ] || fail "$u is $(state $u) after the preset"
done
[ -L "$r/etc/systemd/system/sysinit.target.wants/neuraldrive-firstboot.service" ] ||
        fail "the provisioning fallback is not pulled in by sysinit.target"
# Static helpers: started by Caddy (the .path) and by the .path (the service).
[ "$(state neuraldrive-caddy-reload.path)" = static ] || fail "neuraldrive-caddy-reload.path is not static"
grep -qxF "Wants=neuraldrive-caddy-reload.path" "$r/usr/lib/systemd/system/neuraldrive-caddy.service" ||
        fail "Caddy does not pull in its reload path unit"
echo "preset: ssh disabled, NeuralDrive units enabled"
