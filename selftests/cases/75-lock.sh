#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The boot-phase lock, the boot chain and erase in the TPM (issue 13), on
# the native backend with the production lock PCR (13), one LOAD per boot
# as on a device:
#   - after LOAD (or ACTIVATE) root with tpm2-tools and key.state cannot
#     unseal the KMK, and a second LOAD exits 19;
#   - the same unseal succeeds once the lock PCR is back at its pre-lock
#     value (the test PCR 23, reset): the attack works where the lock is
#     off, so the test can fail;
#   - a hibernation cycle after that reset closes the lock again (the PM
#     notifier), on kernels with hibernation (Debian's);
#   - a bound platform PCR extended before LOAD: exit 18; restore brings
#     the device back; reseal before the change keeps it loading;
#   - a copy of key.state put back after erase does not load (16); the
#     backup still restores.
# Under +trusted (the trusted-keys backend forced) only what that backend
# does instead: no lock, no bound PCRs.
. "$(dirname "$0")/../lib.sh"

cat >"$CASE_TMP/pre.sh" <<'G'
. /selftests/lib.sh
printf 'correct horse battery staple\n' >/tmp/pw
KDF="--kdf-memory 65536 --kdf-time 3"
st=/var/lib/tpmkey
# shellcheck disable=SC2086
rmmod tpmkey && tpmkey_insmod $LOCK_PARAMS || fail "insmod tpmkey.ko $LOCK_PARAMS"
# unseal_as_root PCR: what root can do with key.state and tpm2-tools: load
# the sealed KMK under its TPM object and unseal it in a policy session
# over the key's PCRs (the lock PCR and PCR 8 if bound).
unseal_as_root() {
	local f=$st/key.state slen handle sel
	slen=$(od -An -tu4 -j28 -N4 "$f" | tr -d ' ')
	handle=$(printf '0x%08x' "$(od -An -tu4 -j60 -N4 "$f" | tr -d ' ')")
	dd if="$f" of=/tmp/sealed bs=1 skip=256 count="$slen" 2>/dev/null
	plen=$(( $(od -An -tu1 -j0 -N1 /tmp/sealed) * 256 +
		 $(od -An -tu1 -j1 -N1 /tmp/sealed) ))
	dd if=/tmp/sealed of=/tmp/priv bs=1 count=$((plen + 2)) 2>/dev/null
	dd if=/tmp/sealed of=/tmp/pub bs=1 skip=$((plen + 2)) 2>/dev/null
	sel=$1
	tpm2 flushcontext -t >/dev/null 2>&1
	tpm2 load -C "$handle" -u /tmp/pub -r /tmp/priv -c /tmp/obj.ctx \
		>/dev/null 2>&1 || return 2
	tpm2 startauthsession -S /tmp/s.ctx --policy-session >/dev/null 2>&1 &&
		tpm2 policypcr -S /tmp/s.ctx -l "sha256:$sel" >/dev/null 2>&1 &&
		tpm2 unseal -c /tmp/obj.ctx -p session:/tmp/s.ctx -o /tmp/kmk \
			>/dev/null 2>&1
	local rc=$?
	tpm2 flushcontext -t >/dev/null 2>&1
	tpm2 flushcontext -s >/dev/null 2>&1
	return $rc
}
G
guest() {	# guest NAME: the preamble plus the body on stdin
	{ cat "$CASE_TMP/pre.sh"; cat; echo guest_finish; } >"$CASE_TMP/$1"
	echo "$CASE_TMP/$1"
}
lvm() {		# lvm PARAMS VM-RUN-ARGS...
	local params=$1
	shift
	vm --env "LOCK_PARAMS=$params" "$@"
}

