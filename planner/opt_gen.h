/* opt_gen.h - the program generator shared by every planner: one point of
 * the planners' search space (a "choice": tiling, loop order, buffers per
 * operand kind, overlap or not) becomes one instruction stream.  The
 * baselines (baseline.c) and the optimizer (sat.c) both call it, so every
 * schedule a baseline emits is a point of the optimizer's space.
 * docs/planner.md ("Loop nest and tiling", "The search space") describes the
 * generated programs; this header is the contract. */
#ifndef ACC_OPT_GEN_H
#define ACC_OPT_GEN_H

#include <stdint.h>

#include "planner/baseline.h"
#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"

/* Operand kinds, each with its own pool of scratchpad buffers. */
enum { OPT_ACT = 0, OPT_WGT = 1, OPT_OUT = 2, OPT_KINDS = 3 };

/* The tile loops: k-tiles, output-row tiles, output-column tiles. */
enum { OPT_DIM_K = 0, OPT_DIM_Y = 1, OPT_DIM_X = 2, OPT_LOOPS = 3 };

/* Loop orders of the three tile loops, outer to inner (channel chunks are
 * always innermost, groups always outermost).  OPT_ORDER_KYX is the
 * baselines' order. */
typedef enum opt_order {
    OPT_ORDER_KYX = 0,
    OPT_ORDER_KXY = 1,
    OPT_ORDER_YKX = 2,
    OPT_ORDER_YXK = 3,
    OPT_ORDER_XKY = 4,
    OPT_ORDER_XYK = 5,
    OPT_ORDER_COUNT = 6
} opt_order;

/* The loop (OPT_DIM_*) at nesting level `level` (0 = outermost) of an order. */
int opt_order_loop(int order, int level);
/* "kyx", "kxy", ... */
const char *opt_order_name(int order);

/* Buffers per operand kind: 1..OPT_BUFFERS_MAX. */
#define OPT_BUFFERS_MAX 4

/* One point of the search space. */
typedef struct opt_choice {
    acc_tiling t;           /* tk, th, tw, tc */
    int order;              /* opt_order */
    int buffers[OPT_KINDS]; /* act, wgt, out */
    int serial;             /* 1: every instruction waits for the one before */
} opt_choice;

/* Largest kernel slice side: the COMPUTE's fh, fw fields (docs/isa.md). */
#define OPT_KMAX ((int)ACC_KERNEL_MAX)

/* Layer geometry used by the generator and the search (derived once). */
typedef struct opt_shape {
    int C, H, W, K, G, Cg, Kg;
    int FH, FW, SH, SW, DH, DW, PT, PL;
    int OH, OW;
    /* Kernel slices (docs/planner.md, "Kernel slices"), a fixed function of
     * the layer: the filter is cut into nbh bands of kh rows from the top
     * (the last band takes what is left) and each band into nbw rectangles
     * of kw columns from the left; ns = nbh * nbw slices, numbered
     * row-major.  A filter of at most kmax x kmax taps is one slice
     * (kh = FH, kw = FW, ns = 1). */
    int kmax, kh, kw, nbh, nbw, ns;
} opt_shape;

/* Fills *s from a checked layer (acc_layer_check == 0) with slices of at
 * most OPT_KMAX x OPT_KMAX taps; free with opt_shape_free. */
void opt_shape_init(opt_shape *s, const acc_layer *l);
/* The same with slices of at most kmax x kmax taps (1..OPT_KMAX): the
 * planners use OPT_KMAX; tests use small values to slice tiny filters. */
void opt_shape_init_kmax(opt_shape *s, const acc_layer *l, int kmax);
void opt_shape_free(opt_shape *s);

/* Slice k (0 <= k < ns) of the filter: taps rows i0 .. i0+fh-1, columns
 * j0 .. j0+fw-1; band = k / nbw, column = k % nbw. */
typedef struct opt_slice {
    int i0, j0, fh, fw;
} opt_slice;
opt_slice opt_shape_slice(const opt_shape *s, int k);

/* Weight LOAD forms (docs/planner.md, "Instructions of one step"): rows
 * when the filter is not sliced in columns (kw == FW: a slice's taps of one
 * channel are contiguous), planes of one (channel, filter row) otherwise
 * (n2 = chunk x slice rows, stride FW*K), which needs tc * FH <= 4095 and,
 * when rows are sliced too, chunks of one channel. */
static inline int opt_shape_wgt_planes(const opt_shape *s)
{
    return s->kw < s->FW;
}
/* External bytes between two planes of a weight LOAD (dram_s2). */
uint64_t opt_shape_wgt_stride(const opt_shape *s);

/* The input rows (or columns) that outputs [o0, o0+on) read, clipped to the
 * real input [0, in): stored from `lo`, `n` of them, after `pad` virtual zeros.
 * When every needed row is padding, one real row is stored past the window
 * (pad = window span) so that it is never read. */
