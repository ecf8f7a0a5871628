#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attacks on the TPM bus (issue 13): a passive sniffer (swtpm's log and
# tpm-proxy's log, read by selftests/tpm/sniff-kmk) and an active
# interposer (selftests/tpm/tpm-proxy between QEMU and swtpm) that
# rewrites the NV counter read, drops the counter increment, or swaps the
# P-256 point of ECC public areas.
#
# Each attack is one function taking what must happen:
#   expect_success  the attack works (the protection is off: the
#                   test-only test_no_sessions=1, or trusted keys)
#   expect_refusal  the attack fails: no window of the traffic unwraps the
#                   DEK; BACKUP and LOAD refuse, nothing is spent or loaded
# and the module parameters for every insmod in its boots.  The calls at
# the end say which; see "The protected and unprotected halves" in
# Documentation/testing.rst.
. "$(dirname "$0")/../lib.sh"

tools=$top/selftests/tpm
if ! make -s -C "$tools" >"$CASE_TMP/make.log" 2>&1; then
	sed 's/^/# /' "$CASE_TMP/make.log"
	fail "selftests/tpm (sniff-kmk, tpm-proxy) builds"
	finish
fi

# Guest preamble: the module reloaded with the attack's parameters.
cat >"$CASE_TMP/pre.sh" <<'G'
. /selftests/lib.sh
printf 'correct horse battery staple\n' >/tmp/pw
KDF="--kdf-memory 65536 --kdf-time 3"
st=/var/lib/tpmkey
# shellcheck disable=SC2086
rmmod tpmkey && tpmkey_insmod $BUS_PARAMS || fail "insmod tpmkey.ko $BUS_PARAMS"
json_field() { tpmkeyctl --json status | grep -q "\"$1\":$2"; }
# counter: the backup counter's value, through whatever the bus says.
counter() {
	local hex
	hex=$(tpm2 nvread 0x01746b01 -C o -s 8 2>/dev/null | od -An -tx1 |
	      tr -d ' \n')
	[ -n "$hex" ] && echo $((0x$hex))
}
# read_public FILE: a raw TPM2_ReadPublic of 0x81000002 (tpm2 send, no
# checks by tpm2-tools); its TPM2B_PUBLIC to FILE.
read_public() {
	printf '\200\001\000\000\000\016\000\000\001\163\201\000\000\002' |
		tpm2 send -o /tmp/rsp 2>/dev/null &&
		dd if=/tmp/rsp of="$1" bs=1 skip=10 2>/dev/null && test -s "$1"
}
G
guest() {	# guest NAME: the preamble plus the body on stdin
	{ cat "$CASE_TMP/pre.sh"; cat; echo guest_finish; } >"$CASE_TMP/$1"
	echo "$CASE_TMP/$1"
}

# bvm PARAMS VM-RUN-ARGS...: boot with the module parameters PARAMS.
bvm() {
	local params=$1
	shift
	vm --env "BUS_PARAMS=$params" "$@"
}

# from_disk IMG FILE: FILE from the state disk's root, to CASE_TMP/FILE.
from_disk() {
	rm -f "$CASE_TMP/$2"
	debugfs -R "dump /$2 $CASE_TMP/$2" "$1" >/dev/null 2>&1
	[ -s "$CASE_TMP/$2" ]
}

# sniffed NAME EXPECT LOG STATE [WHERE]: sniff-kmk's verdict as a test
# point; with WHERE, a recovered KMK must have been found (also) there
# (e.g. "command Create": in a command that sealed it).
sniffed() {
	local name=$1 expect=$2 log=$3 state=$4 where=${5:-} rc=0
	"$tools/sniff-kmk" "$log" "$state" >"$CASE_TMP/sniff.out" 2>&1 || rc=$?
	sed 's/^/# /' "$CASE_TMP/sniff.out"
	case $expect:$rc in
	expect_success:0)
		if [ -z "$where" ] ||
		   grep -q "^KMK found at .*: $where " "$CASE_TMP/sniff.out"; then
			pass "$name: sniff-kmk recovers the KMK from the bus${where:+ ($where)}"
		else
			fail "$name: sniff-kmk recovers the KMK, but not in $where"
		fi ;;
	expect_refusal:1) pass "$name: no 32-byte window of the bus unwraps the DEK" ;;
	*) fail "$name: sniff-kmk exit $rc ($expect)" ;;
	esac
}

