# SPDX-License-Identifier: GPL-2.0
#
# volumes.sh: /etc/tpmkey/volumes for every boot path.  Sourced (POSIX sh,
# busybox sh and dash) by tpmkey-generator (systemd), /etc/init.d/tpmkey
# (SysV), /usr/libexec/tpmkey/volume (the units' ExecStart) and the
# initramfs's local-top script, so that all of them read the file alike.
#
# TPMKEY_VOLUMES names the file (default /etc/tpmkey/volumes);
# TPMKEYCTL the helper (default tpmkeyctl from PATH).

: "${TPMKEY_VOLUMES:=/etc/tpmkey/volumes}"
: "${TPMKEYCTL:=tpmkeyctl}"
TPMKEY_DEFAULT_TIMEOUT=90

tk_say() {
	echo "tpmkey: $*"
}

# tk_volumes: "NAME DEVICE OPTIONS" for each volume, OPTIONS "-" if none;
# a malformed line is reported on stderr and left out.
tk_volumes() {
	[ -r "$TPMKEY_VOLUMES" ] || return 0
	_n=0
	while read -r _name _dev _opts _rest || [ -n "$_name" ]; do
		_n=$((_n + 1))
		case $_name in
		''|'#'*) continue ;;
		esac
		if [ -z "$_dev" ] || [ -n "$_rest" ]; then
			tk_say "$TPMKEY_VOLUMES:$_n: want NAME DEVICE [OPTIONS]" >&2
			continue
		fi
		case $_name in
		*[!A-Za-z0-9_.]*|.*)
			tk_say "$TPMKEY_VOLUMES:$_n: bad volume name \"$_name\"" >&2
			continue ;;
		esac
		if ! tk_device_path "$_dev" >/dev/null; then
			tk_say "$TPMKEY_VOLUMES:$_n: bad device \"$_dev\"" >&2
			continue
		fi
		echo "$_name $_dev ${_opts:--}"
	done <"$TPMKEY_VOLUMES"
}

# tk_initramfs_volumes: the names of the volumes marked "initramfs", the
# ones the initramfs maps (the hook's list; tpmkeyctl asks it whether the
# initramfs holds a copy of the state file).  Malformed lines are left out
# silently: the generator and the init script report them.
tk_initramfs_volumes() {
	tk_volumes 2>/dev/null | while read -r _iname _idev _iopts; do
		tk_option "$_iopts" initramfs >/dev/null && echo "$_iname"
	done
	return 0
}

# tk_device_path DEVICE: the /dev path DEVICE stands for.
tk_device_path() {
	case $1 in
	PARTUUID=?*) echo "/dev/disk/by-partuuid/${1#PARTUUID=}" ;;
	PARTLABEL=?*) echo "/dev/disk/by-partlabel/${1#PARTLABEL=}" ;;
	UUID=?*) echo "/dev/disk/by-uuid/${1#UUID=}" ;;
	LABEL=?*) echo "/dev/disk/by-label/${1#LABEL=}" ;;
	/dev/?*) echo "$1" ;;
	*) return 1 ;;
	esac
}

# tk_option OPTIONS NAME: the value of NAME=VALUE (or "yes" for a bare
# NAME) in the comma-separated OPTIONS; false if absent.
tk_option() {
	_o=$1
	while [ -n "$_o" ]; do
		_first=${_o%%,*}
		case $_first in
		"$2") echo yes; return 0 ;;
		"$2"=*) echo "${_first#*=}"; return 0 ;;
		esac
		[ "$_first" = "$_o" ] && break
		_o=${_o#*,}
	done
	return 1
}

# tk_timeout OPTIONS: seconds to wait for the device.
tk_timeout() {
	_t=$(tk_option "$1" timeout) || _t=$TPMKEY_DEFAULT_TIMEOUT
	case $_t in
	''|*[!0-9]*) _t=$TPMKEY_DEFAULT_TIMEOUT ;;
	esac
	echo "$_t"
}

# tk_find NAME: "NAME DEVICE OPTIONS" of that volume; false if none.
tk_find() {
	tk_volumes | awk -v n="$1" '$1 == n { print; f = 1; exit } END { exit !f }'
}

# tk_open NAME DEVICE OPTIONS [WAIT]: map one volume.  WAIT (default yes)
# polls for DEVICE for its timeout; the systemd units leave waiting to
# systemd (the device unit's timeout) and pass "no".  0, or tpmkeyctl's
# exit status, or 7 when the device never appeared.
tk_open() {
	_path=$(tk_device_path "$2")
	if [ -b "/dev/mapper/$1" ]; then
		tk_say "$1 is already mapped"
		return 0
	fi
	if [ "${4:-yes}" = yes ]; then
		_left=$(tk_timeout "$3")
		while [ ! -b "$_path" ] && [ "$_left" -gt 0 ]; do
			sleep 1
			_left=$((_left - 1))
		done
	fi
	if [ ! -b "$_path" ]; then
		tk_say "volume $1: device $2 is missing: $1 is not mapped"
		return 7
	fi
	"$TPMKEYCTL" open "$_path" "$1" </dev/null
	_rc=$?
	case $_rc in
	0) return 0 ;;
	17)	if [ -b "/dev/mapper/$1" ]; then
			tk_say "$1 is already mapped"
			return 0
		fi ;;
	esac
	tk_say "volume $1: cannot map $2 (tpmkeyctl open: exit $_rc, see tpmkeyctl(8))"
	return $_rc
}
