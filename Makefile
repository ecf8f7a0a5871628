# SPDX-License-Identifier: GPL-2.0
#
# tpmkey: kernel module (kernel/) and helper (userspace/).
#
#   make              build tpmkey.ko against KDIR and tpmkeyctl
#   make demo         the product's lifecycle on the simulated device
#   make check        every test, in VMs with the project's test kernels
#   make lint         W=1, sparse and checkpatch on the module
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
ifeq ($(wildcard $(KDIR)/Makefile),)
# No headers for the running kernel (e.g. a container): use Debian's.
KDIR_FALLBACK := $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
ifneq ($(KDIR_FALLBACK),)
$(info KDIR $(KDIR) missing, using $(KDIR_FALLBACK))
KDIR := $(KDIR_FALLBACK)
endif
endif

all: module helper

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

helper:
	$(MAKE) -C userspace

deps:
	scripts/install-deps all

demo: deps
	scripts/demo

check: deps
	selftests/run

lint: deps
	scripts/lint

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
	rm -rf build

.PHONY: all module helper deps demo check lint clean