# sniff_test BACKEND EXPECT [PARAMS]: the traffic of ACTIVATE, BACKUP
# (boot 1), LOAD, ERASE, RESTORE (boot 2), LOAD and RESEAL (boot 3), as
# swtpm logs it, against the state blobs from ACTIVATE, from RESTORE and
# from RESEAL (a new KMK and a new state; nothing unseals it after the
# reseal, so only the RESEAL's own traffic can give it away).  One LOAD
# per boot, so that the boot-phase lock needs no test PCR here.
sniff_test() {
	local b=$1 expect=$2 params="backend=$1 ${3:-}" d=$CASE_TMP/sniff-$1-$2 s
	mkdir -p "$d"
	mkstick "$d/stick.img"
	local run=(--tpm "$d/tpm" --state-disk "$d/state.img"
		   --stick "$d/stick.img" --tpm-log "$d/swtpm.log")
	s=$(guest "sniff1-$b.sh" <<'G'
expect "activate" 0 tpmkeyctl activate
cp $st/key.state $st/activate.state
expect "backup" 0 tpmkeyctl backup --password-file /tmp/pw $KDF
G
	)
	bvm "$params" "${run[@]}" "$s" || case_failed=1
	s=$(guest "sniff2-$b.sh" <<'G'
expect "load" 0 tpmkeyctl load
expect "erase" 0 tpmkeyctl erase --yes
expect "restore" 0 tpmkeyctl restore --password-file /tmp/pw
cp $st/key.state $st/restore.state
G
	)
	bvm "$params" "${run[@]}" "$s" || case_failed=1
	s=$(guest "sniff3-$b.sh" <<'G'
expect "load of the restored key" 0 tpmkeyctl load
cp $st/key.state /tmp/before-reseal.state
expect "reseal" 0 tpmkeyctl reseal
check "... wrote a new state" sh -c "! cmp -s $st/key.state /tmp/before-reseal.state"
cp $st/key.state $st/reseal.state
G
	)
	bvm "$params" "${run[@]}" "$s" || case_failed=1
	for s in activate restore reseal; do
		where=
		[ $s = reseal ] && where="command Create"
		if from_disk "$d/state.img" "$s.state"; then
			sniffed "$b backend, state from ${s^^}" "$expect" \
				"$d/swtpm.log" "$CASE_TMP/$s.state" "$where"
		else
			fail "$b backend: no $s.state on the state disk"
		fi
	done
}

# passthrough_test: tpm-proxy without a rule: activate, backup (boot 1),
# load and a refused second backup (boot 2) work through it, and its own
# log, the second sniffer, gives no KMK (the module's sessions).
passthrough_test() {
	local d=$CASE_TMP/pass s
	mkdir -p "$d"
	mkstick "$d/stick.img"
	local run=(--tpm "$d/tpm" --state-disk "$d/state.img"
		   --stick "$d/stick.img" --tpm-proxy "--log $d/proxy.log")
	s=$(guest pass1.sh <<'G'
expect "through tpm-proxy: activate" 0 tpmkeyctl activate
expect "through tpm-proxy: backup" 0 tpmkeyctl backup --password-file /tmp/pw $KDF
G
	)
	bvm "backend=tpm2" "${run[@]}" "$s" || case_failed=1
	s=$(guest pass2.sh <<'G'
expect "through tpm-proxy: load" 0 tpmkeyctl load
expect "through tpm-proxy: a second backup exits 6" 6 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
G
	)
	bvm "backend=tpm2" "${run[@]}" "$s" || case_failed=1
	if from_disk "$d/state.img" key.state; then
		sniffed "tpm-proxy's own log" expect_refusal "$d/proxy.log" \
			"$CASE_TMP/key.state"
	else
		fail "pass-through: no key.state on the state disk"
	fi
}

