/* opt_space.h - the optimizer's declared search space for one layer on one
 * configuration, and what is known about each of its points before the
 * point's program is generated: whether it is in the space (fits the
 * scratchpad, fits the wait fields, is the canonical representative of the
 * choices that generate the same timing), and a sound lower bound on its
 * makespan.  Both are opt_expr expressions, so the SAT encoding (sat.c) and
 * the C code evaluate the same formulas.  docs/planner.md ("The search
 * space", "Lower bounds of a choice") gives the formulas and their proofs. */
#ifndef ACC_OPT_SPACE_H
#define ACC_OPT_SPACE_H

#include <stdint.h>

#include "core/config.h"
#include "core/layer.h"
#include "planner/sat/opt_expr.h"
#include "planner/opt_gen.h"

/* The choice variables.  Index i of a dimension means:
 *   TK, TH, TW, TC   tile size i + 1
 *   ORDER            opt_order i
 *   BA, BW, BO       i + 1 buffers of activations, weights, results
 *   MODE             0 overlap (greedy merge), 1 serial */
enum {
    OPT_D_TK,
    OPT_D_TH,
    OPT_D_TW,
    OPT_D_TC,
    OPT_D_ORDER,
    OPT_D_BA,
    OPT_D_BW,
    OPT_D_BO,
    OPT_D_MODE,
    OPT_DIMS
};

/* Why a value of a tile dimension is never used (excluded[d][i]). */
enum {
    OPT_X_OK = 0,
    OPT_X_WINDOW,  /* an input window wider than 1023 (field act_size) */
    OPT_X_PAD,     /* more than 15 virtual zero rows/columns (field pad) */
    OPT_X_PADONLY, /* a tile that reads only padding */
    OPT_X_FIXED,   /* another value was fixed (opt_space_fix_tiling) */
    OPT_X_FIELD,   /* tc: a weight LOAD of a filter sliced in columns (field n2, or
                      chunks of one channel when rows are sliced too) */
};

/* Lower bounds valid for every valid schedule of the layer, in the space or
 * not (docs/planner.md, "Lower bound"). */
typedef struct opt_bounds {
    int64_t compute, dram_read, dram_write;
    int64_t array; /* model_layer_bound: passes of at most min(R,OH*OW) x min(C,K/G) outputs */
    int64_t best;  /* the largest of the above */
    uint64_t compulsory_read; /* input bytes some output reads + weight bytes */
} opt_bounds;
void opt_universal_bounds(const acc_layer *l, const acc_config *cfg, opt_bounds *b);

typedef struct opt_space {
    acc_layer layer;
    acc_config cfg;
    acc_memmap mm;
    opt_shape s;
    int dom[OPT_DIMS];
    char *excluded[OPT_DIMS]; /* OPT_X_* per index (all OPT_X_OK for the non-tile dimensions) */
    opt_expr *e;
    uint64_t cap; /* saturation value of e: every bound >= cap is at least cap */
    /* nodes of e */
    int lb;   /* lower bound on the makespan of the choice's program */
    int ok;   /* boolean: in the space (fits, waits, canonical) */
    int fits; /* boolean: the buffers fit the scratchpad */
    int need; /* scratchpad bytes of the buffers */
    int loads_act, loads_wgt, computes, stores; /* instruction counts (exact) */
    int busy_cp;                                /* compute engine busy cycles (exact) */
    int busy_ld, busy_st;                       /* load/store busy cycles (lower bounds) */
} opt_space;

/* Builds the space of a checked layer.  `ub` is a makespan some choice is
 * known to reach (the expressions saturate above it).  Returns 0, or -1 with
 * err when the layer cannot run at all (a tensor plane too wide for a DMA
 * stride field, or no value of a tile dimension is usable).  Free with
 * opt_space_free. */
int opt_space_init(opt_space *sp, const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                   int64_t ub, acc_error *err);
/* The same with kernel slices of at most kmax x kmax taps (1..15;
 * opt_space_init uses 15, the COMPUTE's limit): tests slice tiny filters. */
int opt_space_init_kmax(opt_space *sp, const acc_layer *l, const acc_config *cfg,
                        const acc_memmap *mm, int64_t ub, int kmax, acc_error *err);
void opt_space_free(opt_space *sp);

/* Restricts the space to one tiling: every other tile size is excluded. */
void opt_space_fix_tiling(opt_space *sp, const acc_tiling *t);

/* The choice at indices idx[OPT_DIMS], and back (-1 when a field is outside
 * the domains). */
void opt_space_choice(const opt_space *sp, const int *idx, opt_choice *c);
int opt_space_index(const opt_space *sp, const opt_choice *c, int *idx);

/* 1 when the choice is a point of the space (no excluded value, the ok
 * expression holds). */
int opt_space_member(const opt_space *sp, const int *idx);

/* Value of a node of sp->e for a choice. */
uint64_t opt_space_eval(const opt_space *sp, int node, const int *idx);

/* The canonical representative of a choice that fits (same timing, in the
 * space when the choice fits the scratchpad and the wait fields): the loop
 * order reduced over loops of one tile, buffers reduced to the number of
 * distinct blocks of their kind. */
void opt_space_canonical(const opt_space *sp, int *idx);

/* 1 when order `o` is the canonical one of its class given which tile
 * loops have one tile (trivial[OPT_DIM_*]). */
int opt_order_canonical(int o, const int trivial[OPT_LOOPS]);

#endif
