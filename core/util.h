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
#include <stdio.h>

/* An error message filled by any function that can fail on bad input.  The
 * message is a complete sentence such as
 *   "layers/foo.csv:3: field 'stride': expected a positive integer, got 'x'". */
typedef struct acc_error {
    char msg[512];
} acc_error;

/* Formats into err->msg (printf style); err may be NULL.  Always returns -1 so
 * that callers can write `return acc_fail(err, ...)`.  A message longer than
 * the buffer keeps its first 120 bytes and its last 388, the middle replaced
 * by "...": a message names the file first and states the reason last, so a
 * long path loses its middle and never the reason. */
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

/* The size cap of an input file that names none of its own (test
 * expectations, reports read back, JSON): 64 MiB.  Every format's own cap is
 * beside its reader (ACC_CSV_FILE_MAX, ACC_SCHED_FILE_MAX, ...); the table is
 * docs/formats.md, "Input size limits". */
#define ACC_FILE_MAX ((size_t)64 << 20)

/* Reads a whole input file into a NUL-terminated buffer (caller frees);
 * *len_out (may be NULL) gets its length.  The one file reader of every
 * parser.  `max` is the input's size cap in bytes: a regular file larger than
 * `max` is refused before a byte is read; a pipe (FIFO) is read up to `max`
 * bytes and refused beyond; anything else (a device such as /dev/zero, a
 * directory, a socket) is refused as not a regular file, because its size is
 * unknown and its reads may never end.  Returns NULL with err naming the path
 * on each of these, and when the file cannot be opened or read. */
char *acc_read_file_max(const char *path, size_t max, size_t *len_out, acc_error *err);

/* acc_read_file_max with the cap ACC_FILE_MAX. */
char *acc_read_file(const char *path, size_t *len_out, acc_error *err);

/* Writes `len` bytes to `path` atomically: the data goes to a temporary file
 * named after the path, this process and this call (`path.<pid>.<n>.tmp`)
 * and is renamed into place only when complete, so a failed run never leaves
 * a half-written file and concurrent writers never mix bytes.  While it is
 * written the temporary file is tracked (acc_tmp_track), so that a signal
 * handled by acc_cleanup_on_signals removes it.  Returns 0 or -1 with err
 * filled. */
int acc_write_file(const char *path, const void *data, size_t len, acc_error *err);

/* A temporary name for a file that is written elsewhere than through
 * acc_write_file and renamed to `path` when complete (a waveform):
 * `path.<pid>.<n>.tmp`, n counting the calls of this process, as
 * acc_write_file's own.  Caller frees; track it with acc_tmp_track while
 * it exists. */
char *acc_tmp_name(const char *path);

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that unlink every tracked
 * temporary file (acc_tmp_track), then end the process by the same signal
 * (its default action, so the parent sees the signal).  A signal that is
 * ignored when this is called (a background job's SIGINT, nohup's SIGHUP)
 * stays ignored.  The handlers use only async-signal-safe calls.  Call it
 * once, at the start of a program's main; 0, or -1 when sigaction fails. */
int acc_cleanup_on_signals(void);

/* Tracks `path` (copied) as a temporary file that the handlers of
 * acc_cleanup_on_signals unlink.  Returns a slot for acc_tmp_forget, or -1
 * when every one of the 16 slots is taken or the path is longer than 4095
 * bytes (the file is then not removed on a signal).  Not thread-safe: one
 * thread writes files. */
int acc_tmp_track(const char *path);

/* Stops tracking the file of `slot` (a value of acc_tmp_track; -1 is
 * ignored).  Call it once the file was renamed or removed. */
void acc_tmp_forget(int slot);

/* What acc_lock_take returns when another process holds the lock. */
#define ACC_LOCK_BUSY (-2)

/* Takes the exclusive lock of the file `path` (created, empty, if missing):
 * a POSIX record lock (fcntl F_SETLK) on the whole file, held until
 * acc_lock_release or the end of the process, however it ends.  The lock
 * belongs to the process: a process must not take one path twice (the
 * second take succeeds and the first release drops both).  Returns a file
 * descriptor >= 0 (close-on-exec); ACC_LOCK_BUSY when another process holds
 * the lock, with *holder set to its pid (0 if it let go meanwhile and the
 * lock is still taken) and err filled ("<path>: locked by process N"); -1
 * with err when the file cannot be opened or locked.  holder may be NULL. */
int acc_lock_take(const char *path, long *holder, acc_error *err);

/* acc_lock_take for a run that must have the lock: the fd, or -1 with err
 * saying "<what> in use by another run (pid N, lock <path>); wait for it to
 * finish or give another <option>" when another process holds it, or why
 * the lock cannot be taken. */
int acc_lock_claim(const char *path, const char *what, const char *option, acc_error *err);

/* Releases a lock of acc_lock_take (fd < 0 is ignored); the file stays. */
void acc_lock_release(int fd);

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

/* FNV-1a, 64 bits: h (ACC_FNV1A_BASIS to start) extended by n bytes of
 * data.  Keys of caches (the plan cache, a regression's job keys); not a
 * cryptographic hash. */
#define ACC_FNV1A_BASIS 0xcbf29ce484222325ull
uint64_t acc_fnv1a(uint64_t h, const void *data, size_t n);

/* Writes s (NULL: nothing) to f escaped for XML and HTML text and attribute
 * values: & < > " ' as references, newline and tab as character
 * references (kept in attributes), and the characters XML 1.0 cannot hold
 * (other controls) as '?'.  Used by the SVG timeline, the HTML index and the
 * JUnit file. */
void acc_xml_escape(FILE *f, const char *s);

#endif