# counter_moved NAME WANT: the counter (read with no interposer) moved by
# WANT since before the attack (CASE_TMP/counter.before).
counter_moved() {
	local name=$1 want=$2 before after
	before=$(cat "$CASE_TMP/counter.before" 2>/dev/null)
	after=$(cat "$CASE_TMP/counter.after" 2>/dev/null)
	if [ -n "$before" ] && [ -n "$after" ] &&
	   [ $((after - before)) -eq "$want" ]; then
		pass "$name (counter $before -> $after)"
	else
		fail "$name (counter '$before' -> '$after', expected +$want)"
	fi
}

# Boot 1 of the interposer tests, with no interposer: a key, its counter.
# setup_key DIR PARAMS [BACKUP]: BACKUP=1 also makes its one backup.
setup_key() {
	local d=$1 params=$2 s
	mkdir -p "$d"
	mkstick "$d/stick1.img"
	mkstick "$d/stick2.img"
	s=$(guest "setup-${d##*/}.sh" <<'G'
expect "setup: activate" 0 tpmkeyctl activate
if [ "$BUS_BACKUP" = 1 ]; then
	expect "setup: the one backup" 0 tpmkeyctl backup --password-file /tmp/pw $KDF
	expect "setup: a second backup exits 6" 6 tpmkeyctl backup --password-file /tmp/pw $KDF
fi
echo "COUNTER $(counter)"
G
	)
	bvm "$params" --tpm "$d/tpm" --state-disk "$d/state.img" \
		--stick "$d/stick1.img" --env "BUS_BACKUP=${3:-0}" "$s" |
		tee "$CASE_TMP/setup.out" | grep -v '^COUNTER '
	[ "${PIPESTATUS[0]}" -eq 0 ] || case_failed=1
	sed -n 's/^COUNTER //p' "$CASE_TMP/setup.out" >"$CASE_TMP/counter.before"
}

# read_counter DIR: the counter after the attack, with no interposer.
read_counter() {
	local d=$1 s
	s=$(guest counter.sh <<'G'
echo "COUNTER $(counter)"
G
	)
	bvm "" --tpm "$d/tpm" --state-disk "$d/state.img" "$s" |
		sed -n 's/^COUNTER //p' >"$CASE_TMP/counter.after"
}

# rewrite_nv_read_test EXPECT [PARAMS]: the key's one backup is made
# (boot 1); then the interposer answers NV_Read with the counter's value
# minus one, i.e. the value the state recorded (boot 2).
rewrite_nv_read_test() {
	local expect=$1 params="backend=tpm2 ${2:-}" d=$CASE_TMP/nvread-$1 s
	setup_key "$d" "$params" 1
	s=$(guest nvread.sh <<'G'
if [ "$BUS_EXPECT" = expect_success ]; then
	expect "NV_Read rewritten: load" 0 tpmkeyctl load
	check "NV_Read rewritten: status says no backup made" json_field backup_made false
	expect "NV_Read rewritten: a second backup succeeds" 0 \
		tpmkeyctl backup --password-file /tmp/pw $KDF
	expect "NV_Read rewritten: ... and verifies" 0 \
		tpmkeyctl verify-backup --password-file /tmp/pw
else
	# LOAD may refuse, or load and allow no backup.
	rc=0
	tpmkeyctl load || rc=$?
	echo "# load under the rewritten NV_Read: exit $rc"
	rc=0
	tpmkeyctl backup --password-file /tmp/pw $KDF || rc=$?
	check "NV_Read rewritten: backup refused (exit $rc)" test $rc -ne 0
fi
G
	)
	bvm "$params" --tpm "$d/tpm" --state-disk "$d/state.img" \
		--stick "$d/stick2.img" --tpm-proxy "--rewrite-nv-read" \
		--env "BUS_EXPECT=$expect" "$s" || case_failed=1
	read_counter "$d"
	if [ "$expect" = expect_success ]; then
		check "NV_Read rewritten: the second backup is on the second stick" \
			mdir -i "$d/stick2.img" -b ::/TPMKEY.BAK
		counter_moved "NV_Read rewritten: the counter moved again" 1
	else
		check "NV_Read rewritten: nothing on the second stick" \
			sh -c "! mdir -i '$d/stick2.img' -b ::/TPMKEY.BAK >/dev/null 2>&1"
		counter_moved "NV_Read rewritten: nothing spent" 0
	fi
}

