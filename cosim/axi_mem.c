/* axi_mem.c - fixed-latency AXI4 memory model (see axi_mem.h). */
#include "cosim/axi_mem.h"

#include <stdio.h>
#include <string.h>

static void violate(int *count, char *msg, size_t size, const char *what, uint32_t addr)
{
    if ((*count)++ == 0)
        snprintf(msg, size, "%s (address 0x%08x)", what, addr);
}

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

void axi_rport_init(axi_rport *p, int bus_bytes, int latency)
{
    memset(p, 0, sizeof(*p));
    p->bus_bytes = bus_bytes;
    p->latency = latency;
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
    b->ready = cycle + p->latency;
    b->err = burst_check(b, p->bus_bytes, &p->violations, p->violation) != 0;
    p->count++;
}

void axi_rport_drive(const axi_rport *p, int64_t cycle, const acc_dram *mem, int *valid,
                     uint8_t *data, int *last, int *resp)
{
    *valid = 0;
    *last = 0;
    *resp = 0;
    memset(data, 0, (size_t)p->bus_bytes);
    if (p->count == 0)
        return;
    const axi_burst *b = &p->q[p->head];
    if (cycle < b->ready)
        return;
    uint32_t a = beat_addr(b, b->beat);
    uint64_t word = a & ~(uint64_t)(p->bus_bytes - 1);
    *valid = 1;
    *last = b->beat == b->len;
    if (b->err || word + (uint64_t)p->bus_bytes > mem->size) {
        *resp = 2; /* SLVERR */
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
    /* Later beats of the burst follow back to back: they are ready as soon
     * as the first was, which is the rule's "previous beat + 1". */
    if (b->beat++ == b->len) {
        p->head = (p->head + 1) % AXI_QUEUE;
        p->count--;
    }
}

void axi_wport_init(axi_wport *p, int bus_bytes, int latency)
{
    memset(p, 0, sizeof(*p));
    p->bus_bytes = bus_bytes;
    p->latency = latency;
}

void axi_wport_aw(axi_wport *p, int64_t cycle, uint32_t addr, uint32_t len, uint32_t size,
                  uint32_t burst)
{
    (void)cycle;
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
    b->err = burst_check(b, p->bus_bytes, &p->violations, p->violation) != 0;
    p->aw_count++;
}

void axi_wport_w(axi_wport *p, int64_t cycle, acc_dram *mem, const uint8_t *data, uint64_t strb,
                 int last)
{
    if (p->aw_count == 0) {
        /* The accelerator always sends AW no later than the first W beat. */
        violate(&p->violations, p->violation, sizeof(p->violation),
                "W beat before its AW", 0);
        return;
    }
    axi_burst *b = &p->aw[p->aw_head];
    uint32_t a = beat_addr(b, b->beat);
    uint64_t word = a & ~(uint64_t)(p->bus_bytes - 1);
    uint32_t step = 1u << b->size;
    uint32_t lane0 = (uint32_t)(a & (uint32_t)(p->bus_bytes - 1)) & ~(step - 1u);
    /* strobes outside the beat's lanes are a protocol error */
    for (int lane = 0; lane < p->bus_bytes; lane++) {
        if (!((strb >> lane) & 1u))
            continue;
        uint32_t first_lane = a & (uint32_t)(p->bus_bytes - 1); /* unaligned beat 0 */
        if ((uint32_t)lane < lane0 || (uint32_t)lane >= lane0 + step || (uint32_t)lane < first_lane) {
            violate(&p->violations, p->violation, sizeof(p->violation),
                    "WSTRB selects a byte outside the beat", a);
            continue;
        }
        if (b->err || word + (uint64_t)lane >= mem->size) {
            b->err = 1;
            continue;
        }
        mem->bytes[word + (uint64_t)lane] = data[lane];
    }
    p->beats++;
    int is_last = b->beat == b->len;
    if (last != is_last)
        violate(&p->violations, p->violation, sizeof(p->violation),
                "WLAST does not match AWLEN", b->addr);
    b->beat++;
    if (is_last) {
        if (p->b_count == AXI_QUEUE) {
            violate(&p->violations, p->violation, sizeof(p->violation),
                    "too many write responses pending", b->addr);
        } else {
            axi_burst *r = &p->b[(p->b_head + p->b_count) % AXI_QUEUE];
            *r = *b;
            r->ready = cycle + p->latency;
            p->b_count++;
        }
        p->aw_head = (p->aw_head + 1) % AXI_QUEUE;
        p->aw_count--;
    }
}

void axi_wport_drive(const axi_wport *p, int64_t cycle, int *bvalid, int *bresp)
{
    *bvalid = 0;
    *bresp = 0;
    if (p->b_count == 0)
        return;
    const axi_burst *b = &p->b[p->b_head];
    if (cycle < b->ready)
        return;
    *bvalid = 1;
    *bresp = b->err ? 2 : 0;
}

void axi_wport_b_taken(axi_wport *p)
{
    if (p->b_count == 0)
        return;
    p->b_head = (p->b_head + 1) % AXI_QUEUE;
    p->b_count--;
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
