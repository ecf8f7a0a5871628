# SPDX-License-Identifier: GPL-2.0
# Sourced by the step scripts of selftests/debian (run in the guest by
# tpmkey-test-step): TAP lines, counted by the host.
failed=0
pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; failed=1; }
check() {
	_name=$1
	shift
	if "$@"; then pass "$_name"; else fail "$_name"; fi
}
expect() {	# expect NAME STATUS CMD...
	_name=$1 _want=$2
	shift 2
	"$@" >/tmp/expect.out 2>&1
	_got=$?
	sed 's/^/# /' /tmp/expect.out
	if [ "$_got" -eq "$_want" ]; then pass "$_name"
	else fail "$_name (exit status $_got, expected $_want)"; fi
}
# Wait for the end of the boot (systemd): every job done.
boot_done() {
	if [ -d /run/systemd/system ]; then
		timeout 300 systemctl is-system-running --wait >/dev/null 2>&1
		systemctl is-system-running 2>/dev/null | sed 's/^/# system: /'
	fi
}
failed_units() {
	systemctl --failed --no-legend --plain 2>/dev/null | awk '{print $1}' | sort | tr '\n' ' '
}
# Nothing can be written to the mount point while the volume is missing.
mountpoint_sealed() {
	! mountpoint -q /srv/data && ! touch /srv/data/leak 2>/dev/null &&
		[ ! -e /srv/data/leak ]
}
finish() {
	exit $failed
}
