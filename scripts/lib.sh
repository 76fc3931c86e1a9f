# Shared by scripts/test and scripts/demo: install what a fresh Debian 12
# machine lacks, from the one package list scripts/debian-packages.txt.
# shellcheck shell=bash

nd_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# nd_packages TAG... prints the packages carrying any of the tags.
nd_packages() {
    local tags=" $* "
    while read -r tag pkg _; do
        case "$tag" in ''|'#'*) continue ;; esac
        [[ "$tags" == *" $tag "* ]] && echo "$pkg"
    done < "$nd_root/scripts/debian-packages.txt" | sort -u
}

# nd_install_packages TAG... installs the missing ones with apt-get, without
# starting the services some of them ship (sshd, fail2ban): the tests run
# those tools directly and must not leave daemons listening on this machine.
nd_install_packages() {
    local missing=() pkg
    for pkg in $(nd_packages "$@"); do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
            missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages: ${missing[*]}; run as root or install them." >&2
        return 1
    fi
    echo "Installing: ${missing[*]}"
    local policy=/usr/sbin/policy-rc.d own_policy=
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=1
    fi
    local rc=0
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } ||
        rc=$?
    [ -n "$own_policy" ] && rm -f "$policy"
    return $rc
}
