#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tpmkey as an installed product: make install/uninstall, the man page and
# the bash completion against the code, the shell scripts' syntax, DKMS
# against the test kernel's build tree and Debian's linux-headers, the
# refusal of a kernel without TPM support, and boots in which the init script, the initramfs hook and
# the local-top script bring the key and the encrypted disk up unattended.
. "$(dirname "$0")/../lib.sh"

build=${TPMKEY_BUILD:-$top/build}
kdir=$build/vm/${KERNEL%%+*}
krel=$(cat "$kdir/kernelrelease")
ctl=$top/cli/tpmkeyctl
man=$top/man/tpmkeyctl.8

# --- make install / make uninstall -------------------------------------

# Everything make install lays out, with its mode ("link" for a symlink).
expected_files() {	# expected_files PREFIX
	cat <<EOF
$1/sbin/tpmkeyctl 755
$1/libexec/tpmkey/tpmkeyctl-full 755
$1/share/man/man8/tpmkeyctl.8 644
/etc/init.d/tpmkey 755
/lib/systemd/system/tpmkey-load.service 644
/lib/systemd/system/tpmkey.service link
/lib/systemd/system-generators/tpmkey-generator 755
$1/libexec/tpmkey/volume 755
$1/share/tpmkey/volumes.sh 644
/etc/tpmkey/volumes 644
/usr/share/initramfs-tools/hooks/tpmkey 755
/usr/share/initramfs-tools/scripts/local-top/tpmkey 755
/usr/share/initramfs-tools/conf-hooks.d/tpmkey 644
$1/share/bash-completion/completions/tpmkeyctl 644
$1/include/linux/tpmkey.h 644
$1/include/libtpmkey.h 644
$1/lib/libtpmkey.a 644
$1/lib/libtpmkey.so link
$1/lib/libtpmkey.so.0 644
$1/lib/pkgconfig/libtpmkey.pc 644
EOF
}

# laid_out ROOT PREFIX: exactly the expected files, with their modes.
laid_out() {
	local root=$1 prefix=$2 ok=0 f mode got
	while read -r f mode; do
		if [ "$mode" = link ]; then
			got=missing
			[ -L "$root$f" ] && got=link
		elif [ -f "$root$f" ] && [ ! -L "$root$f" ]; then
			got=$(stat -c %a "$root$f")
		else
			got=missing
		fi
		if [ "$got" != "$mode" ]; then
			echo "# $f: $got, expected $mode"
			ok=1
		fi
	done < <(expected_files "$prefix")
	diff <(expected_files "$prefix" | cut -d' ' -f1 | sort) \
		<(cd "$root" && find . ! -type d | sed 's/^\.//' | sort) |
		sed 's/^/# /' | grep . && ok=1
	return $ok
}

# only_dirs_left ROOT: uninstall left nothing but directories.
only_dirs_left() {
	local left
	left=$(find "$1" ! -type d)
	[ -z "$left" ] || { echo "$left" | sed 's/^/# left: /'; return 1; }
}

# mk TARGET VAR=VALUE...: make quietly, showing the output if it fails.
mk() {
	make -s -C "$top" "$@" >"$CASE_TMP/make.log" 2>&1 ||
		{ sed 's/^/# /' "$CASE_TMP/make.log"; return 1; }
}

root=$CASE_TMP/root
check "make install DESTDIR=... succeeds" mk install DESTDIR="$root"
check "make install lays out every file, nothing else, with sane modes" \
	laid_out "$root" /usr
check "nothing installed is group- or world-writable" \
	test -z "$(find "$root" ! -type l \( -perm -g+w -o -perm -o+w \))"
check "the installed tpmkeyctl runs" eval '"$root/usr/sbin/tpmkeyctl" --version >/dev/null'
check "tpmkey.service is an alias of tpmkey-load.service" \
	test "$(readlink "$root/lib/systemd/system/tpmkey.service")" = tpmkey-load.service
check "the installed UAPI header compiles from \$PREFIX/include" \
	sh -c "echo '#include <linux/tpmkey.h>' |
	       gcc -x c -fsyntax-only -Wall -Werror -I'$root/usr/include' -"
cat >"$CASE_TMP/daemon.c" <<'C'
#include <libtpmkey.h>
#include <unistd.h>

int main(void)
{
	struct tpmkey_status st;
	int fd = tpmkey_open();

	if (fd < 0)
		return 0;
	fd = tpmkey_get_status(fd, &st);
	return fd ? 1 : 0;
}
C
check "a management program builds against the installed libtpmkey" \
	gcc -Wall -Werror -I"$root/usr/include" -o "$CASE_TMP/daemon" \
	"$CASE_TMP/daemon.c" "$root/usr/lib/libtpmkey.a"
