# SPDX-License-Identifier: GPL-2.0
#
# tpmkey: kernel module (kernel/), libtpmkey (lib/) and tpmkeyctl (cli/).
#
#   make              build tpmkey.ko against KDIR and tpmkeyctl
#   make demo         the product's lifecycle on the simulated device
#   make check        every test, in VMs with the project's and Debian's kernels
#   make check-debug  every test on the debug kernel (KASAN, kmemleak,
#                     lockdep, fault injection; ~25 min); not in make check
#   make check-all    make check on all four kernels (6.1, 6.12,
#                     debian-6.1, debian-6.12; make check runs 6.12 and
#                     debian-6.1), plus the project's kernels with the
#                     trusted-keys backend forced (backend=trusted) and
#                     every scenario on real Debian images (selftests/debian)
#   make check-debian, check-debian-full
#                     the Debian packages on real Debian 12 images only:
#                     make check's smoke test, or every scenario
#   make deb          the Debian packages (debian/) under build/deb
#   make lintian-deb  make deb, then lintian on the packages
#   make check-soak   1000 lifecycle cycles and 8 concurrent processes on
#                     the debug kernel
#   make check-faults    allocation failures at every fault point of every
#                        ioctl, on the debug kernel (3-4 minutes)
#   make check-powercut  power cuts at POWERCUT_N (100) points during backup,
#                        activate, restore and erase, the TPM killed at
#                        TPMKILL_N (10) points during backup, activate,
#                        restore and load (about 1.5 hours)
#   make lint         W=1, sparse and checkpatch on the module
#   make bench        TPM commands, times, dm-crypt and KDF figures against
#                     the trusted-key floor: bench/results.md (a report,
#                     not a test; TPMKEY_BENCH_KERNEL, default 6.1), then
#                     make bench-debian's boots
#   make bench-debian boot time and TPM commands of a Debian 12 image,
#                     tpmkey against systemd-cryptenroll's TPM2 token
#                     (TPMKEY_BENCH_DEBIAN_BOOTS, default 5 of each; about
#                     15 minutes): a section of bench/results.md
#   make clean
#
#   make install      the helper, man page, init script, systemd unit,
#                     initramfs hook, bash completion and UAPI header
#                     (DESTDIR, PREFIX=/usr); not the module:
#   make modules_install   the module built against KDIR into its tree
#   make dkms-install      the module's source to DKMS, built and installed
#                          for the running kernel (DKMS_ARGS="-k VERSION
#                          --kernelsourcedir DIR" for another one)
#   make uninstall, make dkms-uninstall
#
# The module refuses to build against a kernel without what it needs
# (kernel/Kbuild: the TPM driver, keys, GCM, SHA-256); trusted keys are
# optional.  TPMKEY_SKIP_CONFIG_CHECK=1 compiles it anyway, for tests only.

KDIR ?= /lib/modules/$(shell uname -r)/build
ifeq ($(wildcard $(KDIR)/Makefile),)
# No headers for the running kernel (e.g. a container): use Debian's.
# The newest by version (make's sort is textual: 6.12 < 6.1.0-56).
KDIR_FALLBACK := $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
ifneq ($(KDIR_FALLBACK),)
$(info KDIR $(KDIR) missing, using $(KDIR_FALLBACK))
KDIR := $(KDIR_FALLBACK)
endif
endif

all: module helper

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

helper:
	$(MAKE) -C lib
	$(MAKE) -C cli

deps:
	scripts/install-deps all

demo: deps
	scripts/demo

check: deps
	selftests/run

lint: deps
	scripts/lint

bench: deps
	scripts/bench
	selftests/debian/bench-boot

bench-debian: deps
	selftests/debian/bench-boot

check-debug: deps
	TPMKEY_KERNELS=6.1-debug selftests/run

# make check's kernels and the project's kernels with the trusted-keys
# backend forced (module parameter backend=trusted): "auto" picks the
# native one everywhere, so only this runs every case on trusted keys.
check-all: deps
	TPMKEY_KERNELS="6.1 6.12 6.1+trusted 6.12+trusted debian-6.1 debian-6.12" \
		TPMKEY_DEBIAN=full TPMKEY_BUS_CONTROLS=all selftests/run

# The Debian packages on real Debian 12 images alone (selftests/debian):
# check-debian the smoke test make check runs, check-debian-full every
# scenario make check-all runs.  TAP, then "N passed, N failed".
check-debian: deps
	selftests/debian/run smoke

check-debian-full: deps
	selftests/debian/run full

# 1000 lifecycle cycles, then 8 processes of random ioctls for 2 minutes,
# on the debug kernel (KASAN, kmemleak, lockdep).
check-soak: deps
	TPMKEY_KERNELS=6.1-debug TPMKEY_SOAK="1000 8 120" \
		TPMKEY_SOAK_TIMEOUT=7200 TPMKEY_HOST_CHECKS=0 selftests/run 55-soak

