/* axi_mem.c - the AXI4 memory model, fixed-latency or stressed (axi_mem.h). */
#include "cosim/axi_mem.h"

#include <stdio.h>
#include <string.h>

#define NEVER (INT64_MIN / 4)

static void violate(int *count, char *msg, size_t size, const char *what, uint32_t addr)
{
    if ((*count)++ == 0)
        snprintf(msg, size, "%s (address 0x%08x)", what, addr);
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* ---------------------------------------------------------------- jitter */

static int draw(axi_jitter *j, int lo, int hi)
{
    return hi <= lo ? lo : lo + (int)(acc_rng_next(&j->rng) % (uint64_t)(hi - lo + 1));
}

/* A gap or a READY stall: none half of the time, else 1..G. */
static int draw_gap(axi_jitter *j)
{
    if (!j->on || j->gap_max == 0 || (acc_rng_next(&j->rng) & 1u))
        return 0;
    return draw(j, 1, j->gap_max);
}

/* A burst's latency: the extremes a quarter of the time each. */
static int draw_latency(axi_jitter *j, int nominal)
{
    if (!j->on)
        return nominal;
    switch (acc_rng_next(&j->rng) & 3u) {
    case 0:
        return j->lat_min;
    case 1:
        return j->lat_max;
    default:
        return draw(j, j->lat_min, j->lat_max);
    }
}

static void jitter_start(axi_jitter *j, uint64_t seed, int lat_min, int lat_max, int gap_max)
{
    ACC_REQUIRE(lat_min >= 1 && lat_min <= lat_max && gap_max >= 0);
    j->on = 1;
    acc_rng_seed(&j->rng, seed);
    j->lat_min = lat_min;
    j->lat_max = lat_max;
    j->gap_max = gap_max;
    j->stall_a = draw_gap(j);
    j->stall_w = draw_gap(j);
}

/* Counts an address handshake; returns the response injected on it. */
static int next_burst_inject(axi_jitter *j)
{
    j->bursts++;
    if (j->inject_burst > 0 && j->bursts == j->inject_burst) {
        j->injected = 1;
        return j->inject_resp;
    }
    return 0;
}

static void stall_step(axi_jitter *j, int *stall, int valid, int hs)
{
    if (!j->on)
        return;
    if (hs)
        *stall = draw_gap(j);
    else if (valid && *stall > 0)
        (*stall)--;
}

/* ---------------------------------------------------------------- bursts */

/* Byte address of beat `k` of an INCR burst and the bus lanes it uses. */
static uint32_t beat_addr(const axi_burst *b, uint32_t k)
{
    uint32_t step = 1u << b->size;
    return k == 0 ? b->addr : (b->addr & ~(step - 1u)) + k * step;
}

static int burst_check(const axi_burst *b, int bus_bytes, int *vcount, char *vmsg)
{
    uint32_t step = 1u << b->size;
    if (b->burst != 1u) {
        violate(vcount, vmsg, 256, "burst type is not INCR", b->addr);
        return -1;
    }
    if ((int)step > bus_bytes) {
        violate(vcount, vmsg, 256, "AxSIZE wider than the bus", b->addr);
        return -1;
    }
    uint64_t first = b->addr & ~(uint64_t)(step - 1u);
    uint64_t last = first + (uint64_t)b->len * step + step - 1u;
    if ((first >> 12) != (last >> 12)) {
        violate(vcount, vmsg, 256, "burst crosses a 4 KiB boundary", b->addr);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- read */

void axi_rport_init(axi_rport *p, int bus_bytes, int latency)
{
    ACC_REQUIRE(p && bus_bytes > 0 && bus_bytes <= AXI_MAX_BYTES);
    memset(p, 0, sizeof(*p));
    p->bus_bytes = bus_bytes;
    p->latency = latency;
    p->prev_at = NEVER;
}

void axi_rport_stress(axi_rport *p, uint64_t seed, int lat_min, int lat_max, int gap_max)
{
    ACC_REQUIRE(p && p->count == 0);
    jitter_start(&p->j, seed, lat_min, lat_max, gap_max);
}

void axi_rport_inject(axi_rport *p, int64_t burst, int resp)
{
    ACC_REQUIRE(p && burst >= 1 && (resp == 2 || resp == 3));
    p->j.inject_burst = burst;
    p->j.inject_resp = resp;
}

int axi_rport_arready(const axi_rport *p)
{
    return p->j.stall_a == 0;
}

void axi_rport_ready_step(axi_rport *p, int valid, int hs)
{
    stall_step(&p->j, &p->j.stall_a, valid, hs);
}

/* The head burst's next beat: due one cycle after the previous beat, and the
 * first no earlier than AR + L; then 0..G cycles of gap. */
static void schedule_beat(axi_rport *p)
{
    if (p->count == 0)
        return;
    const axi_burst *b = &p->q[p->head];
    int64_t due = max64(b->beat == 0 ? b->ready : NEVER, p->prev_at + 1);
    p->beat_at = due + draw_gap(&p->j);
}

void axi_rport_ar(axi_rport *p, int64_t cycle, uint32_t addr, uint32_t len, uint32_t size,
                  uint32_t burst)
{
    if (p->count == AXI_QUEUE) {
        violate(&p->violations, p->violation, sizeof(p->violation),
                "too many outstanding read bursts", addr);
        return;
    }
    axi_burst *b = &p->q[(p->head + p->count) % AXI_QUEUE];
    memset(b, 0, sizeof(*b));
    b->addr = addr;
    b->len = len;
    b->size = size;
    b->burst = burst;
    b->lat = draw_latency(&p->j, p->latency);
    b->ready = cycle + b->lat;
    b->inject = next_burst_inject(&p->j);
    b->err = burst_check(b, p->bus_bytes, &p->violations, p->violation) != 0;
    if (p->count++ == 0)
        schedule_beat(p);
}

void axi_rport_drive(const axi_rport *p, int64_t cycle, const acc_dram *mem, int *valid,
                     uint8_t *data, int *last, int *resp)
{
    *valid = 0;
    *last = 0;
    *resp = 0;
    memset(data, 0, (size_t)p->bus_bytes);
    if (p->count == 0 || cycle < p->beat_at)
        return;
    const axi_burst *b = &p->q[p->head];
    uint32_t a = beat_addr(b, b->beat);
    uint64_t word = a & ~(uint64_t)(p->bus_bytes - 1);
    *valid = 1;
    *last = b->beat == b->len;
    if (b->inject || b->err || word + (uint64_t)p->bus_bytes > mem->size) {
        *resp = b->inject ? b->inject : 2;     /* SLVERR */
        for (int i = 0; i < p->bus_bytes; i++) /* not the memory's data (axi_mem.h) */
            data[i] = (uint8_t)(0xa5u ^ (uint32_t)(word + (uint64_t)i) * 0x9du);
        return;
    }
    memcpy(data, mem->bytes + word, (size_t)p->bus_bytes);
}

void axi_rport_r_taken(axi_rport *p)
{
    if (p->count == 0)
        return;
    axi_burst *b = &p->q[p->head];
    p->beats++;
    /* the master takes every beat in the cycle it goes out (RREADY = 1) */
    p->prev_at = p->beat_at;
    if (b->beat++ == b->len) {
        p->head = (p->head + 1) % AXI_QUEUE;
        p->count--;
    }
    schedule_beat(p);
}

/* ---------------------------------------------------------------- write */

void axi_wport_init(axi_wport *p, int bus_bytes, int latency)
{
    ACC_REQUIRE(p && bus_bytes > 0 && bus_bytes <= AXI_MAX_BYTES);
    memset(p, 0, sizeof(*p));
    p->bus_bytes = bus_bytes;
    p->latency = latency;
    p->prev_b_at = NEVER;
}

void axi_wport_stress(axi_wport *p, uint64_t seed, int lat_min, int lat_max, int gap_max)
{
    ACC_REQUIRE(p && p->aw_count == 0 && p->b_count == 0);
    jitter_start(&p->j, seed, lat_min, lat_max, gap_max);
}

void axi_wport_inject(axi_wport *p, int64_t burst, int resp)
{
    ACC_REQUIRE(p && burst >= 1 && (resp == 2 || resp == 3));
    p->j.inject_burst = burst;
    p->j.inject_resp = resp;
}

int axi_wport_awready(const axi_wport *p)
{
    return p->j.stall_a == 0;
}

int axi_wport_wready(const axi_wport *p)
{
    return p->j.stall_w == 0;
}

void axi_wport_ready_step(axi_wport *p, int awvalid, int aw_hs, int wvalid, int w_hs)
{
    stall_step(&p->j, &p->j.stall_a, awvalid, aw_hs);
    stall_step(&p->j, &p->j.stall_w, wvalid, w_hs);
}

static void schedule_b(axi_wport *p)
{
    if (p->b_count == 0)
        return;
    p->b_at = max64(p->b[p->b_head].ready, p->prev_b_at + 1) + draw_gap(&p->j);
}

/* One W beat into the burst at the head of the address queue. */
static void apply_w(axi_wport *p, int64_t cycle, acc_dram *mem, const uint8_t *data, uint64_t strb,
                    int last)
{
    axi_burst *b = &p->aw[p->aw_head];
    uint32_t a = beat_addr(b, b->beat);
    uint64_t word = a & ~(uint64_t)(p->bus_bytes - 1);
    uint32_t step = 1u << b->size;
    uint32_t lane0 = (uint32_t)(a & (uint32_t)(p->bus_bytes - 1)) & ~(step - 1u);
    uint32_t first_lane = a & (uint32_t)(p->bus_bytes - 1); /* unaligned beat 0 */
    for (int lane = 0; lane < p->bus_bytes; lane++) {
        if (!((strb >> lane) & 1u))
            continue;
        if ((uint32_t)lane < lane0 || (uint32_t)lane >= lane0 + step ||
            (uint32_t)lane < first_lane) {
            violate(&p->violations, p->violation, sizeof(p->violation),
                    "WSTRB selects a byte outside the beat", a);
            continue;
        }
        if (b->err || b->inject || word + (uint64_t)lane >= mem->size) {
            b->err |= !b->inject; /* an injected error writes nothing either */
            continue;
        }
        mem->bytes[word + (uint64_t)lane] = data[lane];
    }
    p->beats++;
    int is_last = b->beat == b->len;
    if (last != is_last)
        violate(&p->violations, p->violation, sizeof(p->violation), "WLAST does not match AWLEN",
                b->addr);
    b->beat++;
    if (!is_last)
        return;
    if (p->b_count == AXI_QUEUE) {
        violate(&p->violations, p->violation, sizeof(p->violation),
                "too many write responses pending", b->addr);
    } else {
        axi_burst *r = &p->b[(p->b_head + p->b_count) % AXI_QUEUE];
        *r = *b;
        /* due Lw after the last W beat, and after the AW */
        r->ready = max64(cycle + b->lat, b->aw_cycle + 1);
        if (p->b_count++ == 0)
            schedule_b(p);
    }
    p->aw_head = (p->aw_head + 1) % AXI_QUEUE;
    p->aw_count--;
}

void axi_wport_aw(axi_wport *p, int64_t cycle, uint32_t addr, uint32_t len, uint32_t size,
                  uint32_t burst)
{
    if (p->aw_count == AXI_QUEUE) {
        violate(&p->violations, p->violation, sizeof(p->violation),
                "too many outstanding write bursts", addr);
        return;
    }
    axi_burst *b = &p->aw[(p->aw_head + p->aw_count) % AXI_QUEUE];
    memset(b, 0, sizeof(*b));
    b->addr = addr;
    b->len = len;
    b->size = size;
    b->burst = burst;
    b->aw_cycle = cycle;
    b->lat = draw_latency(&p->j, p->latency);
    b->inject = next_burst_inject(&p->j);
    b->err = burst_check(b, p->bus_bytes, &p->violations, p->violation) != 0;
    p->aw_count++;
    /* W beats that came first go to this burst now, in order */
    int n = p->wbuf_count;
    int used = 0;
    while (used < n && p->aw_count > 0) {
        const axi_wbeat *w = &p->wbuf[used++];
        apply_w(p, w->cycle, p->wmem, w->data, w->strb, w->last);
    }
    memmove(p->wbuf, p->wbuf + used, (size_t)(n - used) * sizeof(p->wbuf[0]));
    p->wbuf_count = n - used;
}

void axi_wport_w(axi_wport *p, int64_t cycle, acc_dram *mem, const uint8_t *data, uint64_t strb,
                 int last)
{
    if (p->aw_count > 0 && p->wbuf_count == 0) {
        apply_w(p, cycle, mem, data, strb, last);
        return;
    }
    /* AXI4 lets W come before its AW: hold the beat until the AW arrives */
    if (p->wbuf_count == AXI_WBUF) {
        violate(&p->violations, p->violation, sizeof(p->violation),
                "too many W beats before their AW", 0);
        return;
    }
    axi_wbeat *w = &p->wbuf[p->wbuf_count++];
    memcpy(w->data, data, (size_t)p->bus_bytes);
    w->strb = strb;
    w->last = last;
    w->cycle = cycle;
    p->wmem = mem;
}

void axi_wport_drive(const axi_wport *p, int64_t cycle, int *bvalid, int *bresp)
{
    *bvalid = 0;
    *bresp = 0;
    if (p->b_count == 0 || cycle < p->b_at)
        return;
    const axi_burst *b = &p->b[p->b_head];
    *bvalid = 1;
    *bresp = b->inject ? b->inject : b->err ? 2 : 0;
}

void axi_wport_b_taken(axi_wport *p)
{
    if (p->b_count == 0)
        return;
    p->prev_b_at = p->b_at;
    p->b_head = (p->b_head + 1) % AXI_QUEUE;
    p->b_count--;
    schedule_b(p);
}

void axi_rport_valid_in_reset(axi_rport *p, const char *signal, uint32_t addr)
{
    char what[64];
    snprintf(what, sizeof(what), "%s high during reset", signal);
    violate(&p->violations, p->violation, sizeof(p->violation), what, addr);
}

void axi_wport_valid_in_reset(axi_wport *p, const char *signal, uint32_t addr)
{
    char what[64];
    snprintf(what, sizeof(what), "%s high during reset", signal);
    violate(&p->violations, p->violation, sizeof(p->violation), what, addr);
}
