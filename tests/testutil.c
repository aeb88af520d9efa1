/* testutil.c - helpers shared by several test files (see testutil.h). */
#define _POSIX_C_SOURCE 200809L
#include "tests/testutil.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "model/model.h"

/* A value in [lo, hi]: the ends a quarter of the time each, else uniform. */
uint32_t tu_draw(acc_rng *r, uint32_t lo, uint32_t hi)
{
    uint64_t x = acc_rng_next(r);
    switch (x & 3u) {
    case 0:
        return lo;
    case 1:
        return hi;
    default:
        return lo + (uint32_t)((x >> 2) % ((uint64_t)hi - lo + 1));
    }
}

void tu_random_instr(acc_rng *r, acc_opcode op, acc_instr *in)
{
    memset(in, 0, sizeof(*in));
    in->op = op;
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        in->wait[e] = acc_rng_next(r) % 3 == 0 ? 0 : tu_draw(r, 0, TU_BITS(20));
    if (op == ACC_OP_LOAD || op == ACC_OP_STORE) {
        acc_dma *d = &in->u.dma;
        d->dram = tu_draw(r, 0, 0xffffffffu);
        d->spad = tu_draw(r, 0, TU_BITS(20));
        d->n0 = tu_draw(r, 1, 4095);
        d->n1 = tu_draw(r, 1, 4095);
        d->n2 = tu_draw(r, 1, 4095);
        d->dram_s1 = tu_draw(r, 0, TU_BITS(24));
        d->dram_s2 = tu_draw(r, 0, TU_BITS(24));
        d->spad_s1 = tu_draw(r, 0, TU_BITS(20));
        d->spad_s2 = tu_draw(r, 0, TU_BITS(20));
    } else if (op == ACC_OP_COMPUTE) {
        acc_compute *c = &in->u.cp;
        c->act = tu_draw(r, 0, TU_BITS(20));
        c->wgt = tu_draw(r, 0, TU_BITS(20));
        c->out = tu_draw(r, 0, TU_BITS(20));
        c->fh = tu_draw(r, 1, 15);
        c->fw = tu_draw(r, 1, 15);
        c->sh = tu_draw(r, 1, 7);
        c->sw = tu_draw(r, 1, 7);
        c->dh = tu_draw(r, 1, 7);
        c->dw = tu_draw(r, 1, 7);
        c->tc = tu_draw(r, 1, 4095);
        c->tk = tu_draw(r, 1, 4095);
        c->th = tu_draw(r, 1, 1023);
        c->tw = tu_draw(r, 1, 1023);
        c->vh = tu_draw(r, 1, 1023);
        c->vw = tu_draw(r, 1, 1023);
        c->act_ph = tu_draw(r, c->vw, 1023); /* row pitch >= stored columns */
        uint32_t plane = c->act_ph * (c->vh - 1) + c->vw;
        c->act_pc = tu_draw(r, c->tc > 1 ? plane : 0, TU_BITS(20)); /* planes do not overlap */
        c->ptop = tu_draw(r, 0, 15);
        c->pleft = tu_draw(r, 0, 15);
        c->acc = (int)(acc_rng_next(r) & 1u);
        c->flat = (int)(acc_rng_next(r) & 1u);
    }
}

void tu_random_flat(acc_rng *r, acc_compute *c, const acc_config *cfg)
{
    int coin = (int)(acc_rng_next(r) & 1u);
    c->flat = coin && model_compute_flat_ok(c, cfg);
}

char tu_tmpdir[64];

void tu_tmpdir_make(void)
{
    snprintf(tu_tmpdir, sizeof(tu_tmpdir), "/tmp/acc_test_XXXXXX");
    cr_assert_not_null(mkdtemp(tu_tmpdir));
}

void tu_tmpdir_remove(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tu_tmpdir);
    cr_assert_eq(system(cmd), 0, "could not remove %s", tu_tmpdir);
}

char *tu_tmp(const char *file)
{
    static char buf[8][512];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof(buf[0]), "%s/%s", tu_tmpdir, file);
    return p;
}

const char *tu_bin_dir(void)
{
    const char *b = getenv("ACC_BIN");
    return b ? b : "build/bin";
}

int tu_run(const char *cmd, char *out, size_t size)
{
    char full[2048];
    snprintf(full, sizeof(full), "%s 2>&1", cmd);
    FILE *f = popen(full, "r");
    cr_assert(f != NULL, "popen %s", cmd);
    size_t n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    char drain[256];
    while (fread(drain, 1, sizeof(drain), f) > 0)
        ;
    int st = pclose(f);
    cr_assert(WIFEXITED(st), "%s: killed by a signal: %s", cmd, out);
    return WEXITSTATUS(st);
}

void tu_push_end(acc_program *p)
{
    acc_instr end;
    memset(&end, 0, sizeof(end));
    end.op = ACC_OP_END;
    acc_program_push(p, &end);
}

void tu_serialise(acc_program *p)
{
    int count[ACC_ENG_COUNT] = {0, 0, 0};
    for (int i = 0; i < p->count; i++) {
        if (i > 0) {
            int e = acc_op_engine(p->ins[i - 1].op);
            if (e >= 0)
                p->ins[i].wait[e] = (uint32_t)count[e];
        }
        int e = acc_op_engine(p->ins[i].op);
        if (e >= 0)
            count[e]++;
    }
}

void tu_fill_random(acc_dram *m, uint64_t seed)
{
    acc_rng r;
    acc_rng_seed(&r, seed);
    for (uint64_t i = 0; i < m->size; i++)
        m->bytes[i] = (uint8_t)acc_rng_next(&r);
}

acc_instr tu_dma(acc_opcode op, uint32_t dram, uint32_t spad, uint32_t n0, uint32_t n1, uint32_t n2,
                 uint32_t ds1, uint32_t ds2, uint32_t ss1, uint32_t ss2)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){dram, spad, n0, n1, n2, ds1, ds2, ss1, ss2};
    return in;
}

cosim_options tu_rtl_options(int64_t budget)
{
    cosim_options o;
    memset(&o, 0, sizeof(o));
    o.wave_from_instr = o.wave_to_instr = o.wave_from_cycle = o.wave_to_cycle = -1;
    o.cycle_budget = budget;
    return o;
}

acc_layer tu_flat_layer(int hw)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "flat");
    l.ifmap_h = l.ifmap_w = hw;
    l.filter_h = l.filter_w = 3;
    l.channels = 2;
    l.num_filter = 4;
    l.stride_h = l.stride_w = 2;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 1;
    l.dil_h = l.dil_w = 1;
    l.groups = 1;
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    return l;
}
