#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tpmkey's Debian packages on real Debian 12 images (mmdebstrap, cached
# under /var/cache/tpmkey/debian-image), booted under QEMU with swtpm:
# selftests/debian/scenarios.  make check runs the two-boot smoke test of
# the data volume; make check-all (TPMKEY_DEBIAN=full) every scenario.
# The images do not depend on the test kernel: this runs once per run.
. "$(dirname "$0")/../lib.sh"

if ! once_per_run; then
	pass "Debian images: run with the first kernel only # SKIP"
	finish
fi
exec "$top/selftests/debian/scenarios" "${TPMKEY_DEBIAN:-smoke}"
