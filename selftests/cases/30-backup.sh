#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One-time backup to one USB stick, verify, restore onto a replacement TPM,
# rollback attempts, every way backup and restore can fail, and a stick
# that fails after the backup was spent (the kept, unsaved file).
. "$(dirname "$0")/../lib.sh"

tpm=$CASE_TMP/tpm
disks=(--state-disk "$CASE_TMP/state.img" --data-disk "$CASE_TMP/data.img")
stick=$CASE_TMP/stick.img
mkstick "$stick"

# Shared guest preamble: a password, a wrong one, the cheapest KDF a new
# backup may have (t=3, 64 MiB: about 1.3 s under TCG).
cat >"$CASE_TMP/pre.sh" <<'G'
. /selftests/lib.sh
printf 'correct horse battery staple\n' >/tmp/pw
printf 'wrong horse battery staple\n' >/tmp/bad
KDF="--kdf-memory 65536 --kdf-time 3"
yes "tpmkey pattern 0123456789abcdef" | head -c 16777216 >/tmp/pattern
sum() { sha256sum "$1" | cut -d' ' -f1; }
json_field() { tpmkeyctl --json status | grep -q "\"$1\":$2"; }
G
guest() {	# guest NAME: the preamble plus the body on stdin
	{ cat "$CASE_TMP/pre.sh"; cat; echo guest_finish; } >"$CASE_TMP/$1"
	echo "$CASE_TMP/$1"
}

# 1. Lifecycle on the first TPM.
s=$(guest life1.sh <<'G'
expect "backup before activate exits 4" 4 tpmkeyctl backup --password-file /tmp/pw $KDF
tpmkeyctl activate >/dev/null
tpmkeyctl open /dev/disk/tpmkey-data data
dd if=/tmp/pattern of=/dev/mapper/data bs=1M oflag=direct 2>/dev/null
tpmkeyctl close data
check "status says no backup yet" json_field backup_made false
cp /var/lib/tpmkey/key.state /var/lib/tpmkey/before-backup.state
expect "backup with the password on a file descriptor" 0 \
	tpmkeyctl backup --password-fd 3 $KDF 3</tmp/pw
check "status says the backup is made" json_field backup_made true
wait_for_sticks 1
mount -o ro /dev/sda /mnt
check "TPMKEY.BAK is on the stick" test -f /mnt/TPMKEY.BAK
check "nothing else was left on the stick" test "$(ls -A /mnt)" = TPMKEY.BAK
check "the file has the documented size (144 + 64 + 16)" test "$(stat -c %s /mnt/TPMKEY.BAK)" = 224
umount /mnt
check "fsck.fat finds the stick clean" fsck.fat -n /dev/sda
expect "verify-backup with the right password" 0 tpmkeyctl verify-backup --password-file /tmp/pw
expect "verify-backup with a wrong password exits 13" 13 tpmkeyctl verify-backup --password-file /tmp/bad
expect "a second backup exits 6" 6 tpmkeyctl backup --password-file /tmp/pw $KDF
G
)
vm --tpm "$tpm" "${disks[@]}" --stick "$stick" "$s" || case_failed=1
cp "$stick" "$CASE_TMP/backup-stick.img"

# 2. Reboot; then rollback of the state file; then the NV index re-created.
s=$(guest life2.sh <<'G'
tpmkeyctl load >/dev/null
expect "after a reboot a second backup still exits 6" 6 tpmkeyctl backup --password-file /tmp/pw $KDF
rmmod tpmkey && tpmkey_insmod
cp /var/lib/tpmkey/before-backup.state /var/lib/tpmkey/key.state
expect "the state from before the backup loads" 0 tpmkeyctl load
expect "after a rollback of the state file, backup still exits 6" 6 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
tpm2 nvundefine 0x01746b01 -C o >/dev/null 2>&1
tpm2 nvdefine 0x01746b01 -C o -s 8 -a "nt=counter|ownerread|ownerwrite|no_da" >/dev/null 2>&1
tpm2 nvincrement 0x01746b01 -C o >/dev/null 2>&1
rmmod tpmkey && tpmkey_insmod
tpmkeyctl load >/dev/null
expect "after the NV counter was deleted and re-created, backup still exits 6" 6 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
G
)
vm --tpm "$tpm" "${disks[@]}" --stick "$stick" "$s" || case_failed=1