# Under the trusted-keys backend (vm-run -k KERNEL+trusted) there is no
# lock to test: what the case checks instead is that it says so and does
# what it says (one boot), then it skips the rest.
case $KERNEL in
*+trusted)
	s=$(guest trusted.sh <<'G'
expect "trusted keys: activate" 0 tpmkeyctl activate
check "... status: no protections, no lock, lock PCR 0" sh -c \
	'tpmkeyctl --json status | grep -q "\"lock_pcr\":0,\"lock_closed\":false,.*\"backend\":\"trusted\",.*\"protections\":\"\""'
check "... status says the key has no boot lock" \
	sh -c 'tpmkeyctl status | grep -q "^boot lock: *none"'
check "... the lock PCR (13) was not extended" \
	sh -c 'tpm2 pcrread sha256:13 | grep -q "13: 0x0*$"'
cp $st/key.state /tmp/k.state
rc=0; tpmkeyctl reseal --pcrs 8 || rc=$?
check "... reseal --pcrs 8 refused (exit $rc, want 2): no policy to bind PCRs with" test $rc -eq 2
check "... and the state is unchanged" cmp -s $st/key.state /tmp/k.state
rmmod tpmkey && tpmkey_insmod $LOCK_PARAMS
expect "... no lock: a second load in the same boot works" 0 command tpmkeyctl load
check "... the lock PCR (13) still not extended" \
	sh -c 'tpm2 pcrread sha256:13 | grep -q "13: 0x0*$"'
rmmod tpmkey && tpmkey_insmod $LOCK_PARAMS && rm $st/key.state
rc=0; tpmkeyctl activate --pcrs 8 || rc=$?
check "activate --pcrs 8 refused (exit $rc, want 2)" test $rc -eq 2
check "... no state file, no key" sh -c "! test -e $st/key.state && ! keyctl search @u logon tpmkey:dek"
G
	)
	lvm "lock_pcr=13" --state-disk "$CASE_TMP/state-trusted.img" "$s" ||
		case_failed=1
	pass "the boot-phase lock # SKIP the trusted-keys backend has none"
	finish
	;;
esac

d=$CASE_TMP/lock
mkdir -p "$d"
mkstick "$d/stick.img"
run=(--tpm "$d/tpm" --state-disk "$d/state.img" --stick "$d/stick.img")

# The attack where the lock is off: the resettable test PCR, reset.  Then
# hibernation, which resets a real TPM (and with it the lock PCR): the
# module's PM notifier must close the lock again.  The cycle runs the PM
# notifiers without writing an image (pm_test "freezer": processes frozen
# and thawed, no device suspended, no swap needed); Debian's kernels have
# it, the project's (no CONFIG_HIBERNATION) skip it.
s=$(guest test-pcr.sh <<'G'
expect "test PCR: activate" 0 tpmkeyctl activate
closed=$(tpm2 pcrread sha256:23 | sed -n 's/.*23: *0x//p')
check "... plain unseal without the policy fails (no userWithAuth)" \
	sh -c '! tpm2 unseal -c /dev/null 2>/dev/null'
check "... root cannot unseal after the lock closed" eval '! unseal_as_root 23'
tpm2 pcrreset 23 >/dev/null 2>&1
check "... root unseals once the test PCR is reset (the lock off)" \
	unseal_as_root 23
# hibernate NAME: one hibernation cycle that runs the PM notifiers
# without writing an image (pm_test "freezer": processes frozen and
# thawed, no device suspended, no swap needed), as a test point.
hibernate() {
	echo freezer >/sys/power/pm_test && echo platform >/sys/power/disk &&
		dmesg -c >/dev/null
	expect "$1: hibernation cycle (pm_test freezer, platform mode)" 0 \
		sh -c 'echo disk >/sys/power/state'
	echo none >/sys/power/pm_test
	check "$1: ... it ran (the kernel logged its entry and exit)" \
		sh -c 'dmesg | grep -q "hibernation entry" && dmesg | grep -q "hibernation exit"'
}
if [ -w /sys/power/pm_test ] && grep -qw disk /sys/power/state; then
	# The control: a module that closed no lock (reloaded) has nothing to
	# close again, and hibernation by itself extends no PCR.
	rmmod tpmkey && tpmkey_insmod $LOCK_PARAMS
	hibernate "module without a closed lock"
	check "... root still unseals: hibernation alone closes nothing" \
		unseal_as_root 23
	expect "load (the lock open: it closes it)" 0 command tpmkeyctl load
	check "... root cannot unseal" eval '! unseal_as_root 23'
	tpm2 pcrreset 23 >/dev/null 2>&1
	check "... root unseals once the test PCR is reset (as a TPM reset does)" \
		unseal_as_root 23
	hibernate "lock closed by load, then reset"
	check "after hibernation root cannot unseal: the PM notifier closed the lock again" \
		eval '! unseal_as_root 23'
	check "... the lock PCR is as the lock left it ($closed)" test \
		"$(tpm2 pcrread sha256:23 | sed -n 's/.*23: *0x//p')" = "$closed"
	check "... status: lock closed" \
		sh -c 'tpmkeyctl --json status | grep -q "\"lock_closed\":true"'
	check "... no error from the PM notifier" \
		sh -c '! dmesg | grep -q "could not be closed again"'
	rmmod tpmkey && tpmkey_insmod $LOCK_PARAMS
	expect "... a second load after hibernation exits 19 (lock closed)" 19 \
		command tpmkeyctl load
	check "... and loads nothing" eval '! dek_in_keyring'
else
	pass "hibernation closes the lock again # SKIP no hibernation in this kernel (/sys/power/pm_test, disk in /sys/power/state)"
fi
expect "erase" 0 tpmkeyctl erase --yes
G
)
lvm "lock_pcr=23" --tpm "$d/tpm-test" --state-disk "$d/state-test.img" \
	"$s" || case_failed=1

