/* opt_cache.h - the sat planner with a cache of its schedules, for the
 * co-simulation harness: a repeated run of the same layer on the same
 * configuration loads the schedule instead of solving again.
 *
 * A cached schedule is the file
 *   <dir>/<key>.sched
 * where <key> is 16 hex digits of a 64-bit FNV-1a hash of what determines
 * the schedule: the planner version (ACC_SAT_VERSION), the layer's shape
 * (every field but the name), the configuration's values (not its name) and
 * the memory map.  Layers of the same shape share one entry, whatever their
 * names.  Its first line is a comment with the planner's claim and the
 * search's budget and work (sat.h),
 *   # sat: makespan=N optimal=0|1 lower_bound=L budget=B work=W
 * which the harness checks against the model like any planner's claim.  The
 * search is deterministic, so an entry is used exactly when a fresh search
 * with the requested budget would return the same schedule: a proven entry
 * when the budget is none or above W (the search never reached it), an
 * unproven one only for the same budget B.  An entry that does not parse,
 * does not apply or whose program does not take the claimed makespan in the
 * model is planned again and overwritten.
 * docs/planner.md ("Caching") describes it. */
#ifndef ACC_OPT_CACHE_H
#define ACC_OPT_CACHE_H

#include <stdint.h>

#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"
#include "core/memmap.h"

/* Cache directory: the environment variable ACC_PLAN_CACHE, else
 * "build/plan/cache". */
const char *opt_cache_dir(void);

/* The sat planner's budget (work units, sat.h; 0: none) from the
 * environment: ACC_PLAN_BUDGET when set and not empty, else ACC_PLAN_TIME
 * (the former time limit in seconds, converted by
 * acc_sat_budget_of_seconds), else ACC_SAT_BUDGET_DEFAULT.  A value that is
 * not a number >= 0 is reported on stderr and the default used. */
int64_t opt_cache_budget(void);

/* The cache key of a plan (see above). */
uint64_t opt_cache_key(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm);

/* Plans with the sat planner through the cache in `dir` (NULL: the default
 * above) with a budget (< 0: opt_cache_budget(), 0: none).  Fills out (caller
 * frees) and *claimed; *hit (may be NULL) tells whether the cache answered.
 * Returns 0, or -1 with err when the layer cannot run.  A cache that cannot
 * be written is not an error (the schedule is still returned). */
int opt_cache_plan(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm, const char *dir,
                   int64_t budget, acc_program *out, int64_t *claimed, int *hit, acc_error *err);

#endif
