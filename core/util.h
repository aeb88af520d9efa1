/* util.h - allocation, error reporting and small helpers shared by every
 * component.  Errors come in three tiers (see docs/formats.md):
 *   - expected failures (bad file, infeasible layer) return a non-zero status
 *     and fill an acc_error with a message naming file, line and field;
 *   - API misuse aborts through ACC_REQUIRE with the function name;
 *   - internal invariants are plain assert().
 * Out-of-memory is handled once, in acc_malloc/acc_calloc/acc_realloc, which
 * print a message and exit(2); callers never check for NULL. */
#ifndef ACC_UTIL_H
#define ACC_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* An error message filled by any function that can fail on bad input.  The
 * message is a complete sentence such as
 *   "layers/foo.csv:3: field 'stride': expected a positive integer, got 'x'". */
typedef struct acc_error {
    char msg[512];
} acc_error;

/* Formats into err->msg (printf style); err may be NULL.  Always returns -1 so
 * that callers can write `return acc_fail(err, ...)`. */
int acc_fail(acc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Allocation wrappers: never return NULL (exit(2) with a message instead).
 * acc_calloc zero-fills.  Free with free(). */
void *acc_malloc(size_t n);
void *acc_calloc(size_t count, size_t size);
void *acc_realloc(void *p, size_t n);
char *acc_strdup(const char *s);

/* API misuse: aborts with the calling function's name and the condition. */
void acc_require_failed(const char *func, const char *cond) __attribute__((noreturn));
#define ACC_REQUIRE(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            acc_require_failed(__func__, #cond);                                                   \
    } while (0)

static inline int64_t acc_ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}
static inline int64_t acc_max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}
static inline int64_t acc_min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}
static inline uint64_t acc_align_up(uint64_t a, uint64_t align)
{
    return (a + align - 1) / align * align;
}

/* Reads a whole file into a NUL-terminated buffer (caller frees).  Returns
 * NULL and fills err when the file cannot be read. */
char *acc_read_file(const char *path, size_t *len_out, acc_error *err);

/* Writes `len` bytes to `path` atomically: the data goes to a temporary file
 * named after the path, this process and this call (`path.<pid>.<n>.tmp`)
 * and is renamed into place only when complete, so a failed run never leaves
 * a half-written file and concurrent writers never mix bytes.  Returns 0 or
 * -1 with err filled. */
int acc_write_file(const char *path, const void *data, size_t len, acc_error *err);

/* Creates every missing directory of `dir` (like mkdir -p).  0 or -1. */
int acc_mkdirs(const char *dir, acc_error *err);

/* Parses an unsigned integer (decimal or 0x hex) occupying all of `s`.
 * Returns 0 on success, -1 on junk, sign or overflow above `max`. */
int acc_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Seconds on the monotonic clock (CLOCK_MONOTONIC), for elapsed times. */
double acc_now_seconds(void);

/* A progress hook of a long phase (the validator, the iss, golden): called
 * now and then with the work done so far out of the total.  A nonzero
 * return asks the phase to stop early, where its contract says it can (the
 * iss can); phases that always finish ignore the return value. */
typedef int (*acc_progress_fn)(void *ctx, int64_t done, int64_t total);

/* Deterministic pseudo-random generator (splitmix64) for seeded tensors. */
typedef struct acc_rng {
    uint64_t state;
} acc_rng;
void acc_rng_seed(acc_rng *r, uint64_t seed);
uint64_t acc_rng_next(acc_rng *r);
/* Uniform int8 in [-128, 127]. */
int8_t acc_rng_i8(acc_rng *r);

#endif
