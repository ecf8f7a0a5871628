#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Key lifecycle: activate, reboot + load, dm-crypt consumers, TPM replaced,
# damaged state, erase, storage key provisioning, module unload.
. "$(dirname "$0")/../lib.sh"

tpm=$CASE_TMP/tpm
disks=(--state-disk "$CASE_TMP/state.img" --data-disk "$CASE_TMP/data.img")

# The ioctl-level lifecycle tests (kselftest).
s=$(guest_script kselftest.sh <<'G'
# The backup counter tpmkeyctl would provision (see lib/tpm.c).
tpm2 nvdefine 0x01746b01 -C o -s 8 -a "nt=counter|ownerread|ownerwrite|no_da" >/dev/null &&
	tpm2 nvincrement 0x01746b01 -C o || exit 1
rc=0
/selftests/tpmkey_lifecycle_test || rc=1
/selftests/tpmkey_abi_test || rc=1
# The same table from a 32-bit caller, through compat_ioctl, where the
# kernel runs 32-bit programs (IA32 emulation: every test kernel has it).
# A kernel without IA32 emulation cannot exec it (the shell's 126); any
# other status is the test's own.
if [ ! -x /selftests/tpmkey_abi_test32 ]; then
	echo "ok - tpmkey_abi_test32 # SKIP not built (no gcc-multilib)"
else
	rc32=0
	/selftests/tpmkey_abi_test32 || rc32=$?
	if [ $rc32 -eq 126 ]; then
		echo "ok - tpmkey_abi_test32 # SKIP this kernel runs no 32-bit programs"
	elif [ $rc32 -ne 0 ]; then
		rc=1
	fi
fi
exit $rc
G
)
vm --timeout 900 "$s" || case_failed=1

# Boot 1: activate, consumers, write a pattern through the mapping.
s=$(guest_script boot1.sh <<'G'
. /selftests/lib.sh
expect "activate succeeds" 0 tpmkeyctl activate
check "the state file is 0600" test "$(stat -c %a /var/lib/tpmkey/key.state)" = 600
check "the logon key is in root's user keyring" dek_in_keyring
id=$(keyctl search @u logon tpmkey:dek)
expect "keyctl print cannot read the key" 1 keyctl print "$id"
expect "keyctl read cannot read the key" 1 keyctl read "$id"
expect "keyctl pipe cannot read the key" 1 keyctl pipe "$id"
expect "open maps the data disk" 0 tpmkeyctl open /dev/disk/tpmkey-data data
table=$(dmsetup table --showkeys data)
echo "# $table"
check "the table names the keyring key, not key bytes" \
	sh -c "echo '$table' | grep -q ' aes-xts-plain64 :64:logon:tpmkey:dek 0 '"
# A pattern that is easy to recognise and to regenerate.
yes "tpmkey pattern 0123456789abcdef" | head -c 16777216 >/tmp/pattern
dd if=/tmp/pattern of=/dev/mapper/data bs=1M oflag=direct 2>/dev/null
check "16 MiB pattern reads back through the mapping" \
	sh -c "head -c 16777216 /dev/mapper/data | cmp -s - /tmp/pattern"
check "the raw disk does not hold the pattern" \
	sh -c "! head -c 16777216 /dev/disk/tpmkey-data | cmp -s - /tmp/pattern"
expect "open of an existing mapping name is busy (17)" 17 \
	tpmkeyctl open /dev/disk/tpmkey-data data
expect "close removes the mapping" 0 tpmkeyctl close data
expect "a second activate is refused (5)" 5 tpmkeyctl activate
expect "load of the loaded key is a no-op" 0 tpmkeyctl load
sha256sum /var/lib/tpmkey/key.state | cut -d' ' -f1 >/var/lib/tpmkey/sum
guest_finish
G
)
vm --tpm "$tpm" "${disks[@]}" "$s" || case_failed=1