# The long failure runs (not part of make check; Documentation/testing.rst):
# allocation failures at every fault point of every ioctl on the debug
# kernel; power cuts at POWERCUT_N points during backup, activate, restore
# and erase, and the TPM killed at TPMKILL_N points during backup,
# activate, restore and load, on POWERCUT_KERNEL.
POWERCUT_N ?= 100
TPMKILL_N ?= 10
POWERCUT_KERNEL ?= 6.1
# check-faults runs with the module's own TPM2 backend: with trusted keys
# the kernel's tpm2_flush_context() leaves the sealed object in the TPM
# when its own allocation fails, and every later load fails until a reboot
# (selftests/faults -k 6.1-debug+trusted shows it; Documentation/testing.rst).
check-faults: deps
	selftests/vm/prepare 6.1-debug
	selftests/faults -k 6.1-debug+tpm2

check-powercut: deps
	selftests/vm/prepare $(POWERCUT_KERNEL)
	selftests/powercut -k $(POWERCUT_KERNEL) -n $(POWERCUT_N)
	selftests/powercut -k $(POWERCUT_KERNEL) -n $(TPMKILL_N) -m tpm

.PHONY: check-faults check-powercut

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C lib clean
	$(MAKE) -C cli clean
	$(MAKE) -C selftests clean
	rm -rf build

# Installation.  The helper goes to $(PREFIX)/sbin; the init script, the
# systemd unit and generator (Debian 12's /lib/systemd) and the
# initramfs-tools files go where those programs look for them, whatever
# PREFIX says.  The unit and the hook name the helper by its path,
# rewritten here for another PREFIX.  tpmkey.service, an alias of
# tpmkey-load.service, keeps systemd-sysv-generator from also running the
# init script under that name.  /etc/tpmkey/volumes (commented out) is
# not overwritten when it exists.  The Debian packages (debian/) are built
# from this target: whatever it installs, they ship.
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/tpmkey
MANDIR ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INITDIR ?= /etc/init.d
SYSTEMDUNITDIR ?= /lib/systemd/system
SYSTEMDGENDIR ?= /lib/systemd/system-generators
INITRAMFSDIR ?= /usr/share/initramfs-tools
SHAREDIR ?= $(PREFIX)/share/tpmkey
CONFDIR ?= /etc/tpmkey

INSTALL_FILES := \
	$(SBINDIR)/tpmkeyctl \
	$(LIBEXECDIR)/tpmkeyctl-full \
	$(MANDIR)/man8/tpmkeyctl.8 \
	$(INITDIR)/tpmkey \
	$(SYSTEMDUNITDIR)/tpmkey-load.service \
	$(SYSTEMDUNITDIR)/tpmkey.service \
	$(SYSTEMDGENDIR)/tpmkey-generator \
	$(LIBEXECDIR)/volume \
	$(SHAREDIR)/volumes.sh \
	$(CONFDIR)/volumes \
	$(INITRAMFSDIR)/hooks/tpmkey \
	$(INITRAMFSDIR)/scripts/local-top/tpmkey \
	$(INITRAMFSDIR)/conf-hooks.d/tpmkey \
	$(BASHCOMPDIR)/tpmkeyctl \
	$(INCLUDEDIR)/linux/tpmkey.h \
	$(INCLUDEDIR)/libtpmkey.h \
	$(LIBDIR)/libtpmkey.a \
	$(LIBDIR)/libtpmkey.so \
	$(LIBDIR)/libtpmkey.so.0 \
	$(LIBDIR)/pkgconfig/libtpmkey.pc

