// array_tb.cpp - the Verilated harness of the PE array's two descriptions
// (tests/rtl/array/, docs/rtl.md "Simulation speed").
//
// Built two ways (Makefile, "PE array" block), the model always class Vtb:
//   -DTB_PAIR: the model is array_pair (the grid and acc_array_sim on the same
//     inputs); `array_tb random CYCLES SEED` drives random stimulus and
//     compares the two column outputs every cycle; `array_tb exhaustive`
//     drives every 8-bit x 8-bit operand pair into every PE with every
//     combination of the first and last tags and shift, each followed by a
//     probe step that copies the accumulator into the shadow and drains it,
//     comparing every cycle.  Exit status 0 only if the outputs never differ.
//   -DTB_BENCH: the model is array_bench (acc_array with registered inputs,
//     the grid when Verilated with ACC_ARRAY_GRID, the simulation
//     description otherwise); `array_tb bench CYCLES` clocks it with a
//     pass-shaped stimulus and prints cycles per second of CPU time.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "verilated.h"
#include "cosim/vpins.hpp"
#include "Vtb.h"

#ifndef TB_ROWS
#error "TB_ROWS and TB_COLS must be defined by the build"
#endif

double sc_time_stamp()
{
    return 0;
}

template <typename T> static uint32_t lane(const T &v, int r)
{
    return static_cast<uint32_t>(static_cast<uint64_t>(v) >> (32 * r));
}
template <std::size_t N> static uint32_t lane(const VlWide<N> &v, int r)
{
    return v[r];
}