# 3. The TPM is replaced by a new, empty one (no storage key).
s=$(guest life3.sh <<'G'
expect "with the TPM replaced, load exits 16" 16 tpmkeyctl load
before=$(sum /var/lib/tpmkey/key.state)
expect "restore with a wrong password exits 13" 13 tpmkeyctl restore --password-file /tmp/bad
check "... and leaves the state file unchanged" test "$(sum /var/lib/tpmkey/key.state)" = "$before"
check "... and loads nothing" sh -c '! keyctl search @u logon tpmkey:dek'
expect "restore with the right password" 0 tpmkeyctl restore --password-file /tmp/pw
check "the state file changed (sealed to the new TPM)" test "$(sum /var/lib/tpmkey/key.state)" != "$before"
tpmkeyctl open /dev/disk/tpmkey-data data
check "the pattern reads back byte-identical after restore" \
	sh -c "head -c 16777216 /dev/mapper/data | cmp -s - /tmp/pattern"
tpmkeyctl close data
expect "a backup of the restored key exits 6" 6 tpmkeyctl backup --password-file /tmp/pw $KDF
expect "restore with a working key present exits 5" 5 tpmkeyctl restore --password-file /tmp/pw
G
)
vm --tpm "$CASE_TMP/tpm-new" --tpm-no-srk "${disks[@]}" --stick "$stick" "$s" || case_failed=1

s=$(guest life4.sh <<'G'
expect "after a reboot on the new TPM, load works" 0 tpmkeyctl load
tpmkeyctl open /dev/disk/tpmkey-data data
check "and the pattern is there" sh -c "head -c 16777216 /dev/mapper/data | cmp -s - /tmp/pattern"
tpmkeyctl close data
expect "restore with the restored key's state present exits 5" 5 \
	sh -c '. /selftests/lib.sh; rmmod tpmkey && tpmkey_insmod && tpmkeyctl restore --password-file /tmp/pw'
G
)
vm --tpm "$CASE_TMP/tpm-new" "${disks[@]}" --stick "$stick" "$s" || case_failed=1

# erase --wipe, then the old backup: the key returns, the data does not.
s=$(guest life5.sh <<'G'
tpmkeyctl load >/dev/null
expect "erase --wipe of the data disk" 0 tpmkeyctl erase --yes --wipe /dev/disk/tpmkey-data
expect "the old backup still restores the old key" 0 tpmkeyctl restore --password-file /tmp/pw
tpmkeyctl open /dev/disk/tpmkey-data data
check "but the wiped data does not come back" \
	sh -c "! head -c 16777216 /dev/mapper/data | cmp -s - /tmp/pattern"
tpmkeyctl close data
G
)
vm --tpm "$CASE_TMP/tpm-new" "${disks[@]}" --stick "$stick" "$s" || case_failed=1