# drop_nv_increment_test EXPECT [PARAMS]: a key without a backup (boot 1);
# the interposer answers NV_Increment itself (boot 2): the backup reports
# success but the counter does not move, so one more backup is possible
# afterwards, with no interposer (boot 3).
drop_nv_increment_test() {
	local expect=$1 params="backend=tpm2 ${2:-}" d=$CASE_TMP/nvinc-$1 s
	setup_key "$d" "$params"
	s=$(guest nvinc.sh <<'G'
expect "NV_Increment dropped: load" 0 tpmkeyctl load
before=$(counter)
rc=0
tpmkeyctl backup --password-file /tmp/pw $KDF || rc=$?
if [ "$BUS_EXPECT" = expect_success ]; then
	check "NV_Increment dropped: backup reports success (exit $rc)" test $rc -eq 0
	check "NV_Increment dropped: ... and the TPM counter did not move ($before -> $(counter))" \
		test "$(counter)" = "$before"
else
	check "NV_Increment dropped: backup refused (exit $rc)" test $rc -ne 0
fi
G
	)
	bvm "$params" --tpm "$d/tpm" --state-disk "$d/state.img" \
		--stick "$d/stick1.img" --tpm-proxy "--drop-nv-increment" \
		--env "BUS_EXPECT=$expect" "$s" || case_failed=1
	if [ "$expect" = expect_success ]; then
		check "NV_Increment dropped: the backup is on the stick" \
			mdir -i "$d/stick1.img" -b ::/TPMKEY.BAK
	else
		check "NV_Increment dropped: nothing on the stick" \
			sh -c "! mdir -i '$d/stick1.img' -b ::/TPMKEY.BAK >/dev/null 2>&1"
	fi
	# Either way the backup was never spent: the next one works.
	s=$(guest nvinc2.sh <<'G'
expect "after the dropped NV_Increment: load" 0 tpmkeyctl load
check "after the dropped NV_Increment: status says no backup made" json_field backup_made false
expect "after the dropped NV_Increment: another backup succeeds" 0 \
	tpmkeyctl backup --password-file /tmp/pw $KDF
G
	)
	bvm "$params" --tpm "$d/tpm" --state-disk "$d/state.img" \
		--stick "$d/stick2.img" "$s" || case_failed=1
}

# swap_ecc_point_test EXPECT [PARAMS]: the interposer replaces the P-256
# point of every ECC public area the TPM returns (CreatePrimary, Create,
# CreateLoaded, ReadPublic): the salt key's, once the module has one.
# Boot 1 makes a persistent ECC P-256 primary at 0x81000002 and keeps its
# public area; boot 2 reads it again through the interposer with a raw
# TPM2_ReadPublic (tpm2 send: tpm2-tools' own commands check the Name
# against the public area and fail), then loads the key and backs it up.
# (LOAD and BACKUP meet a swapped point only if they read a public area
# from the TPM; with the point taken from the state they are unaffected,
# and the attack is at ACTIVATE, below.)
swap_ecc_point_test() {
	local expect=$1 params="backend=tpm2 ${2:-}" d=$CASE_TMP/ecc s
	setup_key "$d" "$params"
	s=$(guest ecc1.sh <<'G'
tpm2 createprimary -C o -G ecc256 -c /tmp/p.ctx >/dev/null 2>&1 &&
	tpm2 evictcontrol -C o -c /tmp/p.ctx 0x81000002 >/dev/null 2>&1
check "an ECC P-256 primary's public area, no interposer" read_public $st/ecc-real.pub
G
	)
	bvm "$params" --tpm "$d/tpm" --state-disk "$d/state.img" "$s" ||
		case_failed=1
	s=$(guest ecc2.sh <<'G'
check "the same public area through the interposer" read_public $st/ecc-swapped.pub
check "... its point differs" sh -c "! cmp -s $st/ecc-real.pub $st/ecc-swapped.pub"
if [ "$BUS_EXPECT" = expect_success ]; then
	expect "ECC point swapped: load" 0 tpmkeyctl load
	expect "ECC point swapped: backup" 0 tpmkeyctl backup --password-file /tmp/pw $KDF
else
	# The module salts to the point its state recorded, never to one the
	# bus sends now: the swapped answers change nothing.
	expect "ECC point swapped after activation: load works (recorded point)" 0 tpmkeyctl load
	expect "ECC point swapped after activation: backup works" 0 \
		tpmkeyctl backup --password-file /tmp/pw $KDF
fi
G
	)
	bvm "$params" --tpm "$d/tpm" --state-disk "$d/state.img" \
		--stick "$d/stick1.img" --tpm-proxy "--swap-ecc-point" \
		--env "BUS_EXPECT=$expect" "$s" || case_failed=1
	if from_disk "$d/state.img" ecc-real.pub &&
	   from_disk "$d/state.img" ecc-swapped.pub; then
		check "the swapped point is a valid P-256 point, not the real one" \
			"$tools/ecc-point-check" \
			"$CASE_TMP/ecc-real.pub" "$CASE_TMP/ecc-swapped.pub"
	else
		fail "ECC public areas not on the state disk"
	fi
	if [ "$expect" = expect_refusal ]; then
		read_counter "$d"
		counter_moved "ECC point swapped: the one backup moved the counter once" 1
	fi
	swap_at_activate "$expect" "$params"
}

