# mk/rtl.mk - included by the top Makefile: the Verilated simulators.
# One Verilated simulator per configuration (the array size, scratchpad and
# bus width are elaboration parameters), built into build/rtl/<config>/ and
# cached: it is rebuilt only when rtl/ or the configuration changes.
# build/rtl/<config>/cosim is the harness with the rtl backend;
# build/rtl/<config>-trace/cosim the same with FST waveform support;
# build/rtl/<config>-xrand/ the same with randomised initial values and X
# assignments (--x-initial unique --x-assign unique), whose run-time seed
# comes from ACC_VM_PLUSARGS (docs/cosim.md, "X-safety");
# build/rtl/<config>-fast/ the same without the assertions (no --assert),
# for network runs (make cosim NET=...; rtl-fast-test shows it equal to the
# asserting build, docs/rtl.md "Simulation speed").
VERILATOR ?= verilator
# RTL_DIR: the RTL read (make bench builds an earlier commit's rtl/ beside
# this one to measure the simulation speed side by side).
RTL_DIR ?= rtl
RTL_SRC := $(sort $(wildcard $(RTL_DIR)/*.sv))
RTL_DEPS := $(RTL_SRC) $(wildcard $(RTL_DIR)/*.svh $(RTL_DIR)/*.vlt)
# -Werror-USERERROR: an illegal parameter combination (the TopParamsLegal
# $error elaboration tasks in acc_top) stops the build despite -Wno-fatal.
VFLAGS := --cc -O3 --assert -Wno-fatal -Werror-USERERROR -I$(RTL_DIR) \
          --top-module acc_top --prefix Vacc_top $(wildcard $(RTL_DIR)/*.vlt)
# The model's C++ is compiled by Verilator's makefile (verilated.mk), whose
# OPT_FAST (default -Os) comes after -CFLAGS on the compile line and so
# decides the optimisation of the hot code: it is set here, with OPT_GLOBAL
# (the run-time library) the same and OPT_SLOW (construction and initial
# code, run once) at -O0 for build time.  -O3, not -O2: gcc vectorises the
# loops over the PEs of acc_array_sim only at -O3 (the loops that read a
# neighbour's register need a run-time alias check, which -O2's cost model
# refuses).  docs/rtl.md, "Simulation speed".
VOPT_FAST ?= -O3
VMAKEFLAGS = OPT_FAST='$(VOPT_FAST)' OPT_GLOBAL='$(VOPT_FAST)' OPT_SLOW=-O0
# The model is generated, its evaluation loop edited by mk/vl-edge-ico.sh
# (the rising edge skips the input-driven logic, docs/rtl.md "Simulation
# speed"), then compiled by Verilator's makefile.
# Jobs of the Verilator build (its make of the model's C++): every core.
VJOBS ?= $(shell nproc 2>/dev/null || echo 2)
# X handling: the normal and traced builds start from zeros; the -xrand
# builds draw every initial value and every X from the run-time seed.
X_FAST_VFLAGS := --x-assign fast --x-initial fast
X_RAND_VFLAGS := --x-assign unique --x-initial unique
VCFLAGS := -O2 -std=c++17
# Everything the Verilated model prints (a failed assertion, $stop, $display)
# goes through Verilator's VL_PRINTF; these builds route it to acc_vm_printf
# (cosim/vmodel.cpp, cosim/vmodel_print.h), which prints it and keeps it for
# the report.
VM_PRINT_CFLAGS := -DVL_PRINTF=acc_vm_printf -include $(CURDIR)/cosim/vmodel_print.h
SHIPPED_CONFIGS := $(basename $(notdir $(wildcard configs/*.ini)))
CFG_NAME := $(basename $(notdir $(CONFIG)))
cfg_file = $(if $(filter $(1),$(SHIPPED_CONFIGS)),configs/$(1).ini,$(CONFIG))

# $(1) = build directory name, $(2) = config file, $(3) = extra Verilator flags, $(4) = extra C++ flags,
# $(5) = VFLAGS left out (the -fast builds: --assert)
define RTL_RULES
# params.mk is rewritten only when its content changes, so relinking the
# vparams tool does not re-run Verilator.
$(B)/rtl/$(1)/params.mk: $(2) $(B)/bin/vparams
	$$(Q)mkdir -p $$(@D)
	$$(Q)printf 'VPARAMS := %s\nVDEFS := %s\n' "$$$$($(B)/bin/vparams $(2) --verilator)" \
	  "$$$$($(B)/bin/vparams $(2) --cflags)" > $$@.new
	$$(Q)if cmp -s $$@.new $$@; then rm $$@.new; \
	  else mv $$@.new $$@; fi

$(B)/rtl/$(1)/obj/Vacc_top__ALL.a: $(RTL_DEPS) $(B)/rtl/$(1)/params.mk cosim/vmodel_print.h mk/vl-edge-ico.sh
	$$(call msg,VERILATE,$(1))
	$$(Q)rm -rf $$(@D)
	$$(Q)$$(VERILATOR) $$(filter-out $(5),$$(VFLAGS)) $(3) $$$$(sed -n 's/^VPARAMS := //p' $(B)/rtl/$(1)/params.mk) \
	  --Mdir $$(@D) -CFLAGS "$$(VCFLAGS) $$(VM_PRINT_CFLAGS)" $$(RTL_SRC) \
	  > $(B)/rtl/$(1)/verilator.log 2>&1 \
	  || { tail -40 $(B)/rtl/$(1)/verilator.log; exit 1; }
	$$(Q)bash mk/vl-edge-ico.sh $$(@D)
	+$$(Q)$$(MAKE) -C $$(@D) -f Vacc_top.mk -j $$(VJOBS) $$(VMAKEFLAGS) >> $(B)/rtl/$(1)/verilator.log 2>&1 \
	  || { tail -40 $(B)/rtl/$(1)/verilator.log; exit 1; }
	$$(Q)$$(MAKE) -s -C $$(@D) -f Vacc_top.mk $$(VMAKEFLAGS) verilated.o verilated_threads.o \
	  $(if $(findstring trace,$(1)),verilated_fst_c.o) >> $(B)/rtl/$(1)/verilator.log 2>&1
	$$(Q)ar rcs $$(@D)/libverilated.a $$(@D)/verilated.o $$(@D)/verilated_threads.o \
	  $(if $(findstring trace,$(1)),$$(@D)/verilated_fst_c.o)

$(B)/rtl/$(1)/vmodel.o: cosim/vmodel.cpp cosim/vmodel.h cosim/vmodel_print.h cosim/vpins.hpp $(B)/rtl/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,CXX,$$@)
	$$(Q)$$(CXX) $$(VCFLAGS) $$(VM_PRINT_CFLAGS) -MMD -MP -I. -g $(4) $$$$(sed -n 's/^VDEFS := //p' $(B)/rtl/$(1)/params.mk) \
	  -I$(B)/rtl/$(1)/obj -I/usr/share/verilator/include -I/usr/share/verilator/include/vltstd \
	  -c $$< -o $$@

$(B)/rtl/$(1)/backend.o: cosim/backend.c | $(DEPS_OK)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_BASE) $$(OPT) -DACC_WITH_RTL -c $$< -o $$@

$(B)/rtl/$(1)/cosim: $(B)/obj/tools/cosim_main.o $(B)/rtl/$(1)/backend.o $(B)/obj/cosim/rtl_backend.o \
    $(B)/rtl/$(1)/vmodel.o $(B)/lib/libcosim.a $(B)/lib/libcore.a $(B)/rtl/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,LD,$$@)
	$$(Q)$$(CXX) $$(OPT) $$^ $(B)/rtl/$(1)/obj/libverilated.a -o $$@ $$(LIBS) -lz -pthread

# test_rtl: the timing-mode tests (test_rtl.c), the stress-mode tests
# (test_stress.c) and the stop paths (test_stop.c) in one binary per build.
$(B)/rtl/$(1)/test_rtl: tests/rtl/test_rtl.c tests/rtl/test_stress.c tests/rtl/test_stop.c \
    $(B)/obj/cosim/rtl_backend.o $(B)/obj/tests/testutil.o \
    $(B)/rtl/$(1)/vmodel.o $(B)/lib/libcosim.a $(B)/lib/libcore.a $(B)/rtl/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,LD,$$@)
	$$(Q)for t in test_rtl test_stress test_stop; do $$(CC) $$(CFLAGS_BASE) $$(OPT) -DACC_TEST_CONFIG='"$(2)"' \
	  -DACC_TEST_OUT='"$(B)/test-out/rtl-$(1)"' -c tests/rtl/$$$$t.c -o $(B)/rtl/$(1)/$$$$t.o || exit 1; done
	$$(Q)$$(CXX) $$(OPT) $(B)/rtl/$(1)/test_rtl.o $(B)/rtl/$(1)/test_stress.o $(B)/rtl/$(1)/test_stop.o \
	  $$(filter-out tests/%,$$^) $(B)/rtl/$(1)/obj/libverilated.a \
	  -o $$@ -lcriterion $$(LIBS) -lz -pthread
endef
TRACE_VFLAGS := --trace-fst --trace-structs --timescale-override 1ns/100ps $(X_FAST_VFLAGS)
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call RTL_RULES,$(c),configs/$(c).ini,$(X_FAST_VFLAGS),)))
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call RTL_RULES,$(c)-trace,configs/$(c).ini,$(TRACE_VFLAGS),-DACC_VM_TRACE)))
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call RTL_RULES,$(c)-xrand,configs/$(c).ini,$(X_RAND_VFLAGS),)))
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call RTL_RULES,$(c)-fast,configs/$(c).ini,$(X_FAST_VFLAGS),,--assert)))
ifeq ($(filter $(CFG_NAME),$(SHIPPED_CONFIGS)),)
$(eval $(call RTL_RULES,$(CFG_NAME),$(CONFIG),$(X_FAST_VFLAGS),))
$(eval $(call RTL_RULES,$(CFG_NAME)-trace,$(CONFIG),$(TRACE_VFLAGS),-DACC_VM_TRACE))
$(eval $(call RTL_RULES,$(CFG_NAME)-xrand,$(CONFIG),$(X_RAND_VFLAGS),))
$(eval $(call RTL_RULES,$(CFG_NAME)-fast,$(CONFIG),$(X_FAST_VFLAGS),,--assert))
endif

.PHONY: rtl-sim
rtl-sim: $(B)/rtl/$(CFG_NAME)/cosim

# The parameter check fails elaboration: 16 x 16 with 2 banks (a stride-7
# window of 106 bytes cannot come from 2 banks of 16 bytes) must be rejected
# with the TopParamsLegal message (docs/rtl.md "Parameters").  Run by lint-rtl.
.PHONY: lint-rtl-params
lint-rtl-params: $(DEPS_OK)
	$(Q)out=$$($(VERILATOR) --lint-only -Wall -Irtl $(wildcard rtl/*.vlt) $(RTL_SRC) \
	  --top-module acc_top -GSpadBanks=2 2>&1); rc=$$?; \
	  if [ $$rc -eq 0 ] || ! printf '%s\n' "$$out" | grep -q 'TopParamsLegal:'; then \
	    printf '%s\n' "$$out"; echo "lint-rtl-params: SpadBanks=2 was not rejected at elaboration"; exit 1; \
	  fi
lint-rtl: lint-rtl-params
