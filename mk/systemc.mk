# mk/systemc.mk - included by the top Makefile: the SystemC platform.
# The same RTL as a SystemC module (Verilator --sc, the same sources, -G
# parameters and flags as the RTL section) in the SystemC platform of
# cosim/systemc/sc_*.cpp (docs/systemc.md), with SystemC 2.3 from pkg-config.
# What the model prints goes to acc_vm_printf (VM_PRINT_CFLAGS, mk/rtl.mk),
# defined for these builds in cosim/systemc/sc_backend.cpp.
# build/sc/<config>/cosim is the harness with the systemc backend;
# build/sc/<config>/test_systemc runs layers through it and through the rtl
# backend's build/rtl/<config>/cosim and compares the reports.
SC_PKG_CFLAGS = $(shell pkg-config --cflags systemc)
SC_PKG_LIBS = $(shell pkg-config --libs systemc)
SC_VFLAGS := $(patsubst --cc,--sc,$(VFLAGS)) -fno-reloop
SC_CXX_SRC := $(wildcard cosim/systemc/sc_*.cpp)
SC_CXXFLAGS := -O2 -g -std=c++17 -Wall -Wextra -MMD -MP

# $(1) = build directory name (the configuration's name)
define SC_RULES
$(B)/sc/$(1)/obj/Vacc_top__ALL.a: $(RTL_DEPS) $(B)/rtl/$(1)/params.mk cosim/vmodel_print.h
	$$(call msg,VERILATE,sc/$(1))
	$$(Q)rm -rf $$(@D) && mkdir -p $$(@D)
	+$$(Q)$$(VERILATOR) $$(SC_VFLAGS) $$$$(sed -n 's/^VPARAMS := //p' $(B)/rtl/$(1)/params.mk) \
	  --Mdir $$(@D) --build -j $$(VJOBS) -MAKEFLAGS "$$(VMAKEFLAGS)" -CFLAGS "$$(VCFLAGS) $$(VM_PRINT_CFLAGS) $$(SC_PKG_CFLAGS)" $$(RTL_SRC) \
	  > $(B)/sc/$(1)/verilator.log 2>&1 || { tail -40 $(B)/sc/$(1)/verilator.log; exit 1; }
	$$(Q)$$(MAKE) -s -C $$(@D) -f Vacc_top.mk $$(VMAKEFLAGS) verilated.o verilated_threads.o \
	  >> $(B)/sc/$(1)/verilator.log 2>&1
	$$(Q)ar rcs $$(@D)/libverilated.a $$(@D)/verilated.o $$(@D)/verilated_threads.o

$(B)/sc/$(1)/%.o: cosim/systemc/%.cpp cosim/systemc/sc_platform.h cosim/axi_mem.h cosim/backend.h \
    cosim/vmodel_print.h $(B)/sc/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,CXX,$$@)
	$$(Q)$$(CXX) $$(SC_CXXFLAGS) $$(VM_PRINT_CFLAGS) $$(SC_PKG_CFLAGS) $$$$(sed -n 's/^VDEFS := //p' $(B)/rtl/$(1)/params.mk) \
	  -I. -isystem $(B)/sc/$(1)/obj -isystem /usr/share/verilator/include \
	  -isystem /usr/share/verilator/include/vltstd -c $$< -o $$@

$(B)/sc/$(1)/backend.o: cosim/backend.c | $(DEPS_OK)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_BASE) $$(OPT) -DACC_WITH_SYSTEMC -c $$< -o $$@

$(B)/sc/$(1)/cosim: $(B)/obj/tools/cosim_main.o $(B)/sc/$(1)/backend.o \
    $(patsubst cosim/systemc/%.cpp,$(B)/sc/$(1)/%.o,$(SC_CXX_SRC)) $(B)/lib/libcosim.a $(B)/lib/libcore.a \
    $(B)/sc/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,LD,$$@)
	$$(Q)$$(CXX) $$(OPT) $$^ $(B)/sc/$(1)/obj/libverilated.a -o $$@ $$(SC_PKG_LIBS) $$(LIBS) -lz -pthread

$(B)/sc/$(1)/test_systemc: tests/rtl/test_systemc.c $(patsubst cosim/systemc/%.cpp,$(B)/sc/$(1)/%.o,$(SC_CXX_SRC)) \
    $(B)/lib/libcosim.a $(B)/lib/libcore.a $(B)/sc/$(1)/obj/Vacc_top__ALL.a $(B)/rtl/$(1)/cosim
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) $$(CFLAGS_BASE) $$(OPT) -DACC_TEST_CONFIG='"$(1)"' -c $$< -o $(B)/sc/$(1)/test_systemc.o
	$$(Q)$$(CXX) $$(OPT) $(B)/sc/$(1)/test_systemc.o $$(filter-out $$< $(B)/rtl/$(1)/cosim,$$^) \
	  $(B)/sc/$(1)/obj/libverilated.a -o $$@ -lcriterion $$(SC_PKG_LIBS) $$(LIBS) -lz -pthread
endef
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call SC_RULES,$(c))))
ifeq ($(filter $(CFG_NAME),$(SHIPPED_CONFIGS)),)
$(eval $(call SC_RULES,$(CFG_NAME)))
endif

# Layers through the systemc and the rtl backend, reports compared field by
# field, on the small and the default configuration.
SC_TEST_CONFIGS := small default
systemc-test: $(foreach c,$(SC_TEST_CONFIGS),$(B)/sc/$(c)/test_systemc)
	$(Q)ACC_LAYERS_DIR=layers ACC_CONFIGS_DIR=configs LABEL=systemc TOTALS=$(B)/test-totals \
	  bash mk/run-tests.sh $^

.PHONY: systemc-sim systemc-test
systemc-sim: $(B)/sc/$(CFG_NAME)/cosim

