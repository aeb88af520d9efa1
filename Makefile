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
CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L -I. $(WARN) $(WERROR) -MMD -MP
OPT ?= -O2 -g
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LIBS := -linih -lcjson -lcadical -lstdc++ -lm

# User-facing knobs
LAYER ?= lenet_1
CONFIG ?= default
SEED ?= 1
BACKEND ?= rtl
PLANNER ?= sat
# Work budget of the sat planner, a deterministic count (0: none; empty: the
# default, which proves every catalog layer), for plan and cosim (cosim reads
# it from the environment); PLAN_TIME=S, the former time limit, is read as a
# budget of S x 20000 (docs/planner.md "The budget").
PLAN_BUDGET ?=
PLAN_TIME ?=
export ACC_PLAN_BUDGET = $(PLAN_BUDGET)
export ACC_PLAN_TIME = $(PLAN_TIME)
NET ?=
# Layers of a NET run at once, each in a worker process (docs/cosim.md,
# "Networks"); default: one per processor.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
DUMP ?= 0
TRACE ?= 0

# ---------------------------------------------------------------- sources
CORE_SRC := $(wildcard core/*.c model/*.c planner/*.c planner/sat/*.c golden/*.c)
COSIM_SRC := $(filter-out cosim/rtl_backend.c,$(wildcard cosim/*.c))
# regress/: the regression runner and its HTML index (docs/regress.md), in
# libcosim beside cosim/.
REGRESS_SRC := $(wildcard regress/*.c)
COSIM_SRC += $(REGRESS_SRC)
MAIN_SRC := $(wildcard tools/*_main.c)
TEST_SRC := $(wildcard tests/test_*.c)

obj = $(patsubst %.c,$(B)/$(1)/%.o,$(2))
CORE_OBJ := $(call obj,obj,$(CORE_SRC))
COSIM_OBJ := $(call obj,obj,$(COSIM_SRC))
CORE_SAN_OBJ := $(call obj,san,$(CORE_SRC))
COSIM_SAN_OBJ := $(call obj,san,$(COSIM_SRC))
# planner/sat/proof.cpp: CaDiCaL writes proofs through its C++ API only
CORE_CXX_SRC := $(wildcard planner/sat/*.cpp)
CORE_OBJ += $(patsubst %.cpp,$(B)/obj/%.o,$(CORE_CXX_SRC))
CORE_SAN_OBJ += $(patsubst %.cpp,$(B)/san/%.o,$(CORE_CXX_SRC))
CXXFLAGS_BASE := -std=c++17 -I. -Wall -Wextra -Wpedantic -Wshadow $(WERROR) -MMD -MP
BINS := $(patsubst %_main.c,$(B)/bin/%,$(notdir $(MAIN_SRC)))
TESTS := $(patsubst tests/%.c,$(B)/test/%,$(TEST_SRC))

DEPS_OK := $(B)/.deps-ok

.PHONY: all help deps tools hdr-check rtl-test rtl-xrand-test rtl-fast-test rtl-random-test wave-test test unit-test catalog-test cosim plan layers lint lint-c format format-check bench clean
all: tools

help:
	@echo "Main jobs"
	@echo "  make cosim [LAYER=lenet_1] [CONFIG=default] [SEED=1] [BACKEND=rtl|iss|systemc]"
	@echo "             [PLANNER=sat] [DUMP=1] [TRACE=1] [STRESS=seed] [ARGS=...]"
	@echo "                          plan, run and check one layer (exit 0 only when all three equalities hold)"
	@echo "  make cosim NET=resnet18 [JOBS=n]  every layer of a network, n layers at once (default: nproc), with a table"
	@echo "  make regress [MATRIX=smoke|default|file.ini] [JOBS=n] [ENGINE=local|slurm] [FORCE=1] [OUT=dir]"
	@echo "                          a regression matrix: every job a cosim run; merged.json, junit.xml"
	@echo "                          and a table under build/regress/<matrix>/ (docs/regress.md)"
	@echo "  make test               the whole test suite: hdr-check unit-test catalog-test rtl-test rtl-xrand-test rtl-fast-test rtl-random-test wave-test systemc-test array-test"
	@echo "Tools"
	@echo "  make plan LAYER=..      the planner: build/plan/<layer>.sched and .json [PLAN_BUDGET=n]"
	@echo "             [CHECK=1]    and the certificate (.cnf), its DRAT proof, checked by proofcheck"
	@echo "  make layers [NET=..]    every catalog layer with its shape and MACs"
	@echo "  make wave LAYER=.. [FROM=i TO=j]  FST waveform and GTKWave save file under build/wave/<layer>/"
	@echo "  make synth              Yosys synthesis of the default configuration, cell count"
	@echo "  make bench              speed figures with their commands; rewrites docs/figures.md"
	@echo "  make tools              build/bin/: asm bench cosim layers plan planbench proofcheck regress vparams"
	@echo "  make rtl-sim | systemc-sim   the Verilated simulator of CONFIG (build/rtl|sc/<config>/cosim)"
	@echo "  make deps               install the Debian packages the project needs (mk/deps.sh)"
	@echo "  make clean              remove build/"
	@echo "Tests (make test runs them all)"
	@echo "  make hdr-check          every header compiles on its own"
	@echo "  make unit-test          Criterion unit tests under ASan+UBSan"
	@echo "  make catalog-test       every layer of every network: validator, iss, golden"
	@echo "  make rtl-test           RTL tests through the rtl backend (small, default, wide, tall)"
	@echo "  make rtl-xrand-test     RTL tests of small with random initial state and X, three seeds"
	@echo "  make rtl-fast-test      the simulator without assertions (network runs) equal to the asserting one (small)"
	@echo "  make rtl-random-test    RTL tests on a random legal configuration [RANDOM_RTL_SEED=1]"
	@echo "  make wave-test          waveforms of the traced simulator (small): their windows, closed when a run ends, none when it is killed"
	@echo "  make systemc-test       the systemc backend against the rtl backend (small, default)"
	@echo "  make array-test         the PE array's simulation description against the grid: random co-simulation, every operand pair"
	@echo "Verification power (not in make test)"
	@echo "  make coverage           line, toggle and cover-point coverage of rtl/ [COV_CONFIGS=small wide]"
	@echo "  make mutate             the RTL tests against the mutants of tests/mutants/ [MUTANTS=..]"
	@echo "  make cover-test         the directed cover tests (tests/rtl/test_cover.c) on small and wide"
	@echo "  make fuzz [FUZZ_TIME=60]  libFuzzer on each input parser (sched memmap ini csv npy bin), seconds per target"
	@echo "  make slurm-test         the Slurm executor on a one-node cluster started here (root; mk/slurm-cluster.sh)"
	@echo "  make regress-slurm-test slurm-test, then the smoke matrix through the pool and the cluster: equal results"
	@echo "Lint and format"
	@echo "  make lint               lint-rtl (Verilator -Wall) and lint-c (cppcheck, clang-tidy)"
	@echo "  make format | format-check   clang-format the C sources | check they are formatted"
	@echo "Knobs"
	@echo "  V=1 show commands; PLANNER=sat|double|serial (default sat); PLAN_BUDGET=n (sat's work budget);"
	@echo "  TRACE=1 make cosim runs as make wave; ARGS=... passed to the tool; B=dir build folder"
	@echo "  MAX_BYTES=n MAX_CYCLES=n MAX_SECONDS=s: the ceilings of a cosim run (0 lifts one; docs/cosim.md)"

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

$(B)/obj/%.o: %.cpp | $(DEPS_OK)
	$(call msg,CXX,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(OPT) -c $< -o $@

$(B)/san/%.o: %.cpp | $(DEPS_OK)
	$(call msg,CXX-SAN,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) -O1 -g $(SAN) -c $< -o $@

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
# mk/run-tests.sh writes each Criterion binary's JUnit XML report here.
export JUNIT_DIR := $(B)/test/junit
$(B)/test/%: $(B)/san/tests/%.o $(B)/san/tests/testutil.o $(B)/lib/libcore-san.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SAN) $^ -o $@ -lcriterion $(LIBS)

# The tests of the timeline, the HTML pages and the regression parse SVG,
# HTML and JUnit XML with libxml2 (linked into these tests only).
XML_TESTS := $(B)/test/test_timeline $(B)/test/test_pages $(B)/test/test_regress
$(XML_TESTS): LIBS += -lxml2
$(patsubst $(B)/test/%,$(B)/san/tests/%.o,$(XML_TESTS)): CFLAGS_BASE += -I/usr/include/libxml2

# test_netjobs and test_regress also run a network through the small RTL simulator.
unit-test: $(TESTS) tools $(B)/rtl/small/cosim
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ACC_LAYERS_DIR=layers ACC_CONFIGS_DIR=configs ACC_TEST_DATA=tests/data ACC_BIN=$(B)/bin \
	  ACC_RTL_SMALL=$(B)/rtl/small/cosim \
	  LABEL=unit TOTALS=$(B)/test-totals bash mk/run-tests.sh $(TESTS)

# Every header compiles on its own (git's hdr-check).
HEADERS := $(wildcard core/*.h model/*.h planner/*.h planner/sat/*.h golden/*.h cosim/*.h regress/*.h)
hdr-check: $(DEPS_OK)
	$(Q)for h in $(HEADERS); do echo "#include \"$$h\"" | \
	  $(CC) $(CFLAGS_BASE) -fsyntax-only -x c - -o /dev/null || exit 1; done

# RTL tests: unit programs and layers through the rtl backend, on the small
# and the default configuration and the two non-square ones (wide: 3x16,
# 2 banks, 32-bit bus, latency 1; tall: 8x4, 32 banks, 128-bit, 40/33).
RTL_TEST_CONFIGS := small default wide tall
rtl-test: $(foreach c,$(RTL_TEST_CONFIGS),$(B)/rtl/$(c)/test_rtl)
	$(Q)ACC_LAYERS_DIR=layers ACC_CONFIGS_DIR=configs LABEL=rtl TOTALS=$(B)/test-totals \
	  bash mk/run-tests.sh $^

# X-safety (docs/cosim.md): the RTL tests of the small configuration on its
# -xrand build (every initial value and X random), once per seed.  Cycles
# and outputs must equal the model's and the iss's, as in rtl-test.
XRAND_SEEDS := 1 2 3
rtl-xrand-test: $(B)/rtl/small-xrand/test_rtl
	$(Q)rc=0; for s in $(XRAND_SEEDS); do \
	  ACC_VM_PLUSARGS="+verilator+seed+$$s +verilator+rand+reset+2" ACC_LAYERS_DIR=layers \
	  ACC_CONFIGS_DIR=configs LABEL="rtl-xrand seed $$s" TOTALS=$(B)/test-totals \
	  bash mk/run-tests.sh $< || rc=1; done; exit $$rc

# The -fast build (no assertions), which network runs use, against the
# asserting build: the same runs, every schedule, output byte and
# instruction's cycles equal (mk/fast-test.sh; docs/rtl.md "Simulation
# speed").  On the small configuration.
rtl-fast-test: $(B)/rtl/small/cosim $(B)/rtl/small-fast/cosim
	$(Q)ACC_LAYERS_DIR=layers TOTALS=$(B)/test-totals bash mk/fast-test.sh $^ small $(B)/test-out/rtl-fast

# One random legal configuration through the RTL: a small array (rows and
# columns 1..8, drawn apart), any bank count and bus width the constraints of
# docs/config.md allow, 8..16 KiB, latencies 1..64, drawn by awk from
# RANDOM_RTL_SEED into $(B)/randcfg/rand<seed>.ini, checked by the loader
# (asm --config), then Verilated (CONFIG=that file) and its RTL tests run.
# The sweep over many random configurations on the iss is
# tests/test_random_config.c.
RANDOM_RTL_SEED ?= 1
RANDOM_RTL_INI = $(B)/randcfg/rand$(RANDOM_RTL_SEED).ini
rtl-random-test: $(B)/bin/asm
	$(Q)mkdir -p $(B)/randcfg
	$(Q)awk -v seed=$(RANDOM_RTL_SEED) 'function p2(v, q) { q = 1; while (q < v) q *= 2; return q } \
	  function rnd(lo, hi) { return lo + int(rand() * (hi - lo + 1)) } \
	  BEGIN { srand(seed); r = rnd(1, 8); do c = rnd(1, 8); while (c == r); lw = p2(r > c ? r : c); \
	    need = 4 * r > 7 * (r - 1) + 1 ? 4 * r : 7 * (r - 1) + 1; nb = 2; \
	    while ((nb - 1) * lw + 1 < need) nb *= 2; n = 0; for (b = nb; b <= 32; b *= 2) n++; \
	    nb = nb * 2 ^ rnd(0, n - 1); port = (nb - 1) * lw + 1; n = 0; \
	    for (d = 32; d <= 512 && d / 8 <= port; d *= 2) n++; d = 32 * 2 ^ rnd(0, n - 1); \
	    row = nb * lw; k = rnd(int((8192 + row - 1) / row), int(16384 / row)); \
	    printf "; random configuration, awk seed %d (make rtl-random-test)\n", seed; \
	    printf "[array]\nrows = %d\ncols = %d\n[scratchpad]\nbytes = %d\nbanks = %d\n", r, c, k * row, nb; \
	    printf "[axi]\ndata_bits = %d\n[memory]\nread_latency = %d\nwrite_latency = %d\n", \
	      d, rnd(1, 64), rnd(1, 64) }' > $(RANDOM_RTL_INI)
	$(Q)$(B)/bin/asm --config $(RANDOM_RTL_INI) > /dev/null || { cat $(RANDOM_RTL_INI); exit 1; }
	$(Q)sed -n 's/^\(rows\|cols\|bytes\|banks\|data_bits\|read_latency\|write_latency\) = /\1=/p' \
	  $(RANDOM_RTL_INI) | tr '\n' ' '; echo
	$(Q)$(MAKE) --no-print-directory CONFIG=$(RANDOM_RTL_INI) $(B)/rtl/rand$(RANDOM_RTL_SEED)/test_rtl
	$(Q)ACC_LAYERS_DIR=layers ACC_CONFIGS_DIR=configs LABEL="rtl rand$(RANDOM_RTL_SEED)" \
	  TOTALS=$(B)/test-totals bash mk/run-tests.sh $(B)/rtl/rand$(RANDOM_RTL_SEED)/test_rtl

# Waveforms (docs/debugging.md): the traced simulator of the small
# configuration run as a program by tests/rtl/test_wave.c: the cycles a
# window holds, the view of the save file; a run that ends,
# passing or failing, leaves its FST closed under its name; a run killed by
# SIGTERM or SIGINT leaves neither a waveform nor a temporary file.
# The test reads the waveforms back with the FST reader of Verilator's copy
# of GTKWave's fstapi (the code that writes them), compiled as it ships.
WAVE_TEST_SIM := $(B)/rtl/small-trace/cosim
FST_DIR = $(shell $(VERILATOR) --getenv VERILATOR_ROOT)/include/gtkwave
FST_READER_OBJ := $(addprefix $(B)/rtl/fstreader/,fstapi.o lz4.o fastlz.o)
$(B)/rtl/fstreader/%.o: | $(DEPS_OK)
	$(call msg,CC,$(FST_DIR)/$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -w -DFST_CONFIG_INCLUDE='"fst_config.h"' -I$(FST_DIR) -c $(FST_DIR)/$*.c -o $@
$(B)/rtl/test_wave: tests/rtl/test_wave.c $(B)/lib/libcore.a $(FST_READER_OBJ)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) $(OPT) -DACC_WAVE_SIM='"$(WAVE_TEST_SIM)"' -I$(FST_DIR) $< \
	  $(B)/lib/libcore.a $(FST_READER_OBJ) -o $@ -lcriterion $(LIBS) -lz -pthread
wave-test: $(B)/rtl/test_wave $(WAVE_TEST_SIM)
	$(Q)LABEL=wave TOTALS=$(B)/test-totals bash mk/run-tests.sh $<

# The closing line sums every Criterion binary that ran.
test:
	$(Q)rm -f $(B)/test-totals
	$(Q)$(MAKE) --no-print-directory hdr-check unit-test catalog-test rtl-test rtl-xrand-test rtl-fast-test rtl-random-test wave-test systemc-test array-test; rc=$$?; \
	  awk '{p += $$1; f += $$2} END {printf "%d passed, %d failed\n", p, f}' $(B)/test-totals 2>/dev/null; \
	  exit $$rc

# ---------------------------------------------------------------- fuzzing
# make fuzz: libFuzzer (clang -fsanitize=fuzzer, with ASan and UBSan) on
# every input parser, one target per parser (tests/fuzz/fuzz_<target>.c):
# sched (.sched text), memmap (its .memmap directive), ini (configurations),
# csv (layer topologies), npy (tensors), bin (the binary program decoder).
# The project reads no JSON (it only writes it), so there is no JSON target.
# FUZZ_TIME seconds per target; seeds, corpus and artifacts: mk/fuzz.sh.
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
FUZZ_BINS := $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_LIB_SRC := $(wildcard core/*.c) cosim/npy.c

$(B)/fuzz/obj/%.o: %.c | $(DEPS_OK)
	$(call msg,CC-FUZZ,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(B)/fuzz/libparsers.a: $(call obj,fuzz/obj,$(FUZZ_LIB_SRC))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/tests/fuzz/fuzz_%.o $(B)/fuzz/libparsers.a
	$(call msg,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ -o $@ $(LIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz: $(FUZZ_BINS) $(B)/bin/cosim $(B)/bin/asm
	$(Q)FUZZ_TIME=$(FUZZ_TIME) bash mk/fuzz.sh $(B) $(FUZZ_TARGETS)

# ---------------------------------------------------------------- Slurm
# The Slurm executor of make regress (mk/regress-slurm.sh; docs/regress.md,
# "On a Slurm cluster") on a one-node cluster started on this machine as root
# (mk/slurm-cluster.sh: munged, slurmctld, slurmd; state in $(B)/slurm) and
# stopped however the test ends.  slurm-test: job lists written by hand
# (tests/slurm/test_executor.sh); regress-slurm-test: then the smoke matrix
# through the local pool and through the cluster, whose merged results must
# be equal but for the times (regress compare).
SLURM_STATE := $(abspath $(B))/slurm
SLURM_TEST_OUT := $(abspath $(B))/regress-slurm-test
.PHONY: slurm-test regress-slurm-test
slurm-test:
	$(Q)SLURM_CLUSTER_DIR=$(SLURM_STATE) bash tests/slurm/test_executor.sh $(abspath $(B))/slurm-test

regress-slurm-test: slurm-test
	$(Q)export SLURM_CLUSTER_DIR=$(SLURM_STATE) SLURM_CONF=$(SLURM_STATE)/slurm.conf; \
	  trap 'bash mk/slurm-cluster.sh stop' EXIT; trap 'exit 130' INT TERM; \
	  bash mk/slurm-cluster.sh start && \
	  $(MAKE) --no-print-directory regress MATRIX=smoke ENGINE=local FORCE=1 OUT=$(SLURM_TEST_OUT)/local && \
	  $(MAKE) --no-print-directory regress MATRIX=smoke ENGINE=slurm FORCE=1 OUT=$(SLURM_TEST_OUT)/slurm && \
	  $(B)/bin/regress compare $(SLURM_TEST_OUT)/local/merged.json $(SLURM_TEST_OUT)/slurm/merged.json && \
	  echo "regress-slurm-test: the smoke matrix through Slurm equals the local pool's"

# ---------------------------------------------------------------- RTL and SystemC
# The Verilator and SystemC build templates (docs/rtl.md, docs/systemc.md).
include mk/rtl.mk
include mk/systemc.mk
include mk/coverage.mk

# ---------------------------------------------------------------- user jobs
# STRESS=seed: stress mode (docs/cosim.md, "Stress mode"; rtl backend).
# MAX_BYTES, MAX_CYCLES, MAX_SECONDS: the run's ceilings (docs/cosim.md,
# "Ceilings"; 0 lifts one); unset, cosim's defaults hold.
COSIM_ARGS = --config $(CONFIG) --seed $(SEED) --planner $(PLANNER) \
	$(if $(filter 1,$(DUMP)),--dump) $(if $(STRESS),--stress $(STRESS)) \
	$(if $(MAX_BYTES),--max-bytes $(MAX_BYTES)) $(if $(MAX_CYCLES),--max-cycles $(MAX_CYCLES)) \
	$(if $(MAX_SECONDS),--max-seconds $(MAX_SECONDS)) \
	$(if $(NET),--net $(NET) --jobs $(JOBS),--layer $(LAYER)) $(ARGS)
ifeq ($(BACKEND),iss)
COSIM_BIN := $(B)/bin/cosim
else ifeq ($(BACKEND),systemc)
COSIM_BIN := $(B)/sc/$(CFG_NAME)/cosim
else ifneq ($(NET),)
# A network runs on the simulator without assertions (mk/rtl.mk, -fast),
# which rtl-fast-test shows equal to the asserting one.
COSIM_BIN := $(B)/rtl/$(CFG_NAME)-fast/cosim
else
COSIM_BIN := $(B)/rtl/$(CFG_NAME)/cosim
endif

.PHONY: wave synth lint-rtl
# TRACE=1: the run of `make wave` (the traced simulator, one layer, rtl).
ifeq ($(TRACE),1)
ifneq ($(NET),)
$(error TRACE=1 traces one layer; give LAYER= instead of NET=)
endif
ifneq ($(BACKEND),rtl)
$(error TRACE=1 needs BACKEND=rtl (the waveform is the Verilated RTL's))
endif
cosim: wave
else
cosim: $(COSIM_BIN)
	$(Q)$(COSIM_BIN) --backend $(BACKEND) $(COSIM_ARGS)
endif

# CHECK=1: the sat planner's certificate and its DRAT proof, checked by
# build/bin/proofcheck (docs/planner.md, "Checking a certificate").
CHECK ?= 0
PLAN_CERT = $(B)/plan/$(subst /,_,$(subst :,_,$(LAYER)))
PLAN_ARGS = --layer $(LAYER) --config $(CONFIG) --planner $(PLANNER) $(if $(PLAN_TIME),--time $(PLAN_TIME)) \
	$(if $(PLAN_BUDGET),--budget $(PLAN_BUDGET))
plan: $(B)/bin/plan $(if $(filter 1,$(CHECK)),$(B)/bin/proofcheck)
ifeq ($(CHECK),1)
	$(Q)mkdir -p $(B)/plan && rm -f $(PLAN_CERT).cnf $(PLAN_CERT).cnf.nogoods $(PLAN_CERT).drat $(PLAN_CERT).lrat
	$(Q)$(B)/bin/plan $(PLAN_ARGS) --dimacs $(PLAN_CERT).cnf --proof $(PLAN_CERT).drat $(ARGS)
	$(Q)if [ ! -f $(PLAN_CERT).cnf ]; then \
	  echo "make plan CHECK=1: FAILED: no certificate, optimality is not proven within the budget"; exit 1; fi
	$(Q)$(B)/bin/proofcheck --lrat $(PLAN_CERT).lrat $(PLAN_CERT).cnf $(PLAN_CERT).drat
else
	$(Q)$(B)/bin/plan $(PLAN_ARGS) $(ARGS)
endif

# make regress: the jobs of a matrix (regress/matrices/<MATRIX>.ini or an
# .ini path) on a local pool of JOBS workers or, with ENGINE=slurm, through
# mk/regress-slurm.sh; results under build/regress/<matrix>/, or OUT=dir
# (docs/regress.md).  `regress needs` names the simulators to build first,
# one make invocation per line.
MATRIX ?= smoke
ENGINE ?= local
FORCE ?= 0
OUT ?=
.PHONY: regress
regress: $(B)/bin/regress $(B)/bin/cosim
	$(Q)$(B)/bin/regress needs --matrix $(MATRIX) --build $(B) > $(B)/regress-needs.txt
	$(Q)while read -r targets; do $(MAKE) --no-print-directory $$targets || exit 1; \
	  done < $(B)/regress-needs.txt
	$(Q)$(B)/bin/regress run --matrix $(MATRIX) --build $(B) --jobs $(JOBS) --engine $(ENGINE) \
	  $(if $(filter 1,$(FORCE)),--force) $(if $(OUT),--out $(OUT)) $(ARGS)

layers: $(B)/bin/layers
	$(Q)$(B)/bin/layers $(NET)

# Every layer of every network on the default configuration through the
# validator, the iss and the golden convolution.
CATALOG_NETS := resnet resnet50 vgg mobilenet alexnet lenet
catalog-test: $(B)/bin/cosim
	$(Q)fail=0; for n in $(CATALOG_NETS); do \
	  $(B)/bin/cosim --backend iss --net $$n --jobs $(JOBS) --config $(CONFIG) --planner $(PLANNER) || fail=1; \
	done; exit $$fail

WAVE_FROM = $(if $(FROM),--from $(FROM))
WAVE_TO = $(if $(TO),--to $(TO))
wave: $(B)/rtl/$(CFG_NAME)-trace/cosim
	$(Q)mkdir -p $(B)/wave
	$(Q)$(B)/rtl/$(CFG_NAME)-trace/cosim --backend rtl --layer $(LAYER) --config $(CONFIG) \
	  --seed $(SEED) --planner $(PLANNER) --out $(B)/wave/$(LAYER) \
	  --wave $(B)/wave/$(LAYER)/$(LAYER).fst $(WAVE_FROM) $(WAVE_TO) \
	  $(if $(STRESS),--stress $(STRESS)) $(ARGS); \
	  rc=$$?; echo "waveform: gtkwave $(B)/wave/$(LAYER)/$(LAYER).gtkw"; exit $$rc

synth: $(DEPS_OK)
	$(Q)mkdir -p $(B)/synth
	$(Q)bash rtl/synth.sh $(B)/synth

# Both descriptions of the PE array: the simulation one (Verilator's
# default) and the grid (ACC_ARRAY_GRID, what Yosys synthesises).
lint-rtl: $(DEPS_OK)
	$(Q)$(VERILATOR) --lint-only -Wall -Irtl $(wildcard rtl/*.vlt) $(RTL_SRC) --top-module acc_top
	$(Q)$(VERILATOR) --lint-only -Wall -Irtl -DACC_ARRAY_GRID $(wildcard rtl/*.vlt) $(RTL_SRC) --top-module acc_top

C_SRC_ALL = $(CORE_SRC) $(COSIM_SRC) cosim/rtl_backend.c $(MAIN_SRC) $(FUZZ_SRC)
FORMAT_SRC = $(wildcard core/*.[ch] model/*.[ch] planner/*.[ch] planner/sat/*.[ch] golden/*.[ch] \
	cosim/*.[ch] regress/*.[ch] tools/*.c tests/*.[ch] tests/rtl/*.c tests/fuzz/*.[ch])

lint: lint-rtl lint-c

# cppcheck, then clang-tidy (.clang-tidy: the static analyzer) two files at a
# time; any finding fails.
lint-c: $(DEPS_OK)
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 \
	  --suppress=missingIncludeSystem -I. core model planner golden cosim regress tools
	$(Q)printf '%s\n' $(C_SRC_ALL) | xargs -P 2 -n 4 sh -c \
	  'clang-tidy --quiet "$$@" -- -std=c11 -D_POSIX_C_SOURCE=200809L -I. 2>/dev/null' sh \
	  > $(B)/clang-tidy.log; \
	  if grep -E "warning:|error:" $(B)/clang-tidy.log; then exit 1; fi

bench: tools $(B)/bin/bench
	$(Q)bash mk/bench.sh $(B)

format:
	$(Q)clang-format -i $(FORMAT_SRC)

format-check:
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- PE array
# The PE array's two descriptions (docs/rtl.md, "Simulation speed"): the
# grid of acc_pe that Yosys synthesises and acc_array_sim that the other
# Verilator builds simulate.
#   make array-test  (in make test) random co-simulation of both, Verilated
#                    side by side (tests/rtl/array/array_pair.sv), compared
#                    every cycle: 16x16 and 3x5; and every operand pair, tag
#                    and shift triple through every PE of a 2x2 array
#   mk/bench_array.sh  the bare array, grid and simulation description,
#                    cycles/s side by side (the bench harness builds below)
ARRAY_RTL := rtl/acc_pe.sv rtl/acc_array.sv rtl/acc_array_sim.sv
ARRAY_TB_DEPS := $(ARRAY_RTL) tests/rtl/array/array_pair.sv tests/rtl/array/array_bench.sv \
	tests/rtl/array/array_tb.cpp cosim/vpins.hpp
ARRAY_VFLAGS := --cc -O3 $(X_FAST_VFLAGS) -Wno-fatal -Irtl --prefix Vtb
ARRAY_RANDOM_CYCLES ?= 200000
# $(1) build name, $(2) top module, $(3) rows, $(4) cols, $(5) extra
# Verilator flags, $(6) harness mode (PAIR or BENCH), $(7) the Verilator
# make flags (the pairs' C++ at -O1: they run seconds, and build in a third
# of the time)
define ARRAY_TB_RULE
$(B)/array/$(1)/array_tb: $(ARRAY_TB_DEPS) | $(DEPS_OK)
	$$(call msg,VERILATE,array-$(1))
	$$(Q)rm -rf $$(@D) && mkdir -p $$(@D)
	+$$(Q)$$(VERILATOR) $$(ARRAY_VFLAGS) $(5) --top-module $(2) -GRows=$(3) -GCols=$(4) \
	  --Mdir $$(@D) --build -j $$(VJOBS) -MAKEFLAGS "$(7)" \
	  -CFLAGS "$$(VCFLAGS) -I$(CURDIR) -DTB_$(6) -DTB_ROWS=$(3) -DTB_COLS=$(4)" \
	  $$(ARRAY_RTL) tests/rtl/array/array_pair.sv tests/rtl/array/array_bench.sv \
	  --exe $(CURDIR)/tests/rtl/array/array_tb.cpp -o array_tb > $$(@D)/verilator.log 2>&1 \
	  || { tail -40 $$(@D)/verilator.log; exit 1; }
endef
# The pairs are built without --assert: random stimulus also raises a last
# tag during a shift, which PeNoCaptureDuringShift forbids in a run.
ARRAY_PAIR_MAKEFLAGS := OPT_FAST=-O1 OPT_GLOBAL=-O1 OPT_SLOW=-O0
$(eval $(call ARRAY_TB_RULE,pair-16x16,array_pair,16,16,-DACC_ARRAY_GRID,PAIR,$$(ARRAY_PAIR_MAKEFLAGS)))
$(eval $(call ARRAY_TB_RULE,pair-3x5,array_pair,3,5,-DACC_ARRAY_GRID,PAIR,$$(ARRAY_PAIR_MAKEFLAGS)))
$(eval $(call ARRAY_TB_RULE,pair-2x2,array_pair,2,2,-DACC_ARRAY_GRID,PAIR,$$(ARRAY_PAIR_MAKEFLAGS)))
$(eval $(call ARRAY_TB_RULE,bench-grid,array_bench,16,16,--assert -DACC_ARRAY_GRID,BENCH,$$(VMAKEFLAGS)))
$(eval $(call ARRAY_TB_RULE,bench-sim,array_bench,16,16,--assert,BENCH,$$(VMAKEFLAGS)))

.PHONY: array-test
array-test: $(B)/array/pair-16x16/array_tb $(B)/array/pair-3x5/array_tb $(B)/array/pair-2x2/array_tb
	$(Q)$(B)/array/pair-16x16/array_tb random $(ARRAY_RANDOM_CYCLES) 1
	$(Q)$(B)/array/pair-3x5/array_tb random $(ARRAY_RANDOM_CYCLES) 3
	$(Q)$(B)/array/pair-2x2/array_tb exhaustive
	$(Q)echo "3 0" >> $(B)/test-totals
