/* pool.c - independent jobs in forked worker processes (pool.h). */
#include "cosim/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* ---------------------------------------------------------------- signals */

/* The signals forwarded to the workers, and the handlers they had before. */
static const int pool_sigs[] = {SIGINT, SIGTERM, SIGHUP};
#define POOL_NSIGS ((int)(sizeof(pool_sigs) / sizeof(pool_sigs[0])))
static struct sigaction pool_old[POOL_NSIGS];
static int pool_hooked[POOL_NSIGS];

/* The live workers' pids (0: a free slot), read by the handler. */
static volatile sig_atomic_t *pool_pids;
static volatile sig_atomic_t pool_slots;

/* Forwards the signal to every live worker, waits for them to end, then
 * runs the handler installed before (or the default action).  Only
 * async-signal-safe calls. */
static void forward(int sig)
{
    int saved = errno;
    for (int i = 0; i < pool_slots; i++)
        if (pool_pids[i] > 0)
            kill((pid_t)pool_pids[i], sig);
    for (int i = 0; i < pool_slots; i++)
        if (pool_pids[i] > 0) {
            while (waitpid((pid_t)pool_pids[i], NULL, 0) < 0 && errno == EINTR)
                ;
            pool_pids[i] = 0;
        }
    for (int k = 0; k < POOL_NSIGS; k++) {
        if (pool_sigs[k] != sig)
            continue;
        const struct sigaction *o = &pool_old[k];
        if (o->sa_flags & SA_SIGINFO) {
            o->sa_sigaction(sig, NULL, NULL);
        } else if (o->sa_handler == SIG_DFL) {
            /* delivered when this handler returns */
            signal(sig, SIG_DFL);
            raise(sig);
        } else if (o->sa_handler != SIG_IGN) {
            o->sa_handler(sig);
        }
    }
    errno = saved;
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int k = 0; k < POOL_NSIGS; k++)
        sigaddset(&set, pool_sigs[k]);
    sigprocmask(SIG_BLOCK, &set, old);
}

/* Installs `forward` on every signal that is not ignored. */
static void hook_signals(void)
{
    for (int k = 0; k < POOL_NSIGS; k++) {
        pool_hooked[k] = 0;
        if (sigaction(pool_sigs[k], NULL, &pool_old[k]) != 0 ||
            (!(pool_old[k].sa_flags & SA_SIGINFO) && pool_old[k].sa_handler == SIG_IGN))
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = forward;
        sigemptyset(&sa.sa_mask);
        for (int j = 0; j < POOL_NSIGS; j++)
            sigaddset(&sa.sa_mask, pool_sigs[j]);
        pool_hooked[k] = sigaction(pool_sigs[k], &sa, NULL) == 0;
    }
}

static void unhook_signals(void)
{
    for (int k = 0; k < POOL_NSIGS; k++)
        if (pool_hooked[k])
            sigaction(pool_sigs[k], &pool_old[k], NULL);
}

/* ---------------------------------------------------------------- workers */

typedef struct worker {
    pid_t pid; /* 0: free */
    int fd;    /* read end of the result pipe */
    int index; /* the job */
    size_t got;
    int extra; /* the worker sent more than a result */
} worker;

typedef struct pool {
    int n;
    size_t size;
    unsigned char *results;
    cosim_pool_job job;
    cosim_pool_done done;
    void *ctx;
    worker *w;
} pool;

static unsigned char *result_of(const pool *p, int index)
{
    return p->results + (size_t)index * p->size;
}

/* The worker: run the job, send the result, end without touching stdio. */
static void worker_main(const pool *p, int index, int fd, pid_t parent, const sigset_t *mask)
{
    unhook_signals();
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) /* the parent died before the line above */
        _exit(1);
#else
    (void)parent;
#endif
    sigprocmask(SIG_SETMASK, mask, NULL);
    unsigned char *res = result_of(p, index);
    memset(res, 0, p->size);
    p->job(index, res, p->ctx);
    for (size_t off = 0; off < p->size;) {
        ssize_t k = write(fd, res + off, p->size - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            _exit(1);
        off += (size_t)k;
    }
    _exit(0);
}

