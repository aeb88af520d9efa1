# One non-recursive Makefile.  Every generated file goes under build/.
# `make help` lists the targets.

.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

V ?= 0
ifeq ($(V),0)
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2);
else
Q :=
msg =
endif

B := build
CC ?= cc
CXX ?= c++
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
WERROR ?= -Werror
CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(WERROR) -MMD -MP
OPT ?= -O2 -g
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LIBS := -linih -lcjson -lcadical -lstdc++ -lm

# User-facing knobs
LAYER ?= lenet_1
CONFIG ?= default
SEED ?= 1
BACKEND ?= rtl
PLANNER ?= sat
# Time limit of the sat planner in seconds (0: none), for plan and cosim
# (cosim reads it from the environment, docs/planner.md "Caching").
PLAN_TIME ?= 60
export ACC_PLAN_TIME = $(PLAN_TIME)
NET ?=
DUMP ?= 0
TRACE ?= 0

# ---------------------------------------------------------------- sources
CORE_SRC := $(filter-out %_main.c,$(wildcard planner/*.c golden/*.c))
COSIM_SRC := $(filter-out %_main.c cosim/rtl_backend.c,$(wildcard cosim/*.c))
MAIN_SRC := $(wildcard planner/*_main.c golden/*_main.c cosim/*_main.c)
TEST_SRC := $(wildcard tests/test_*.c)

obj = $(patsubst %.c,$(B)/$(1)/%.o,$(2))
CORE_OBJ := $(call obj,obj,$(CORE_SRC))
COSIM_OBJ := $(call obj,obj,$(COSIM_SRC))
CORE_SAN_OBJ := $(call obj,san,$(CORE_SRC))
COSIM_SAN_OBJ := $(call obj,san,$(COSIM_SRC))
BINS := $(patsubst %_main.c,$(B)/bin/%,$(notdir $(MAIN_SRC)))
TESTS := $(patsubst tests/%.c,$(B)/test/%,$(TEST_SRC))

DEPS_OK := $(B)/.deps-ok

.PHONY: all help deps tools hdr-check rtl-test test unit-test catalog-test cosim plan layers lint format bench clean
all: tools

help:
	@echo "Main jobs"
	@echo "  make cosim [LAYER=resnet_3] [CONFIG=default] [SEED=1] [BACKEND=rtl|iss|systemc] [DUMP=1]"
	@echo "                         plan, run and check one layer (default LAYER=$(LAYER))"
	@echo "  make cosim NET=resnet18   every layer of a network, with a table"
	@echo "  make test              the whole test suite (Criterion, ASan+UBSan)"
	@echo "Tools"
	@echo "  make plan LAYER=..     write build/plan/<layer>.sched and .json"
	@echo "  make layers            list every catalog layer with its shape and MACs"
	@echo "  make catalog-test      every layer of every network: validator, iss, golden"
	@echo "  make bench             speed figures, printed with command and configuration"
	@echo "  make lint | format     clang-tidy/cppcheck | clang-format"
	@echo "Knobs: V=1 (show commands), PLANNER=sat|double|serial (default sat), PLAN_TIME=s"

# ---------------------------------------------------------------- deps
deps: $(DEPS_OK)
$(DEPS_OK): mk/deps.sh
	$(Q)mkdir -p $(B)
	$(Q)bash mk/deps.sh
	$(Q)touch $@

# ---------------------------------------------------------------- compile
$(B)/obj/%.o: %.c | $(DEPS_OK)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) $(OPT) -c $< -o $@

$(B)/san/%.o: %.c | $(DEPS_OK)
	$(call msg,CC-SAN,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) -O1 -g $(SAN) -c $< -o $@

$(B)/lib/libcore.a: $(CORE_OBJ)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/lib/libcore-san.a: $(CORE_SAN_OBJ) $(COSIM_SAN_OBJ)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/lib/libcosim.a: $(COSIM_OBJ)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

define MAIN_RULE
$(B)/bin/$(1): $(B)/obj/$(2) $(B)/lib/libcosim.a $(B)/lib/libcore.a
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(OPT) $$^ -o $$@ $$(LIBS)
endef
$(foreach m,$(MAIN_SRC),$(eval $(call MAIN_RULE,$(patsubst %_main.c,%,$(notdir $(m))),$(patsubst %.c,%.o,$(m)))))

tools: $(BINS)

# ---------------------------------------------------------------- tests
$(B)/test/%: $(B)/san/tests/%.o $(B)/san/tests/testutil.o $(B)/lib/libcore-san.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAN) $^ -o $@ -lcriterion $(LIBS)

unit-test: $(TESTS) tools
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ACC_LAYERS_DIR=layers ACC_CONFIGS_DIR=configs ACC_TEST_DATA=tests/data ACC_BIN=$(B)/bin \
	  LABEL=unit TOTALS=$(B)/test-totals bash mk/run-tests.sh $(TESTS)

# Every header compiles on its own (git's hdr-check).
HEADERS := $(wildcard planner/*.h golden/*.h cosim/*.h)
hdr-check: $(DEPS_OK)
	$(Q)for h in $(HEADERS); do echo "#include \"$$h\"" | \
	  $(CC) $(CFLAGS_BASE) -fsyntax-only -x c - -o /dev/null || exit 1; done

# RTL tests: unit programs and layers through the rtl backend, on the small
# and the default configuration.
RTL_TEST_CONFIGS := small default
rtl-test: $(foreach c,$(RTL_TEST_CONFIGS),$(B)/rtl/$(c)/test_rtl)
	$(Q)ACC_LAYERS_DIR=layers ACC_CONFIGS_DIR=configs LABEL=rtl TOTALS=$(B)/test-totals \
	  bash mk/run-tests.sh $^

# The closing line sums every Criterion binary that ran.
test:
	$(Q)rm -f $(B)/test-totals
	$(Q)$(MAKE) --no-print-directory hdr-check unit-test catalog-test rtl-test systemc-test; rc=$$?; \
	  awk '{p += $$1; f += $$2} END {printf "%d passed, %d failed\n", p, f}' $(B)/test-totals 2>/dev/null; \
	  exit $$rc

# ---------------------------------------------------------------- RTL
# One Verilated simulator per configuration (the array size, scratchpad and
# bus width are elaboration parameters), built into build/rtl/<config>/ and
# cached: it is rebuilt only when rtl/ or the configuration changes.
# build/rtl/<config>/cosim is the harness with the rtl backend;
# build/rtl/<config>-trace/cosim the same with FST waveform support.
VERILATOR ?= verilator
RTL_SRC := $(sort $(wildcard rtl/*.sv))
RTL_DEPS := $(RTL_SRC) $(wildcard rtl/*.svh rtl/*.vlt)
VFLAGS := --cc -O3 --x-assign fast --x-initial fast --assert -Wno-fatal -Irtl \
          --top-module acc_top --prefix Vacc_top $(wildcard rtl/*.vlt)
VCFLAGS := -O2 -std=c++17
SHIPPED_CONFIGS := $(basename $(notdir $(wildcard configs/*.ini)))
CFG_NAME := $(basename $(notdir $(CONFIG)))
cfg_file = $(if $(filter $(1),$(SHIPPED_CONFIGS)),configs/$(1).ini,$(CONFIG))

# $(1) = build directory name, $(2) = config file, $(3) = extra Verilator flags, $(4) = extra C++ flags
define RTL_RULES
# params.mk is rewritten only when its content changes, so relinking the
# vparams tool does not re-run Verilator.
$(B)/rtl/$(1)/params.mk: $(2) $(B)/bin/vparams
	$$(Q)mkdir -p $$(@D)
	$$(Q)printf 'VPARAMS := %s\nVDEFS := %s\n' "$$$$($(B)/bin/vparams $(2) --verilator)" \
	  "$$$$($(B)/bin/vparams $(2) --cflags)" > $$@.new
	$$(Q)if cmp -s $$@.new $$@; then rm $$@.new; \
	  else mv $$@.new $$@; fi

$(B)/rtl/$(1)/obj/Vacc_top__ALL.a: $(RTL_DEPS) $(B)/rtl/$(1)/params.mk
	$$(call msg,VERILATE,$(1))
	$$(Q)rm -rf $$(@D)
	$$(Q)$$(VERILATOR) $$(VFLAGS) $(3) $$$$(sed -n 's/^VPARAMS := //p' $(B)/rtl/$(1)/params.mk) \
	  --Mdir $$(@D) --build -j 2 -CFLAGS "$$(VCFLAGS)" $$(RTL_SRC) > $(B)/rtl/$(1)/verilator.log 2>&1 \
	  || { tail -40 $(B)/rtl/$(1)/verilator.log; exit 1; }
	$$(Q)$$(MAKE) -s -C $$(@D) -f Vacc_top.mk verilated.o verilated_threads.o \
	  $(if $(findstring trace,$(1)),verilated_fst_c.o) >> $(B)/rtl/$(1)/verilator.log 2>&1
	$$(Q)ar rcs $$(@D)/libverilated.a $$(@D)/verilated.o $$(@D)/verilated_threads.o \
	  $(if $(findstring trace,$(1)),$$(@D)/verilated_fst_c.o)

$(B)/rtl/$(1)/vmodel.o: cosim/vmodel.cpp cosim/vmodel.h $(B)/rtl/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,CXX,$$@)
	$$(Q)$$(CXX) $$(VCFLAGS) -g $(4) $$$$(sed -n 's/^VDEFS := //p' $(B)/rtl/$(1)/params.mk) \
	  -I$(B)/rtl/$(1)/obj -I/usr/share/verilator/include -I/usr/share/verilator/include/vltstd \
	  -c $$< -o $$@

$(B)/rtl/$(1)/backend.o: cosim/backend.c | $(DEPS_OK)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_BASE) $$(OPT) -DACC_WITH_RTL -c $$< -o $$@

$(B)/rtl/$(1)/cosim: $(B)/obj/cosim/cosim_main.o $(B)/rtl/$(1)/backend.o $(B)/obj/cosim/rtl_backend.o \
    $(B)/rtl/$(1)/vmodel.o $(B)/lib/libcosim.a $(B)/lib/libcore.a $(B)/rtl/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,LD,$$@)
	$$(Q)$$(CXX) $$(OPT) $$^ $(B)/rtl/$(1)/obj/libverilated.a -o $$@ $$(LIBS) -lz -pthread

$(B)/rtl/$(1)/test_rtl: tests/rtl/test_rtl.c $(B)/obj/cosim/rtl_backend.o $(B)/rtl/$(1)/vmodel.o \
    $(B)/lib/libcosim.a $(B)/lib/libcore.a $(B)/rtl/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) $$(CFLAGS_BASE) $$(OPT) -DACC_TEST_CONFIG='"$(1)"' -c $$< -o $(B)/rtl/$(1)/test_rtl.o
	$$(Q)$$(CXX) $$(OPT) $(B)/rtl/$(1)/test_rtl.o $$(filter-out $$<,$$^) $(B)/rtl/$(1)/obj/libverilated.a \
	  -o $$@ -lcriterion $$(LIBS) -lz -pthread
endef
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call RTL_RULES,$(c),configs/$(c).ini,,)))
TRACE_VFLAGS := --trace-fst --trace-structs --timescale-override 1ns/100ps
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call RTL_RULES,$(c)-trace,configs/$(c).ini,$(TRACE_VFLAGS),-DACC_VM_TRACE)))
ifeq ($(filter $(CFG_NAME),$(SHIPPED_CONFIGS)),)
$(eval $(call RTL_RULES,$(CFG_NAME),$(CONFIG),,))
$(eval $(call RTL_RULES,$(CFG_NAME)-trace,$(CONFIG),$(TRACE_VFLAGS),-DACC_VM_TRACE))
endif

.PHONY: rtl-sim
rtl-sim: $(B)/rtl/$(CFG_NAME)/cosim

# ---------------------------------------------------------------- SystemC
# The same RTL as a SystemC module (Verilator --sc, the same sources, -G
# parameters and flags as the RTL section) in the SystemC platform of
# cosim/sc_*.cpp (docs/systemc.md), with SystemC 2.3 from pkg-config.
# build/sc/<config>/cosim is the harness with the systemc backend;
# build/sc/<config>/test_systemc runs layers through it and through the rtl
# backend's build/rtl/<config>/cosim and compares the reports.
SC_PKG_CFLAGS = $(shell pkg-config --cflags systemc)
SC_PKG_LIBS = $(shell pkg-config --libs systemc)
SC_VFLAGS := $(patsubst --cc,--sc,$(VFLAGS)) -fno-reloop
SC_CXX_SRC := $(wildcard cosim/sc_*.cpp)
SC_CXXFLAGS := -O2 -g -std=c++17 -Wall -Wextra

# $(1) = build directory name (the configuration's name)
define SC_RULES
$(B)/sc/$(1)/obj/Vacc_top__ALL.a: $(RTL_DEPS) $(B)/rtl/$(1)/params.mk
	$$(call msg,VERILATE,sc/$(1))
	$$(Q)rm -rf $$(@D) && mkdir -p $$(@D)
	$$(Q)$$(VERILATOR) $$(SC_VFLAGS) $$$$(sed -n 's/^VPARAMS := //p' $(B)/rtl/$(1)/params.mk) \
	  --Mdir $$(@D) --build -j 2 -CFLAGS "$$(VCFLAGS) $$(SC_PKG_CFLAGS)" $$(RTL_SRC) \
	  > $(B)/sc/$(1)/verilator.log 2>&1 || { tail -40 $(B)/sc/$(1)/verilator.log; exit 1; }
	$$(Q)$$(MAKE) -s -C $$(@D) -f Vacc_top.mk verilated.o verilated_threads.o \
	  >> $(B)/sc/$(1)/verilator.log 2>&1
	$$(Q)ar rcs $$(@D)/libverilated.a $$(@D)/verilated.o $$(@D)/verilated_threads.o

$(B)/sc/$(1)/%.o: cosim/%.cpp cosim/sc_platform.h cosim/axi_mem.h cosim/backend.h \
    $(B)/sc/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,CXX,$$@)
	$$(Q)$$(CXX) $$(SC_CXXFLAGS) $$(SC_PKG_CFLAGS) $$$$(sed -n 's/^VDEFS := //p' $(B)/rtl/$(1)/params.mk) \
	  -Icosim -isystem $(B)/sc/$(1)/obj -isystem /usr/share/verilator/include \
	  -isystem /usr/share/verilator/include/vltstd -c $$< -o $$@

$(B)/sc/$(1)/backend.o: cosim/backend.c | $(DEPS_OK)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_BASE) $$(OPT) -DACC_WITH_SYSTEMC -c $$< -o $$@

$(B)/sc/$(1)/cosim: $(B)/obj/cosim/cosim_main.o $(B)/sc/$(1)/backend.o \
    $(patsubst cosim/%.cpp,$(B)/sc/$(1)/%.o,$(SC_CXX_SRC)) $(B)/lib/libcosim.a $(B)/lib/libcore.a \
    $(B)/sc/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,LD,$$@)
	$$(Q)$$(CXX) $$(OPT) $$^ $(B)/sc/$(1)/obj/libverilated.a -o $$@ $$(SC_PKG_LIBS) $$(LIBS) -lz -pthread

$(B)/sc/$(1)/test_systemc: tests/rtl/test_systemc.c $(patsubst cosim/%.cpp,$(B)/sc/$(1)/%.o,$(SC_CXX_SRC)) \
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

# ---------------------------------------------------------------- user jobs
COSIM_ARGS = --config $(CONFIG) --seed $(SEED) --planner $(PLANNER) \
	$(if $(filter 1,$(DUMP)),--dump) $(if $(NET),--net $(NET),--layer $(LAYER)) $(ARGS)
ifeq ($(BACKEND),iss)
COSIM_BIN := $(B)/bin/cosim
else ifeq ($(BACKEND),systemc)
COSIM_BIN := $(B)/sc/$(CFG_NAME)/cosim
else
COSIM_BIN := $(B)/rtl/$(CFG_NAME)/cosim
endif

.PHONY: wave synth lint-rtl
cosim: $(COSIM_BIN)
	$(Q)$(COSIM_BIN) --backend $(BACKEND) $(COSIM_ARGS)

plan: $(B)/bin/plan
	$(Q)$(B)/bin/plan --layer $(LAYER) --config $(CONFIG) --planner $(PLANNER) --time $(PLAN_TIME) $(ARGS)

layers: $(B)/bin/layers
	$(Q)$(B)/bin/layers $(NET)

# Every layer of every network on the default configuration through the
# validator, the iss and the golden convolution.
CATALOG_NETS := resnet resnet50 vgg mobilenet alexnet lenet
catalog-test: $(B)/bin/cosim
	$(Q)fail=0; for n in $(CATALOG_NETS); do \
	  $(B)/bin/cosim --backend iss --net $$n --config $(CONFIG) --planner $(PLANNER) || fail=1; \
	done; exit $$fail

WAVE_FROM = $(if $(FROM),--from $(FROM))
WAVE_TO = $(if $(TO),--to $(TO))
wave: $(B)/rtl/$(CFG_NAME)-trace/cosim
	$(Q)mkdir -p $(B)/wave
	$(Q)$(B)/rtl/$(CFG_NAME)-trace/cosim --backend rtl --layer $(LAYER) --config $(CONFIG) \
	  --seed $(SEED) --planner $(PLANNER) --out $(B)/wave/$(LAYER) \
	  --wave $(B)/wave/$(LAYER)/$(LAYER).fst $(WAVE_FROM) $(WAVE_TO) $(ARGS); \
	  rc=$$?; echo "waveform: gtkwave $(B)/wave/$(LAYER)/$(LAYER).gtkw"; exit $$rc

synth: $(DEPS_OK)
	$(Q)mkdir -p $(B)/synth
	$(Q)bash rtl/synth.sh $(B)/synth

lint-rtl: $(DEPS_OK)
	$(Q)$(VERILATOR) --lint-only -Wall -Irtl $(wildcard rtl/*.vlt) $(RTL_SRC) --top-module acc_top

lint: lint-rtl
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 \
	  --suppress=missingIncludeSystem planner golden cosim
	$(Q)clang-tidy --quiet $(CORE_SRC) $(COSIM_SRC) -- -std=c11 -D_POSIX_C_SOURCE=200809L 2>/dev/null | \
	  grep -E "warning|error" && exit 1 || true

bench: tools $(B)/bin/bench
	$(Q)bash mk/bench.sh $(B)

format:
	$(Q)clang-format -i $(wildcard planner/*.[ch] golden/*.[ch] cosim/*.[ch] tests/*.c) cosim/vmodel.cpp

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
