/* vmodel.h - the C view of the Verilated accelerator (cosim/vmodel.cpp is
 * the only C++ file of the rtl backend; the SystemC platform uses only
 * acc_vm_params from here).  The model owns its VerilatedContext; C code
 * sees the opaque acc_vmodel handle and plain structs of pin values.
 *
 * One clock cycle, as the harness drives it (inputs change away from the
 * active edge):
 *   acc_vm_set(m, &in)    apply this cycle's inputs with the clock low, settle
 *                         (nothing to evaluate when they equal the inputs
 *                         of the edge just evaluated: vmodel.cpp)
 *   acc_vm_get(m, &out)   read this cycle's outputs
 *   acc_vm_clock(m)       rising edge (registers update), then clock low */
#ifndef ACC_COSIM_VMODEL_H
#define ACC_COSIM_VMODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_vmodel acc_vmodel;

#define ACC_VM_MAX_DATA 64 /* bytes: widest AXI data bus supported (512 bits) */

typedef struct acc_vm_in {
    int rst_n;
    /* AXI4-Lite slave */
    uint32_t l_awaddr, l_wdata, l_wstrb, l_araddr;
    int l_awvalid, l_wvalid, l_bready, l_arvalid, l_rready;
    /* AXI4 data master: what the memory drives */
    int arready, rvalid, rlast, rresp, awready, wready, bvalid, bresp;
    uint8_t rdata[ACC_VM_MAX_DATA];
    /* AXI4 instruction master */
    int i_arready, i_rvalid, i_rlast, i_rresp;
    uint8_t i_rdata[32];
} acc_vm_in;

typedef struct acc_vm_out {
    /* AXI4-Lite slave */
    int l_awready, l_wready, l_bvalid, l_bresp, l_arready, l_rvalid, l_rresp;
    uint32_t l_rdata;
    /* AXI4 data master */
    uint32_t araddr, arlen, arsize, arburst;
    int arvalid, rready;
    uint32_t awaddr, awlen, awsize, awburst;
    int awvalid, wvalid, wlast, bready;
    uint8_t wdata[ACC_VM_MAX_DATA];
    uint64_t wstrb;
    /* AXI4 instruction master */
    uint32_t i_araddr, i_arlen, i_arsize, i_arburst;
    int i_arvalid, i_rready;
    /* trace port */
    int trace_issue;
    uint32_t trace_issue_idx, trace_issue_op;
    unsigned trace_done; /* bit 0 ld, 1 cp, 2 st */
    uint32_t trace_idx[3];
    int irq;
} acc_vm_out;

/* Elaboration parameters compiled into this model (Verilator -G values). */
typedef struct acc_vm_params {
    int rows, cols, spad_bytes, spad_banks, line_bytes, axi_data_bits, fetch_depth;
} acc_vm_params;

#ifdef ACC_VM_ROWS
/* The parameters given by the ACC_VM_* macros, which the build defines
 * (vparams --cflags) for the files compiled against a Verilated model of one
 * configuration: vmodel.cpp and the SystemC platform. */
static inline acc_vm_params acc_vm_params_built(void)
{
    const acc_vm_params p = {ACC_VM_ROWS,       ACC_VM_COLS,       ACC_VM_SPAD_BYTES,
                             ACC_VM_SPAD_BANKS, ACC_VM_LINE_BYTES, ACC_VM_AXI_DATA_BITS,
                             ACC_VM_FETCH_DEPTH};
    return p;
}
#endif

/* Creates the model (owns a new VerilatedContext).  `fst_path` non-NULL opens
 * an FST waveform (only in binaries built with tracing; otherwise the call
 * fails and returns NULL with *why set).  The blank-separated plusargs of
 * the environment variable ACC_VM_PLUSARGS go to the context before the
 * model is built (e.g. "+verilator+seed+7 +verilator+rand+reset+2" for a
 * -xrand build; of Verilator's own, only +verilator+seed+N and
 * +verilator+rand+reset+N are accepted, anything else fails with *why set).
 * The model returns with the clock low and rst_ni just driven from 1 to 0,
 * so the asynchronous reset has had its edge whatever the initial state;
 * the caller keeps rst_n = 0 for some cycles, then releases it.  Free with
 * acc_vm_free, which calls final() and closes the waveform. */
acc_vmodel *acc_vm_new(const char *fst_path, const char **why);
void acc_vm_free(acc_vmodel *m);
/* Fills *p with the parameters this binary's model was built with. */
void acc_vm_params_get(acc_vm_params *p);
/* 1 when this binary can write waveforms. */
int acc_vm_can_trace(void);

/* 1 once an assertion failed or $stop/$finish ran in the model (the message
 * is in acc_vm_printed). */
int acc_vm_stopped(const acc_vmodel *m);

/* What the model has printed since acc_vm_new (Verilator's messages: a
 * failed assertion's "[time] %Error: file:line: Assertion failed in ...",
 * $stop, $display), each line also printed on stdout as it came; "" when
 * nothing.  Only the first ACC_VM_PRINTED_MAX bytes are kept (a cut text
 * ends in "...").  The string belongs to the model and is valid until the
 * next call on it.  Needs an rtl build (mk/rtl.mk routes Verilator's
 * VL_PRINTF here, cosim/vmodel_print.h). */
#define ACC_VM_PRINTED_MAX 16384
const char *acc_vm_printed(const acc_vmodel *m);

void acc_vm_set(acc_vmodel *m, const acc_vm_in *in);
void acc_vm_get(acc_vmodel *m, acc_vm_out *out);
/* One rising edge; the clock goes back low and the low phase is evaluated
 * by the next acc_vm_set.  With dump != 0 this cycle is written to the
 * waveform: its low phase (as the last acc_vm_set left it) and its rising
 * edge (time advances regardless). */
void acc_vm_clock(acc_vmodel *m, int dump);

#ifdef __cplusplus
}
#endif
#endif
