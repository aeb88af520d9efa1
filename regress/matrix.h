/* matrix.h - a regression matrix (docs/regress.md, "The matrix file"): an
 * INI file whose [set NAME] sections are cross products of layers (or
 * whole networks), configurations, seeds, modes, backends and planners,
 * and whose [slurm] section holds the resources of one job on a cluster.
 * regress_matrix_load reads and checks the file and expands it into jobs,
 * each with a stable id, sorted by id. */
#ifndef ACC_REGRESS_MATRIX_H
#define ACC_REGRESS_MATRIX_H

#include <stdint.h>

#include "core/util.h"

/* Size cap of a matrix file: 1 MiB. */
#define REGRESS_MATRIX_FILE_MAX ((size_t)1 << 20)
/* The most jobs a matrix may expand into. */
#define REGRESS_MAX_JOBS 100000
/* The largest seed (cJSON keeps numbers as doubles: 2^53). */
#define REGRESS_SEED_MAX ((uint64_t)1 << 53)

/* One job: one cosim run. */
typedef struct regress_job {
    char id[600];       /* "<layer>.<config>.s<seed>.<mode>.<backend>.<planner>[.<tag>]" */
    char net[64];       /* the catalog network of the layer, "" when none */
    char layer[256];    /* the LAYER= spec */
    char config[256];   /* the CONFIG= name or path, as the matrix gives it */
    char config_id[64]; /* its stem (build/rtl/<config_id>/cosim) */
    uint64_t seed;
    int stress;           /* 0: timing mode, 1: stress mode */
    uint32_t stress_seed; /* when stress */
    char backend[16];     /* rtl, iss, systemc */
    char planner[32];
    char args[512]; /* extra cosim arguments, split at blanks ("" when none) */
    char tag[64];   /* the set's tag, "" when none */
    char set[64];   /* the set's name */
    int line;       /* the line of the set's header in the matrix file */
} regress_job;

/* The [slurm] section; 0 and "" mean "not given". */
typedef struct regress_slurm {
    uint64_t mem_mb, time_min, cpus;
    char partition[128], account[128], args[512];
} regress_slurm;

typedef struct regress_matrix {
    char name[64];  /* [matrix] name, or the file's stem */
    char path[512]; /* the file as given */
    regress_job *jobs;
    int njobs;
    regress_slurm slurm;
} regress_matrix;

/* Reads the matrix file `path`, checks every field (a layer, network,
 * configuration and planner must exist; numbers in range; no empty list,
 * unknown section or key, duplicate job) and expands it.  Returns 0 with
 * *out filled (free with regress_matrix_free), or -1 with err naming the
 * file, line and field. */
int regress_matrix_load(const char *path, regress_matrix *out, acc_error *err);

/* The same from a buffer; `path` is used in messages and as m->path. */
int regress_matrix_parse(const char *text, const char *path, regress_matrix *out, acc_error *err);

void regress_matrix_free(regress_matrix *m);

/* MATRIX= as a file: a bare name (no '/', not ending in ".ini") is
 * regress/matrices/<name>.ini; anything else is the path itself.  Writes
 * into buf (size bytes) and returns it. */
char *regress_matrix_path(const char *name, char *buf, size_t size);

#endif
