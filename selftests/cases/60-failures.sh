#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failures from outside: the USB stick swapped or pulled in the middle of
# backup and restore, hostile stick contents (FAT loops, bad clusters, a
# huge file behind a looping chain), the TPM stopped, killed, cleared, in
# dictionary-attack lockout or absent, and power cuts during backup.  Each
# must give a clear exit code, leave no partial state on the stick or the
# state disk, no kernel report (vm-run checks the console), and the
# operation must work once the cause is gone.  Uses vm-run's --on hooks
# (selftests/vm/qmp for USB hot-plug).  The long runs are
# "make check-powercut" (selftests/powercut) and "make check-faults"
# (selftests/faults); see Documentation/testing.rst.
. "$(dirname "$0")/../lib.sh"

# vm ...: lib.sh's, and how long the boot took.
vm() {
	local t=$SECONDS r=0
	"$vmdir/vm-run" --kernel "$KERNEL" "$@" || r=$?
	echo "# boot: $((SECONDS - t)) s"
	return $r
}

# Shared guest preamble: passwords, cheap KDF, and the helpers that pause
# a command at its password prompt and swap sticks through the host.
cat >"$CASE_TMP/pre.sh" <<'G'
. /selftests/lib.sh
printf 'correct horse battery staple\n' >/tmp/pw
KDF="--kdf-memory 65536 --kdf-time 3"
sum() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
json_field() { tpmkeyctl --json status | grep -q "\"$1\":$2"; }
st=/var/lib/tpmkey/key.state
# pw_start CMD...: run CMD with its password on fd 3 from a FIFO and return
# once it is blocked reading it (after every check that needs no password).
pw_start() {
	local i a b
	rm -f /tmp/pwfifo
	mkfifo /tmp/pwfifo
	"$@" --password-fd 3 3</tmp/pwfifo >/tmp/pw.out 2>&1 &
	pw_pid=$!
	exec 4>/tmp/pwfifo
	for i in $(seq 300); do
		read -r a b _ </proc/$pw_pid/syscall 2>/dev/null
		[ "$a" = 0 ] && [ "$b" = 0x3 ] && return 0
		sleep 0.1
	done
	echo "# $* did not reach its password prompt"
	return 1
}
# pw_finish: type the password; CMD's exit status.
pw_finish() {
	cat /tmp/pw >&4
	exec 4>&-
	wait $pw_pid
	local rc=$?
	sed 's/^/# /' /tmp/pw.out
	return $rc
}
# host MARKER: print MARKER (vm-run runs its --on hook) and give it time.
host() { echo "$1"; sleep "${2:-1}"; }
# stalled NAME RC CMD...: CMD ran into a 2 s TPM stall and exited RC.  It
# may succeed, or fail cleanly when a TPM command's kernel timeout is
# shorter (3, or 16 for load): no state file change, no key; then CMD
# must succeed once the TPM answers again.
stalled() {
	local name=$1 rc=$2
	shift 2
	if [ $rc -eq 0 ]; then
		pass "$name: succeeds"
		return
	fi
	case $rc in
	3|16) pass "$name: fails cleanly ($rc)" ;;
	*) fail "$name: exit $rc" ;;
	esac
	check "$name: ... nothing changed" \
		sh -c "[ \"\$(sha256sum $st 2>/dev/null)\" = \"$stall_before\" ] && ! keyctl search @u logon tpmkey:dek"
	sleep 2
	expect "$name: ... and works once the TPM answers" 0 "$@"
}
# stick_empty: the stick's file system holds nothing at all.
stick_empty() {
	mount -o ro /dev/sda /mnt || return 1
	local l
	l=$(ls -A /mnt)
	umount /mnt
	[ -z "$l" ] || { echo "# on the stick: $l"; return 1; }
}
G
guest() {	# guest NAME: the preamble plus the body on stdin
	{ cat "$CASE_TMP/pre.sh"; cat; echo guest_finish; } >"$CASE_TMP/$1"
	echo "$CASE_TMP/$1"
}
# fat_clean IMG: fsck.fat -n finds nothing once the dirty bit is cleared.
fat_clean() {
	cp "$1" "$CASE_TMP/fsck.img"
	printf '\0' | dd of="$CASE_TMP/fsck.img" bs=1 seek=65 conv=notrunc 2>/dev/null
	fsck.fat -n "$CASE_TMP/fsck.img" >"$CASE_TMP/fsck.log" 2>&1 ||
		{ sed 's/^/# /' "$CASE_TMP/fsck.log"; return 1; }
}
has_bak() { mdir -i "$1" -b ::/TPMKEY.BAK >/dev/null 2>&1; }

