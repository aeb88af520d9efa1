/* test_random_config.c - the sweep over random legal configurations
 * (issue 9, "configurations that break symmetry"): from a seed, draw
 * configurations anywhere in the ranges of docs/config.md (rows and columns
 * apart, any bank count and bus width that the cross-field constraints
 * allow, any latencies), write each as an INI file, and require that
 *   - the loader accepts it with exactly the drawn values (the generator and
 *     docs/config.md's constraints agree with core/config.c), and
 *   - small layers, planned by both baselines for it, pass the harness on
 *     the iss backend: validator, the planner's claim equal to the model's
 *     makespan, outputs equal to golden bit for bit.
 * The seed is ACC_RANDOM_CONFIG_SEED (default 9) and the count
 * ACC_RANDOM_CONFIG_COUNT (default 12), so a failure is reproduced from the
 * seed in its message; the failing INI text is printed with it. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "cosim/harness.h"
#include "tests/testutil.h"

TestSuite(random_config, .init = tu_tmpdir_make, .fini = tu_tmpdir_remove);

static uint64_t env_u64(const char *name, uint64_t fallback)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, NULL, 0) : fallback;
}

static int pow2_at_least(int v)
{
    int p = 1;
    while (p < v)
        p *= 2;
    return p;
}

/* A uniformly drawn power of two in [lo, hi] (both powers of two). */
static int draw_pow2(acc_rng *r, int lo, int hi)
{
    int n = 0;
    for (int v = lo; v <= hi; v *= 2)
        n++;
    int k = (int)(acc_rng_next(r) % (uint64_t)n);
    return lo << k;
}

/* A legal configuration by construction, from the rules of docs/config.md:
 * with P = (banks - 1) * line_bytes + 1, 4 * rows <= P,
 * (rows - 1) * 7 + 1 <= P, axi_bytes <= P, bytes a multiple of
 * banks * line_bytes.  The scratchpad gets 16..128 KiB so that the small
 * layers below always fit; every other key covers its whole range. */
static void draw_config(acc_rng *r, acc_config *c)
{
    memset(c, 0, sizeof(*c));
    c->rows = (int)tu_draw(r, 1, 64);
    c->cols = (int)tu_draw(r, 1, 64);
    int lw = pow2_at_least(c->rows > c->cols ? c->rows : c->cols);
    int need = 4 * c->rows > (c->rows - 1) * 7 + 1 ? 4 * c->rows : (c->rows - 1) * 7 + 1;
    int min_banks = 2;
    while ((min_banks - 1) * lw + 1 < need)
        min_banks *= 2;
    cr_assert_leq(min_banks, 32, "rows %d cols %d need %d banks", c->rows, c->cols, min_banks);
    c->spad_banks = draw_pow2(r, min_banks, 32);
    int port = (c->spad_banks - 1) * lw + 1;
    int max_bits = 512;
    while (max_bits / 8 > port)
        max_bits /= 2;
    c->axi_data_bits = draw_pow2(r, 32, max_bits);
    uint32_t row_bytes = (uint32_t)(c->spad_banks * lw);
    uint32_t lo = (16384 + row_bytes - 1) / row_bytes, hi = 131072 / row_bytes;
    c->spad_bytes = tu_draw(r, lo, hi > lo ? hi : lo) * row_bytes;
    c->read_latency = (int)tu_draw(r, 1, 255);
    c->write_latency = (int)tu_draw(r, 1, 255);
}

/* Writes c as an INI file; returns its path (static buffer). */
static const char *write_config(const acc_config *c, int index, char *text, size_t size)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/rand%d.ini", tu_tmpdir, index);
    snprintf(text, size,
             "; random configuration %d (test_random_config.c)\n"
             "[array]\nrows = %d\ncols = %d\n"
             "[scratchpad]\nbytes = %u\nbanks = %d\n"
             "[axi]\ndata_bits = %d\n"
             "[memory]\nread_latency = %d\nwrite_latency = %d\n",
             index, c->rows, c->cols, c->spad_bytes, c->spad_banks, c->axi_data_bits,
             c->read_latency, c->write_latency);
    acc_error err;
    cr_assert_eq(acc_write_file(path, text, strlen(text), &err), 0, "%s", err.msg);
    return path;
}

Test(random_config, legal_random_configurations_load_as_drawn_and_run_layers_on_the_iss)
{
    const uint64_t seed = env_u64("ACC_RANDOM_CONFIG_SEED", 9);
    const int count = (int)env_u64("ACC_RANDOM_CONFIG_COUNT", 12);
    /* every small layer of the RTL tests: strides, padding on any side,
     * pointwise, 7x7, depthwise, grouped, dilated, uneven edges */
    const char *layers[] = {"tests/rtl/layers.csv:stride2", "tests/rtl/layers.csv:pointwise",
                            "tests/rtl/layers.csv:k7s2",    "tests/rtl/layers.csv:depthwise",
                            "tests/rtl/layers.csv:edges",   "tests/rtl/layers.csv:asympad",
                            "tests/rtl/layers.csv:dilated", "tests/rtl/layers.csv:grouped"};
    const char *planners[] = {"double", "serial"};
    acc_rng r;
    acc_rng_seed(&r, seed);
    int non_square = 0;
    for (int n = 0; n < count; n++) {
        acc_config want, got;
        draw_config(&r, &want);
        char text[1024];
        const char *path = write_config(&want, n, text, sizeof(text));
        acc_error err;
        cr_assert_eq(acc_config_load(path, &got, &err), 0,
                     "seed %llu, configuration %d rejected: %s\n%s", (unsigned long long)seed, n,
                     err.msg, text);
        cr_assert(
            got.rows == want.rows && got.cols == want.cols && got.spad_bytes == want.spad_bytes &&
                got.spad_banks == want.spad_banks && got.axi_data_bits == want.axi_data_bits &&
                got.read_latency == want.read_latency && got.write_latency == want.write_latency,
            "seed %llu, configuration %d loads with other values\n%s", (unsigned long long)seed, n,
            text);
        non_square += got.rows != got.cols;
        for (size_t l = 0; l < sizeof(layers) / sizeof(layers[0]); l++) {
            for (size_t k = 0; k < sizeof(planners) / sizeof(planners[0]); k++) {
                char out[600];
                snprintf(out, sizeof(out), "%s/out%d-%zu-%zu", tu_tmpdir, n, l, k);
                cosim_run_config rc;
                memset(&rc, 0, sizeof(rc));
                rc.layer = layers[l];
                rc.config = path;
                rc.seed = seed + (uint64_t)n;
                rc.backend = "iss";
                rc.planner = planners[k];
                rc.out_dir = out;
                rc.opt.wave_from_instr = rc.opt.wave_to_instr = -1;
                rc.opt.wave_from_cycle = rc.opt.wave_to_cycle = -1;
                cosim_report rep;
                int rc_ = cosim_run(&rc, &rep, &err);
                cr_assert_neq(rc_, -1, "seed %llu, configuration %d, %s, %s: %s\n%s",
                              (unsigned long long)seed, n, layers[l], planners[k], err.msg, text);
                cr_assert(rep.pass, "seed %llu, configuration %d, %s, %s: %s\n%s",
                          (unsigned long long)seed, n, layers[l], planners[k],
                          rep.nfailures ? rep.failures[0] : "fail", text);
                cr_assert_eq(rep.mismatches, 0);
            }
        }
    }
    /* rows and columns are drawn apart: a sweep of square arrays would not
     * break the symmetry it is for */
    if (count >= 4)
        cr_assert_geq(non_square, count / 2, "only %d of %d configurations are non-square",
                      non_square, count);
}