// xorshift64*: the stimulus is a pure function of the seed.
static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return static_cast<uint32_t>((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

struct step {
    uint8_t act[TB_ROWS];
    uint8_t wgt[TB_COLS];
    int first, last, shift;
};

// One cycle: inputs change while the clock is low, then the rising edge.
static void cycle(Vtb *m, const step &s)
{
    acc_put_bytes(m->act_i, s.act, TB_ROWS);
    acc_put_bytes(m->wgt_i, s.wgt, TB_COLS);
    m->first_i = s.first;
    m->last_i = s.last;
    m->shift_i = s.shift;
    m->clk_i = 0;
    m->eval();
    m->clk_i = 1;
    m->eval();
}

#ifdef TB_PAIR
static uint64_t cycles_run;

// Compares the two descriptions' outputs; prints the first difference.
static int same(Vtb *m, const char *what)
{
    cycles_run++;
    for (int r = 0; r < TB_ROWS; r++) {
        uint32_t g = lane(m->grid_col_o, r), s = lane(m->sim_col_o, r);
        if (g != s) {
            fprintf(stderr,
                    "array_tb %s: %dx%d, cycle %" PRIu64 ": lane %d: grid 0x%08x, sim 0x%08x\n",
                    what, TB_ROWS, TB_COLS, cycles_run, r, g, s);
            return 0;
        }
    }
    return 1;
}

// Operand bytes with the corners (0, 1, -1, -128, 127) more likely than in
// a uniform draw.
static uint8_t operand(void)
{
    static const uint8_t corner[] = {0x00, 0x01, 0xff, 0x80, 0x7f};
    uint32_t x = rnd();
    return (x & 7) == 0 ? corner[(x >> 3) % 5] : static_cast<uint8_t>(x >> 8);
}

static int run_random(Vtb *m, uint64_t cycles)
{
    step s;
    for (uint64_t c = 0; c < cycles; c++) {
        for (int r = 0; r < TB_ROWS; r++)
            s.act[r] = operand();
        for (int q = 0; q < TB_COLS; q++)
            s.wgt[q] = operand();
        uint32_t x = rnd();
        // Tags and shift in phases of a few hundred cycles with different
        // densities, so that sums grow long, drains run whole and tags also
        // coincide with shifts.
        int phase = static_cast<int>((c >> 8) % 4);
        s.first = phase == 0 ? (x & 1) : (x & 31) == 0;
        s.last = phase == 0 ? ((x >> 1) & 1) : ((x >> 5) & 31) == 0;
        s.shift = phase == 3 ? 0 : phase == 2 ? ((x >> 10) & 15) != 0 : (x >> 10) & 1;
        cycle(m, s);
        if (!same(m, "random"))
            return 0;
    }
    printf("array_tb random: %dx%d, %" PRIu64 " cycles, outputs equal every cycle\n", TB_ROWS,
           TB_COLS, cycles);
    return 1;
}

// Every operand pair (a, w) reaches every PE: all lanes carry a, all
// columns w.  For each pair, each of the 8 (first, last, shift) triples is
// one step, followed by a probe (act 0, last) that copies the accumulator
// into the shadow; Rows + Cols - 1 idle steps, then Cols shifts, move the
// shadows out through col_o.
static int run_exhaustive(Vtb *m)
{
    step s;
    for (int a = 0; a < 256; a++) {
        for (int w = 0; w < 256; w++) {
            for (int t = 0; t < 8; t++) {
                memset(s.act, a, sizeof s.act);
                memset(s.wgt, w, sizeof s.wgt);
                s.first = t & 1;
                s.last = (t >> 1) & 1;
                s.shift = (t >> 2) & 1;
                cycle(m, s);
                if (!same(m, "exhaustive"))
                    return 0;
                memset(s.act, 0, sizeof s.act);
                s.first = 0;
                s.last = 1;
                s.shift = 0;
                cycle(m, s);
                if (!same(m, "exhaustive"))
                    return 0;
            }
            s.last = 0;
            for (int k = 0; k < TB_ROWS + TB_COLS - 1; k++) {
                cycle(m, s);
                if (!same(m, "exhaustive"))
                    return 0;
            }
            s.shift = 1;
            for (int k = 0; k < TB_COLS; k++) {
                cycle(m, s);
                if (!same(m, "exhaustive"))
                    return 0;
            }
        }
    }
    printf("array_tb exhaustive: %dx%d, every operand pair with every tag and shift "
           "triple, %" PRIu64 " cycles, outputs equal every cycle\n",
           TB_ROWS, TB_COLS, cycles_run);
    return 1;
}
#endif

#ifdef TB_BENCH
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Passes as the COMPUTE engine feeds them: L = 64 steps spaced
// D = max(L, R + 2C - 1) cycles apart, random operands, the drain's C
// shifts starting R + C - 1 cycles after the last step.
static void run_bench(Vtb *m, uint64_t cycles)
{
    const int l = 64, d = l > TB_ROWS + 2 * TB_COLS - 1 ? l : TB_ROWS + 2 * TB_COLS - 1;
    step s;
    double t0 = cpu_seconds();
    for (uint64_t c = 0; c < cycles; c++) {
        int pc = static_cast<int>(c % static_cast<uint64_t>(d));
        int back = pc + d; // cycles since the previous pass started
        for (int r = 0; r < TB_ROWS; r++)
            s.act[r] = pc < l ? static_cast<uint8_t>(rnd()) : 0;
        for (int q = 0; q < TB_COLS; q++)
            s.wgt[q] = pc < l ? static_cast<uint8_t>(rnd()) : 0;
        s.first = pc == 0;
        s.last = pc == l - 1;
        s.shift = (back >= l + TB_ROWS + TB_COLS - 1 && back < l + TB_ROWS + 2 * TB_COLS - 1) ||
                  (pc >= l + TB_ROWS + TB_COLS - 1 && pc < l + TB_ROWS + 2 * TB_COLS - 1);
        cycle(m, s);
    }
    double t = cpu_seconds() - t0;
    printf("%.3f Mcycles/s (%" PRIu64 " cycles in %.2f s CPU; %dx%d, L=%d, D=%d)\n",
           static_cast<double>(cycles) / t / 1e6, cycles, t, TB_ROWS, TB_COLS, l, d);
}
#endif

int main(int argc, char **argv)
{
    VerilatedContext ctx;
    ctx.fatalOnError(false);
    Vtb *m = new Vtb{&ctx};
    m->rst_ni = 0;
    step idle;
    memset(&idle, 0, sizeof idle);
    cycle(m, idle);
    cycle(m, idle);
    m->rst_ni = 1;
    int ok = 1;
    const char *mode = argc > 1 ? argv[1] : "";
#ifdef TB_PAIR
    if (!strcmp(mode, "random") && argc == 4) {
        rng_state = strtoull(argv[3], nullptr, 0) * 0x9E3779B97F4A7C15ULL + 1;
        ok = run_random(m, strtoull(argv[2], nullptr, 0));
    } else if (!strcmp(mode, "exhaustive") && argc == 2) {
        ok = run_exhaustive(m);
    } else {
        fprintf(stderr, "usage: %s random CYCLES SEED | exhaustive\n", argv[0]);
        ok = 0;
    }
#else
    if (!strcmp(mode, "bench") && argc == 3) {
        rng_state = 1;
        run_bench(m, strtoull(argv[2], nullptr, 0));
    } else {
        fprintf(stderr, "usage: %s bench CYCLES\n", argv[0]);
        ok = 0;
    }
#endif
    m->final();
    delete m;
    return ok ? 0 : 1;
}
