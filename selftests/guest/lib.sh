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

# new_stick MARKER: print MARKER, on which the host (a vm-run --on hook)
# swaps the stick; wait for exactly one USB disk with a diskseq not seen
# before.
new_stick() {
	local old i d n
	old=" $(cat /sys/block/sd*/diskseq 2>/dev/null | tr '\n' ' ') "
	echo "$1"
	for i in $(seq 200); do
		n=0
		for d in /sys/block/sd*; do
			[ -e "$d/diskseq" ] || continue
			n=$((n + 1))
			case $old in *" $(cat "$d/diskseq") "*) n=99 ;; esac
		done
		[ $n -eq 1 ] && sleep 0.3 && return 0
		sleep 0.1
	done
	echo "# no new stick after $1"
	return 1
}

# one_stick MARKER: print MARKER, on which the host pulls one of two
# sticks; wait until one is left.
one_stick() {
	local i
	echo "$1"
	for i in $(seq 200); do
		[ "$(ls -d /sys/block/sd* 2>/dev/null | wc -l)" -eq 1 ] && return 0
		sleep 0.1
	done
	echo "# not one stick after $1"
	return 1
}

# no_stick MARKER: print MARKER, on which the host pulls the stick; wait
# until it is gone.
no_stick() {
	local i
	echo "$1"
	for i in $(seq 200); do
		ls -d /sys/block/sd* >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	echo "# the stick is still there after $1"
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

# The module's lock PCR in the tests is the resettable 23 (vm-run): reset it
# before each load, as a new boot would, so that a test may load many times.
test_pcr_reset() {
	tpm2 pcrreset 23 >/dev/null 2>&1 || true
}

tpmkeyctl() {
	case "$*" in
	*load*|*restore*) test_pcr_reset ;;
	esac
	command tpmkeyctl "$@"
}

dek_in_keyring() {
	keyctl search @u logon tpmkey:dek >/dev/null 2>&1
}

guest_finish() {
	exit $guest_failed
}