# 4. Backup failures keep the allowance: a fresh TPM and key, one boot,
#    the host swapping sticks (vm-run --on hooks, new_stick/no_stick).
mkstick "$CASE_TMP/s-a.img"
mkstick "$CASE_TMP/s-b.img"
mkstick "$CASE_TMP/s-full.img" --fill 0
mkstick "$CASE_TMP/s-raw.img" --no-fs
mkstick "$CASE_TMP/s-ext2.img" --fs-type ext2
mkstick "$CASE_TMP/s-part.img" --partitioned
s=$(guest f.sh <<'G'
tpmkeyctl activate >/dev/null
wait_for_sticks 2
expect "backup with two sticks exits 8" 8 tpmkeyctl backup --password-file /tmp/pw $KDF
one_stick ONE
no_stick NONE
expect "backup with no stick exits 7" 7 tpmkeyctl backup --password-file /tmp/pw $KDF --wait 3
new_stick RO
expect "backup to a write-protected stick exits 9" 9 tpmkeyctl backup --password-file /tmp/pw $KDF
new_stick FULL
expect "backup to a full stick exits 10" 10 tpmkeyctl backup --password-file /tmp/pw $KDF
new_stick RAW
expect "backup to an unformatted stick exits 11" 11 tpmkeyctl backup --password-file /tmp/pw $KDF
new_stick EXT2
expect "backup to an ext2 stick exits 11" 11 tpmkeyctl backup --password-file /tmp/pw $KDF
new_stick PART
printf 'short\n' >/tmp/short
head -c 513 /dev/zero | tr '\0' x >/tmp/long
: >/tmp/empty
expect "a 5-byte password exits 14" 14 tpmkeyctl backup --password-file /tmp/short $KDF
expect "a 513-byte password exits 14" 14 tpmkeyctl backup --password-file /tmp/long $KDF
expect "an empty password exits 14" 14 tpmkeyctl backup --password-fd 3 $KDF 3</tmp/empty
expect "two different passwords on a terminal exit 14" 14 \
	/selftests/ptyrun "first password 1" "second password 2" -- tpmkeyctl backup $KDF
expect "a short password on a terminal exits 14" 14 \
	/selftests/ptyrun "short" "short" -- tpmkeyctl backup $KDF
check "after all these failures the backup is still allowed" json_field backup_made false
# The default KDF cost (512 MiB, about 25 s under TCG) on the first kernel
# of the run only; the others take the same path with the cheap KDF.
if [ "$TERMINAL_KDF" = default ]; then
	tkdf=
else
	tkdf=$KDF
fi
expect "backup on a terminal, $TERMINAL_KDF KDF, to a partitioned stick succeeds" 0 \
	/selftests/ptyrun "correct horse battery staple" "correct horse battery staple" -- \
	tpmkeyctl backup $tkdf
expect "verify-backup with the terminal password" 0 tpmkeyctl verify-backup --password-file /tmp/pw
check "the backup is on the partition" sh -c 'mount -o ro /dev/sd?1 /mnt && test -f /mnt/TPMKEY.BAK; r=$?; umount /mnt; exit $r'
G
)
if once_per_run; then
	kdf=(--memory 1536 --env TERMINAL_KDF=default)
else
	kdf=(--env TERMINAL_KDF=cheap)
fi
vm --tpm "$CASE_TMP/tpm2" --state-disk "$CASE_TMP/state2.img" "${kdf[@]}" \
	--stick "$CASE_TMP/s-a.img" --stick "$CASE_TMP/s-b.img" \
	--on "ONE=qmp unplug usbstick1" --on "NONE=qmp unplug usbstick0" \
	--on "RO=qmp plug s-ro $CASE_TMP/s-a.img ro" \
	--on "FULL=qmp unplug s-ro && qmp plug s-full $CASE_TMP/s-full.img" \
	--on "RAW=qmp unplug s-full && qmp plug s-raw $CASE_TMP/s-raw.img" \
	--on "EXT2=qmp unplug s-raw && qmp plug s-ext2 $CASE_TMP/s-ext2.img" \
	--on "PART=qmp unplug s-ext2 && qmp plug s-part $CASE_TMP/s-part.img" \
	"$s" || case_failed=1

