#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lifecycle over and over (selftests/tpmkey_soak.c): ACTIVATE, BACKUP,
# BACKUP refused, ERASE, LOAD, VERIFY, BACKUP refused, ERASE, with STATUS
# and the keyring checked after every step; then processes issuing random
# ioctls at once.  No kernel report (vm-run fails the boot on any; debug
# kernels also scan kmemleak).  TPMKEY_SOAK="CYCLES PROCS SECONDS"; make
# check-soak runs 1000 cycles and 8 processes on the debug kernel.
. "$(dirname "$0")/../lib.sh"

read -r cycles procs seconds <<<"${TPMKEY_SOAK:-40 8 10}"
s=$(guest_script soak.sh <<G
tpm2 nvdefine 0x01746b01 -C o -s 8 -a "nt=counter|ownerread|ownerwrite|no_da" >/dev/null &&
	tpm2 nvincrement 0x01746b01 -C o || exit 1
/selftests/tpmkey_soak $cycles $procs $seconds
G
)
vm --timeout "${TPMKEY_SOAK_TIMEOUT:-600}" "$s" || case_failed=1

finish
