/* registry.h - the planners by name: the one table that the `plan` and
 * `cosim` programs (and the harness) select a planner from, with a one-line
 * summary of each for help texts and error messages.
 *
 *   sat      the optimizer (planner/sat/sat.h), through the schedule cache
 *            (planner/opt_cache.h) unless the request asks for a fresh solve;
 *            claims the makespan of its schedule
 *   double   baseline, greedy double buffering (planner/baseline.h)
 *   serial   baseline, no overlap of DMA and compute
 *
 * Aliases ("baseline" for "double") are resolved here too.  docs/planner.md
 * describes the planners; this file only names them. */
#ifndef ACC_PLANNER_REGISTRY_H
#define ACC_PLANNER_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"
#include "planner/baseline.h"
#include "planner/opt_gen.h"
#include "planner/sat/sat.h"

/* The planner a run uses when none is named. */
#define PLAN_DEFAULT "sat"

/* What a caller asks of a planner besides the layer, the configuration and
 * the memory map.  Initialise with plan_request_init. */
typedef struct plan_request {
    const acc_tiling *tiling; /* a fixed tiling; NULL: the planner searches (borrowed) */
    int64_t budget;           /* sat: work units (sat.h), 0 none, < 0 opt_cache_budget() */
    int use_cache;            /* sat: 1 plan through the schedule cache (opt_cache.h),
                                 0 solve afresh and fill plan_result.sat.  A fixed
                                 tiling or a dimacs_path always solves afresh */
    const char *cache_dir;    /* sat with the cache: NULL is opt_cache_dir() */
    const char *dimacs_path;  /* sat: the certificate (acc_sat_options), may be NULL */
    FILE *log;                /* sat: progress of the search, may be NULL */
} plan_request;

/* What a planner returns besides the program. */
typedef struct plan_result {
    int64_t claimed; /* the makespan the planner claims, -1: no claim */
    int have_choice; /* 1: choice is the point of the search space (opt_gen.h) the
                        program was generated from */
    opt_choice choice;
    int have_sat; /* 1: the sat planner solved afresh and sat holds its figures;
                     sat.program is empty (the program went to the caller) */
    acc_sat_result sat;
} plan_result;

/* Plans layer l on cfg with memory map mm (all checked, none NULL) as rq
 * asks (not NULL; see plan_request_init).  *out and *res are overwritten,
 * not freed.  Fills *out (the caller frees it with acc_program_free) and
 * *res, and returns 0; or returns -1 with err when the layer cannot run on
 * the configuration (the message says why), and then *out is empty.  Free
 * *res with plan_result_free either way. */
typedef int (*plan_fn)(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                       const plan_request *rq, acc_program *out, plan_result *res, acc_error *err);

/* One registered planner. */
typedef struct plan_entry {
    const char *name;    /* what --planner takes */
    const char *summary; /* one line for help texts */
    int claims_makespan; /* 1: res->claimed is set whenever plan succeeds */
    plan_fn plan;
} plan_entry;

/* Another name for a registered planner. */
typedef struct plan_alias {
    const char *alias;
    const char *name;
} plan_alias;

/* The planners, in the order help texts list them (the default first), and
 * their aliases; each table ends with an entry whose first field is NULL. */
extern const plan_entry plan_registry[];
extern const plan_alias plan_aliases[];

/* Sets the defaults: no fixed tiling, the default budget, through the
 * cache, no certificate, no log.  rq must not be NULL. */
void plan_request_init(plan_request *rq);

/* Frees what a planner left in *res (the sat figures) and resets it; safe on
 * a result that plan_fn left after a failure.  res must not be NULL. */
void plan_result_free(plan_result *res);

/* Looks a planner up by name or alias; NULL when neither.  name must not be
 * NULL.  The entry is static: its name is the canonical one ("double" for
 * "baseline"). */
const plan_entry *plan_find(const char *name);

/* plan_find that explains a failure: an unknown name returns NULL with err
 * "unknown planner 'NAME' (planners: sat, double, serial; baseline is
 * another name for double)", the names taken from the tables. */
const plan_entry *plan_lookup(const char *name, acc_error *err);

/* Writes the registered names, separated by sep (e.g. ", " or "|"), into
 * buf (NUL-terminated, truncated to size).  Returns buf. */
char *plan_names(char *buf, size_t size, const char *sep);

/* Prints one line per planner and per alias, "<indent><name>  <summary>",
 * for help texts.  f and indent must not be NULL. */
void plan_print_list(FILE *f, const char *indent);

#endif
