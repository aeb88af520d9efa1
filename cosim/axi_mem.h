/* axi_mem.h - the external memory behind the accelerator's AXI4 ports.
 *
 * Timing mode (the default after *_init) is the fixed timing that
 * docs/model.md ("External memory model") makes part of the formal model:
 *   - AR, AW and W are always ready;
 *   - read port: a burst whose AR handshakes in cycle a returns its beats in
 *     cycles max(a + Lr, previous beat + 1) and on, consecutively, in AR order;
 *   - write port: the B response of a burst whose last W beat handshakes in
 *     cycle w comes in cycle max(w + Lw, previous B + 1), in order;
 *   - INCR bursts only; an access outside the memory answers SLVERR.
 *
 * Stress mode (*_stress after *_init) is a hostile interconnect that keeps
 * the contract of model/bounds.h for a latency range [lat_min, lat_max] and a
 * gap G, drawn from a seeded acc_rng (the same seed and the same master give
 * the same run):
 *   - READY of AR / AW / W is low for 0..G cycles after each handshake
 *     (*_arready, *_awready, *_wready), so a VALID waits at most G cycles;
 *   - each burst draws its latency L in [lat_min, lat_max]; each R beat and
 *     each B response goes out 0..G cycles after it is due (due as above with
 *     L for Lr / Lw; a B is also due no earlier than its AW + 1);
 *   - W beats may come before their AW (they are held until it arrives).
 * Error injection (*_inject, either mode): the n-th burst of the port (in AR
 * or AW order, from 1) answers `resp` (2 SLVERR, 3 DECERR) on every R beat or
 * on its B response.  The data of an error beat (injected, or a read past
 * the memory) is not the memory's: it is a fixed pattern of the
 * beat's address, so that a master that writes error data somewhere leaves
 * a mark a test can see.
 *
 * Each port is driven once per cycle: *_drive() gives the memory's outputs
 * for the cycle (they depend only on the port's state), then the handshakes
 * the cycle made are reported with *_ar(), *_r_taken(), *_aw(), *_w(),
 * *_b_taken(), and the READY counters advance with *_ready_step().  Protocol
 * violations by the master that the memory itself cannot serve (a burst
 * across a 4 KiB boundary, WLAST on the wrong beat, queue overflow) are
 * counted and the first is described in `violation`; cosim/axi_check.h
 * watches every handshake rule.  The ports know nothing of reset: the caller
 * neither drives nor reports handshakes while reset is asserted, and reports
 * a master's VALID in reset with *_valid_in_reset(). */
#ifndef ACC_COSIM_AXI_MEM_H
#define ACC_COSIM_AXI_MEM_H

#include <stdint.h>

#include "core/util.h"
#include "golden/iss.h"

#define AXI_QUEUE 512 /* bursts in flight per port (the master's limits are far lower) */
#define AXI_WBUF 256  /* W beats held before their AW (one burst at most) */
#define AXI_MAX_BYTES 64

typedef struct axi_burst {
    uint32_t addr, len, size, burst; /* AxLEN + 1 beats of 2^size bytes */
    int64_t ready;                   /* first cycle its data / response is due */
    uint32_t beat;                   /* beats done */
    int err;                         /* some beat was outside memory */
    int inject;                      /* injected response (0: none) */
    int lat;                         /* its latency */
    int64_t aw_cycle;                /* write: the cycle of its AW */
} axi_burst;

/* The hostile side of a port (zero: timing mode). */
typedef struct axi_jitter {
    int on; /* stress mode */
    acc_rng rng;
    int lat_min, lat_max; /* latency range of a burst */
    int gap_max;          /* G */
    int stall_a, stall_w; /* cycles READY stays low on AR/AW, on W */
    int64_t inject_burst; /* burst (from 1) answering inject_resp; 0 = none */
    int inject_resp;
    int64_t bursts; /* address handshakes so far */
    int injected;   /* the injected burst was accepted */
} axi_jitter;

typedef struct axi_rport {
    int bus_bytes, latency;
    axi_burst q[AXI_QUEUE];
    int head, count;
    uint64_t beats;  /* beats delivered */
    int64_t beat_at; /* cycle the head burst's next beat goes out */
    int64_t prev_at; /* cycle of the last beat that went out */
    axi_jitter j;
    int violations;
    char violation[256];
} axi_rport;

typedef struct axi_wbeat {
    uint8_t data[AXI_MAX_BYTES];
    uint64_t strb;
    int last;
    int64_t cycle;
} axi_wbeat;

typedef struct axi_wport {
    int bus_bytes, latency;
    axi_burst aw[AXI_QUEUE]; /* address phase, awaiting data */
    int aw_head, aw_count;
    axi_burst b[AXI_QUEUE]; /* data complete, awaiting response */
    int b_head, b_count;
    axi_wbeat wbuf[AXI_WBUF]; /* W beats that came before their AW */
    int wbuf_count;
    acc_dram *wmem; /* where the held beats go */
    uint64_t beats;
    int64_t b_at, prev_b_at; /* as beat_at / prev_at, for B */
    axi_jitter j;
    int violations;
    char violation[256];
} axi_wport;

void axi_rport_init(axi_rport *p, int bus_bytes, int latency);
/* Stress mode from `seed` (after init, before any burst): latencies in
 * [lat_min, lat_max] (1 <= lat_min <= lat_max), gaps and READY stalls up to
 * gap_max (>= 0). */
void axi_rport_stress(axi_rport *p, uint64_t seed, int lat_min, int lat_max, int gap_max);
/* The burst-th AR (from 1) answers `resp` (2 or 3) on all its beats. */
void axi_rport_inject(axi_rport *p, int64_t burst, int resp);
/* ARREADY for this cycle (1 in timing mode). */
int axi_rport_arready(const axi_rport *p);
/* After the cycle's handshakes: `valid` is ARVALID, `hs` whether AR
 * handshook. */
void axi_rport_ready_step(axi_rport *p, int valid, int hs);
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
void axi_wport_stress(axi_wport *p, uint64_t seed, int lat_min, int lat_max, int gap_max);
/* The burst-th AW (from 1) answers `resp` (2 or 3) on its B response. */
void axi_wport_inject(axi_wport *p, int64_t burst, int resp);
int axi_wport_awready(const axi_wport *p);
int axi_wport_wready(const axi_wport *p);
/* After the cycle's handshakes: AWVALID, AW handshake, WVALID, W handshake. */
void axi_wport_ready_step(axi_wport *p, int awvalid, int aw_hs, int wvalid, int w_hs);
/* Memory outputs for `cycle`: BVALID, BRESP. */
void axi_wport_drive(const axi_wport *p, int64_t cycle, int *bvalid, int *bresp);
void axi_wport_aw(axi_wport *p, int64_t cycle, uint32_t addr, uint32_t len, uint32_t size,
                  uint32_t burst);
/* A W beat handshook in `cycle` (call after axi_wport_aw of the same cycle);
 * the strobed bytes are written to mem (once its AW has arrived). */
void axi_wport_w(axi_wport *p, int64_t cycle, acc_dram *mem, const uint8_t *data, uint64_t strb,
                 int last);
void axi_wport_b_taken(axi_wport *p);
/* As axi_rport_valid_in_reset, for AWVALID or WVALID. */
void axi_wport_valid_in_reset(axi_wport *p, const char *signal, uint32_t addr);

#endif