# 1. The stick swapped, and pulled, while backup waits for the password
#    (after its preflight, before the module is asked for the key); a
#    restore whose stick is pulled after the file was read.
T1=(--tpm "$CASE_TMP/tpm1" --state-disk "$CASE_TMP/state1.img")
mkstick "$CASE_TMP/s0.img"
mkstick "$CASE_TMP/s1.img"
s=$(guest swap.sh <<'G'
tpmkeyctl activate >/dev/null
wait_for_sticks 1
pw_start tpmkeyctl backup $KDF
new_stick SWAP
expect "stick replaced between backup's checks and the key: exit 7" 7 pw_finish
check "... the backup is not spent" json_field backup_made false
check "... nothing was written to the new stick" stick_empty
pw_start tpmkeyctl backup $KDF
no_stick PULL
expect "stick pulled between backup's checks and the key: exit 7" 7 pw_finish
check "... the backup is not spent" json_field backup_made false
new_stick PLUG
expect "with the stick back, backup works" 0 tpmkeyctl backup --password-file /tmp/pw $KDF
rmmod tpmkey && tpmkey_insmod
mv $st /tmp/old.state
pw_start tpmkeyctl restore
no_stick PULL2
expect "stick pulled after restore read the file: restore completes (0)" 0 pw_finish
check "... the key is loaded" dek_in_keyring
check "... a new state file was written" test -s $st
G
)
vm "${T1[@]}" --stick "$CASE_TMP/s0.img" \
	--on "SWAP=qmp unplug usbstick0 && qmp plug usbswap $CASE_TMP/s1.img" \
	--on "PULL=qmp unplug usbswap" \
	--on "PLUG=qmp plug usbagain $CASE_TMP/s1.img" \
	--on "PULL2=qmp unplug usbagain" "$s" || case_failed=1
check "the first stick got no TPMKEY.BAK and is fsck.fat-clean" \
	sh -c "! mdir -i '$CASE_TMP/s0.img' -b ::/TPMKEY.BAK >/dev/null 2>&1 && fsck.fat -n '$CASE_TMP/s0.img' >/dev/null"
check "the second stick holds only TPMKEY.BAK and is fsck.fat-clean" \
	sh -c "[ \"\$(mdir -i '$CASE_TMP/s1.img' -a -b ::)\" = ::/TPMKEY.BAK ] && fsck.fat -n '$CASE_TMP/s1.img' >/dev/null"

# 2. Hostile stick contents, on copies of the backup stick (restore) and of
#    an empty one (backup).  FAT edits: root directory chain looping on
#    itself; TPMKEY.BAK's start cluster out of range; its cluster marked
#    bad; TPMKEY.BAK claiming 60 MiB on a chain that loops; every free
#    cluster marked bad while FSInfo still counts them free.
cat >"$CASE_TMP/fatedit.py" <<'PY'
import struct, sys
img, action = sys.argv[1], sys.argv[2]
f = open(img, "r+b")
bs = f.read(512)
bps, spc = struct.unpack_from("<HB", bs, 11)
rsvd, nfats = struct.unpack_from("<HB", bs, 14)
fatsz, = struct.unpack_from("<I", bs, 36)
root, = struct.unpack_from("<I", bs, 44)
nclus = (struct.unpack_from("<I", bs, 32)[0] - rsvd - nfats * fatsz) // spc + 2
data = (rsvd + nfats * fatsz) * bps
def setfat(c, v):
    for i in range(nfats):
        f.seek((rsvd + i * fatsz) * bps + 4 * c)
        f.write(struct.pack("<I", v))
def getfat(c):
    f.seek(rsvd * bps + 4 * c)
    return struct.unpack("<I", f.read(4))[0] & 0x0FFFFFFF
def bak_entry():
    f.seek(data + (root - 2) * spc * bps)
    d = f.read(spc * bps)
    for o in range(0, len(d), 32):
        if d[o:o + 11] == b"TPMKEY  BAK":
            return data + (root - 2) * spc * bps + o, d[o:o + 32]
    sys.exit("no TPMKEY.BAK")
if action == "root-loop":
    setfat(root, root)
