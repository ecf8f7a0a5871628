# SPDX-License-Identifier: GPL-2.0
# Sourced by selftests/cases/*.sh, which run on the host and print TAP
# lines ("ok - NAME" / "not ok - NAME"); selftests/run counts them.
#
# Environment: KERNEL (the prepared test kernel), CASE_TMP (a scratch
# directory removed after the case).

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
vmdir=$top/selftests/vm
: "${KERNEL:=6.1}"
: "${CASE_TMP:=$(mktemp -d)}"
case_failed=0

# vm [vm-run options] SCRIPT [FILE...]: boot the test kernel once.
vm() {
	"$vmdir/vm-run" --kernel "$KERNEL" "$@"
}

mkstick() {
	"$vmdir/mkstick" "$@"
}

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; case_failed=1; }

# check NAME CMD...: one test point, passing when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# expect_status NAME WANT CMD...: passes when CMD exits with WANT.
expect_status() {
	local name=$1 want=$2 got=0
	shift 2
	"$@" || got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$name"
	else
		fail "$name (exit status $got, expected $want)"
	fi
}

# guest_script NAME <<'EOF' ... EOF: write a guest script into CASE_TMP.
guest_script() {
	cat >"$CASE_TMP/$1"
	echo "$CASE_TMP/$1"
}

finish() {
	exit $case_failed
}