# swap_at_activate EXPECT PARAMS: a key activated through the swapping
# interposer (a new TPM), where the state records the salt key's point
# (trust on first use): with sessions the TPM cannot agree on a salt with
# a point that is not its key's, so ACTIVATE must fail and leave nothing.
swap_at_activate() {
	local expect=$1 params=$2 d=$CASE_TMP/ecc-activate s
	mkdir -p "$d"
	s=$(guest ecc-act1.sh <<'G'
rc=0
tpmkeyctl activate || rc=$?
if [ "$BUS_EXPECT" = expect_success ]; then
	check "ECC point swapped at activate: activate works (exit $rc)" test $rc -eq 0
else
	check "ECC point swapped at activate: activate refused (exit $rc)" test $rc -ne 0
	check "ECC point swapped at activate: ... no state, no key" \
		sh -c "! test -e $st/key.state && ! keyctl search @u logon tpmkey:dek"
fi
G
	)
	bvm "$params" --tpm "$d/tpm" --state-disk "$d/state.img" \
		--tpm-proxy "--swap-ecc-point" --env "BUS_EXPECT=$expect" "$s" ||
		case_failed=1
	[ "$expect" = expect_success ] || return 0
	s=$(guest ecc-act2.sh <<'G'
expect "ECC point swapped at activate: the key loads in the next boot" 0 tpmkeyctl load
G
	)
	bvm "$params" --tpm "$d/tpm" --state-disk "$d/state.img" "$s" ||
		case_failed=1
}

# Each attack runs against the native backend's sessions (refused) and
# with them switched off by the test-only parameter (succeeds: the test
# can fail).  Trusted keys have no sessions on these kernels: the sniffer
# finds their KMK.  Debian's kernels have no trusted keys.
case $KERNEL in
debian-*) trusted= ;;
*) trusted=trusted ;;
esac
# BUS_TESTS: a subset of "sniff pass nvread nvinc ecc" (default: all).
want() {
	[ -z "${BUS_TESTS:-}" ] || case " $BUS_TESTS " in *" $1 "*) ;; *) false ;; esac
}
# The unprotected halves prove that the tools see the attack; they run on
# the first kernel of a run (once_per_run), or on every kernel with
# TPMKEY_BUS_CONTROLS=all (make check-all).  The protected halves run on
# every kernel.
controls() {
	[ "${TPMKEY_BUS_CONTROLS:-}" = all ] || once_per_run
}
if want sniff; then
	sniff_test tpm2 expect_refusal
	if controls; then
		sniff_test tpm2 expect_success test_no_sessions=1
		[ -n "$trusted" ] && sniff_test trusted expect_success
	fi
fi
want pass && passthrough_test
if want nvread; then
	rewrite_nv_read_test expect_refusal
	controls && rewrite_nv_read_test expect_success test_no_sessions=1
fi
if want nvinc; then
	drop_nv_increment_test expect_refusal
	controls && drop_nv_increment_test expect_success test_no_sessions=1
fi
# Without sessions there is no salt to attack: only the refusal runs.
want ecc && swap_ecc_point_test expect_refusal

finish
