/* sat.h - the optimizer: the shortest schedule of a layer within the
 * declared search space (opt_space.h), with a proof by the CaDiCaL SAT
 * solver that no point of the space is shorter.  docs/planner.md ("The
 * optimizer") describes the encoding, the search and what the proof covers.
 *
 * The search: a CNF formula says "this choice is a point of the space and
 * its lower bound is at most T" (T given by assumptions).  Each model the
 * solver finds is generated and timed exactly (opt_build, the model's issue
 * rule); a choice whose exact makespan exceeds T is excluded by a clause (a
 * nogood) and the solver asked again; a choice within T becomes the best
 * schedule and T drops below it.  When the solver answers UNSAT, no point of
 * the space reaches T: the best schedule is optimal.  This is the only file
 * that includes ccadical.h. */
#ifndef ACC_SAT_H
#define ACC_SAT_H

#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"
#include "planner/opt_gen.h"
#include "planner/sat/opt_space.h"

/* Version of the search; part of every cache key (cosim/harness.c). */
#define ACC_SAT_VERSION "sat-9"

/* Work of the search, counted deterministically: one unit per clause the
 * solver learns (one per conflict it analyses) and ACC_SAT_EVAL_WORK per
 * schedule generated and timed.  A budget of work, unlike a time limit,
 * stops the search at the same point on every run and every machine, loaded
 * or idle (docs/planner.md, "The budget"). */
#define ACC_SAT_EVAL_WORK 10
/* Before its first solver call the search sweeps the live tk values one
 * after the other, until their interval reasoning has taken this many
 * steps (opt_e_steps: nodes computed and table entries read, a
 * deterministic count; about 0.4 s on the project's machine): when every
 * tk is swept, the proof needs no conflict (docs/planner.md, "Search"). */
#define ACC_SAT_PRESWEEP_STEPS ((int64_t)100000000)
/* The default budget: every layer of the catalog is proven well within it
 * on the shipped configurations (docs/planner.md). */
#define ACC_SAT_BUDGET_DEFAULT ((int64_t)20000000)

/* The former time limits (plan --time, PLAN_TIME, ACC_PLAN_TIME) are read
 * as budgets by one fixed conversion, so they are deterministic too:
 * S seconds are ceil(S * ACC_SAT_WORK_PER_SECOND) units (about the work a
 * second buys on the machine of docs/figures.md), 0 none.  Returns the
 * budget. */
#define ACC_SAT_WORK_PER_SECOND 20000
int64_t acc_sat_budget_of_seconds(double seconds);

typedef struct acc_sat_options {
    int64_t budget;           /* work units (above); <= 0: none */
    const char *dimacs_path;  /* when optimality is proven: the final UNSAT query, and
                                 <path>.nogoods beside it (may be NULL) */
    FILE *log;                /* one line per phase, may be NULL */
    const acc_tiling *tiling; /* restrict the space to this tiling (may be NULL) */
    int kernel_max;           /* kernel slices of at most this many taps a side, 1..15;
                                 0: 15, the COMPUTE's limit (tests slice tiny filters) */
} acc_sat_options;

typedef struct acc_sat_result {
    acc_program program; /* the schedule (owned; acc_sat_result_free) */
    opt_choice choice;   /* the point of the space it was generated from */
    int64_t makespan;    /* the model's makespan of the program */
    int optimal;         /* 1: no point of the space is shorter (proven) */
    /* bounds, all valid for every schedule of the space */
    int64_t space_bound;  /* proven: the least choice lower bound over the space; when
                             the budget ran out: a lower bound on it by interval
                             reasoning */
    int64_t lower_bound;  /* max(universal.best, space_bound) */
    int64_t proven_bound; /* no schedule of the space is shorter (= makespan when optimal) */
    opt_bounds universal; /* valid for every valid schedule, in the space or not */
    int64_t serial_makespan, double_makespan; /* the baselines (-1: cannot plan) */
    double seconds;                           /* wall time of acc_sat_plan (reported only;
                                                 nothing depends on it) */
    int sat_calls, evaluations, nogoods, improvements;
    int64_t conflicts; /* clauses the solver learned */
    int64_t work;      /* conflicts + ACC_SAT_EVAL_WORK * evaluations */
    int64_t budget;    /* the budget the search ran with (<= 0: none) */
    int vars;
    uint64_t clauses;
    int dimacs_written; /* 1 when opt->dimacs_path was written */
} acc_sat_result;

/* Plans a layer.  Returns 0 with *res filled (free with acc_sat_result_free),
 * or -1 with err when the layer cannot run on the configuration (the message
 * names what does not fit) or an output file cannot be written.  With a
 * budget, returns the best schedule found when the work reaches it
 * (optimal = 0): the same schedule on every run.  opt may be NULL (no
 * budget). */
int acc_sat_plan(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                 const acc_sat_options *opt, acc_sat_result *res, acc_error *err);
void acc_sat_result_free(acc_sat_result *res);

/* Solves a DIMACS CNF file with a fresh CaDiCaL instance (no options set):
 * the independent check of a certificate written with dimacs_path.
 * Returns 10 (satisfiable) or 20 (unsatisfiable), or -1 with err naming the
 * file and line when it cannot be read or is not DIMACS. */
int acc_sat_solve_dimacs(const char *path, acc_error *err);
/* Size cap of a DIMACS file read back (docs/formats.md, "Input size
 * limits"): 1 GiB. */
#define ACC_DIMACS_FILE_MAX ((size_t)1 << 30)

#endif
