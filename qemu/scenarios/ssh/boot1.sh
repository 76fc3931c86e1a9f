# Turn ssh on (as the System API would), authorise the host's key for the
# admin, then let the host log in (host hook "ssh") and wait for it.
home=/home/neuraldrive-admin
install -d -m 0700 -o neuraldrive-admin -g neuraldrive-admin $home/.ssh
install -m 0600 -o neuraldrive-admin -g neuraldrive-admin "$ND_TEST_DIR/prepared/admin.pub" $home/.ssh/authorized_keys
check_cmd "ssh started" systemctl start ssh.service
check_cmd "sshd configuration valid" sshd -t
echo "ND-TEST-SSH-FP $(ssh-keygen -l -f /etc/neuraldrive/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')" >/dev/console
host_hook ssh
if wait_for_file $home/host-logged-in 300; then pass "host logged in with the key"; else fail "host logged in with the key" "expected the host's ssh session to create $home/host-logged-in within 300 s, it did not"; fi
check_eq "the session ran as" neuraldrive-admin "$(cat $home/host-logged-in 2>&1)"
# Let the host's remaining attempts finish before powering off.
wait_for_file $home/host-done 120 || true
