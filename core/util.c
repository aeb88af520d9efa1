/* util.c - allocation wrappers, errors, files (atomic writes, temporary
 * files removed on a signal, lock files), numbers, seeded RNG. */
#define _POSIX_C_SOURCE 200809L
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int acc_fail(acc_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void out_of_memory(size_t n)
{
    fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
    exit(2);
}

void *acc_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *acc_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *acc_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *acc_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = acc_malloc(n);
    memcpy(d, s, n);
    return d;
}

void acc_require_failed(const char *func, const char *cond)
{
    fprintf(stderr, "%s: API misuse: requirement '%s' failed\n", func, cond);
    abort();
}

char *acc_read_file(const char *path, size_t *len_out, acc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        acc_fail(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = acc_malloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = acc_realloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        acc_fail(err, "%s: read error", path);
        return NULL;
    }
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

int acc_write_file(const char *path, const void *data, size_t len, acc_error *err)
{
    /* A name of this process and call: concurrent writers of one path never
     * share a temporary file, so the renamed file is always one writer's. */
    static unsigned counter;
    size_t n = strlen(path) + 48;
    char *tmp = acc_malloc(n);
    snprintf(tmp, n, "%s.%ld.%u.tmp", path, (long)getpid(), counter++);
    int slot = acc_tmp_track(tmp);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        acc_fail(err, "%s: cannot create: %s", tmp, strerror(errno));
        acc_tmp_forget(slot);
        free(tmp);
        return -1;
    }
    int bad = fwrite(data, 1, len, f) != len;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        acc_tmp_forget(slot);
        acc_fail(err, "%s: write failed", path);
        free(tmp);
        return -1;
    }
    acc_tmp_forget(slot);
    free(tmp);
    return 0;
}

/* ---------------------------------------------------------------- signals */

/* The temporary files being written.  A slot is filled, then marked live;
 * the handler reads only live slots, and touches nothing else. */
#define TMP_SLOTS 16
#define TMP_PATH_MAX 4096
static char tmp_paths[TMP_SLOTS][TMP_PATH_MAX];
static volatile sig_atomic_t tmp_live[TMP_SLOTS];

int acc_tmp_track(const char *path)
{
    ACC_REQUIRE(path);
    size_t n = strlen(path);
    if (n >= TMP_PATH_MAX)
        return -1;
    for (int i = 0; i < TMP_SLOTS; i++)
        if (!tmp_live[i]) {
            memcpy(tmp_paths[i], path, n + 1);
            atomic_signal_fence(memory_order_seq_cst); /* the path before the mark */
            tmp_live[i] = 1;
            return i;
        }
    return -1;
}

void acc_tmp_forget(int slot)
{
    if (slot >= 0 && slot < TMP_SLOTS)
        tmp_live[slot] = 0;
}

static void cleanup_and_reraise(int sig)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (tmp_live[i])
            unlink(tmp_paths[i]);
    /* the default action, delivered when this handler returns (the signal is
     * blocked while it runs) */
    signal(sig, SIG_DFL);
    raise(sig);
}

int acc_cleanup_on_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) != 0)
            return -1;
        if (old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = cleanup_and_reraise;
        sigemptyset(&sa.sa_mask);
        if (sigaction(sigs[i], &sa, NULL) != 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- locks */

int acc_lock_take(const char *path, long *holder, acc_error *err)
{
    ACC_REQUIRE(path);
    if (holder)
        *holder = 0;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return acc_fail(err, "%s: cannot open the lock file: %s", path, strerror(errno));
    /* a holder that lets go between the failed take and the query frees the
     * lock for the next try */
    for (int attempt = 0; attempt < 3; attempt++) {
        struct flock fl;
        memset(&fl, 0, sizeof(fl));
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fcntl(fd, F_SETLK, &fl) == 0)
            return fd;
        if (errno != EACCES && errno != EAGAIN) {
            int e = errno;
            close(fd);
            return acc_fail(err, "%s: cannot lock: %s", path, strerror(e));
        }
        memset(&fl, 0, sizeof(fl));
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) {
            close(fd);
            if (holder)
                *holder = (long)fl.l_pid;
            acc_fail(err, "%s: locked by process %ld", path, (long)fl.l_pid);
            return ACC_LOCK_BUSY;
        }
    }
    close(fd);
    acc_fail(err, "%s: locked by another process", path);
    return ACC_LOCK_BUSY;
}

void acc_lock_release(int fd)
{
    if (fd >= 0)
        close(fd); /* closing drops the process's record locks on the file */
}

int acc_mkdirs(const char *dir, acc_error *err)
{
    char *p = acc_strdup(dir);
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c == '/' || c == '\0') {
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                acc_fail(err, "%s: cannot create directory: %s", p, strerror(errno));
                free(p);
                return -1;
            }
            *s = c;
        }
        if (c == '\0')
            break;
    }
    free(p);
    return 0;
}

int acc_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s)
            return -1;
    }
    uint64_t v = 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return -1;
        if ((uint64_t)d > max || v > (max - (uint64_t)d) / (uint64_t)base)
            return -1;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return 0;
}

void acc_rng_seed(acc_rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t acc_rng_next(acc_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int8_t acc_rng_i8(acc_rng *r)
{
    return (int8_t)(uint8_t)(acc_rng_next(r) >> 56);
}

double acc_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
