/* merge.h - the results of a regression run (docs/regress.md, "Outputs"):
 * DIR/merged.json from DIR/plan.json and every DIR/jobs/<id>/result.json,
 * the text table DIR/summary.txt and the JUnit XML file DIR/junit.xml. */
#ifndef ACC_REGRESS_MERGE_H
#define ACC_REGRESS_MERGE_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "core/util.h"

/* Reads the plan and the results of the run in `dir` (a job of the plan
 * without a readable result.json is an error entry) and writes
 * merged.json, summary.txt and junit.xml (each complete or not at all).
 * *merged (may be NULL) gets merged.json's content (caller frees).
 * Returns 0, or -1 with err (a plan that cannot be read, a file that
 * cannot be written). */
int regress_merge(const char *dir, cJSON **merged, acc_error *err);

/* Prints the summary table of a merged.json to f (what summary.txt holds). */
void regress_summary_print(FILE *f, const cJSON *merged);

/* Writes the JUnit XML of a merged.json to `path` (atomically): one
 * testsuite, one testcase per job (classname the network, else the layer;
 * name the job id), <failure> for a fail and <error> for an error, each
 * with the job's message; the report path in the suite's properties and in
 * the testcase's system-out.  0 or -1 with err. */
int regress_junit_write(const char *path, const cJSON *merged, acc_error *err);

/* Compares two merged.json files, every field but "seconds" and "engine"
 * (what two runs of one matrix may differ in): 0 equal, 1
 * different (diff: the first difference, "jobs[3].status: pass vs fail"),
 * -1 when one cannot be read (diff: why).  diff gets size bytes. */
int regress_compare(const char *a, const char *b, char *diff, size_t size);

#endif
