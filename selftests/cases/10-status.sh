#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module skeleton: the STATUS ioctl (kselftest) and tpmkeyctl status.
. "$(dirname "$0")/../lib.sh"

s=$(guest_script ioctl.sh <<'G'
/selftests/tpmkey_ioctl_test
G
)
vm "$s" || case_failed=1

s=$(guest_script status.sh <<'G'
out=$(tpmkeyctl status --json) || exit 1
echo "$out"
echo "$out" | grep -q '"tpm_present":true' || exit 2
echo "$out" | grep -q '"tpm_version":"2.0"' || exit 3
trusted=false
[ "$TPMKEY_EXPECT_TRUSTED_KEYS" = 1 ] && trusted=true
echo "$out" | grep -q "\"trusted_keys\":$trusted" || exit 4
echo "$out" | grep -q '"ok":true,"code":0' || exit 5
tpmkeyctl status | grep -q '^TPM: *2.0$' || exit 6
name=$TPMKEY_EXPECT_BACKEND
echo "$out" | grep -q "\"new_key_backend\":\"$name\"" || exit 7
tpmkeyctl status | grep -q "^new keys: *sealed with $name\$" || exit 8
G
)
expect_status "tpmkeyctl status reports a TPM 2.0, trusted keys or not, and the backend for new keys" \
	0 vm "$s"

# The module parameter: an unknown backend is refused at load time; a
# forced one is what STATUS reports; trusted forced where the kernel has
# no trusted keys makes status exit 3 naming them.
s=$(guest_script backend.sh <<'G'
rmmod tpmkey || exit 100
/bin/busybox insmod /lib/modules/tpmkey.ko backend=tpm3 2>/dev/null && exit 101
dmesg | grep -q 'unknown backend "tpm3"' || exit 102
/bin/busybox insmod /lib/modules/tpmkey.ko backend=tpm2 || exit 103
[ "$(cat /sys/module/tpmkey/parameters/backend)" = tpm2 ] || exit 104
tpmkeyctl status --json | grep -q '"new_key_backend":"tpm2"' || exit 105
rmmod tpmkey && /bin/busybox insmod /lib/modules/tpmkey.ko backend=trusted || exit 106
rc=0
out=$(tpmkeyctl status --json) || rc=$?
if [ "$TPMKEY_EXPECT_TRUSTED_KEYS" = 1 ]; then
	[ $rc -eq 0 ] && echo "$out" | grep -q '"new_key_backend":"trusted"' || exit 107
else
	[ $rc -eq 3 ] && echo "$out" | grep -q 'backend=trusted' || exit 108
fi
G
)
expect_status "module parameter backend: unknown refused, tpm2 and trusted honoured" 0 vm "$s"

# A stored key is unsealed by the backend recorded in its state, whatever
# the parameter says; a state naming trusted keys on a kernel without
# them exits 3 and is left alone.
s=$(guest_script recorded.sh <<'G'
. /selftests/lib.sh
st=/var/lib/tpmkey/key.state
reload() { rmmod tpmkey && /bin/busybox insmod /lib/modules/tpmkey.ko "$@"; }
backend_is() { tpmkeyctl --json status | grep -q "\"backend\":\"$1\""; }
# set_backend FILE N: the state's backend field (offset 16) set to N and
# its SHA-256 (the last 32 bytes, over everything before) made right
# again, so that the module gets as far as choosing the backend.
set_backend() {
	local len hex i
	len=$(stat -c %s "$1")
	printf "\\$(printf %o "$2")" | dd of="$1" bs=1 seek=16 conv=notrunc 2>/dev/null
	hex=$(head -c $((len - 32)) "$1" | sha256sum | cut -c1-64)
	for i in $(seq 0 31); do
		printf "\\$(printf %o "0x$(echo "$hex" | cut -c$((2 * i + 1))-$((2 * i + 2)))")"
	done | dd of="$1" bs=1 seek=$((len - 32)) conv=notrunc 2>/dev/null
}
if [ "$TPMKEY_EXPECT_TRUSTED_KEYS" = 1 ]; then
	reload backend=tpm2 && tpmkeyctl activate >/dev/null
	check "sealed with backend=tpm2" backend_is tpm2
	reload backend=trusted
	expect "... loads with backend=trusted" 0 tpmkeyctl load
	check "... by the backend it was sealed with" backend_is tpm2
	tpmkeyctl erase --yes >/dev/null
	tpmkeyctl activate >/dev/null
	check "sealed with backend=trusted" backend_is trusted
	reload backend=tpm2
	expect "... loads with backend=tpm2" 0 tpmkeyctl load
	check "... by trusted keys" backend_is trusted
else
	tpmkeyctl activate >/dev/null
	check "sealed with the native backend" backend_is tpm2
	reload
	set_backend $st 1
	cp $st /tmp/before
	rc=0
	tpmkeyctl load >/tmp/out 2>&1 || rc=$?
	check "a state sealed with trusted keys: load exits 3 (status $rc)" test $rc -eq 3
	check "... naming trusted keys" grep -q 'trusted keys' /tmp/out
	check "... the state file untouched" cmp -s $st /tmp/before
	check "... and no key loaded" eval '! dek_in_keyring'
	set_backend $st 2
	expect "the same state with its own backend loads again" 0 tpmkeyctl load
fi
guest_finish
G
)
vm "$s" || case_failed=1

# Exit 1, unexpected internal error: a state directory that cannot be
# written.  The command changes nothing.
s=$(guest_script internal.sh <<'G'
mkdir -p /tmp/ro && mount -t tmpfs -o ro tmpfs /tmp/ro || exit 100
rc=0
tpmkeyctl --state-dir /tmp/ro/tpmkey activate || rc=$?
keyctl search @u logon tpmkey:dek >/dev/null 2>&1 && exit 101
tpmkeyctl --json status | grep -q '"state":"inactive"' || exit 102
exit $rc
G
)
expect_status "an unwritable state directory is an internal error (1), nothing changed" 1 vm "$s"

s=$(guest_script notpm.sh <<'G'
rc=0
out=$(tpmkeyctl status --json) || rc=$?
echo "$out"
echo "$out" | grep -q '"tpm_present":false' || exit 100
exit $rc
G
)
expect_status "without a TPM, status exits 3 (no TPM)" 3 vm --no-tpm "$s"

s=$(guest_script nomodule.sh <<'G'
tpmkeyctl status 2>&1 | grep -q 'load the module' || exit 100
tpmkeyctl status
G
)
expect_status "without the module, status exits 3 and says to load it" 3 \
	vm --no-module "$s"

expect_status "an unknown command is a usage error (2)" 2 \
	"$top/cli/tpmkeyctl" frobnicate

finish
