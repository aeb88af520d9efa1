/* run.h - `regress run`: a whole regression (docs/regress.md).  The
 * matrix is expanded; each job gets its key; jobs whose stored result has
 * the same key are kept (cached) unless forced; DIR/plan.json and
 * DIR/jobs.txt (one shell command per job to run) are written; an
 * executor runs jobs.txt (the local pool, or mk/regress-slurm.sh); the
 * results are merged into merged.json, summary.txt and junit.xml. */
#ifndef ACC_REGRESS_RUN_H
#define ACC_REGRESS_RUN_H

#include "regress/matrix.h"

typedef struct regress_options {
    const char *matrix; /* MATRIX=: a name under regress/matrices/ or a path */
    const char *out;    /* DIR; NULL: <build>/regress/<matrix name> */
    const char *build;  /* the build folder (default "build") */
    int jobs;           /* local workers (>= 1) */
    int slurm;          /* 1: ENGINE=slurm */
    int force;          /* 1: run every job, cached or not */
} regress_options;

/* Runs the regression; the current directory is the project's root.
 * Returns the exit status: 0 every job passed, 1 a job failed or did not
 * run or the executor failed, 2 a bad matrix, an unbuilt simulator or a
 * folder that cannot be written (with a message on stderr). */
int regress_run(const regress_options *o);

/* `regress needs`: prints the make arguments that build what the matrix
 * needs, one make invocation per line: the shipped configurations'
 * simulators (and build/bin/cosim) on the first line, then
 * "CONFIG=<path> <target>" for each configuration given as a file.
 * Returns 0, or 2 with a message on stderr for a bad matrix. */
int regress_needs(const char *matrix, const char *build);

/* `regress list`: prints the jobs of the matrix, one per line: the id and
 * the cosim command.  0 or 2 as regress_needs. */
int regress_list(const char *matrix, const char *build);

#endif
