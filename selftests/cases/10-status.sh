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
echo "$out" | grep -q '"trusted_keys":true' || exit 4
echo "$out" | grep -q '"ok":true,"code":0' || exit 5
tpmkeyctl status | grep -q '^TPM: *2.0$' || exit 6
G
)
expect_status "tpmkeyctl status reports a TPM 2.0 with trusted keys" 0 vm "$s"

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
	"$top/userspace/tpmkeyctl" frobnicate

finish