s=$(guest activate.sh <<'G'
expect "activate with the lock on PCR 13 and PCR 8 bound" 0 \
	tpmkeyctl activate --pcrs 8
check "status: lock closed after activate" \
	sh -c 'tpmkeyctl --json status | grep -q "\"lock_closed\":true"'
check "root cannot unseal after activate" eval '! unseal_as_root 8,13'
expect "backup" 0 tpmkeyctl backup --password-file /tmp/pw $KDF
G
)
lvm "lock_pcr=13" "${run[@]}" "$s" || case_failed=1

s=$(guest load.sh <<'G'
expect "next boot: load" 0 tpmkeyctl load
check "root cannot unseal after load" eval '! unseal_as_root 8,13'
rmmod tpmkey && tpmkey_insmod $LOCK_PARAMS
expect "a second load in the same boot exits 19 (lock closed)" 19 \
	command tpmkeyctl load
check "... and loads nothing" eval '! dek_in_keyring'
G
)
lvm "lock_pcr=13" "${run[@]}" "$s" || case_failed=1

s=$(guest chain.sh <<'G'
tpm2 pcrextend 8:sha256=0000000000000000000000000000000000000000000000000000000000000001 >/dev/null
expect "PCR 8 changed before load: exit 18 (boot chain)" 18 tpmkeyctl load
expect "restore from the stick brings it back" 0 \
	tpmkeyctl restore --password-file /tmp/pw
G
)
lvm "lock_pcr=13" "${run[@]}" "$s" || case_failed=1

s=$(guest reseal.sh <<'G'
expect "after restore: load unattended" 0 tpmkeyctl load
expect "reseal bound to PCR 8 as this boot has it" 0 tpmkeyctl reseal --pcrs 8
G
)
lvm "lock_pcr=13" "${run[@]}" "$s" || case_failed=1

s=$(guest reseal2.sh <<'G'
expect "the resealed key loads in the next boot" 0 tpmkeyctl load
check "... bound to PCR 8" \
	sh -c 'tpmkeyctl --json status | grep -q "\"pcrs\":\"8\""'
expect "reseal to no platform PCRs before an update of PCR 8" 0 \
	tpmkeyctl reseal --pcrs none
G
)
lvm "lock_pcr=13" "${run[@]}" "$s" || case_failed=1

s=$(guest after-update.sh <<'G'
tpm2 pcrextend 8:sha256=0000000000000000000000000000000000000000000000000000000000000002 >/dev/null
expect "PCR 8 changed after the reseal: load works" 0 tpmkeyctl load
cp $st/key.state /tmp/copy.state
expect "erase" 0 tpmkeyctl erase --yes
cp /tmp/copy.state $st/key.state
expect "a copy of key.state from before erase does not load (16)" 16 \
	tpmkeyctl load
rm -f $st/key.state
expect "the backup still restores" 0 tpmkeyctl restore --password-file /tmp/pw
G
)
lvm "lock_pcr=13" "${run[@]}" "$s" || case_failed=1

finish
