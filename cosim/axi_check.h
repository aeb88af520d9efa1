/* axi_check.h - an AXI4 / AXI4-Lite protocol checker and the burst
 * scoreboard of the co-simulation harness (docs/cosim.md, "Protocol
 * checker").
 *
 * A checker watches one port's pins once per cycle (the values of the
 * cycle, sampled before its rising edge) and records the first violated rule
 * as "axi check: <port>, rule <rule>, cycle <n>".  Rules:
 *
 *   AXI4 read port (data read, instruction fetch):
 *     ARVALID low during reset; ARVALID held until ARREADY; AR payload stable
 *     while stalled; AxBURST INCR; AxSIZE at most the bus; no burst across
 *     4 KiB; at most `max_outstanding` bursts outstanding (AR accepted, last
 *     beat not back); RVALID only for an outstanding burst; RLAST on the last
 *     beat of a burst and only there; RDATA/RRESP/RLAST stable while RVALID
 *     waits for RREADY.
 *   AXI4 write port:
 *     AWVALID / WVALID low during reset; AWVALID held until AWREADY; AW
 *     payload stable; WVALID held until WREADY; W payload (data, strobes,
 *     WLAST) stable; AxBURST, AxSIZE, 4 KiB as for reads; WLAST on the last
 *     beat of the burst its AW announces (W may come before AW); at most
 *     `max_outstanding` bursts outstanding (AW accepted, B not back); BVALID
 *     only after the burst's AW and last W; BVALID/BRESP stable until BREADY.
 *   AXI4-Lite (host -> accelerator registers):
 *     AWVALID, WVALID, ARVALID held until READY, payload stable; BVALID only
 *     after an AW and a W were accepted, RVALID only after an AR; BVALID and
 *     RVALID held until READY, response and data stable.
 *
 * Responses are in order by construction (one ID); the checker counts them
 * per burst.  The scoreboard compares each AR of the data read port and each
 * AW of the write port with the bursts the program's LOADs (resp. STOREs)
 * must issue, in program order (model/burst.h): address and length of every
 * burst, and their number. */
#ifndef ACC_COSIM_AXI_CHECK_H
#define ACC_COSIM_AXI_CHECK_H

#include <stdint.h>

#include "core/config.h"
#include "core/isa.h"
#include "model/burst.h"

#define AXI_CHECK_MSG 256

/* The pins of one cycle.  Payload bytes are compared through a hash. */
typedef struct axi_rd_pins {
    int arvalid, arready;
    uint32_t araddr, arlen, arsize, arburst;
    int rvalid, rready, rlast, rresp;
    uint64_t rdata_hash;
} axi_rd_pins;

typedef struct axi_wr_pins {
    int awvalid, awready;
    uint32_t awaddr, awlen, awsize, awburst;
    int wvalid, wready, wlast;
    uint64_t wstrb, wdata_hash;
    int bvalid, bready, bresp;
} axi_wr_pins;

typedef struct axi_lite_pins {
    int awvalid, awready, wvalid, wready, bvalid, bready, arvalid, arready, rvalid, rready;
    uint32_t awaddr, wdata, wstrb, araddr, rdata;
    int bresp, rresp;
} axi_lite_pins;

#define AXI_CHECK_QUEUE 1024

/* One port's checker state; treat as opaque. */
typedef struct axi_check {
    const char *port; /* "data read port", ... (borrowed) */
    int bus_bytes, max_outstanding;
    int have_prev; /* prev holds the previous cycle */
    union {
        axi_rd_pins rd;
        axi_wr_pins wr;
        axi_lite_pins lite;
    } prev;
    uint32_t lens[AXI_CHECK_QUEUE];  /* AxLEN of burst k at k % AXI_CHECK_QUEUE */
    uint32_t ahead[AXI_CHECK_QUEUE]; /* write: beats of W burst k sent before its AW */
    int64_t addr_done;               /* address handshakes */
    int64_t resp_done;               /* bursts answered (last R beat, B) */
    int64_t w_cur;                   /* write: W bursts complete (the current one's index) */
    uint32_t beat;                   /* beats of the current R / W burst so far */
    int lite_aw, lite_w, lite_ar;    /* lite: accepted, response not yet given */
    int violations;
    char first[AXI_CHECK_MSG];
} axi_check;

/* Starts a checker for `port` (a name borrowed for the checker's life),
 * bus_bytes wide, allowing max_outstanding bursts (>= 1). */
void axi_check_init(axi_check *c, const char *port, int bus_bytes, int max_outstanding);

/* One cycle of pins; rst_n 0 is a reset cycle.  Returns 0, or -1 when the
 * cycle broke a rule (the first violation of the checker is kept in
 * c->first; c->violations counts the cycles with a violation). */
int axi_check_rd(axi_check *c, int64_t cycle, int rst_n, const axi_rd_pins *p);
int axi_check_wr(axi_check *c, int64_t cycle, int rst_n, const axi_wr_pins *p);
int axi_check_lite(axi_check *c, int64_t cycle, int rst_n, const axi_lite_pins *p);

/* A stable hash of n payload bytes, for *_hash fields. */
uint64_t axi_check_hash(const uint8_t *bytes, int n);

/* The burst scoreboard of one port: the bursts of the program's
 * instructions of kind `op` (ACC_OP_LOAD or ACC_OP_STORE), in order. */
typedef struct axi_scoreboard {
    const char *port;
    const acc_program *prog; /* borrowed */
    const acc_config *cfg;   /* borrowed */
    acc_opcode op;
    int instr;     /* instruction of the next expected burst, count when none */
    int64_t burst; /* its burst number inside the instruction, from 1 */
    int64_t seen;  /* bursts checked */
    model_burst_iter it;
    model_burst next;
    int has_next;
    int violations;
    char first[AXI_CHECK_MSG];
} axi_scoreboard;

/* Starts a scoreboard over p (borrowed, as cfg) for op on `port`. */
void axi_scoreboard_init(axi_scoreboard *s, const char *port, const acc_program *p,
                         const acc_config *cfg, acc_opcode op);
/* One address handshake: 0 when it is the next expected burst, -1 (and the
 * first violation kept) when not. */
int axi_scoreboard_burst(axi_scoreboard *s, int64_t cycle, uint32_t addr, uint32_t len);
/* At the end of a run that reached END: -1 when bursts are missing. */
int axi_scoreboard_finish(axi_scoreboard *s, int64_t cycle);

/* The instruction index that issues the n-th burst (from 1) of kind op in p,
 * or -1 when the program has fewer; *total (may be NULL) gets the number of
 * such bursts. */
int axi_burst_owner(const acc_program *p, const acc_config *cfg, acc_opcode op, int64_t n,
                    int64_t *total);

#endif