elif action == "bak-out-of-range":
    off, e = bak_entry()
    f.seek(off + 20); f.write(struct.pack("<H", 0x0FFF))
    f.seek(off + 26); f.write(struct.pack("<H", 0xFFF0))
elif action == "bak-bad-cluster":
    off, e = bak_entry()
    c = struct.unpack_from("<H", e, 20)[0] << 16 | struct.unpack_from("<H", e, 26)[0]
    setfat(c, 0x0FFFFFF7)
elif action == "bak-huge-loop":
    off, e = bak_entry()
    c = struct.unpack_from("<H", e, 20)[0] << 16 | struct.unpack_from("<H", e, 26)[0]
    setfat(c, c)
    f.seek(off + 28); f.write(struct.pack("<I", 60 << 20))
elif action == "free-all-bad":
    for c in range(2, nclus):
        if getfat(c) == 0:
            setfat(c, 0x0FFFFFF7)
else:
    sys.exit("unknown action " + action)
PY
hostile=()
for a in root-loop bak-out-of-range bak-bad-cluster bak-huge-loop; do
	cp "$CASE_TMP/s1.img" "$CASE_TMP/h-$a.img"
	python3 "$CASE_TMP/fatedit.py" "$CASE_TMP/h-$a.img" $a || fail "fatedit $a"
	hostile+=("$CASE_TMP/h-$a.img")
done
for a in root-loop free-all-bad; do
	mkstick "$CASE_TMP/w-$a.img"
	python3 "$CASE_TMP/fatedit.py" "$CASE_TMP/w-$a.img" $a || fail "fatedit $a"
	hostile+=("$CASE_TMP/w-$a.img")
