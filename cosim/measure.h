/* measure.h - what the two measuring backends share, whatever simulates the
 * RTL: the rtl backend (cosim/rtl_backend.c, the Verilated model stepped from
 * C) and the systemc backend (cosim/systemc/, the same RTL in a SystemC
 * platform).  Each drives the register port its own way; through a
 * cosim_host both program the accelerator and read it out with the same
 * sequence of accesses (cosim/regmap.h), check the built model against the
 * configuration, draw the same progress bar and turn the end of a run into
 * the same cosim_result and message.  The progress line and the meter of a
 * long phase serve the harness and the iss backend too.  Plain C, callable
 * from C++. */
#ifndef ACC_COSIM_MEASURE_H
#define ACC_COSIM_MEASURE_H

#include <stddef.h>
#include <stdint.h>

/* the included headers have no guards of their own */
#ifdef __cplusplus
extern "C" {
#endif
#include "cosim/axi_mem.h"
#include "cosim/backend.h"
#include "cosim/vmodel.h"

/* Fails (-1, err filled) when the model was not built for `cfg`: array size,
 * scratchpad bytes and banks, line bytes, bus width and fetch depth must all
 * match.  The message ends with how to build the right one, `make cosim
 * <make_vars>CONFIG=<name>`; make_vars is "" for the rtl backend, or e.g.
 * "BACKEND=systemc " (with the trailing space).  Returns 0 when they match. */
int cosim_check_params(const acc_vm_params *built, const acc_config *cfg, const char *make_vars,
                       acc_error *err);

/* Writes into buf (size bytes, always NUL-terminated, truncated if need be)
 * what each engine is doing, for a timeout or error message: per engine the
 * instruction it runs and since when (from r's start/end, -1 = not yet), or
 * idle; then, when next_issue < p->count, the instruction issue waits at and
 * its waits.  next_issue is one past the last issued instruction. */
void cosim_describe_engines(const acc_program *p, const cosim_result *r, int next_issue, char *buf,
                            size_t size);

/* The line of `text` (what the Verilated model printed) that says what went
 * wrong, for a one-line message: the first that contains "%Error"
 * (Verilator's failed assertion or $stop), else the first; without its
 * newline, cut to fit buf (size >= 1 bytes, always NUL-terminated). */
void cosim_rtl_error_line(const char *text, char *buf, size_t size);

/* Draws the progress bar on stderr, "\r  <backend> [###...] issued/total
 * instructions, cycle N" (without ", cycle N" when cycle < 0), ending the
 * line when `final`.  The caller decides whether to draw (a terminal, not
 * --no-progress) and how often. */
void cosim_progress_draw(const char *backend, int issued, int total, int64_t cycle, int final);

/* The same bar for any phase: "\r  <what> [###...] done/total <unit>". */
void cosim_progress_line(const char *what, int64_t done, int64_t total, const char *unit,
                         int final);

/* The meter of a phase that may run long (the validator, golden, the iss):
 * it draws a cosim_progress_line only when `show`, only once the phase has
 * run for a second (a quick phase draws nothing) and at most five times a
 * second, and it holds the phase's wall-time limit.  Start it with
 * cosim_meter_start; strings are borrowed. */
typedef struct cosim_meter {
    const char *what, *unit;
    int show;
    double t0, last, deadline; /* deadline 0: none */
    int drawn;                 /* a line is on the terminal */
    int expired;               /* the wall-time limit passed */
    int64_t done, total;       /* the last progress noted */
} cosim_meter;

/* Starts a phase now; max_seconds > 0 is its wall-time limit (0: none). */
void cosim_meter_start(cosim_meter *m, const char *what, const char *unit, int show,
                       double max_seconds);

/* Notes progress (done out of total <unit>) and draws when due.  Returns 1
 * (and sets m->expired) once the wall-time limit has passed, else 0. */
int cosim_meter_tick(cosim_meter *m, int64_t done, int64_t total);

/* An acc_progress_fn (core/util.h) over the cosim_meter `ctx`: ticks it and
 * returns its verdict, so that a phase that can stop stops at the limit. */
int cosim_meter_progress(void *ctx, int64_t done, int64_t total);

/* Ends the phase: completes the line (with m->done and m->total) when one
 * was drawn, so the next output starts on a fresh line. */
void cosim_meter_end(cosim_meter *m);

/* The host's side of the AXI4-Lite register port, as a backend implements
 * it.  read returns 0, or -1 on a timeout or error response; write returns
 * the cycle of the write's handshake (AW and W accepted), or -1.  Both may
 * advance simulated time. */
typedef struct cosim_host {
    void *ctx;
    int (*read)(void *ctx, uint32_t addr, uint32_t *data);
    int64_t (*write)(void *ctx, uint32_t addr, uint32_t data);
} cosim_host;

/* Before a start: reads ID into *id and SPAD_BYTES into *spad, writes
 * PROG_ADDR = prog_addr and PROG_LEN = count, in this order, stopping at the
 * first access that fails.  Returns 0, or -1 when an access failed. */
int cosim_host_program(const cosim_host *h, uint32_t prog_addr, uint32_t count, uint32_t *id,
                       uint32_t *spad);

/* The registers read after a run. */
typedef struct cosim_readout {
    uint32_t status, err_code, err_index, cycles_lo, cycles_hi;
    uint32_t busy[ACC_ENG_COUNT]; /* BUSY_LD, BUSY_CP, BUSY_ST */
} cosim_readout;

/* After a run: reads STATUS, ERR_CODE, ERR_INDEX, CYCLES_LO/HI and the BUSY
 * counters into *ro, in this order, stopping at the first access that
 * fails.  Returns 0, or -1 when an access failed. */
int cosim_host_read_out(const cosim_host *h, cosim_readout *ro);

/* The first AXI protocol violation of the accelerator's ports, data read
 * first, then instruction read, then write (the port's own message, valid
 * while the port is); NULL when there is none. */
const char *cosim_axi_violation(const axi_rport *rd, const axi_rport *ird, const axi_wport *wr);

/* How a run ended, as the backend saw it. */
typedef struct cosim_run_end {
    int issued;            /* one past the last issued instruction */
    int timed_out;         /* the cycle budget ran out */
    int64_t budget;        /* the budget, for the message */
    int wall_timeout;      /* the wall-time limit ran out (checked every 1024 cycles) */
    double max_seconds;    /* the limit, for the message */
    int64_t cycle;         /* the last cycle simulated, for the message */
    int irq_seen;          /* the accelerator raised irq */
    int readout_ok;        /* after irq: cosim_host_read_out succeeded */
    cosim_readout regs;    /* what it read */
    const char *violation; /* cosim_axi_violation, or NULL */
} cosim_run_end;

/* Completes *res from the end of a run (its start/end cycles already
 * measured): timed_out and wall_timeout; on either timeout or an
 * accelerator error, engine_state;
 * after irq with a read-out, cycles, busy and, when STATUS has the error
 * bit, hw_error and hw_error_index.  Returns rc when rc != 0 (the backend's
 * earlier failure keeps its message); otherwise -1 with err filled for the
 * first of: an AXI protocol violation, an exhausted budget, the wall-time
 * limit, a failed
 * read-out, an accelerator error, an irq with neither done nor error; else
 * 0. */
int cosim_run_finish(const acc_program *p, const cosim_run_end *e, int rc, cosim_result *res,
                     acc_error *err);

#ifdef __cplusplus
}
#endif
#endif