# Boot 2 (reboot): load as an init script would, then each consumer.
s=$(guest_script boot2.sh <<'G'
. /selftests/lib.sh
yes "tpmkey pattern 0123456789abcdef" | head -c 16777216 >/tmp/pattern
check "after a reboot no key is loaded" sh -c '! keyctl search @u logon tpmkey:dek'
check "status reports the state file of a key not loaded yet" \
	sh -c 'tpmkeyctl --json status | grep -q "\"state\":\"inactive\".*\"state_file\":true"'
expect "open without a loaded key is refused (4)" 4 \
	tpmkeyctl open /dev/disk/tpmkey-data data
expect "load at boot succeeds" 0 tpmkeyctl load
expect "open after load" 0 tpmkeyctl open /dev/disk/tpmkey-data data
check "the pattern reads back byte-identical after a reboot" \
	sh -c "head -c 16777216 /dev/mapper/data | cmp -s - /tmp/pattern"
tpmkeyctl close data
sectors=$(blockdev --getsz /dev/disk/tpmkey-data)
table="0 $sectors crypt aes-xts-plain64 :64:logon:tpmkey:dek 0 /dev/disk/tpmkey-data 0"
# Init-script context: no session keyring, so @u is searched.
expect "dmsetup create from an init-script context" 0 dmsetup create plain --table "$table"
dmsetup mknodes plain
check "the pattern reads back through dmsetup's mapping" \
	sh -c "head -c 16777216 /dev/mapper/plain | cmp -s - /tmp/pattern"
dmsetup remove plain
# Login shell: pam_keyinit gives it a session keyring that links @u.
expect "dmsetup create from a login shell (session keyring linking @u)" 0 \
	keyctl session - sh -c "keyctl link @u @s && dmsetup create login --table '$table'"
dmsetup mknodes login
check "the pattern reads back through the login shell's mapping" \
	sh -c "head -c 16777216 /dev/mapper/login | cmp -s - /tmp/pattern"
dmsetup remove login
# A private session keyring without @u (systemd's KeyringMode=private)
# does not see the key: that is why the unit uses KeyringMode=shared.
check "a private session keyring without @u cannot use the key" \
	sh -c "! keyctl session - dmsetup create private --table '$table' 2>/dev/null"
check "tpmkeyctl open works from a private session keyring" \
	keyctl session - tpmkeyctl open /dev/disk/tpmkey-data viaopen
tpmkeyctl close viaopen
guest_finish
G
)
vm --tpm "$tpm" "${disks[@]}" "$s" || case_failed=1

# Boot 3: the TPM was replaced (a new, empty chip with its own SRK).
s=$(guest_script replaced.sh <<'G'
. /selftests/lib.sh
expect "with a replaced TPM, load exits 16" 16 tpmkeyctl load
check "the message points to restore" sh -c "tpmkeyctl load 2>&1 | grep -q 'tpmkeyctl restore'"
check "the state file is byte-identical" \
	test "$(sha256sum /var/lib/tpmkey/key.state | cut -d' ' -f1)" = "$(cat /var/lib/tpmkey/sum)"
check "no key in the keyring" sh -c '! keyctl search @u logon tpmkey:dek'
guest_finish
G
)
vm --tpm "$CASE_TMP/tpm-new" "${disks[@]}" "$s" || case_failed=1

# Boot 4: every region of the state file damaged, on the original TPM.
s=$(guest_script damaged.sh <<'G'
. /selftests/lib.sh
st=/var/lib/tpmkey/key.state
cp $st /tmp/good
sealed=$(le32 /tmp/good 28)
size=$(stat -c %s /tmp/good)
try() {	# try NAME: the damaged file in $st must be refused with 15
	local before
	before=$(sha256sum $st | cut -d' ' -f1)
	expect "damaged state ($1): load exits 15" 15 tpmkeyctl load
	check "damaged state ($1): file unchanged, no key" \
		sh -c "[ \"\$(sha256sum $st | cut -d' ' -f1)\" = $before ] && ! keyctl search @u logon tpmkey:dek"
	cp /tmp/good $st
}
for region in "magic 0" "header 24" "key id 40" "nonce 76" "sealed blob 100" \
	      "wrapped key $((88 + sealed + 10))" "tag $((88 + sealed + 64 + 3))" \
	      "checksum $((size - 1))"; do
	flip $st "${region##* }"
	try "${region% *}"
done
head -c $((size - 1)) /tmp/good >$st; try "truncated by one byte"
head -c 100 /tmp/good >$st; try "truncated to 100 bytes"
: >$st; try "empty"
{ cat /tmp/good; head -c 4096 /dev/zero; } >$st; try "oversized"
{ cat /tmp/good; echo x; } >$st; try "one byte appended"
expect "the undamaged file still loads" 0 tpmkeyctl load
guest_finish
G
)
vm --tpm "$tpm" "${disks[@]}" "$s" || case_failed=1

