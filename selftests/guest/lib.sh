# SPDX-License-Identifier: GPL-2.0
# Sourced by guest-side test scripts (. /selftests/lib.sh): TAP helpers and
# small tools busybox lacks.

guest_failed=0

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; guest_failed=1; }

# expect NAME WANT CMD...: a test point passing when CMD exits with WANT.
expect() {
	local name=$1 want=$2 got=0
	shift 2
	"$@" || got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$name"
	else
		fail "$name (exit status $got, expected $want)"
	fi
}

# check NAME CMD...: a test point passing when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# byte FILE OFFSET: the unsigned value of one byte.
byte() {
	od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '
}

# le32 FILE OFFSET: a little-endian 32-bit field.
le32() {
	od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '
}

# flip FILE OFFSET: invert one byte in place.
flip() {
	local v
	v=$(( $(byte "$1" "$2") ^ 255 ))
	printf "\\$(printf %o "$v")" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# wait_for_disks N: wait (up to 10 s) until N USB disks (sd*) are there.
wait_for_sticks() {
	local i n
	for i in $(seq 100); do
		n=$(ls -d /sys/block/sd* 2>/dev/null | wc -l)
		[ "$n" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# tpmkey_insmod [PARAM...]: insmod tpmkey.ko with the VM's module parameters
# (vm-run --kernel NAME+BACKEND), as "options tpmkey ..." in /etc/modprobe.d
# gives them to modprobe.  A PATH wrapper would not do: busybox sh runs its
# own insmod applet whatever PATH says.
tpmkey_insmod() {
	# shellcheck disable=SC2086
	insmod /lib/modules/tpmkey.ko $TPMKEY_MODULE_PARAMS "$@"
}

dek_in_keyring() {
	keyctl search @u logon tpmkey:dek >/dev/null 2>&1
}

guest_finish() {
	exit $guest_failed
}