# 5. Restore failures, on a TPM that lost its key (new TPM, fresh state).
t3=(--tpm "$CASE_TMP/tpm3" --state-disk "$CASE_TMP/state3.img")
s=$(guest r.sh <<'G'
wait_for_sticks 2
expect "restore with two sticks exits 8" 8 tpmkeyctl restore --password-file /tmp/pw
one_stick ONE
expect "restore from a stick without TPMKEY.BAK exits 12" 12 tpmkeyctl restore --password-file /tmp/pw
no_stick NONE
expect "restore with no stick exits 7" 7 tpmkeyctl restore --password-file /tmp/pw --wait 3
G
)
vm "${t3[@]}" --stick "$CASE_TMP/backup-stick.img" --stick "$CASE_TMP/s-b.img" \
	--on "ONE=qmp unplug usbstick0" --on "NONE=qmp unplug usbstick1" \
	"$s" || case_failed=1
cp "$CASE_TMP/backup-stick.img" "$CASE_TMP/damage.img"
s=$(guest r4.sh <<'G'
wait_for_sticks 1
mount /dev/sda /mnt && cp /mnt/TPMKEY.BAK /tmp/good && umount /mnt
size=$(stat -c %s /tmp/good)
put() { mount /dev/sda /mnt && cp "$1" /mnt/TPMKEY.BAK && umount /mnt; }
try() {	# try NAME WANT...: restore of the file in /tmp/bad.bak
	local got=0 name=$1
	shift
	put /tmp/bad.bak
	tpmkeyctl restore --password-file /tmp/pw >/dev/null 2>&1 || got=$?
	case " $* " in
	*" $got "*) pass "damaged backup ($name): restore exits $got" ;;
	*) fail "damaged backup ($name): restore exits $got, expected $*" ;;
	esac
	check "damaged backup ($name): nothing changed" \
		sh -c '! test -e /var/lib/tpmkey/key.state && ! keyctl search @u logon tpmkey:dek'
}
for region in "magic 0" "version 8" "header length 10" "flags 12" "kdf 16" \
	      "kdf time 20" "kdf memory 26" "kdf lanes 28" "salt 40" "nonce 70" \
	      "key length 76" "key id 85" "tpm id 100" "created 130" \
	      "reserved 140" "ciphertext 150" "tag $((size - 1))"; do
	cp /tmp/good /tmp/bad.bak
	flip /tmp/bad.bak "${region##* }"
	try "${region% *} flipped" 13
done
head -c $((size - 1)) /tmp/good >/tmp/bad.bak; try "truncated" 13
{ cat /tmp/good; echo x; } >/tmp/bad.bak; try "extended" 13
: >/tmp/bad.bak; try "zero-length" 12 13
head -c 100000 /dev/zero >/tmp/bad.bak; try "huge" 13
# Argon2 memory 0xffffffff KiB (4 TiB): refused before any allocation, so
# 13 and not "out of memory" (1) in this 512 MiB guest.
cp /tmp/good /tmp/bad.bak
printf '\377\377\377\377' | dd of=/tmp/bad.bak bs=1 seek=24 conv=notrunc 2>/dev/null
try "KDF memory 4 TiB" 13
cp /tmp/good /tmp/bad.bak
printf '\377\377\377\377' | dd of=/tmp/bad.bak bs=1 seek=20 conv=notrunc 2>/dev/null
try "KDF time 2^32-1" 13
put /tmp/good
mount /dev/sda /mnt && rm /mnt/TPMKEY.BAK && mkdir /mnt/TPMKEY.BAK && umount /mnt
expect "TPMKEY.BAK as a directory: restore exits 12" 12 tpmkeyctl restore --password-file /tmp/pw
mount /dev/sda /mnt && rmdir /mnt/TPMKEY.BAK && cp /tmp/good /mnt/TPMKEY.BAK && umount /mnt
expect "the undamaged file restores" 0 tpmkeyctl restore --password-file /tmp/pw
G
)
vm "${t3[@]}" --stick "$CASE_TMP/damage.img" "$s" || case_failed=1

