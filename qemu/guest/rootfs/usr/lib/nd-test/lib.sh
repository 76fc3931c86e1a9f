# TEST IMAGE ONLY: helpers for scenario scripts (sourced by nd-test-run).
# Every check prints "PASS name" or "FAIL name: expected X, saw Y".
# save/saved keep values on the scenario disk across the boots of a scenario.

ND_FAILS=0
ND_CHECKS=0

pass() { ND_CHECKS=$((ND_CHECKS + 1)); echo "PASS $1"; }
fail() { ND_CHECKS=$((ND_CHECKS + 1)); ND_FAILS=$((ND_FAILS + 1)); echo "FAIL $1: $2"; }

# check_eq NAME EXPECTED SAW
check_eq() {
        if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', saw '$3'"; fi
}

# check_ne NAME UNEXPECTED SAW
check_ne() {
        if [ "$2" != "$3" ]; then pass "$1"; else fail "$1" "expected anything but '$2', saw it"; fi
}

# check_match NAME EXTENDED-REGEX SAW
check_match() {
        if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"; else fail "$1" "expected a match of /$2/, saw '$3'"; fi
}

# check_cmd NAME COMMAND...: the command succeeds
check_cmd() {
        name=$1; shift
        if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "expected '$*' to succeed, it failed: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"; fi
}

# check_not NAME COMMAND...: the command fails
check_not() {
        name=$1; shift
        if out=$("$@" 2>&1); then fail "$name" "expected '$*' to fail, it succeeded: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"; else pass "$name"; fi
}

# check_file PATH MODE OWNER:GROUP (mode in octal as stat %a prints it)
check_file() {
        if [ ! -e "$1" ] || [ -L "$1" ]; then
                fail "file $1" "expected a file with mode $2 owned by $3, saw $(ls -ld "$1" 2>&1)"
                return
        fi
        check_eq "mode+owner $1" "$2 $3" "$(stat -c '%a %U:%G' "$1")"
}

# json_get FILE KEY: a top-level string/bool/number value of a flat JSON
# object (jq is in the test image).
json_get() { jq -r --arg k "$2" '.[$k] // empty | tostring' "$1" 2>/dev/null; }

save() { printf '%s' "$2" >"$ND_TEST_DIR/state/$1"; }
saved() { cat "$ND_TEST_DIR/state/$1" 2>/dev/null; }

# wait_for_file PATH SECONDS: for host-driven steps (the host writes nothing
# into the guest; the guest waits for something the host makes happen).
wait_for_file() {
        i=0
        while [ ! -e "$1" ] && [ "$i" -lt "$2" ]; do sleep 1; i=$((i + 1)); done
        [ -e "$1" ]
}

# host_hook NAME: asks the host runner to run the scenario's hook NAME now
# (the runner watches the console for this line) and waits for it to finish:
# the hook signals completion through the guest (see wait_for_file).
host_hook() { echo "ND-TEST-HOST-HOOK $1" >/dev/console; }

nd_test_finish() {
        if [ "$ND_FAILS" -eq 0 ] && [ "$ND_CHECKS" -gt 0 ]; then
                v="PASS $ND_CHECKS checks"
        elif [ "$ND_CHECKS" -eq 0 ]; then
                v="FAIL no checks ran"
        else
                v="FAIL $ND_FAILS of $ND_CHECKS checks failed"
        fi
        echo "$v" >"$ND_TEST_DIR/results/boot$ND_TEST_BOOT.status"
        echo "$v"
}