# The sample daemon, with nothing but the installed .pc, header and .so.
check "the sample daemon builds against the installed libtpmkey.so and libtpmkey.pc only" \
	sh -c "gcc -Wall -Werror \$(PKG_CONFIG_SYSROOT_DIR='$root' PKG_CONFIG_PATH='$root/usr/lib/pkgconfig' pkg-config --cflags libtpmkey) \
	       -o '$CASE_TMP/tpmkey-daemon' '$top/lib/examples/tpmkey-daemon.c' \
	       \$(PKG_CONFIG_SYSROOT_DIR='$root' PKG_CONFIG_PATH='$root/usr/lib/pkgconfig' pkg-config --libs libtpmkey)"
check "... and links libtpmkey.so.0" \
	sh -c "readelf -d '$CASE_TMP/tpmkey-daemon' | grep -q 'NEEDED.*libtpmkey.so.0'"
# systemd's own check, with the installed man page for Documentation=.
verify_unit() {
	local out
	out=$(MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" \
		"/lib/systemd/system/$1" 2>&1) && [ -z "$out" ] ||
		{ echo "$out" | sed 's/^/# /'; return 1; }
}
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts tpmkey-load.service" \
		verify_unit tpmkey-load.service
	check "... and its alias tpmkey.service" verify_unit tpmkey.service
else
	pass "# SKIP systemd-analyze verify: no systemd-analyze"
fi

# The generator, on a volumes file with every kind of line.
gen=$CASE_TMP/gen
mkdir -p "$gen"
cat >"$CASE_TMP/volumes" <<'VOLS'
# comment
data   /dev/disk/by-id/virtio-tpmkey-data
logs   PARTUUID=0fc63daf-8483-4772-8e79-3d69d8477de4  timeout=60
root   PARTLABEL=root  initramfs
bad-name! /dev/sda
nodevice
VOLS
TPMKEY_VOLUMES=$CASE_TMP/volumes TPMKEY_SHARE=$root/usr/share/tpmkey \
	sh "$root/lib/systemd/system-generators/tpmkey-generator" "$gen" \
	2>"$CASE_TMP/gen.err"
sed 's/^/# /' "$CASE_TMP/gen.err"
check "the generator makes a unit for each good line, none for the bad ones" \
	test "$(cd "$gen" && ls tpmkey-open@*.service | tr '\n' ' ')" = \
	"tpmkey-open@data.service tpmkey-open@logs.service tpmkey-open@root.service "
check "... and reports the bad lines" test "$(wc -l <"$CASE_TMP/gen.err")" -eq 2
check "... cryptsetup.target wants them" \
	test -L "$gen/cryptsetup.target.wants/tpmkey-open@data.service"
check "... /dev/mapper/data's device unit requires its unit" \
	test -L "$gen/dev-mapper-data.device.requires/tpmkey-open@data.service"
check "... its device is waited for 90 s (the default timeout)" \
	grep -qx JobRunningTimeoutSec=90 \
	"$gen/dev-disk-by\\x2did-virtio\\x2dtpmkey\\x2ddata.device.d/50-tpmkey-timeout.conf"
check "... PARTUUID= is /dev/disk/by-partuuid, timeout=60 its device's timeout" \
	grep -qx JobRunningTimeoutSec=60 \
	"$gen/dev-disk-by\\x2dpartuuid-0fc63daf\\x2d8483\\x2d4772\\x2d8e79\\x2d3d69d8477de4.device.d/50-tpmkey-timeout.conf"
for l in "Requires=tpmkey-load.service" \
	 "ConditionPathExists=/var/lib/tpmkey/key.state" \
	 'BindsTo=dev-disk-by\x2did-virtio\x2dtpmkey\x2ddata.device' \
	 "ExecStart=/usr/libexec/tpmkey/volume open data" \
	 "ExecStop=/usr/libexec/tpmkey/volume close data"; do
	check "tpmkey-open@data.service has $l" grep -qxF "$l" "$gen/tpmkey-open@data.service"
done
check "a volume mapped in the initramfs is not closed at shutdown" \
	sh -c "! grep -q '^ExecStop=' '$gen/tpmkey-open@root.service'"
check "volumes.sh names the volumes marked initramfs (for the hook and tpmkeyctl)" \
	test "$(TPMKEY_VOLUMES=$CASE_TMP/volumes sh -c '. "$0"; tk_initramfs_volumes' \
		"$root/usr/share/tpmkey/volumes.sh" 2>/dev/null)" = root

# The initramfs hook with Debian's own hook-functions (their copy_exec
# takes a target directory that does not exist yet for a file name), on
# the host: no module for the kernel named, so the hook stops after the
# programs.
hook() {	# hook VOLUMES: the installed hook into $ird
	sed -e "s|^TPMKEYCTL=.*|TPMKEYCTL=$root/usr/sbin/tpmkeyctl|" \
	    -e "s|^TPMKEYCTL_FULL=.*|TPMKEYCTL_FULL=$root/usr/libexec/tpmkey/tpmkeyctl-full|" \
	    -e "s|^TPMKEY_SHARE=.*|TPMKEY_SHARE=$root/usr/share/tpmkey|" \
		"$root/usr/share/initramfs-tools/hooks/tpmkey" >"$CASE_TMP/hook"
	rm -rf "$ird"
	mkdir -p "$ird"
	DESTDIR=$ird version=0.0.0-none verbose=n TPMKEY_VOLUMES=$1 \
		sh "$CASE_TMP/hook" >"$CASE_TMP/hook.out" 2>&1
}
if [ -r /usr/share/initramfs-tools/hook-functions ]; then
	ird=$CASE_TMP/ird
	echo "data /dev/disk/by-id/virtio-tpmkey-data" >"$CASE_TMP/volumes.data"
	expect_status "the hook with Debian's hook-functions, a data volume: exits 0" 0 \
		hook "$CASE_TMP/volumes.data"
	sed 's/^/# /' "$CASE_TMP/hook.out"
	check "... tpmkeyctl-full is a file in its directory" \
		test -f "$ird$root/usr/libexec/tpmkey/tpmkeyctl-full"
	check "... with its libraries (libtss2-esys)" \
		sh -c "find '$ird' -name 'libtss2-esys.so*' | grep -q ."
	check "... and the device TCTI" \
		sh -c "find '$ird' -name 'libtss2-tcti-device.so.0' | grep -q ."
	check "... and no key state (nothing is mapped in the initramfs)" \
		test ! -e "$ird/etc/tpmkey-initramfs"
	expect_status "a root volume, no module for the kernel: the hook fails (update-initramfs keeps the old image)" 1 \
		hook "$CASE_TMP/volumes"
	check "... saying why" grep -q 'keeping the previous initramfs' "$CASE_TMP/hook.out"
else
	pass "# SKIP the hook with Debian's hook-functions: no initramfs-tools"
fi

check "make uninstall succeeds" mk uninstall DESTDIR="$root"
check "... and leaves nothing but directories" only_dirs_left "$root"

root=$CASE_TMP/root-local
mk install DESTDIR="$root" PREFIX=/usr/local
check "PREFIX=/usr/local: the same files under /usr/local" \
	laid_out "$root" /usr/local
check "PREFIX=/usr/local: the unit runs /usr/local/sbin/tpmkeyctl" \
	grep -qx 'ExecStart=/usr/local/sbin/tpmkeyctl load' \
	"$root/lib/systemd/system/tpmkey-load.service"
check "PREFIX=/usr/local: the initramfs hook copies /usr/local/sbin/tpmkeyctl" \
	grep -qx 'TPMKEYCTL=/usr/local/sbin/tpmkeyctl' \
	"$root/usr/share/initramfs-tools/hooks/tpmkey"
check "PREFIX=/usr/local: tpmkeyctl hands its other commands to /usr/local/libexec/tpmkey/tpmkeyctl-full" \
	grep -qF /usr/local/libexec/tpmkey/tpmkeyctl-full "$root/usr/local/sbin/tpmkeyctl"
check "PREFIX=/usr/local: the initramfs hook copies that tpmkeyctl-full" \
	grep -qx 'TPMKEYCTL_FULL=/usr/local/libexec/tpmkey/tpmkeyctl-full' \
	"$root/usr/share/initramfs-tools/hooks/tpmkey"
check "PREFIX=/usr/local: the hook and tpmkeyctl-full read the volumes with /usr/local/share/tpmkey/volumes.sh" \
	sh -c "grep -qx 'TPMKEY_SHARE=/usr/local/share/tpmkey' '$root/usr/share/initramfs-tools/hooks/tpmkey' &&
	       grep -qF /usr/local/share/tpmkey/volumes.sh '$root/usr/local/libexec/tpmkey/tpmkeyctl-full'"
mk uninstall DESTDIR="$root" PREFIX=/usr/local
check "PREFIX=/usr/local: make uninstall leaves nothing" only_dirs_left "$root"

# --- the man page ------------------------------------------------------

check "groff -man -ww renders the man page without a warning" \
	sh -c "out=\$(groff -man -ww -z '$man' 2>&1) && [ -z \"\$out\" ] ||
	       { echo \"\$out\" | sed 's/^/# /'; false; }"
check "man -l renders it without a warning" \
	sh -c "out=\$(LC_ALL=C MANWIDTH=80 man --warnings -l '$man' 2>&1 >/dev/null) &&
	       [ -z \"\$out\" ] || { echo \"\$out\" | sed 's/^/# /'; false; }"
rendered=$(LC_ALL=C MANWIDTH=200 man -l "$man" 2>/dev/null)
# The man page's source with \- as -, for option names.
man_text=$(sed 's/\\-/-/g' "$man")

commands=$("$ctl" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
check "tpmkeyctl --help lists the commands" test -n "$commands"
missing=
for c in $commands; do
	grep -qE "^   $c( |$)" <<<"$rendered" || missing="$missing $c"
done
check "every command of tpmkeyctl --help has its section in the man page${missing:+ (missing:$missing)}" \
	test -z "$missing"

# Exit codes: cli/exitcode.h against the EXIT STATUS section.
codes=$(sed -n 's/^\tTK_[A-Z]* = \([0-9]*\),.*/\1/p' "$top/cli/exitcode.h")
documented=$(sed -n '/^EXIT STATUS/,/^FILES/s/^       \([0-9][0-9]*\)  .*/\1/p' <<<"$rendered")
check "exitcode.h defines 0..23" test "$(echo $codes)" = "$(seq -s ' ' 0 23)"
check "the man page's EXIT STATUS has exactly the codes of exitcode.h" \
	test "$(echo $codes)" = "$(echo $documented)"

# Every long option: the global ones and the command table's.
options=$( { grep -ho '{ "[a-z-]*", *\(no\|required\)_argument' \
	"$top"/cli/tpmkeyctl.c | sed 's/{ "\([a-z-]*\)".*/\1/' |
	grep -v dump-table
	"$ctl" --dump-table | grep -o -- '--[a-z-]*' | sed 's/^--//'; } |
	sort -u)
check "the option tables were found" test -n "$options"
missing=
for o in $options; do
	grep -q -- "--$o\b" <<<"$man_text" || missing="$missing --$o"
done
check "every option of the code is in the man page${missing:+ (missing:$missing)}" \
	test -z "$missing"
in_files() {
	sed -n '/^FILES$/,/^[A-Z]/p' <<<"$rendered" | grep -qF -- "$1"
}
for f in /dev/tpmkey /var/lib/tpmkey/key.state TPMKEY.BAK; do
	check "FILES names $f" in_files "$f"
done
for s in EXAMPLES "SEE ALSO"; do
	check "the man page has $s" grep -qx "$s" <<<"$rendered"
done

# --- the bash completion -----------------------------------------------

comp=$top/completion/tpmkeyctl
check "bash -n on the completion" bash -n "$comp"
missing=
for o in $options; do
	grep -q -- "--$o\b" "$comp" || missing="$missing --$o"
done
check "every option of the code is in the completion${missing:+ (missing:$missing)}" \
	test -z "$missing"
# complete WORD...: what the completion offers for the last word.
complete_words() {
	bash -c '. /usr/share/bash-completion/bash_completion
		 . "$0"
		 COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		 COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		 _tpmkeyctl; echo "${COMPREPLY[*]}"' "$comp" tpmkeyctl "$@"
}
if [ -f /usr/share/bash-completion/bash_completion ]; then
	check "the completion offers every command" \
		test "$(complete_words '')" = "$(echo $commands)"
	check "... after global options too" \
		test "$(complete_words --state-dir /tmp --json '')" = "$(echo $commands)"
	check "backup -- offers the KDF options" \
		sh -c "echo '$(complete_words backup --)' | grep -q -- '--kdf-memory'"
	check "--key-size offers 32 and 64" \
		test "$(complete_words activate --key-size '')" = "32 64"
else
	pass "# SKIP the completion's behaviour: no bash-completion installed"
fi

# --- the shell scripts -------------------------------------------------

for f in init/tpmkey init/initramfs-tools/hooks/tpmkey \
	 init/initramfs-tools/scripts/local-top/tpmkey init/tpmkey-generator \
	 init/volume init/volumes.sh; do
	check "sh -n, dash -n and busybox sh -n on $f" \
		sh -c "sh -n '$top/$f' && dash -n '$top/$f' && busybox sh -n '$top/$f'"
done
lsb=$(sed -n '/^### BEGIN INIT INFO/,/^### END INIT INFO/p' "$top/init/tpmkey")
for h in "Provides: *tpmkey" "Required-Start: *checkroot" \
	 "X-Start-Before: *cryptdisks-early cryptdisks" "Default-Start: *S"; do
	check "the LSB header has $h" grep -q "^# $h\$" <<<"$lsb"
done
# The boot order insserv computes against the LSB headers of Debian 12's
# boot scripts (initscripts 3.06, cryptsetup 2.6): after checkroot, before
# cryptdisks-early, and no loop (Required-Start: $local_fs would make one:
# mountall runs after cryptdisks).
lsb_stub() {	# lsb_stub FILE PROVIDES REQUIRED-START [X-START-BEFORE]
	cat >"$ins/init.d/$1" <<EOF
#!/bin/sh
### BEGIN INIT INFO
# Provides:          $2
# Required-Start:    $3
# Required-Stop:
# X-Start-Before:    ${4:-}
# Default-Start:     S
# Default-Stop:
### END INIT INFO
EOF
	chmod 0755 "$ins/init.d/$1"	# insserv skips others
}
seq_of() {	# seq_of NAME: the S number insserv gave NAME
	ls "$ins/rcS.d" | sed -n "s/^S\([0-9]*\)$1\$/\1/p"
}
insserv_order() {
	local out
	ins=$CASE_TMP/insserv
	mkdir -p "$ins/init.d" "$ins/insserv" "$ins"/rc{0,1,2,3,4,5,6,S}.d
	lsb_stub checkroot.sh "checkroot mtab" "mountdevsubfs hostname"
	lsb_stub checkroot-bootclean.sh checkroot-bootclean checkroot
	lsb_stub checkfs.sh checkfs checkroot
	lsb_stub cryptdisks-early cryptdisks-early checkroot lvm2
	lsb_stub cryptdisks cryptdisks "checkroot cryptdisks-early" checkfs
	lsb_stub mountall.sh mountall "checkfs checkroot-bootclean"
	lsb_stub mountall-bootclean.sh mountall-bootclean mountall
	cp "$top/init/tpmkey" "$ins/init.d/"
	# shellcheck disable=SC2046
	out=$(insserv -f -d -p "$ins/init.d" -i "$ins/insserv" \
		$(ls "$ins/init.d") 2>&1)
	if grep -qi loop <<<"$out"; then
		echo "$out" | sed 's/^/# /'
		return 1
	fi
	echo "# rcS.d: $(ls "$ins/rcS.d" | tr '\n' ' ')"
	[ "$(seq_of tpmkey)" -gt "$(seq_of checkroot.sh)" ] &&
		[ "$(seq_of tpmkey)" -lt "$(seq_of cryptdisks-early)" ]
}
if command -v insserv >/dev/null; then
	check "insserv orders tpmkey after checkroot, before cryptdisks-early, without a loop" \
		insserv_order
else
	pass "# SKIP the boot order: no insserv"
fi
unit=$top/init/systemd/tpmkey-load.service
for l in Type=oneshot RemainAfterExit=yes DefaultDependencies=no \
	 "Before=cryptsetup-pre.target cryptsetup.target" Wants=cryptsetup-pre.target \
	 ConditionPathExists=/var/lib/tpmkey/key.state \
	 RequiresMountsFor=/var/lib/tpmkey KeyringMode=shared \
	 "ExecStartPre=-/sbin/modprobe tpmkey" "ExecStart=/usr/sbin/tpmkeyctl load"; do
	check "the unit has $l" grep -qx "$l" "$unit"
done
check "the unit does not wait for a writable root (systemd-remount-fs)" \
	sh -c "! grep -E '^(After|Requires|Wants)=.*remount-fs' '$unit'"
check "the unit wants no network" sh -c "! grep -qi 'network' '$unit' ||
	grep -qx 'PrivateNetwork=yes' '$unit'"

# --- DKMS and the kernel configuration check ---------------------------

dk=$CASE_TMP/dkms
# DKMS's trees under CASE_TMP: nothing of the host's /usr/src,
# /var/lib/dkms or /lib/modules is touched, and repeated runs start afresh.
# (DKMS itself keeps its signing key in /var/lib/dkms/mok.key.)
dkms_make() {
	mk DKMS_SOURCE_TREE="$dk/src" DKMS_TREE="$dk/tree" \
		DKMS_ARGS="-k $krel --kernelsourcedir $kdir/kernel-build --installtree $dk/modules --no-depmod" \
		"$@"
}
# dkms.conf says #MODULE_VERSION#: make dkms-source fills in debian/changelog's.
version=$(sed -n '1s/^tpmkey (\([^)-]*\).*/\1/p' "$top/debian/changelog")
# dkms install wants the kernel's module directory to exist.
mkdir -p "$dk/modules/$krel"
check "make dkms-install: dkms add, build and install for $krel" \
	dkms_make dkms-install
# installed_ko: the module DKMS installed, compressed (.ko.xz, .ko.zst) if
# the kernel's modules are.
installed_ko() {
	ls "$dk/modules/$krel/updates/dkms/"tpmkey.ko* 2>/dev/null | head -n 1
}
ko=$(installed_ko)
check "DKMS installed tpmkey.ko in updates/dkms${ko:+ ($(basename "$ko"))}" \
	test -n "$ko"
check "... built for $krel" \
	sh -c "modinfo -F vermagic '$ko' | grep -q '^$krel '"
check "dkms status says installed" \
	sh -c "dkms --sourcetree '$dk/src' --dkmstree '$dk/tree' status -m tpmkey |
	       grep -q 'tpmkey/$version, $krel, .*: installed'"
check "the DKMS source holds no build products" \
	sh -c "! find '$dk/src/tpmkey-$version' -name '*.o' -o -name '*.ko' \
	       -o -name '*.cmd' -o -name '*.mod*' | grep -q ."
# ok_or_log STATUS LOG...: STATUS is 0, else show the logs.
ok_or_log() {
	local st=$1 f
	shift
	[ "$st" -eq 0 ] && return 0
	for f in "$@"; do
		[ -f "$f" ] && tail -n 30 "$f" | sed 's/^/# /'
	done
	return 1
}
# Debian's own headers, of the kernel linux-headers-amd64 stands for (else
# the newest installed): DKMS builds the module there as on a user's
# machine.  Debian's kernels lack CONFIG_TRUSTED_KEYS, which the module no
# longer needs (it seals with its own TPM2 commands).
debian_kdir=
dhdr=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	grep -oE 'linux-headers-[^ ,]+-amd64' | head -n 1 || true)
[ -n "$dhdr" ] && [ -d "/usr/src/$dhdr" ] && debian_kdir=/usr/src/$dhdr
[ -n "$debian_kdir" ] ||
	debian_kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$debian_kdir" ]; then
	drel=$(basename "$debian_kdir" | sed 's/^linux-headers-//')
	dkms_debian() {	# dkms_debian ACTION [ARGS]: for tpmkey on $drel
		dkms --sourcetree "$dk/src" --dkmstree "$dk/tree" "$1" -m tpmkey \
			-v "$version" -k "$drel" "${@:2}"
	}
	st=0
	dkms_debian build --kernelsourcedir "$debian_kdir" \
		>"$CASE_TMP/dkms-debian.log" 2>&1 || st=$?
	check "dkms build against $(basename "$debian_kdir") succeeds" \
		ok_or_log $st "$CASE_TMP/dkms-debian.log" \
		"$dk/tree/tpmkey/$version/build/make.log"
	# DKMS compresses the module like the kernel's own (.ko.xz, .ko.zst).
	dko=$(ls "$dk/tree/tpmkey/$version/$drel/"*/module/tpmkey.ko* 2>/dev/null |
	      head -n 1)
	check "... and produces tpmkey.ko${dko:+ ($(basename "$dko"))}" test -n "$dko"
	check "... built for $drel" \
		sh -c "modinfo -F vermagic '$dko' | grep -q '^$drel '"
	copy=$CASE_TMP/module-copy
	mkdir -p "$copy"
	cp -a "$dk/src/tpmkey-$version/." "$copy/"
	st=0
	make -C "$debian_kdir" M="$copy" modules >"$CASE_TMP/make-debian.log" 2>&1 || st=$?
	check "make -C $(basename "$debian_kdir") M=... builds tpmkey.ko" \
		ok_or_log $st "$CASE_TMP/make-debian.log"
	check "make clean works against those headers" \
		make -s -C "$debian_kdir" M="$copy" clean

	# The configuration check: the same headers, but a kernel without
	# CONFIG_TCG_TPM (its auto.conf, which Kbuild reads, lacks it).  The
	# copy's scripts and tools links are relative: point them back.
	notpm=$CASE_TMP/headers-no-tpm
	cp -a "$debian_kdir" "$notpm"
	for l in scripts tools; do
		[ -L "$debian_kdir/$l" ] &&
			ln -sfn "$(readlink -f "$debian_kdir/$l")" "$notpm/$l"
	done
	sed -i '/^CONFIG_TCG_TPM=/d' "$notpm/include/config/auto.conf"
	st=0
	out=$(make -C "$notpm" M="$copy" modules 2>&1) || st=$?
	check "make against a kernel without CONFIG_TCG_TPM fails" test $st -ne 0
	check "... with a message naming CONFIG_TCG_TPM" \
		grep -q 'tpmkey needs CONFIG_TCG_TPM' <<<"$out"
	names_present() {
		grep 'tpmkey needs' <<<"$out" |
			grep -qE 'CONFIG_(TRUSTED_KEYS|KEYS|CRYPTO_GCM|CRYPTO_LIB_SHA256)\b'
	}
	check "... and names no option the kernel has, nor CONFIG_TRUSTED_KEYS" \
		eval '! names_present'
	check "make clean works against that kernel all the same" \
		make -s -C "$notpm" M="$copy" clean
	dkms_debian unbuild >/dev/null 2>&1
	st=0
	dkms_debian build --kernelsourcedir "$notpm" \
		>"$CASE_TMP/dkms-notpm.log" 2>&1 || st=$?
	check "dkms build against it fails" test $st -ne 0
	check "... and its make.log names CONFIG_TCG_TPM" \
		grep -q 'tpmkey needs CONFIG_TCG_TPM' \
		"$dk/tree/tpmkey/$version/build/make.log"
else
	fail "no linux-headers-*-amd64 installed"
fi
check "make dkms-uninstall succeeds" dkms_make dkms-uninstall
check "... and leaves neither the module in DKMS nor its source" \
	test ! -e "$dk/tree/tpmkey/$version" -a ! -e "$dk/src/tpmkey-$version"
# Repeated runs must not trip over an earlier one.
dkms_make dkms-install && dkms_make dkms-install
check "make dkms-install can be repeated" test -n "$(installed_ko)"
dkms_make dkms-uninstall

# --- boots: the init script, the initramfs hook and local-top ----------

tpm=$CASE_TMP/tpm
disks=(--state-disk "$CASE_TMP/state.img" --data-disk "$CASE_TMP/data.img")

# Boot 1: activate, write a pattern through the mapping.
s=$(guest_script activate.sh <<'G'
. /selftests/lib.sh
expect "activate" 0 tpmkeyctl activate
expect "open" 0 tpmkeyctl open /dev/disk/tpmkey-data data
yes "tpmkey install pattern" | head -c 4194304 >/tmp/pattern
dd if=/tmp/pattern of=/dev/mapper/data bs=1M oflag=direct 2>/dev/null
expect "close" 0 tpmkeyctl close data
guest_finish
G
)
vm --tpm "$tpm" "${disks[@]}" "$s" || case_failed=1

# Boot 2: the init script alone brings the key and the disk up.  No module
# is loaded at boot and busybox's modprobe knows no modules tree, so start
# must fall back to insmod.
s=$(guest_script initscript.sh <<'G'
. /selftests/lib.sh
yes "tpmkey install pattern" | head -c 4194304 >/tmp/pattern
mkdir -p /etc/init.d && cp init/tpmkey /etc/init.d/ && chmod 0755 /etc/init.d/tpmkey
export TPMKEY_SHARE=$PWD/init
mkdir -p /etc/tpmkey
echo 'data /dev/disk/tpmkey-data' >/etc/tpmkey/volumes
check "the module is not loaded before start" test ! -d /sys/module/tpmkey
/etc/init.d/tpmkey start </dev/null >/tmp/out 2>&1
st=$?
sed 's/^/# /' /tmp/out
check "/etc/init.d/tpmkey start succeeds" test $st -eq 0
check "start loaded the module (insmod fallback)" test -d /sys/module/tpmkey
check "start loaded the key into root's user keyring" dek_in_keyring
check "start mapped /etc/tpmkey/volumes: the pattern reads back" \
	sh -c "head -c 4194304 /dev/mapper/data | cmp -s - /tmp/pattern"
expect "a second start succeeds (already loaded, already mapped)" 0 \
	/etc/init.d/tpmkey start
/etc/init.d/tpmkey restart >/tmp/out 2>&1
check "restart succeeds" test $? -eq 0
check "... and says the volume is already mapped" grep -q 'data is already mapped' /tmp/out
expect "status exits 0" 0 /etc/init.d/tpmkey status
/etc/init.d/tpmkey stop >/tmp/out 2>&1
check "stop exits 0" test $? -eq 0
check "stop says the key stays" grep -q 'key stays' /tmp/out
check "after stop the key is still there" dek_in_keyring
expect "an unknown action exits 3" 3 /etc/init.d/tpmkey frobnicate
tpmkeyctl close data
guest_finish
G
)
vm --no-module --tpm "$tpm" "${disks[@]}" "$s" "$top/init" || case_failed=1

# Boot 3: the initramfs path.  The hook builds its part of an initramfs
# (copy_exec and friends are stubs that copy or record), local-top loads
# the key from the copied state and maps the "root" volume, then the init
# script after the switch to the real root finds everything done.
s=$(guest_script initramfs.sh <<'G'
. /selftests/lib.sh
yes "tpmkey install pattern" | head -c 4194304 >/tmp/pattern
mkdir -p /usr/share/initramfs-tools /scripts /etc/tpmkey /usr/share/tpmkey
cp init/volumes.sh /usr/share/tpmkey/
# Debian's hook-functions need GNU realpath, which this busybox guest
# lacks (the host runs the hook with the real ones): this copy_exec has
# their semantics, a missing target directory taken for a file name.
cat >/usr/share/initramfs-tools/hook-functions <<'EOF'
copy_exec() {
	t=${2:-$1}
	[ -d "$DESTDIR$t" ] && t=$t/${1##*/}
	mkdir -p "$DESTDIR${t%/*}" && cp "$1" "$DESTDIR$t"
}
manual_add_modules() { echo "$@" >>/tmp/modules; }
# The module was insmod'ed: this guest has no modules tree to ask.
modinfo() { return 0; }
EOF
cat >/scripts/functions <<'EOF'
log_begin_msg() { echo "Begin: $*"; }
log_end_msg() { echo "done."; }
wait_for_udev() { :; }
EOF
echo "root /dev/disk/tpmkey-data initramfs" >/etc/tpmkey/volumes
d=/tmp/initramfs
expect "the hook exits 0" 0 env DESTDIR=$d version=$(uname -r) \
	sh init/initramfs-tools/hooks/tpmkey
check "the hook copied tpmkeyctl" test -x $d/usr/sbin/tpmkeyctl
check "the hook copied tpmkeyctl-full (a file in its directory)" test -f $d/usr/libexec/tpmkey/tpmkeyctl-full
check "the hook added the tpmkey module" grep -qw tpmkey /tmp/modules
check "the hook added dm_crypt" grep -qw dm_crypt /tmp/modules
check "the hook copied the state file" cmp -s $d/etc/tpmkey-initramfs/key.state /var/lib/tpmkey/key.state
check "... into a 0700 directory" test "$(stat -c %a $d/etc/tpmkey-initramfs)" = 700
check "the hook copied /etc/tpmkey/volumes" cmp -s $d/etc/tpmkey/volumes /etc/tpmkey/volumes
check "... and the functions that read it" test -f $d/usr/share/tpmkey/volumes.sh
# The initramfs: its state directory, the real root not mounted.
cp -a $d/etc/tpmkey-initramfs /etc/
umount /var/lib/tpmkey
check "no key before local-top" sh -c '! keyctl search @u logon tpmkey:dek'
sh init/initramfs-tools/scripts/local-top/tpmkey </dev/null >/tmp/out 2>&1
st=$?
sed 's/^/# /' /tmp/out
check "local-top exits 0" test $st -eq 0
check "local-top loaded the key" dek_in_keyring
check "local-top mapped the root volume: the pattern reads back" \
	sh -c "head -c 4194304 /dev/mapper/root | cmp -s - /tmp/pattern"
# After the switch to the real root.
mount -t ext4 /dev/disk/tpmkey-state /var/lib/tpmkey
mkdir -p /etc/init.d && cp init/tpmkey /etc/init.d/ && chmod 0755 /etc/init.d/tpmkey
/etc/init.d/tpmkey start </dev/null >/tmp/out 2>&1
st=$?
sed 's/^/# /' /tmp/out
check "the init script's start then succeeds" test $st -eq 0
check "... finding the key already loaded" grep -q 'already loaded' /tmp/out
tpmkeyctl close root
guest_finish
G
)
vm --tpm "$tpm" "${disks[@]}" "$s" "$top/init" || case_failed=1

# Boot 4: a replaced TPM.  The same start exits 16 with a clear message,
# quickly, and maps nothing; so does local-top.  Without a state file:
# "not activated" (4).
s=$(guest_script replaced.sh <<'G'
. /selftests/lib.sh
mkdir -p /etc/init.d && cp init/tpmkey /etc/init.d/ && chmod 0755 /etc/init.d/tpmkey
mkdir -p /etc/tpmkey /scripts
export TPMKEY_SHARE=$PWD/init
echo 'data /dev/disk/tpmkey-data' >/etc/tpmkey/volumes
t0=$(date +%s)
/etc/init.d/tpmkey start </dev/null >/tmp/out 2>&1
st=$?
t1=$(date +%s)
sed 's/^/# /' /tmp/out
check "with a replaced TPM, start exits 16" test $st -eq 16
check "... saying: TPM cannot unseal, run tpmkeyctl restore" \
	grep -q 'TPM cannot unseal the key: run tpmkeyctl restore' /tmp/out
check "... within 60 s (it took $((t1 - t0)) s)" test $((t1 - t0)) -lt 60
check "... and mapped nothing" test ! -e /dev/mapper/data
check "... and loaded no key" sh -c '! keyctl search @u logon tpmkey:dek'
cat >/scripts/functions <<'EOF'
log_begin_msg() { :; }
log_end_msg() { :; }
wait_for_udev() { :; }
EOF
mkdir -p /etc/tpmkey-initramfs
cp /var/lib/tpmkey/key.state /etc/tpmkey-initramfs/
sh init/initramfs-tools/scripts/local-top/tpmkey </dev/null >/tmp/out 2>&1
st=$?
check "local-top with only a data volume: exits 0, says and touches nothing" \
	sh -c "[ $st -eq 0 ] && [ ! -s /tmp/out ]"
echo 'root /dev/disk/tpmkey-data initramfs' >/etc/tpmkey/volumes
sh init/initramfs-tools/scripts/local-top/tpmkey </dev/null >/tmp/out 2>&1
st=$?
sed 's/^/# /' /tmp/out
check "local-top with a replaced TPM exits 0 (the boot goes on)" test $st -eq 0
check "... says the TPM cannot unseal, naming the volume" \
	grep -q 'TPM cannot unseal the key.*root not mapped' /tmp/out
check "... and how to restore at the (initramfs) prompt" \
	grep -q 'tpmkeyctl --state-dir /run/tpmkey/restored restore' /tmp/out
echo 'data /dev/disk/tpmkey-data' >/etc/tpmkey/volumes
mv /var/lib/tpmkey/key.state /tmp/key.state
/etc/init.d/tpmkey start </dev/null >/tmp/out 2>&1
st=$?
sed 's/^/# /' /tmp/out
check "without a state file start exits 0 (installing never fails)" test $st -eq 0
check "... saying: not activated yet" grep -q 'tpmkey: not activated yet' /tmp/out
mv /tmp/key.state /var/lib/tpmkey/key.state
guest_finish
G
)
vm --timeout 120 --tpm "$CASE_TMP/tpm-new" "${disks[@]}" "$s" "$top/init" ||
	case_failed=1

finish