# 6. The stick fails after the backup was spent: QEMU's blkdebug fails
#    every read of the clusters the files written next take (the stick
#    holds a file, so that they lie apart from the root directory), so
#    the stick mounts, passes the probe write, takes the file, and cannot
#    read it back.  The encrypted file must be kept, root only, and be a
#    valid backup.
mkstick "$CASE_TMP/s-fail.img"
head -c 262144 /dev/urandom >"$CASE_TMP/photos"
mcopy -i "$CASE_TMP/s-fail.img" "$CASE_TMP/photos" ::PHOTOS.DAT
"$vmdir/stick-fault" "$CASE_TMP/s-fail.img" "$CASE_TMP/s-fail.cfg" ||
	fail "stick-fault"
sed -n 1p "$CASE_TMP/s-fail.cfg"	# a "# " comment line
mkstick "$CASE_TMP/s-good.img"
s=$(guest unsaved.sh <<'G'
unsaved=/var/lib/tpmkey/TPMKEY.BAK.unsaved
counter() {
	local hex
	hex=$(tpm2 nvread 0x01746b01 -C o -s 8 2>/dev/null | od -An -tx1 | tr -d ' \n')
	[ -n "$hex" ] && echo $((0x$hex))
}
key_id() { tpmkeyctl --json status | sed -n 's/.*"key_id":"\([0-9a-f]*\)".*/\1/p'; }
tpmkeyctl activate >/dev/null
id=$(key_id)
wait_for_sticks 1
before=$(counter)
got=0
tpmkeyctl backup --password-file /tmp/pw $KDF >/tmp/out 2>&1 || got=$?
sed 's/^/# /' /tmp/out
check "stick unreadable after the write: backup exits 1 ($got)" test $got -eq 1
check "... after the backup was spent (counter $before -> $(counter))" \
	test "$(counter)" = $((before + 1))
check "... status says the backup is made" json_field backup_made true
check "... the message names the kept file $unsaved" \
	grep -q "kept in $unsaved" /tmp/out
check "... which is there: 224 bytes, mode 0600, owned by root" \
	test "$(stat -c '%s %a %u %g' $unsaved)" = "224 600 0 0"
cp $unsaved /tmp/kept
expect "... a second backup exits 6 (already made)" 6 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
check "... and leaves the kept file as it was" cmp -s $unsaved /tmp/kept
new_stick GOOD
mount /dev/sda /mnt && cp $unsaved /mnt/TPMKEY.BAK && umount /mnt
expect "the kept file copied to a good stick: verify-backup" 0 \
	tpmkeyctl verify-backup --password-file /tmp/pw
expect "... with a wrong password exits 13" 13 \
	tpmkeyctl verify-backup --password-file /tmp/bad
rmmod tpmkey && tpmkey_insmod
mv /var/lib/tpmkey/key.state /tmp/old.state
expect "... restore from it" 0 tpmkeyctl restore --password-file /tmp/pw
check "... brings back the same key ($id)" test "$(key_id)" = "$id"
G
)
vm --tpm "$CASE_TMP/tpm4" --state-disk "$CASE_TMP/state4.img" \
	--stick "$CASE_TMP/s-fail.img,blkdebug=$CASE_TMP/s-fail.cfg" \
	--on "GOOD=qmp unplug usbstick0 && qmp plug good $CASE_TMP/s-good.img" \
	"$s" || case_failed=1
# On the host: what the failing stick took is what was kept.
rm -f "$CASE_TMP/written" "$CASE_TMP/kept"
mcopy -i "$CASE_TMP/s-fail.img" ::/TPMKEY.BAK "$CASE_TMP/written" 2>/dev/null
debugfs -R "dump /TPMKEY.BAK.unsaved $CASE_TMP/kept" "$CASE_TMP/state4.img" \
	>/dev/null 2>&1
check "the failing stick took the file it could not read back: the kept one" \
	sh -c "test -s '$CASE_TMP/kept' && cmp -s '$CASE_TMP/written' '$CASE_TMP/kept'"

finish