install:
	$(MAKE) -C lib install DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" \
		LIBDIR="$(LIBDIR)" INCLUDEDIR="$(INCLUDEDIR)"
	$(MAKE) -C cli install DESTDIR="$(DESTDIR)" SBINDIR="$(SBINDIR)" \
		LIBEXECDIR="$(LIBEXECDIR)" SHAREDIR="$(SHAREDIR)"
	install -D -m 0644 man/tpmkeyctl.8 "$(DESTDIR)$(MANDIR)/man8/tpmkeyctl.8"
	install -d -m 0755 "$(DESTDIR)$(INITDIR)"
	sed -e 's|/usr/share/tpmkey|$(SHAREDIR)|' \
	    -e 's|/usr/libexec/tpmkey/|$(LIBEXECDIR)/|' \
		init/tpmkey >"$(DESTDIR)$(INITDIR)/tpmkey"
	chmod 0755 "$(DESTDIR)$(INITDIR)/tpmkey"
	install -d -m 0755 "$(DESTDIR)$(SYSTEMDUNITDIR)"
	sed -e 's|/usr/sbin/tpmkeyctl|$(SBINDIR)/tpmkeyctl|' \
	    -e 's|/usr/libexec/tpmkey/|$(LIBEXECDIR)/|' \
		init/systemd/tpmkey-load.service >"$(DESTDIR)$(SYSTEMDUNITDIR)/tpmkey-load.service"
	chmod 0644 "$(DESTDIR)$(SYSTEMDUNITDIR)/tpmkey-load.service"
	ln -sfn tpmkey-load.service "$(DESTDIR)$(SYSTEMDUNITDIR)/tpmkey.service"
	install -d -m 0755 "$(DESTDIR)$(SYSTEMDGENDIR)" "$(DESTDIR)$(LIBEXECDIR)"
	sed -e 's|^LIBEXEC=/usr/libexec/tpmkey$$|LIBEXEC=$(LIBEXECDIR)|' \
	    -e 's|/usr/share/tpmkey|$(SHAREDIR)|' \
		init/tpmkey-generator >"$(DESTDIR)$(SYSTEMDGENDIR)/tpmkey-generator"
	chmod 0755 "$(DESTDIR)$(SYSTEMDGENDIR)/tpmkey-generator"
	sed -e 's|/usr/share/tpmkey|$(SHAREDIR)|' \
	    -e 's|^TPMKEYCTL=/usr/sbin/tpmkeyctl$$|TPMKEYCTL=$(SBINDIR)/tpmkeyctl|' \
		init/volume >"$(DESTDIR)$(LIBEXECDIR)/volume"
	chmod 0755 "$(DESTDIR)$(LIBEXECDIR)/volume"
	install -D -m 0644 init/volumes.sh "$(DESTDIR)$(SHAREDIR)/volumes.sh"
	install -d -m 0755 "$(DESTDIR)/var/lib/tpmkey"
	if [ ! -e "$(DESTDIR)$(CONFDIR)/volumes" ]; then \
		install -D -m 0644 init/volumes "$(DESTDIR)$(CONFDIR)/volumes"; fi
	install -D -m 0644 init/initramfs-tools/conf-hooks.d/tpmkey \
		"$(DESTDIR)$(INITRAMFSDIR)/conf-hooks.d/tpmkey"
	install -d -m 0755 "$(DESTDIR)$(INITRAMFSDIR)/hooks"
	sed -e 's|^TPMKEYCTL=/usr/sbin/tpmkeyctl$$|TPMKEYCTL=$(SBINDIR)/tpmkeyctl|' \
	    -e 's|^TPMKEYCTL_FULL=/usr/libexec/tpmkey/tpmkeyctl-full$$|TPMKEYCTL_FULL=$(LIBEXECDIR)/tpmkeyctl-full|' \
	    -e 's|^TPMKEY_SHARE=/usr/share/tpmkey$$|TPMKEY_SHARE=$(SHAREDIR)|' \
		init/initramfs-tools/hooks/tpmkey >"$(DESTDIR)$(INITRAMFSDIR)/hooks/tpmkey"
	chmod 0755 "$(DESTDIR)$(INITRAMFSDIR)/hooks/tpmkey"
	install -d -m 0755 "$(DESTDIR)$(INITRAMFSDIR)/scripts/local-top"
	sed -e 's|^TPMKEYCTL=/usr/sbin/tpmkeyctl$$|TPMKEYCTL=$(SBINDIR)/tpmkeyctl|' \
	    -e 's|/usr/share/tpmkey|$(SHAREDIR)|' \
		init/initramfs-tools/scripts/local-top/tpmkey \
		>"$(DESTDIR)$(INITRAMFSDIR)/scripts/local-top/tpmkey"
	chmod 0755 "$(DESTDIR)$(INITRAMFSDIR)/scripts/local-top/tpmkey"
	install -D -m 0644 completion/tpmkeyctl "$(DESTDIR)$(BASHCOMPDIR)/tpmkeyctl"
	install -D -m 0644 include/uapi/linux/tpmkey.h \
		"$(DESTDIR)$(INCLUDEDIR)/linux/tpmkey.h"
ifeq ($(DESTDIR),)
	@echo "tpmkey: installed.  Enable tpmkey-load.service (systemd) or"
	@echo "tpmkey: 'update-rc.d tpmkey defaults' (SysV), install the module"
	@echo "tpmkey: (make dkms-install), activate, list the volumes in"
	@echo "tpmkey: $(CONFDIR)/volumes, then 'update-initramfs -u'."
endif