# Boot 5: erase, then a new key; erase --wipe.
s=$(guest_script erase.sh <<'G'
. /selftests/lib.sh
yes "tpmkey pattern 0123456789abcdef" | head -c 16777216 >/tmp/pattern
tpmkeyctl load
old=$(tpmkeyctl --json status | sed 's/.*"key_id":"\([0-9a-f]*\)".*/\1/')
expect "erase without --yes off a terminal is refused (2)" 2 tpmkeyctl erase </dev/null
check "... and erased nothing" dek_in_keyring
expect "erase --yes succeeds" 0 tpmkeyctl erase --yes
check "the key is gone from the keyring" sh -c '! keyctl search @u logon tpmkey:dek'
check "the state file is gone" test ! -e /var/lib/tpmkey/key.state
expect "open after erase exits 4" 4 tpmkeyctl open /dev/disk/tpmkey-data data
expect "load after erase exits 4" 4 tpmkeyctl load
expect "erase with no key exits 4" 4 tpmkeyctl erase --yes
expect "activate again" 0 tpmkeyctl activate
new=$(tpmkeyctl --json status | sed 's/.*"key_id":"\([0-9a-f]*\)".*/\1/')
check "the new key has a new id" test "$old" != "$new" -a -n "$new"
tpmkeyctl open /dev/disk/tpmkey-data data
check "the old ciphertext does not decrypt to the pattern" \
	sh -c "! head -c 16777216 /dev/mapper/data | cmp -s - /tmp/pattern"
dd if=/tmp/pattern of=/dev/mapper/data bs=1M oflag=direct 2>/dev/null
expect "erase --wipe of an open volume is busy (17)" 17 \
	tpmkeyctl erase --yes --wipe /dev/disk/tpmkey-data
check "... and erased nothing" dek_in_keyring
tpmkeyctl close data
expect "erase --wipe succeeds" 0 tpmkeyctl erase --yes --wipe /dev/disk/tpmkey-data
head -c 16777216 /dev/zero >/tmp/zeros
check "the data disk holds only zeros" \
	sh -c "head -c 16777216 /dev/disk/tpmkey-data | cmp -s - /tmp/zeros"
check "no key, no state file" sh -c '! keyctl search @u logon tpmkey:dek && test ! -e /var/lib/tpmkey/key.state'
guest_finish
G
)
vm --tpm "$tpm" "${disks[@]}" "$s" || case_failed=1

# A TPM without a storage key: activate provisions one; with one: reused.
s=$(guest_script nosrk.sh <<'G'
. /selftests/lib.sh
check "the new TPM has no storage key" sh -c '! tpm2 readpublic -c 0x81000001 >/dev/null 2>&1'
out=$(tpmkeyctl --json activate)
echo "# $out"
check "activate provisions a storage key" sh -c "echo '$out' | grep -q '\"srk_created\":true'"
check "the storage key is an ECC restricted decryption key" \
	sh -c "tpm2 readpublic -c 0x81000001 | grep -q 'ecc' && tpm2 readpublic -c 0x81000001 | grep -q restricted"
tpmkeyctl erase --yes >/dev/null
out=$(tpmkeyctl --json activate)
check "a second activate reuses it" sh -c "echo '$out' | grep -q '\"srk_created\":false'"
if [ "$TPMKEY_EXPECT_BACKEND" = tpm2 ]; then
	# No room for a key object: tpmkey's 16 handles taken (by copies of
	# a primary key here; in the field, objects of keys whose state
	# files were lost), or the TPM's persistent space full first.
	tpmkeyctl erase --yes >/dev/null
	tpm2 createprimary -C o -G ecc -c /tmp/filler.ctx >/dev/null 2>&1
	n=0
	for i in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
		tpm2 evictcontrol -C o -c /tmp/filler.ctx 0x81746b0$i >/dev/null 2>&1 &&
			n=$((n + 1))
	done
	tpm2 flushcontext -t >/dev/null 2>&1
	echo "# $n of tpmkey's 16 handles filled"
	tpmkeyctl activate >/tmp/out 2>&1; rc=$?
	sed 's/^/# /' /tmp/out
	check "activate with no room for the key object exits 3 ($rc)" test $rc -eq 3
	check "... names the way out, and the danger" \
		sh -c 'grep -q "tpm2_evictcontrol -C o -c HANDLE" /tmp/out && grep -q "destroys the key" /tmp/out'
	check "... and left no key, no state file" \
		sh -c '! keyctl search @u logon tpmkey:dek && test ! -e /var/lib/tpmkey/key.state'
	for i in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
		tpm2 evictcontrol -C o -c 0x81746b0$i >/dev/null 2>&1
	done
	expect "with the handles free again, activate works" 0 tpmkeyctl activate
fi
guest_finish
G
)
vm --tpm "$CASE_TMP/tpm-nosrk" --tpm-no-srk --state-disk "$CASE_TMP/state2.img" \
	"$s" || case_failed=1

# Module unload with a key loaded, and reload.
s=$(guest_script unload.sh <<'G'
. /selftests/lib.sh
tpmkeyctl activate >/dev/null
check "a key is loaded" dek_in_keyring
expect "rmmod with a key loaded succeeds" 0 rmmod tpmkey
check "unloading took the key out of the keyring" sh -c '! keyctl search @u logon tpmkey:dek'
tpmkey_insmod
check "after reload the module is inactive" sh -c 'tpmkeyctl --json status | grep -q "\"state\":\"inactive\""'
expect "load works again after reload" 0 tpmkeyctl load
guest_finish
G
)
vm --tpm "$tpm" "${disks[@]}" "$s" || case_failed=1

finish
