# mk/coverage.mk - included by the top Makefile after mk/rtl.mk: code and
# functional coverage of rtl/ (docs/rtl.md "Coverage") and the directed
# cover tests.
#
# build/rtl/<config>-cov/ is the configuration's simulator built with
# Verilator --coverage (line, toggle and the `cover property` points at the
# end of the rtl/ modules); its vmodel.o is compiled with ACC_VM_COVERAGE,
# so every model writes its counts to $ACC_VM_COVERAGE_FILE-<pid>-<n>.dat
# when it is freed (cosim/vmodel.cpp).  `make coverage` runs the RTL tests
# (tests/rtl/test_rtl.c) and the directed cover tests (tests/rtl/test_cover.c)
# of COV_CONFIGS on those builds, merges the counts into
# build/coverage/merged.dat, annotates the sources under
# build/coverage/annotated/ and prints per-module line and toggle figures and
# every cover point never hit (mk/coverage.sh).
COV_CONFIGS ?= small wide
COV_DIR := $(B)/coverage
VERILATOR_COVERAGE ?= verilator_coverage
COV_VFLAGS := --coverage $(X_FAST_VFLAGS)

# $(1) = build directory name, $(2) = config file.  The directed cover tests,
# built like test_rtl (mk/rtl.mk) against that build's model.
define COVER_TEST_RULES
$(B)/rtl/$(1)/test_cover: tests/rtl/test_cover.c $(B)/obj/cosim/rtl_backend.o $(B)/obj/tests/testutil.o \
    $(B)/rtl/$(1)/vmodel.o \
    $(B)/lib/libcosim.a $(B)/lib/libcore.a $(B)/rtl/$(1)/obj/Vacc_top__ALL.a
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) $$(CFLAGS_BASE) $$(OPT) -DACC_TEST_CONFIG='"$(2)"' -c $$< -o $(B)/rtl/$(1)/test_cover.o
	$$(Q)$$(CXX) $$(OPT) $(B)/rtl/$(1)/test_cover.o $$(filter-out $$<,$$^) $(B)/rtl/$(1)/obj/libverilated.a \
	  -o $$@ -lcriterion $$(LIBS) -lz -pthread
endef

# $(1) = configuration name: the -cov build (RTL_RULES of mk/rtl.mk with
# --coverage) and its coverage runtime, verilated_cov.o, linked into every
# binary of the build.
define COV_RULES
$(call RTL_RULES,$(1)-cov,configs/$(1).ini,$(COV_VFLAGS),-DACC_VM_COVERAGE)
$(call COVER_TEST_RULES,$(1)-cov,configs/$(1).ini)
$(B)/rtl/$(1)-cov/obj/verilated_cov.o: $(B)/rtl/$(1)-cov/obj/Vacc_top__ALL.a
	$$(Q)$$(MAKE) -s -C $$(@D) -f Vacc_top.mk verilated_cov.o >> $(B)/rtl/$(1)-cov/verilator.log 2>&1
$(B)/rtl/$(1)-cov/test_rtl $(B)/rtl/$(1)-cov/test_cover $(B)/rtl/$(1)-cov/cosim: \
    $(B)/rtl/$(1)-cov/obj/verilated_cov.o
endef
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call COV_RULES,$(c))))
$(foreach c,$(SHIPPED_CONFIGS),$(eval $(call COVER_TEST_RULES,$(c),configs/$(c).ini)))

.PHONY: coverage cover-test
COV_BINS := $(foreach c,$(COV_CONFIGS),$(B)/rtl/$(c)-cov/test_rtl $(B)/rtl/$(c)-cov/test_cover)
coverage: $(COV_BINS)
	$(Q)rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)/dat
	$(Q)rc=0; for c in $(COV_CONFIGS); do \
	  ACC_VM_COVERAGE_FILE=$(COV_DIR)/dat/$$c ACC_LAYERS_DIR=layers ACC_CONFIGS_DIR=configs \
	  LABEL="coverage $$c" bash mk/run-tests.sh $(B)/rtl/$$c-cov/test_rtl $(B)/rtl/$$c-cov/test_cover \
	  || rc=1; done; \
	  VERILATOR_COVERAGE="$(VERILATOR_COVERAGE)" bash mk/coverage.sh $(COV_DIR) || rc=1; exit $$rc

# The directed cover tests on the plain simulators of the small and wide
# configurations (tests/rtl/test_cover.c).
COVER_TEST_CONFIGS := small wide
cover-test: $(foreach c,$(COVER_TEST_CONFIGS),$(B)/rtl/$(c)/test_cover)
	$(Q)ACC_CONFIGS_DIR=configs LABEL=cover TOTALS=$(B)/test-totals bash mk/run-tests.sh $^

# Mutation check (docs/rtl.md "Mutation check"): every patch of
# tests/mutants/ applied to a scratch copy of rtl/, the small configuration's
# RTL tests built with ccache into $(B)/mutate/<mutant>/ and run; prints
# killed / survived / invalid per mutant and the score.  Not part of
# `make test` (minutes per mutant).  MUTANTS="a b" runs a subset,
# MUTATE_CONFIGS="small wide" tries a survivor on the next configuration.
.PHONY: mutate
mutate: $(DEPS_OK)
	$(Q)bash mk/mutate.sh $(B)