uninstall:
	rm -f $(addprefix "$(DESTDIR),$(addsuffix ",$(INSTALL_FILES)))
	-rmdir "$(DESTDIR)$(LIBEXECDIR)" "$(DESTDIR)$(SHAREDIR)" "$(DESTDIR)$(CONFDIR)" \
		"$(DESTDIR)$(LIBDIR)/pkgconfig" 2>/dev/null

# The module into /lib/modules/$(KERNELRELEASE)/updates, built against KDIR.
modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH="$(DESTDIR)") modules_install

# DKMS: the module's sources (only what Kbuild needs, no build products)
# under $(DKMS_SOURCE_TREE)/tpmkey-VERSION, then dkms add, build, install.
# The DKMS_* trees default to DKMS's own; tests point them elsewhere.
DKMS ?= dkms
# dkms.conf says PACKAGE_VERSION="#MODULE_VERSION#" (dh_dkms fills it in
# from the package); here it is the upstream version in debian/changelog.
DKMS_VERSION ?= $(shell sed -n '1s/^tpmkey (\([^)-]*\).*/\1/p' debian/changelog)
DKMS_SOURCE_TREE ?= /usr/src
DKMS_TREE ?= /var/lib/dkms
DKMS_ARGS ?=
DKMS_SRCDIR = $(DKMS_SOURCE_TREE)/tpmkey-$(DKMS_VERSION)
DKMS_SOURCES := dkms.conf Kbuild kernel/Kbuild \
	$(filter-out %.mod.c,$(wildcard kernel/*.c)) $(wildcard kernel/*.h) \
	include/uapi/linux/tpmkey.h
DKMS_RUN = $(DKMS) --sourcetree "$(DKMS_SOURCE_TREE)" --dkmstree "$(DKMS_TREE)"
DKMS_MV = -m tpmkey -v $(DKMS_VERSION)

# The version DKMS knows the module by (selftests/vm/prepare asks).
dkms-version:
	@echo $(DKMS_VERSION)

dkms-source:
	rm -rf "$(DKMS_SRCDIR)"
	for f in $(DKMS_SOURCES); do \
		install -D -m 0644 "$$f" "$(DKMS_SRCDIR)/$$f" || exit 1; \
	done
	sed 's/#MODULE_VERSION#/$(DKMS_VERSION)/' dkms.conf >"$(DKMS_SRCDIR)/dkms.conf"

# Adding a version DKMS has already fails: take the old one out first.
dkms-install: dkms-source
	mkdir -p "$(DKMS_TREE)"
	if [ -d "$(DKMS_TREE)/tpmkey/$(DKMS_VERSION)" ]; then \
		$(DKMS_RUN) remove $(DKMS_MV) --all; fi
	$(DKMS_RUN) add $(DKMS_MV)
	$(DKMS_RUN) build $(DKMS_MV) $(DKMS_ARGS)
	$(DKMS_RUN) install $(DKMS_MV) $(DKMS_ARGS)

dkms-uninstall:
	if [ -d "$(DKMS_TREE)/tpmkey/$(DKMS_VERSION)" ]; then \
		$(DKMS_RUN) remove $(DKMS_MV) --all; fi
	rm -rf "$(DKMS_SRCDIR)"

# The Debian packages (debian/), built with dpkg-buildpackage from a copy of
# the tree's files (tracked and new ones, no build products) under
# $(DEB_DIR), where the .deb files end up.  DEB_BUILD_ARGS adds options,
# e.g. -j2.
DEB_DIR ?= build/deb
DEB_BUILD_ARGS ?=
deb:
	rm -rf "$(DEB_DIR)"
	mkdir -p "$(DEB_DIR)/src"
	git ls-files -co --exclude-standard -z | \
		rsync -a --from0 --ignore-missing-args --files-from=- . "$(DEB_DIR)/src/"
	cd "$(DEB_DIR)/src" && dpkg-buildpackage -us -uc -b $(DEB_BUILD_ARGS) \
		>../build.log 2>&1 || { tail -n 40 ../build.log; exit 1; }
	@ls "$(DEB_DIR)"/*.deb

# lintian on the packages make deb built.
lintian-deb: deb
	lintian --fail-on error,warning --pedantic -I "$(DEB_DIR)"/*.changes

.PHONY: dkms-version all module helper deps demo check check-all check-debug check-soak lint bench bench-debian clean install uninstall \
	modules_install dkms-source dkms-install dkms-uninstall deb lintian-deb \
	check-debian check-debian-full

# libFuzzer targets of every parser, the module's built as userspace code
# (selftests/fuzz/README.rst): FUZZ_SECONDS each, one after the other,
# TAP; crashes under build/fuzz/artifacts.  Needs clang-14 and
# libclang-rt-14-dev.  The CI suite runs them for 10 s each.
FUZZ_SECONDS ?= 300
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) selftests/fuzz/run

.PHONY: fuzz
