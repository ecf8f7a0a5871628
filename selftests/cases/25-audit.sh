#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The audit trail (helper to syslog, module to the kernel log) and the
# sample management program on libtpmkey.
. "$(dirname "$0")/../lib.sh"

mkstick "$CASE_TMP/stick.img"
s=$(guest_script audit.sh <<'G'
. /selftests/lib.sh
syslogd -n -O /tmp/messages &
sleep 0.5
password='audit trail password 0123'
printf '%s\n' "$password" >/tmp/pw
tpmkey-monitor --interval 0.2 >/tmp/monitor &
monitor=$!
sleep 0.5
tpmkeyctl activate >/dev/null
id=$(tpmkeyctl --json status | sed 's/.*"key_id":"\([0-9a-f]*\)".*/\1/')
sleep 0.6
tpmkeyctl backup --password-file /tmp/pw --kdf-memory 65536 --kdf-time 3 >/dev/null
sleep 0.6
tpmkeyctl backup --password-file /tmp/pw --kdf-memory 65536 --kdf-time 3 2>/dev/null
tpmkeyctl erase --yes >/dev/null
sleep 0.6
kill $monitor
sleep 0.3
kill %1 2>/dev/null
dmesg >/tmp/kernel
echo "# syslog:"; sed 's/^/#   /' /tmp/messages
echo "# monitor:"; sed 's/^/#   /' /tmp/monitor
echo "# kernel:"; grep tpmkey /tmp/kernel | sed 's/^/#   /'
check "syslog records activate with the key id" \
	grep -q "tpmkeyctl.*activate: .*$id" /tmp/messages
check "syslog records the backup" \
	grep -q "tpmkeyctl.*backup: .*$id.*(exit 0)" /tmp/messages
check "syslog records the refused second backup with its reason" \
	grep -q "tpmkeyctl.*backup: .*already been made.*(exit 6)" /tmp/messages
check "syslog records the erase" grep -q "tpmkeyctl.*erase: .*$id" /tmp/messages
check "the kernel log records creation, backup and erase" \
	sh -c "grep -q 'tpmkey: key $id created' /tmp/kernel &&
	       grep -q 'tpmkey: key $id backed up' /tmp/kernel &&
	       grep -q 'tpmkey: key $id erased' /tmp/kernel"
check "the kernel log records a refused activate with the reason" \
	sh -c "tpmkeyctl activate >/dev/null 2>&1; mkdir -p /tmp/other; tpmkeyctl --state-dir /tmp/other activate >/dev/null 2>&1;
	       dmesg | grep -q 'tpmkey: activate refused: key [0-9a-f]* is loaded'"
check "neither log contains the password" \
	sh -c "! grep -qF '$password' /tmp/messages /tmp/kernel"
check "the monitor saw the key become active, without a backup" \
	grep -q "state=active key=$id backup=missing" /tmp/monitor
check "the monitor warned once that the key has no backup" \
	test "$(grep -c 'warning: the key has no backup' /tmp/monitor)" = 1
check "the monitor saw the backup made" grep -q "key=$id backup=made" /tmp/monitor
check "the monitor saw the key erased" \
	sh -c "tail -n 1 /tmp/monitor | grep -q 'state=inactive'"
guest_finish
G
)
vm --stick "$CASE_TMP/stick.img" "$s" || case_failed=1

finish
