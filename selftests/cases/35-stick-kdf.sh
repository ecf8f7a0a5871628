#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 15: a stick that is mounted already is refused before anything is
# spent (22); a USB disk that holds the state directory is never the stick;
# a new backup needs at least t=3, 64 MiB; a backup file whose KDF asks more
# than the machine affords is refused (23) unless --trust-kdf.
. "$(dirname "$0")/../lib.sh"

stick=$CASE_TMP/stick.img
mkstick "$stick"

cat >"$CASE_TMP/pre.sh" <<'G'
. /selftests/lib.sh
printf 'correct horse battery staple\n' >/tmp/pw
# The tests' KDF: the new-backup minimum (RFC 9106's second option).
KDF="--kdf-memory 65536 --kdf-time 3"
json_field() { tpmkeyctl --json status | grep -q "\"$1\":$2"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
has() { printf '%s\n' "$1" | grep -q -- "$2"; }
took() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }
G
guest() {	# guest NAME: the preamble plus the body on stdin
	{ cat "$CASE_TMP/pre.sh"; cat; echo guest_finish; } >"$CASE_TMP/$1"
	echo "$CASE_TMP/$1"
}

# 1. A mounted stick, the new-backup minimum, hostile KDF parameters.
s=$(guest mounted.sh <<'G'
tpmkeyctl activate >/dev/null
wait_for_sticks 1
mount /dev/sda /mnt
expect "backup to a mounted stick exits 22" 22 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
msg=$(tpmkeyctl backup --password-file /tmp/pw $KDF 2>&1)
echo "# $msg"
check "... and says how to unmount it" has "$msg" 'umount /dev/sda'
check "... the backup is not spent" json_field backup_made false
check "... nothing was written to the stick" test -z "$(ls -A /mnt)"
umount /mnt
mkdir -p /mnt2
mount -o ro /dev/sda /mnt2
expect "backup to a stick mounted read-only elsewhere exits 22" 22 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
umount /mnt2
expect "backup --kdf-time 1 (below the new-backup minimum 3) exits 2" 2 \
	tpmkeyctl backup --password-file /tmp/pw --kdf-memory 65536 --kdf-time 1
expect "backup --kdf-memory 8192 (below the minimum 65536) exits 2" 2 \
	tpmkeyctl backup --password-file /tmp/pw --kdf-memory 8192 --kdf-time 3
check "... the backup is not spent" json_field backup_made false
t0=$(uptime_s)
expect "backup with t=3, 64 MiB" 0 tpmkeyctl backup --password-file /tmp/pw $KDF
echo "# backup with t=3, 64 MiB took $(took "$t0") s"
t0=$(uptime_s)
expect "verify-backup" 0 tpmkeyctl verify-backup --password-file /tmp/pw
echo "# verify-backup (t=3, 64 MiB) took $(took "$t0") s"
mount -o ro /dev/sda /mnt
expect "verify-backup of a mounted stick exits 22" 22 \
	tpmkeyctl verify-backup --password-file /tmp/pw
umount /mnt

# Argon2 memory 4 GiB (the header's maximum) in this 512 MiB guest.
mount /dev/sda /mnt
cp /mnt/TPMKEY.BAK /tmp/good
printf '\000\000\100\000' | dd of=/mnt/TPMKEY.BAK bs=1 seek=24 conv=notrunc 2>/dev/null
umount /mnt
msg=$(tpmkeyctl verify-backup --password-file /tmp/pw 2>&1)
rc=$?
echo "# $msg"
check "a backup asking 4 GiB: verify-backup exits 23 (was $rc)" test $rc -eq 23
check "... the message names the parameters" has "$msg" 'm=4194304'
rc=0
tpmkeyctl verify-backup --password-file /tmp/pw --trust-kdf >/tmp/out 2>&1 || rc=$?
sed 's/^/# /' /tmp/out
check "... with --trust-kdf it runs and fails cleanly (1 or 13, got $rc)" \
	sh -c "[ $rc -eq 1 ] || [ $rc -eq 13 ]"
rmmod tpmkey && tpmkey_insmod
mv /var/lib/tpmkey/key.state /tmp/key.state
expect "restore of a backup asking 4 GiB exits 23" 23 \
	tpmkeyctl restore --password-file /tmp/pw
check "... nothing changed" \
	sh -c '! test -e /var/lib/tpmkey/key.state && ! keyctl search @u logon tpmkey:dek'
G
)
vm --tpm "$CASE_TMP/tpm" --state-disk "$CASE_TMP/state.img" --stick "$stick" \
	"$s" || case_failed=1

# 2. The state directory on a USB disk: never the stick.
mkstick "$CASE_TMP/s2.img"
s=$(guest usbstate.sh <<'G'
wait_for_sticks 1
mount -t ext4 /dev/sda /var/lib/tpmkey || echo "# cannot mount the USB state disk"
tpmkeyctl activate >/dev/null
expect "backup with the state directory's USB disk and no stick exits 7" 7 \
	tpmkeyctl backup --password-file /tmp/pw $KDF --wait 2
check "... the backup is not spent" json_field backup_made false
echo PLUG
wait_for_sticks 2
sleep 1
expect "with a stick plugged in too, backup takes the stick" 0 \
	tpmkeyctl backup --password-file /tmp/pw $KDF --wait 5
check "... TPMKEY.BAK is on the stick, not on the state disk" \
	sh -c 'mount -o ro /dev/sdb /mnt && test -f /mnt/TPMKEY.BAK; r=$?; umount /mnt; [ $r -eq 0 ] && ! test -e /var/lib/tpmkey/TPMKEY.BAK'

# erase --wipe: progress on a terminal only (issue 15, item 9).
expect "erase --wipe on a terminal" 0 sh -c \
	'/selftests/ptyrun -- tpmkeyctl erase --yes --wipe /dev/disk/tpmkey-data 2>/tmp/tty.out'
tr '\r' '\n' </tmp/tty.out | sed 's/^/# /'
check "... shows bytes done and the rate" grep -q 'MiB of 64 MiB.*MiB/s' /tmp/tty.out
check "... and finishes its progress line" grep -q 'of 64 MiB (100%).*done in' /tmp/tty.out
tpmkeyctl activate >/dev/null
tpmkeyctl erase --yes --wipe /dev/disk/tpmkey-data >/tmp/out 2>&1
check "erase --wipe without a terminal shows no progress" sh -c '! grep -q "MiB/s" /tmp/out'
G
)
vm --tpm "$CASE_TMP/tpm2" --usb-state-disk "$CASE_TMP/usbstate.img" \
	--data-disk "$CASE_TMP/data.img" \
	--on "PLUG=qmp plug s2 $CASE_TMP/s2.img" "$s" || case_failed=1

finish
