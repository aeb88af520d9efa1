/* job.h - one regression job: its cosim command, and `regress job DIR K`,
 * which runs job K of DIR/plan.json (written by regress_run) into
 * DIR/jobs/<id>/ and writes DIR/jobs/<id>/result.json
 * (docs/regress.md, "Outputs"). */
#ifndef ACC_REGRESS_JOB_H
#define ACC_REGRESS_JOB_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "regress/matrix.h"

/* A job's cosim arguments (no program name, no --out): --backend, --layer,
 * --config, --seed, --planner, --stress when in stress mode, then the
 * job's args split at blanks.  argv[argc] is NULL. */
typedef struct regress_argv {
    char buf[1024];
    const char *argv[80];
    int argc;
} regress_argv;

void regress_job_argv(const regress_job *j, regress_argv *out);

/* The simulator a job runs, under the build folder `build`: build/bin/cosim
 * (iss), build/rtl/<config>/cosim (rtl) or build/sc/<config>/cosim
 * (systemc).  Writes into out (size bytes) and returns it. */
char *regress_sim_path(const char *build, const regress_job *j, char *out, size_t size);

/* The `make wave` command that traces the job's run (out: size bytes). */
char *regress_wave_cmd(const regress_job *j, char *out, size_t size);

/* Reads DIR/plan.json into *out (caller frees with cJSON_Delete); 0 or -1
 * with err naming the file and field. */
int regress_plan_read(const char *dir, cJSON **out, acc_error *err);

/* `regress job DIR K`: runs job K (0-based, in plan.json order) of the run
 * in DIR and writes its result.json (the job's entry of merged.json plus
 * its key).  A run that could not reach a verdict (no report, a usage
 * error, a signal) is a result with status "error".  Returns 0 when
 * result.json was written, -1 with err otherwise (bad DIR or K). */
int regress_job_main(const char *dir, int k, acc_error *err);

/* Turns a cosim report (may be NULL) and how the process ended into the
 * job's status and message: "pass"/"fail" from the report's status (its
 * first outputs or cycles failure as the message, else its first failure),
 * "error" when there is no finished report or the run ended abnormally
 * (the message: the last line cosim printed, or how it ended).  `log` is
 * cosim's output (may be NULL).  msg gets size bytes. */
const char *regress_verdict(const cJSON *report, int exit_status, int signal, const char *log,
                            char *msg, size_t size);

/* A new job entry of merged.json (caller owns it): the fields of the plan's
 * job entry `pj` (id, net, layer, config, seed, mode, stress_seed, backend,
 * planner, wave_cmd), the status and message given, the figures of the
 * cosim report (NULL: nulls), the report and timeline paths relative to
 * `dir` (the timeline when the file exists), cached false, `seconds`. */
cJSON *regress_result_new(const cJSON *pj, const char *status, const char *message,
                          const cJSON *report, const char *dir, double seconds);

#endif
