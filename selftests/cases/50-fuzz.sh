#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Random ioctls (selftests/tpmkey_fuzz.c), seeded and bounded in time, with
# no key and with a key loaded: only documented errnos, no kernel report
# (vm-run fails the boot on any), and the key still works afterwards.
. "$(dirname "$0")/../lib.sh"

seconds=${TPMKEY_FUZZ_SECONDS:-15}
s=$(guest_script fuzz.sh <<G
. /selftests/lib.sh
expect "fuzz seed 1, no key, $seconds s: only documented errnos" 0 \
	/selftests/tpmkey_fuzz 1 $seconds
tpmkeyctl activate >/dev/null
expect "fuzz seed 2, a key loaded, $seconds s: only documented errnos" 0 \
	/selftests/tpmkey_fuzz 2 $seconds
check "the module still reports a consistent state" \
	sh -c 'tpmkeyctl --json status | grep -q "\"ok\":true"'
tpmkeyctl erase --yes >/dev/null 2>&1
expect "activate still works after fuzzing" 0 tpmkeyctl activate
guest_finish
G
)
vm --timeout 300 "$s" || case_failed=1

finish
