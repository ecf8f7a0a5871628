# SPDX-License-Identifier: GPL-2.0
# Sourced by selftests/cases/*.sh, which run on the host and print TAP
# lines ("ok - NAME" / "not ok - NAME"); selftests/run counts them.
#
# Environment: KERNEL (the prepared test kernel), CASE_TMP (a scratch
# directory removed after the case), TPMKEY_FIRST_KERNEL (the first kernel
# of a selftests/run; see once_per_run).

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

# once_per_run: true on the first kernel of a run (or when a case runs on
# its own).  The tests it guards check the harness or userspace, not the
# kernel, and are slow under emulation (a 20 s hang, the default Argon2
# cost, a power cut): running them on every kernel adds minutes and no
# coverage.
once_per_run() {
	[ -z "${TPMKEY_FIRST_KERNEL:-}" ] || [ "$KERNEL" = "$TPMKEY_FIRST_KERNEL" ]
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
