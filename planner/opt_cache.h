/* opt_cache.h - the sat planner with a cache of its schedules, for the
 * co-simulation harness: a repeated run of the same layer on the same
 * configuration loads the schedule instead of solving again.
 *
 * A cached schedule is the file
 *   <dir>/<layer>-<config>-<key>.sched
 * where <key> is 16 hex digits of a 64-bit FNV-1a hash of the planner
 * version (ACC_SAT_VERSION), the layer's shape (every field but the name),
 * the configuration's values (not its name) and the memory map.  Its first
 * line is a comment with the planner's claim,
 *   # sat: makespan=N optimal=0|1 lower_bound=L time_limit=S
 * which the harness checks against the model like any planner's claim.  A
 * proven-optimal entry is used whatever the time limit; an unproven one only
 * when the time limit is not larger than the one it was planned with.  An
 * entry that does not parse or whose program does not take the claimed
 * makespan in the model is planned again and overwritten.
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

/* Time limit in seconds: the environment variable ACC_PLAN_TIME (0: none),
 * else 60. */
double opt_cache_time_limit(void);

/* The cache key of a plan (see above). */
uint64_t opt_cache_key(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm);

/* Plans with the sat planner through the cache in `dir` (NULL: the default
 * above) with a time limit (< 0: the default above).  Fills out (caller
 * frees) and *claimed; *hit (may be NULL) tells whether the cache answered.
 * Returns 0, or -1 with err when the layer cannot run.  A cache that cannot
 * be written is not an error (the schedule is still returned). */
int opt_cache_plan(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm, const char *dir,
                   double time_limit, acc_program *out, int64_t *claimed, int *hit, acc_error *err);

#endif
