#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tpm-test.sh TPM_TEST: run the tpm.c test program against a fresh
# swtpm on free random TCP ports, and stop swtpm however the test ends.
# Needs swtpm, tpm2-tools and libtss2-tcti-swtpm0 (scripts/install-deps test).
#
# tpm2-tss logging is off unless TSS2_LOG says otherwise: the test provokes
# failures on purpose and tpm.c reports each in its own words.
set -euo pipefail

test_prog=${1:?usage: run-tpm-test.sh TPM_TEST}

for tool in swtpm tpm2 ss; do
	if ! command -v "$tool" >/dev/null; then
		echo "run-tpm-test: no $tool (scripts/install-deps test)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d -t tpmkey-tpm-test.XXXXXX)
swtpm_pid=

cleanup() {
	if [ -n "$swtpm_pid" ]; then
		kill "$swtpm_pid" 2>/dev/null || true
		wait "$swtpm_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# True while process $1 runs (a zombie does not count: kill -0 would).
alive() {
	local state

	state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [ "$state" != Z ]
}

# True when nothing listens on TCP port $1.
port_free() {
	[ -z "$(ss -Htln "sport = :$1")" ]
}

# Starts swtpm on a random free port pair; swtpm may still lose a race for
# the port, so a swtpm that exits early is retried on another pair.
start_swtpm() {
	local port

	for _ in $(seq 1 20); do
		port=$((20000 + RANDOM % 20000))
		if ! port_free "$port" || ! port_free $((port + 1)); then
			continue
		fi

		rm -rf "$tmp/state" && mkdir "$tmp/state"
		swtpm socket --tpm2 \
			--server type=tcp,port="$port" \
			--ctrl type=tcp,port=$((port + 1)) \
			--flags startup-clear,not-need-init \
			--tpmstate dir="$tmp/state" \
			--log file="$tmp/swtpm.log" &
		swtpm_pid=$!

		for _ in $(seq 1 50); do
			if ! alive "$swtpm_pid"; then
				wait "$swtpm_pid" 2>/dev/null || true
				swtpm_pid=
				break
			fi
			if ! port_free "$port" && ! port_free $((port + 1)) &&
			   alive "$swtpm_pid"; then
				tpm_port=$port
				return 0
			fi
			sleep 0.1
		done
		if [ -n "$swtpm_pid" ]; then
			echo "run-tpm-test: swtpm did not listen on $port" >&2
			cat "$tmp/swtpm.log" >&2 || true
			return 1
		fi
	done
	echo "run-tpm-test: no free port pair for swtpm" >&2
	return 1
}

start_swtpm
mkdir "$tmp/work"
echo "# swtpm on port $tpm_port, state in $tmp/state"
export TSS2_LOG=${TSS2_LOG:-all+none}
"$test_prog" "swtpm:port=$tpm_port" "$tmp/work"