typedef struct opt_window {
    int lo, n, pad;
} opt_window;
opt_window opt_input_window(int o0, int on, int stride, int filter, int dil, int padb, int in);

/* Axes of the input a window runs along. */
enum { OPT_AXIS_Y = 0, OPT_AXIS_X = 1 };

/* The window of input rows (axis OPT_AXIS_Y) or columns (OPT_AXIS_X) that
 * outputs [o0, o0+on) read through band b of the slices (their rows
 * i0 .. i0+fh-1; for columns, their columns): r0 = o0*S + i0*D - P,
 * r1 = (o0+on-1)*S + (i0+fh-1)*D - P, clipped as opt_input_window.  With one
 * slice this is the window of the whole filter. */
opt_window opt_slice_window(const opt_shape *s, int axis, int o0, int on, int b);

/* 1 when some output of [o0, o0+on) reads, through some tap of band b, a
 * row (column) of the real input, not padding. */
int opt_slice_reads_input(const opt_shape *s, int axis, int o0, int on, int b);

/* 1 when FLAT (docs/isa.md, model_compute_flat_ok) is legal for every
 * COMPUTE of an x-tile, output columns [ox0, ox0+own): for the COMPUTE of
 * each column of kernel slices (act_ph = that slice column's window width;
 * legality depends on neither th, the chunk nor the band).  The generator
 * sets `flat` on every COMPUTE of a tile whose x-tile this holds for. */
int opt_tile_flat(const opt_shape *s, const acc_config *cfg, int ox0, int own);

/* Array passes over the pixels of an ohn x own tile (times ceil(kn/C) for
 * its kn output channels): model_compute_passes of one output channel,
 * ceil(ohn*own/R) with FLAT, ohn*ceil(own/R) without (docs/model.md);
 * 0 when ohn or own is 0. */
int64_t opt_pixel_passes(int ohn, int own, int flat, const acc_config *cfg);

/* Tile i of size t over an extent: first index and size (the last tile
 * takes what is left). */
static inline int opt_tile_start(int i, int t)
{
    return i * t;
}
static inline int opt_tile_size(int i, int t, int extent)
{
    int64_t left = (int64_t)extent - (int64_t)i * t;
    return (int)(left < t ? left : t);
}

/* Buffer sizes of a tiling (each rounded up to 4 bytes) and the largest
 * window and padding its steps need (over every tile and slice):
 *   act = align4(tc * vh * vw), wgt = align4(tc * kh * kw * tk),
 *   out = 4 * tk * th * tw. */
typedef struct opt_need {
    uint64_t bytes[OPT_KINDS];
    int vh, vw, ptop, pleft;
    int empty_y, empty_x;   /* first tile with a slice that reads only padding, or -1 */
    int empty_yb, empty_xb; /* that slice's band (column of bands) */
} opt_need;
void opt_need_of(const opt_shape *s, const acc_tiling *t, opt_need *z);

/* Scratchpad bytes of a tiling with the given buffers per kind. */
uint64_t opt_need_bytes(const opt_need *z, const int buffers[OPT_KINDS]);

/* Checks that every instruction a tiling generates fits the ISA's fields
 * and that its buffers fit the scratchpad (fills *z).  Returns 0, or -1 with
 * err saying why (no "layer ... cannot run" prefix). */
int opt_tiling_fits(const opt_shape *s, const acc_config *cfg, const acc_tiling *t,
                    const int buffers[OPT_KINDS], opt_need *z, acc_error *err);

/* Fails (-1 with err) when a tile of the tiling reads only zero padding
 * through some kernel slice (the validator cannot place such a COMPUTE);
 * z from opt_need_of. */
int opt_tiling_no_padding_tile(const opt_shape *s, const acc_tiling *t, const opt_need *z,
                               acc_error *err);

/* Figures of one generated program. */
typedef struct opt_stats {
    uint32_t count[ACC_ENG_COUNT]; /* instructions per engine */
    uint32_t loads[2];             /* LOADs of activations, of weights */
    int64_t busy[ACC_ENG_COUNT];   /* sum of durations per engine */
    uint64_t dram_read, dram_written;
} opt_stats;

/* Generates the program of a choice.  Preconditions: the choice fits
 * (opt_tiling_fits == 0 with its buffers) and has no padding-only tile.
 * Returns the model's makespan of the program, computed while generating
 * (equal to model_run's), and fills `out` (caller frees; NULL: time only)
 * and `st` (may be NULL).  Returns -1 with err when an engine would need more
 * instructions than a wait field can count. */
int64_t opt_build(const opt_shape *s, const acc_config *cfg, const acc_memmap *mm,
                  const opt_choice *c, acc_program *out, opt_stats *st, acc_error *err);

#endif