done
hostile+=("$CASE_TMP/s1.img")
hooks=()
prev=usbstick0
for i in $(seq 1 $((${#hostile[@]} - 1))); do
	hooks+=(--on "H$i=qmp unplug $prev && qmp plug hs$i ${hostile[$i]}")
	prev=hs$i
done
s=$(guest hostile.sh <<'G'
wait_for_sticks 1
sleep 0.3
mv $st /tmp/k1.state
try() {	# try NAME WANT: restore exits WANT; refused: nothing changed
	local got=0 name=$1 want=$2
	tpmkeyctl restore --password-file /tmp/pw >/tmp/out 2>&1 || got=$?
	sed 's/^/# /' /tmp/out
	if [ $got -eq $want ]; then
		pass "$name: restore exits $got"
	else
		fail "$name: restore exits $got, expected $want"
	fi
	[ $want -eq 0 ] ||
		check "$name: no state file, no key" sh -c "! test -e $st && ! keyctl search @u logon tpmkey:dek"
}
try "root directory's cluster chain loops (cannot mount)" 1
new_stick H1
try "TPMKEY.BAK starts at a cluster out of range (cannot read)" 1
new_stick H2
# Only the FAT entry after the file's one cluster is damaged: the 224
# bytes read back whole and authenticate.
try "TPMKEY.BAK's cluster marked bad in the FAT" 0
check "... the key is loaded, a state file written" \
	sh -c "keyctl search @u logon tpmkey:dek >/dev/null && test -s $st"
rmmod tpmkey && tpmkey_insmod && rm -f $st
new_stick H3
try "TPMKEY.BAK of 60 MiB on a looping chain" 13
mount /dev/sda /mnt && ln -s TPMKEY.BAK /mnt/LINK.BAK 2>/dev/null
rc=$?
umount /mnt
check "vfat cannot hold a symbolic link (so TPMKEY.BAK cannot be one)" test $rc -ne 0
# The write side: a fresh key, backups to hostile sticks.
tpmkeyctl activate >/dev/null
new_stick H4
expect "backup to a stick whose root directory loops cannot mount it (1)" 1 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
check "... the backup is not spent" json_field backup_made false
new_stick H5
expect "backup to a stick whose free clusters are all bad is refused (10)" 10 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
check "... the backup is not spent" json_field backup_made false
tpmkeyctl erase --yes >/dev/null
cp /tmp/k1.state $st
new_stick H6
expect "the intact stick: verify-backup of the original key" 0 \
	sh -c '. /selftests/lib.sh; tpmkeyctl load >/dev/null && tpmkeyctl verify-backup --password-file /tmp/pw'
G
)
vm "${T1[@]}" --stick "${hostile[0]}" "${hooks[@]}" "$s" || case_failed=1
for a in root-loop free-all-bad; do
	check "the backup wrote nothing to the hostile stick ($a)" \
		sh -c "! mdir -i '$CASE_TMP/w-$a.img' -a -b :: 2>/dev/null | grep -q ."
done

# 3. The TPM stopped (SIGSTOP for 2 s) during activate, load and restore:
#    they wait and succeed; swtpm killed while backup waits for the
#    password: the backup fails, nothing spent, nothing on the stick, and
#    load, restore and activate fail cleanly too; after a reboot (TPM
#    back) the backup works.
T2=(--tpm "$CASE_TMP/tpm2" --state-disk "$CASE_TMP/state2.img")
mkstick "$CASE_TMP/s2.img"
stop="kill -STOP \$SWTPM_PID; sleep 2; kill -CONT \$SWTPM_PID"
s=$(guest tpm1.sh <<'G'
stall_before=
host STOPA 0
rc=0; tpmkeyctl activate || rc=$?
stalled "activate with the TPM stopped for 2 s in the middle" $rc tpmkeyctl activate
rmmod tpmkey && tpmkey_insmod
stall_before=$(sha256sum $st)
host STOPL 0
rc=0; tpmkeyctl load || rc=$?
stalled "load with the TPM stopped for 2 s in the middle" $rc tpmkeyctl load
before=$(sum $st)
wait_for_sticks 1
pw_start tpmkeyctl backup $KDF
host KILL
got=0
pw_finish || got=$?
check "backup with the TPM killed before the key left: exit $got (1 or 3)" \
	test $got -eq 1 -o $got -eq 3
check "... nothing on the stick" stick_empty
check "... the state file is unchanged" test "$(sum $st)" = "$before"
check "... the key is still loaded" dek_in_keyring
expect "backup again, TPM still dead: exit 3" 3 tpmkeyctl backup --password-file /tmp/pw $KDF
rmmod tpmkey && tpmkey_insmod
expect "load with the TPM dead: exit 16" 16 tpmkeyctl load
check "... the state file is unchanged, no key" \
	sh -c "test \"\$(sha256sum $st | cut -d' ' -f1)\" = $before && ! keyctl search @u logon tpmkey:dek"
mv $st /tmp/k2.state
expect "activate with the TPM dead: exit 3" 3 tpmkeyctl activate
check "... no state file, no key" sh -c "! test -e $st && ! keyctl search @u logon tpmkey:dek"
mv /tmp/k2.state $st
G
)
vm "${T2[@]}" --stick "$CASE_TMP/s2.img" --on "STOPA=$stop" --on "STOPL=$stop" \
	--on "KILL=kill -9 \$SWTPM_PID" "$s" || case_failed=1
s=$(guest tpm2.sh <<'G'
expect "TPM back: load works" 0 tpmkeyctl load
check "... and the backup was not spent" json_field backup_made false
expect "... and the backup works" 0 tpmkeyctl backup --password-file /tmp/pw $KDF
rmmod tpmkey && tpmkey_insmod
mv $st /tmp/k2.state
stall_before=
pw_start tpmkeyctl restore
host STOPR 0
rc=0; pw_finish || rc=$?
stalled "restore with the TPM stopped for 2 s in the middle" $rc \
	tpmkeyctl restore --password-file /tmp/pw
# 4. The TPM cleared (tpm2 clear: storage key and counter gone), then in
#    dictionary-attack lockout.
before=$(sum $st)
rmmod tpmkey && tpmkey_insmod
tpm2 clear -c l >/dev/null 2>&1 || fail "tpm2 clear"
expect "after tpm2 clear, load exits 16" 16 tpmkeyctl load
check "... the state file is unchanged, no key" \
	sh -c "test \"\$(sha256sum $st | cut -d' ' -f1)\" = $before && ! keyctl search @u logon tpmkey:dek"
expect "... restore from the backup works" 0 tpmkeyctl restore --password-file /tmp/pw
check "... and provisioned the storage key again" sh -c 'tpm2 readpublic -c 0x81000001 >/dev/null 2>&1'
# Lockout: a key of each backend the kernel has, made before: the default
# one (just restored) and, where the kernel has trusted keys, one sealed
# with the other backend (the state records its backend, which LOAD uses
# whatever the module parameter says).
backends=$TPMKEY_EXPECT_BACKEND
cp $st /tmp/$TPMKEY_EXPECT_BACKEND.state
if [ "$TPMKEY_EXPECT_TRUSTED_KEYS" = 1 ]; then
	other=trusted
	[ "$TPMKEY_EXPECT_BACKEND" = trusted ] && other=tpm2
	rm $st
	rmmod tpmkey && tpmkey_insmod backend=$other
	expect "a key sealed with backend=$other for the lockout" 0 tpmkeyctl activate
	check "... recorded as $other" \
		sh -c "tpmkeyctl --json status | grep -q '\"backend\":\"$other\"'"
	cp $st /tmp/$other.state
	backends="$backends $other"
fi
# At most 2 failures, then 10 minutes' lockout; a primary key with a
# password, used with a wrong one until the TPM locks out.
tpm2 dictionarylockout -s -n 2 -t 600 -l 600 >/dev/null 2>&1 || fail "dictionarylockout"
tpm2 createprimary -C o -c /tmp/p.ctx -p objpw >/dev/null 2>&1 || fail "createprimary"
for i in 1 2 3; do
	tpm2 create -C /tmp/p.ctx -P wrongpw -u /tmp/k.pub -r /tmp/k.priv >/dev/null 2>&1
done
tpm2 flushcontext -t >/dev/null 2>&1
check "the TPM is in lockout" sh -c 'tpm2 getcap properties-variable | grep -q "inLockout: *1"'
tpm2 getcap properties-variable | grep -i "lockout" | sed 's/^/# /'
for b in $backends; do
	cp /tmp/$b.state $st
	rmmod tpmkey && tpmkey_insmod
	got=0; tpmkeyctl load >/tmp/out 2>&1 || got=$?
	sed 's/^/# /' /tmp/out
	if [ $b = trusted ]; then
		# Trusted keys cannot make their sealed object NO_DA: the
		# lockout stops the load, and must be named as such (20), not
		# taken for a replaced TPM (16, "restore").
		check "load in lockout, trusted keys: exits 20 ($got)" test $got -eq 20
		check "... the message names the lockout and advises no restore" \
			sh -c "grep -q 'dictionary-attack lockout' /tmp/out &&
			       ! sed 's/do NOT restore//' /tmp/out | grep -qi restore"
		check "... the state file unchanged, no key" \
			sh -c "cmp -s $st /tmp/$b.state && ! keyctl search @u logon tpmkey:dek"
	else
		# The module's own TPM2 backend seals with NO_DA.
		check "load in lockout, $b backend (NO_DA): works ($got)" test $got -eq 0
	fi
done
tpm2 dictionarylockout -c >/dev/null 2>&1 || fail "clear the lockout"
for b in $backends; do
	cp /tmp/$b.state $st
	rmmod tpmkey && tpmkey_insmod
	expect "lockout cleared: load works ($b)" 0 tpmkeyctl load
done
G
)
vm "${T2[@]}" --stick "$CASE_TMP/s2.img" --on "STOPR=$stop" "$s" || case_failed=1

# 5. No TPM at all: every command that needs it exits 3 and changes
#    nothing (status: 10-status).
cp "$CASE_TMP/state2.img" "$CASE_TMP/state-notpm.img"
s=$(guest notpm.sh <<'G'
before=$(sum $st)
expect "no TPM: load exits 3" 3 tpmkeyctl load
expect "no TPM: restore exits 3" 3 tpmkeyctl restore --password-file /tmp/pw
expect "no TPM: backup (no key loaded) exits 4" 4 tpmkeyctl backup --password-file /tmp/pw $KDF
check "... the state file is unchanged, no key" \
	sh -c "test \"\$(sha256sum $st | cut -d' ' -f1)\" = $before && ! keyctl search @u logon tpmkey:dek"
rm $st
expect "no TPM: activate exits 3" 3 tpmkeyctl activate
check "... no state file" test ! -e $st
G
)
vm --no-tpm --state-disk "$CASE_TMP/state-notpm.img" --stick "$CASE_TMP/s2.img" \
	"$s" || case_failed=1

# 6. A power cut in the middle of backup (make check-powercut: 100 per
#    operation), on the first kernel of the run: what it tests is the
#    helper's write order and FAT, not the kernel.
# TPMKEY_POWERCUT_N: the number of cuts (0: none).
if once_per_run && [ "${TPMKEY_POWERCUT_N:-1}" -gt 0 ]; then
	env CASE_TMP="$CASE_TMP/powercut" KERNEL="$KERNEL" \
		"$top/selftests/powercut" -n "${TPMKEY_POWERCUT_N:-1}" backup || case_failed=1
fi

finish
