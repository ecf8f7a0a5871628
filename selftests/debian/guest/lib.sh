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
# The initramfs of the running kernel holds a copy of
# /var/lib/tpmkey/key.state equal to the file itself.
initramfs_state_is_current() {
	rm -rf /tmp/unpacked
	unmkinitramfs "/boot/initrd.img-$(uname -r)" /tmp/unpacked >/dev/null 2>&1 || return 1
	for _c in /tmp/unpacked/etc/tpmkey-initramfs/key.state \
		  /tmp/unpacked/main/etc/tpmkey-initramfs/key.state; do
		[ -f "$_c" ] && cmp -s "$_c" /var/lib/tpmkey/key.state && return 0
	done
	return 1
}
# run_json NAME STATUS CMD...: CMD (a tpmkeyctl --json command) exits
# with STATUS and prints one line on stdout; that line goes out as
# "# json: ..." for the host to parse, stderr as comments.  Leaves
# /tmp/json.out and /tmp/json.err.
run_json() {
	_name=$1 _want=$2
	shift 2
	"$@" >/tmp/json.out 2>/tmp/json.err
	_got=$?
	sed 's/^/# /' /tmp/json.err
	sed 's/^/# json: /' /tmp/json.out
	if [ "$_got" -ne "$_want" ]; then
		fail "$_name (exit status $_got, expected $_want)"
	elif [ "$(wc -l </tmp/json.out)" -ne 1 ]; then
		fail "$_name (stdout is not one line)"
	else
		pass "$_name"
	fi
}
finish() {
	exit $failed
}
