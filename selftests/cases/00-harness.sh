#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM harness itself: results come back, and a kernel report, a crash or
# a hang fails the run whatever the guest script says.
. "$(dirname "$0")/../lib.sh"

s=$(guest_script ok.sh <<'G'
grep -q '^tpmkey ' /proc/modules && test -c /dev/tpmkey && test -c /dev/tpmrm0
G
)
expect_status "a clean boot returns the guest script's status 0" 0 vm "$s"

s=$(guest_script three.sh <<'G'
exit 3
G
)
expect_status "the guest script's exit status 3 comes back" 3 vm "$s"

s=$(guest_script warn.sh <<'G'
echo "WARNING: CPU: 0 PID: 1 at injected/by/harness-test.c:1" >/dev/kmsg
exit 0
G
)
expect_status "a WARNING line on the guest console fails the run" 126 vm "$s"

s=$(guest_script crash.sh <<'G'
echo c >/proc/sysrq-trigger
exit 0
G
)
got=0
vm "$s" 2>/dev/null || got=$?
check "a kernel crash fails the run (status $got)" test "$got" -eq 125 -o "$got" -eq 126

if once_per_run; then
	s=$(guest_script hang.sh <<'G'
sleep 600
G
	)
	expect_status "a hung guest is killed and fails the run" 124 vm --timeout 20 "$s"
fi

# Sticks: a FAT32 one, a write-protected partitioned one; enumeration is
# asynchronous, so the guest polls with a deadline.
mkstick "$CASE_TMP/a.img"
mkstick "$CASE_TMP/b.img" --partitioned
s=$(guest_script sticks.sh <<'G'
for i in $(seq 100); do
	[ -e /sys/block/sda ] && [ -e /sys/block/sdb ] && break
	sleep 0.1
done
ro=
for d in /sys/block/sd?; do
	readlink -f "$d/device" | grep -q /usb || exit 1
	ro="$ro$(cat "$d/ro")"
done
[ "$ro" = 01 ] || [ "$ro" = 10 ] || exit 2
ls /sys/block/ | grep -q 'sd.1\|sdb' || true
test -e /sys/block/sda/sda1 -o -e /sys/block/sdb/sdb1 || exit 3
G
)
expect_status "two USB sticks appear, one write-protected, one partitioned" 0 \
	vm --stick "$CASE_TMP/a.img" --stick "$CASE_TMP/b.img,ro" "$s"

# The TPM state directory persists between boots; a new one is a new chip.
# The project's kernels seal with trusted keys.  Debian's kernels have no
# trusted key type (CONFIG_TRUSTED_KEYS is off): there adding one must fail,
# and an NV index written with tpm2-tools shows that the TPM's state
# persists.
case ${KERNEL%%+*} in
debian-*)
	s=$(guest_script notrusted.sh <<'G'
# add_key(2) says ENODEV for a key type the kernel does not have.
out=$(keyctl add trusted kmk "new 32 keyhandle=0x81000001" @u 2>&1) && exit 0
echo "$out"
echo "$out" | grep -q 'No such device' || exit 100
exit 1
G
	)
	got=0
	vm "$s" 2>/dev/null || got=$?
	check "Debian's kernel has no trusted key type: keyctl add trusted fails with ENODEV (status $got)" \
		test "$got" -eq 1
	# tpm2-tools' errors ("WARNING:esys:...") would trip check-console.
	s1=$(guest_script seal.sh <<'G'
tpm2 nvdefine 0x1500016 -C o -s 16 -a "ownerread|ownerwrite" >/dev/null 2>&1 &&
	head -c 16 /dev/urandom >/var/lib/tpmkey/blob &&
	tpm2 nvwrite 0x1500016 -C o -i /var/lib/tpmkey/blob 2>/dev/null
G
	)
	s2=$(guest_script unseal.sh <<'G'
tpm2 nvread 0x1500016 -C o -s 16 -o /tmp/nv 2>/dev/null &&
	cmp /tmp/nv /var/lib/tpmkey/blob
G
	)
	what="an NV index written in one boot reads back"
	what_new="a replaced TPM has no such index"
	;;
*)
	s1=$(guest_script seal.sh <<'G'
keyctl add trusted kmk "new 32 keyhandle=0x81000001" @u >/dev/null &&
	keyctl pipe "$(keyctl search @u trusted kmk)" >/var/lib/tpmkey/blob
G
	)
	s2=$(guest_script unseal.sh <<'G'
keyctl add trusted kmk "load $(cat /var/lib/tpmkey/blob) keyhandle=0x81000001" @u >/dev/null
G
	)
	what="a key sealed in one boot unseals"
	what_new="a replaced TPM cannot unseal it"
	;;
esac
vm --tpm "$CASE_TMP/tpm" --state-disk "$CASE_TMP/state.img" "$s1" >/dev/null
expect_status "$what after a reboot" 0 \
	vm --tpm "$CASE_TMP/tpm" --state-disk "$CASE_TMP/state.img" "$s2"
got=0
vm --tpm "$CASE_TMP/tpm2" --state-disk "$CASE_TMP/state.img" "$s2" 2>/dev/null || got=$?
check "$what_new (status $got)" test "$got" -ne 0 -a "$got" -lt 124

finish