/* Starts job `index` in free slot `slot`; 0, or -1 (then p->done was called). */
static int start(pool *p, int slot, int index)
{
    int fds[2];
    char why[160];
    if (pipe(fds) != 0) {
        snprintf(why, sizeof(why), "cannot start a worker: pipe: %s", strerror(errno));
        goto fail;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fflush(NULL); /* the worker must not print what the parent buffered */
    sigset_t old;
    block_signals(&old);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        worker_main(p, index, fds[1], parent, &old);
    }
    int e = errno;
    close(fds[1]);
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(fds[0]);
        snprintf(why, sizeof(why), "cannot start a worker: fork: %s", strerror(e));
        goto fail;
    }
    p->w[slot] = (worker){pid, fds[0], index, 0, 0};
    pool_pids[slot] = (sig_atomic_t)pid;
    sigprocmask(SIG_SETMASK, &old, NULL);
    return 0;
fail:
    memset(result_of(p, index), 0, p->size);
    if (p->done)
        p->done(index, result_of(p, index), why, p->ctx);
    return -1;
}

/* Reaps the worker of `slot` whose pipe has closed and reports its job. */
static void finish(pool *p, int slot)
{
    worker *w = &p->w[slot];
    close(w->fd);
    sigset_t old;
    block_signals(&old);
    int st = 0;
    pid_t r;
    while ((r = waitpid(w->pid, &st, 0)) < 0 && errno == EINTR)
        ;
    pool_pids[slot] = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    char why[160];
    const char *failure = NULL;
    if (r < 0) {
        snprintf(why, sizeof(why), "worker %ld: waitpid: %s", (long)w->pid, strerror(errno));
        failure = why;
    } else if (WIFSIGNALED(st)) {
        snprintf(why, sizeof(why), "worker killed by signal %d (%s)", WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
        failure = why;
    } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(why, sizeof(why), "worker exited with status %d", WEXITSTATUS(st));
        failure = why;
    } else if (w->got != p->size || w->extra) {
        snprintf(why, sizeof(why), "worker sent %zu%s bytes of a %zu-byte result", w->got,
                 w->extra ? "+" : "", p->size);
        failure = why;
    }
    if (failure)
        memset(result_of(p, w->index), 0, p->size);
    w->pid = 0;
    if (p->done)
        p->done(w->index, result_of(p, w->index), failure, p->ctx);
}

/* Reads what the worker of `slot` sent; 1 when its pipe has closed. */
static int drain(pool *p, int slot)
{
    worker *w = &p->w[slot];
    unsigned char spare[64];
    unsigned char *buf = w->got < p->size ? result_of(p, w->index) + w->got : spare;
    size_t room = w->got < p->size ? p->size - w->got : sizeof(spare);
    ssize_t k = read(w->fd, buf, room);
    if (k < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (k <= 0)
        return 1;
    if (buf == spare)
        w->extra = 1;
    else
        w->got += (size_t)k;
    return 0;
}

void cosim_pool_run(int n, int jobs, const int *order, size_t result_size, void *results,
                    cosim_pool_job job, cosim_pool_done done, void *ctx)
{
    ACC_REQUIRE(n >= 0 && jobs >= 1 && result_size > 0 && (results || n == 0) && job);
    ACC_REQUIRE(!pool_pids);
    if (jobs > n)
        jobs = n;
    if (n == 0)
        return;
    pool p = {n, result_size, results, job, done, ctx, acc_calloc((size_t)jobs, sizeof(worker))};
    struct pollfd *pfd = acc_calloc((size_t)jobs, sizeof(*pfd));
    int *slot_of = acc_calloc((size_t)jobs, sizeof(int));
    pool_pids = acc_calloc((size_t)jobs, sizeof(*pool_pids));
    pool_slots = jobs;
    hook_signals();
    int next = 0, live = 0;
    while (next < n || live > 0) {
        for (int s = 0; s < jobs && next < n; s++)
            if (p.w[s].pid == 0 && start(&p, s, order ? order[next++] : next++) == 0)
                live++;
        int m = 0;
        for (int s = 0; s < jobs; s++)
            if (p.w[s].pid > 0) {
                pfd[m] = (struct pollfd){p.w[s].fd, POLLIN, 0};
                slot_of[m++] = s;
            }
        if (m == 0)
            continue;
        if (poll(pfd, (nfds_t)m, -1) < 0) {
            if (errno == EINTR)
                continue;
            ACC_REQUIRE(!"poll failed");
        }
        for (int i = 0; i < m; i++)
            if (pfd[i].revents && drain(&p, slot_of[i])) {
                finish(&p, slot_of[i]);
                live--;
            }
    }
    unhook_signals();
    pool_slots = 0;
    free((void *)pool_pids);
    pool_pids = NULL;
    free(slot_of);
    free(pfd);
    free(p.w);
}

int cosim_pool_cores(void)
{
    long k = sysconf(_SC_NPROCESSORS_ONLN);
    return k >= 1 ? (int)k : 1;
}
