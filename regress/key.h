/* key.h - the key of a regression job (docs/regress.md, "Keys and
 * FORCE=1"): a 64-bit FNV-1a hash, printed as 16 hex digits, of what
 * decides the job's result: its cosim arguments, the simulator binary it
 * runs (its content), the configuration file (its content), the layer's
 * shape, and the content of every argument that names a file.  A job whose
 * stored result has the same key is not run again. */
#ifndef ACC_REGRESS_KEY_H
#define ACC_REGRESS_KEY_H

#include <stddef.h>

#include "regress/matrix.h"

/* Writes the key of job `j` run by the simulator `sim` (a path) into
 * key (17 bytes: 16 hex digits and a NUL).  File contents are read once
 * per path and process (a cache).  Returns 0, or -1 with err when the
 * simulator, the configuration or the layer cannot be read. */
int regress_job_key(const regress_job *j, const char *sim, char key[17], acc_error *err);

/* Empties the cache of file hashes (a rebuilt file is read again). */
void regress_key_cache_clear(void);

#endif
