/* axi_mem.h - the external memory behind the accelerator's AXI4 ports, with
 * the fixed timing that docs/model.md ("External memory model") makes part of
 * the formal model:
 *   - AR, AW and W are always ready;
 *   - read port: a burst whose AR handshakes in cycle a returns its beats in
 *     cycles max(a + Lr, previous beat + 1) and on, consecutively, in AR order;
 *   - write port: the B response of a burst whose last W beat handshakes in
 *     cycle w comes in cycle max(w + Lw, previous B + 1), in order;
 *   - INCR bursts only; an access outside the memory answers SLVERR.
 * Each port is driven once per cycle: *_drive() gives the memory's outputs for
 * the cycle (they depend only on the port's state), then the handshakes the
 * cycle made are reported with *_ar(), *_r_taken(), *_aw(), *_w(),
 * *_b_taken().  Protocol violations by the master (a burst across a 4 KiB
 * boundary, W without AW for too long, a length mismatch on WLAST) are counted
 * and the first is described in `violation`.  The ports know nothing of
 * reset: the caller neither drives nor reports handshakes while reset is
 * asserted, and reports a master's VALID in reset with *_valid_in_reset(). */
#ifndef ACC_COSIM_AXI_MEM_H
#define ACC_COSIM_AXI_MEM_H

#include <stdint.h>

#include "golden/iss.h"

#define AXI_QUEUE 512 /* bursts in flight per port (the master's limits are far lower) */

typedef struct axi_burst {
    uint32_t addr, len, size, burst; /* AxLEN + 1 beats of 2^size bytes */
    int64_t ready;                   /* first cycle its data / response may go out */
    uint32_t beat;                   /* beats done */
    int err;                         /* some beat was outside memory */
} axi_burst;

typedef struct axi_rport {
    int bus_bytes, latency;
    axi_burst q[AXI_QUEUE];
    int head, count;
    uint64_t beats;                  /* beats delivered */
    int violations;
    char violation[256];
} axi_rport;

typedef struct axi_wport {
    int bus_bytes, latency;
    axi_burst aw[AXI_QUEUE];         /* address phase, awaiting data */
    int aw_head, aw_count;
    axi_burst b[AXI_QUEUE];          /* data complete, awaiting response */
    int b_head, b_count;
    uint64_t beats;
    int violations;
    char violation[256];
} axi_wport;

void axi_rport_init(axi_rport *p, int bus_bytes, int latency);
/* Memory outputs for `cycle`: RVALID, RDATA (bus_bytes), RLAST, RRESP. */
void axi_rport_drive(const axi_rport *p, int64_t cycle, const acc_dram *mem, int *valid,
                     uint8_t *data, int *last, int *resp);
/* The master's AR handshook in `cycle`. */
void axi_rport_ar(axi_rport *p, int64_t cycle, uint32_t addr, uint32_t len, uint32_t size,
                  uint32_t burst);
/* The beat driven this cycle was taken (RVALID && RREADY). */
void axi_rport_r_taken(axi_rport *p);
/* The master drove `signal` (a VALID, e.g. "ARVALID") high in a cycle with
 * reset asserted: recorded as a violation; the port's state is unchanged
 * (a slave ignores its master during reset). */
void axi_rport_valid_in_reset(axi_rport *p, const char *signal, uint32_t addr);

void axi_wport_init(axi_wport *p, int bus_bytes, int latency);
/* Memory outputs for `cycle`: BVALID, BRESP. */
void axi_wport_drive(const axi_wport *p, int64_t cycle, int *bvalid, int *bresp);
void axi_wport_aw(axi_wport *p, int64_t cycle, uint32_t addr, uint32_t len, uint32_t size,
                  uint32_t burst);
/* A W beat handshook in `cycle` (call after axi_wport_aw of the same cycle);
 * the strobed bytes are written to mem. */
void axi_wport_w(axi_wport *p, int64_t cycle, acc_dram *mem, const uint8_t *data, uint64_t strb,
                 int last);
void axi_wport_b_taken(axi_wport *p);
/* As axi_rport_valid_in_reset, for AWVALID or WVALID. */
void axi_wport_valid_in_reset(axi_wport *p, const char *signal, uint32_t addr);

#endif
