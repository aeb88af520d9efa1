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

/* Bytes of a too-long message kept from its start (the rest of the buffer
 * goes to its end). */
#define FAIL_HEAD 120

int acc_fail(acc_error *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    const size_t size = sizeof(err->msg);
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(err->msg, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= size) {
        /* too long: keep the start (the file named first) and the end (the
         * reason stated last), the middle replaced by "..." */
        char *full = malloc((size_t)n + 1);
        if (full) {
            vsnprintf(full, (size_t)n + 1, fmt, again);
            size_t tail = size - 1 - FAIL_HEAD - 3;
            memcpy(err->msg, full, FAIL_HEAD);
            memcpy(err->msg + FAIL_HEAD, "...", 3);
            memcpy(err->msg + FAIL_HEAD + 3, full + (size_t)n - tail, tail + 1);
            free(full);
        }
    }
    va_end(again);
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

/* Sizes in messages: "300 MiB" when exact, else bytes. */
static void size_text(char *buf, size_t n, uint64_t bytes)
{
    if (bytes >= ((uint64_t)1 << 20) && bytes % ((uint64_t)1 << 20) == 0)
        snprintf(buf, n, "%llu MiB", (unsigned long long)(bytes >> 20));
    else
        snprintf(buf, n, "%llu bytes", (unsigned long long)bytes);
}

/* `size` is the file's size, or 0 when unknown (a pipe). */
static char *too_big(const char *path, uint64_t size, size_t max, acc_error *err)
{
    char cap[32], got[48] = "";
    size_text(cap, sizeof cap, max);
    if (size)
        snprintf(got, sizeof got, " (%llu bytes)", (unsigned long long)size);
    acc_fail(err,
             "%s: larger than %s%s, the size limit of this input (docs/formats.md, \"Input "
             "size limits\")",
             path, cap, got);
    return NULL;
}

static char *not_regular(const char *path, mode_t mode, acc_error *err)
{
    acc_fail(err, "%s: not a regular file (%s); give a file", path,
             S_ISDIR(mode)   ? "a directory"
             : S_ISCHR(mode) ? "a character device"
             : S_ISBLK(mode) ? "a block device"
                             : "a socket or another special file");
    return NULL;
}

char *acc_read_file_max(const char *path, size_t max, size_t *len_out, acc_error *err)
{
    ACC_REQUIRE(path != NULL && max < SIZE_MAX);
    /* the type from the path first, so that a device is never opened */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
        return not_regular(path, st.st_mode, err);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        acc_fail(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        acc_fail(err, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
        close(fd);
        return not_regular(path, st.st_mode, err);
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > (uint64_t)max) {
        close(fd);
        return too_big(path, (uint64_t)st.st_size, max, err);
    }
    /* read to the end, at most max + 1 bytes (a file may grow after fstat) */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 4096, len = 0;
    char *buf = acc_malloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap = cap > max / 2 ? max + 2 : 2 * cap;
            buf = acc_realloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            acc_fail(err, "%s: read error: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max) {
            free(buf);
            close(fd);
            return too_big(path, 0, max, err);
        }
    }
    close(fd);
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

char *acc_read_file(const char *path, size_t *len_out, acc_error *err)
{
    return acc_read_file_max(path, ACC_FILE_MAX, len_out, err);
}

char *acc_tmp_name(const char *path)
{
    /* A name of this process and call: concurrent writers of one path never
     * share a temporary file, so the renamed file is always one writer's. */
    static unsigned counter;
    ACC_REQUIRE(path);
    size_t n = strlen(path) + 48;
    char *tmp = acc_malloc(n);
    snprintf(tmp, n, "%s.%ld.%u.tmp", path, (long)getpid(), counter++);
    return tmp;
}

int acc_write_file(const char *path, const void *data, size_t len, acc_error *err)
{
    char *tmp = acc_tmp_name(path);
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

int acc_lock_claim(const char *path, const char *what, const char *option, acc_error *err)
{
    ACC_REQUIRE(path && what && option);
    long holder = 0;
    acc_error lerr;
    int fd = acc_lock_take(path, &holder, &lerr);
    if (fd == ACC_LOCK_BUSY) {
        char who[32] = "pid unknown";
        if (holder > 0)
            snprintf(who, sizeof(who), "pid %ld", holder);
        return acc_fail(err,
                        "%s in use by another run (%s, lock %s); wait for it to finish or give "
                        "another %s",
                        what, who, path, option);
    }
    if (fd < 0)
        return acc_fail(err, "%s", lerr.msg);
    return fd;
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

uint64_t acc_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

void acc_xml_escape(FILE *f, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        switch (*c) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        case '\n':
            fputs("&#10;", f);
            break;
        case '\t':
            fputs("&#9;", f);
            break;
        default:
            fputc(*c < 0x20 || *c == 0x7f ? '?' : *c, f);
        }
    }
}
