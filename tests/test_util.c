/* test_util.c - the shared helpers of core/util.h: integer parsing at every
 * bound, atomic file writes, temporary files removed on a signal, lock
 * files, the input reader's size caps and file types, and error messages
 * too long for their buffer. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"

Test(util, parse_u64_accepts_values_up_to_the_maximum)
{
    uint64_t v = 0;
    cr_assert_eq(acc_parse_u64("5", 5, &v), 0);
    cr_assert_eq(v, 5);
    cr_assert_eq(acc_parse_u64("0x1f", 31, &v), 0);
    cr_assert_eq(v, 31);
    cr_assert_eq(acc_parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
    cr_assert_eq(v, UINT64_MAX);
}

/* A digit larger than a small maximum once made `max - digit` wrap around,
 * so any single digit passed the bound check. */
Test(util, parse_u64_rejects_a_single_digit_above_a_small_maximum)
{
    uint64_t v = 0;
    cr_assert_eq(acc_parse_u64("9", 5, &v), -1, "9 > 5 accepted as %llu", (unsigned long long)v);
    cr_assert_eq(acc_parse_u64("0xf", 3, &v), -1);
    cr_assert_eq(acc_parse_u64("1", 0, &v), -1);
    cr_assert_eq(acc_parse_u64("6", 5, &v), -1);
    cr_assert_eq(acc_parse_u64("16", 15, &v), -1);
}

Test(util, parse_u64_rejects_junk_signs_and_overflow)
{
    uint64_t v = 0;
    const char *bad[] = {"", "-1", "+1", " 1", "1 ", "0x", "12a", "0xg", "18446744073709551616"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(acc_parse_u64(bad[i], UINT64_MAX, &v), -1, "'%s' accepted", bad[i]);
}

/* Writes land whole under the final name and leave no temporary file. */
Test(util, write_file_replaces_the_file_and_leaves_no_temporary)
{
    char dir[] = "/tmp/acc_util_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/out.bin", dir);
    acc_error err;
    cr_assert_eq(acc_write_file(path, "first", 5, &err), 0, "%s", err.msg);
    cr_assert_eq(acc_write_file(path, "second", 6, &err), 0, "%s", err.msg);
    size_t len = 0;
    char *text = acc_read_file(path, &len, &err);
    cr_assert_not_null(text, "%s", err.msg);
    cr_assert_str_eq(text, "second");
    free(text);
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        entries++;
        cr_assert_str_eq(e->d_name, "out.bin", "left behind: %s", e->d_name);
    }
    closedir(d);
    cr_assert_eq(entries, 1);
    remove(path);
    rmdir(dir);
}

Test(util, write_file_into_a_missing_directory_fails_naming_the_path)
{
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(acc_write_file("/nonexistent-dir/x.bin", "x", 1, &err), -1);
    cr_assert(strstr(err.msg, "/nonexistent-dir/x.bin") != NULL, "message: %s", err.msg);
}

/* ---------------------------------------------------------------- signals */

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* In a child: handlers installed, two temporary files of which one is still
 * tracked, then `sig`.  Returns how the child ended (a wait status). */
static int child_gets_signal(int sig, int ignore_first, const char *live, const char *done)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        /* the disposition the test means, whatever the runner left
         * (under nohup SIGHUP arrives ignored) */
        signal(sig, ignore_first ? SIG_IGN : SIG_DFL);
        if (acc_cleanup_on_signals() != 0)
            _exit(10);
        if (acc_write_file(live, "x", 1, NULL) || acc_write_file(done, "y", 1, NULL))
            _exit(11);
        int slot = acc_tmp_track(live);
        acc_tmp_forget(acc_tmp_track(done)); /* renamed: no longer temporary */
        if (slot < 0)
            _exit(12);
        raise(sig);
        _exit(3); /* only when the signal is ignored */
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return st;
}

Test(util, a_signal_removes_the_tracked_temporary_files_and_ends_the_process)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    char dir[] = "/tmp/acc_util_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char live[128], done[128];
    snprintf(live, sizeof(live), "%s/report.json.1.0.tmp", dir);
    snprintf(done, sizeof(done), "%s/report.json", dir);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        int st = child_gets_signal(sigs[i], 0, live, done);
        cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i],
                  "signal %d: the process ends by it (status 0x%x)", sigs[i], st);
        cr_assert_not(exists(live), "signal %d: the tracked temporary file was removed", sigs[i]);
        cr_assert(exists(done), "signal %d: a file no longer tracked stays", sigs[i]);
        remove(done);
    }
    rmdir(dir);
}

Test(util, a_signal_ignored_before_the_handlers_stays_ignored)
{
    char dir[] = "/tmp/acc_util_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char live[128], done[128];
    snprintf(live, sizeof(live), "%s/a.tmp", dir);
    snprintf(done, sizeof(done), "%s/b", dir);
    int st = child_gets_signal(SIGINT, 1, live, done);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status 0x%x", st);
    cr_assert(exists(live), "nothing was removed");
    remove(live);
    remove(done);
    rmdir(dir);
}

Test(util, tmp_track_refuses_when_full_and_reuses_forgotten_slots)
{
    int slots[16];
    for (int i = 0; i < 16; i++) {
        slots[i] = acc_tmp_track("/tmp/never-created.tmp");
        cr_assert_geq(slots[i], 0, "slot %d", i);
    }
    cr_assert_eq(acc_tmp_track("/tmp/one-too-many.tmp"), -1, "16 slots");
    acc_tmp_forget(slots[5]);
    cr_assert_eq(acc_tmp_track("/tmp/again.tmp"), slots[5]);
    for (int i = 0; i < 16; i++)
        acc_tmp_forget(slots[i]);
    acc_tmp_forget(-1); /* a path that was not tracked */
}

/* ---------------------------------------------------------------- locks */

Test(util, a_lock_is_exclusive_between_processes_and_names_its_holder)
{
    char dir[] = "/tmp/acc_util_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/.lock", dir);
    acc_error err;
    int fd = acc_lock_take(path, NULL, &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    for (int round = 0; round < 2; round++) {
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) { /* round 0: the parent holds it; round 1: it was released */
            long holder = -1;
            acc_error cerr;
            int cfd = acc_lock_take(path, &holder, &cerr);
            if (round == 1)
                _exit(cfd >= 0 ? 0 : 1);
            char want[160];
            snprintf(want, sizeof(want), "%s: locked by process %ld", path, (long)getppid());
            _exit(cfd == ACC_LOCK_BUSY && holder == (long)getppid() && !strcmp(cerr.msg, want) ? 0
                                                                                               : 2);
        }
        int st;
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "round %d: status 0x%x", round, st);
        if (round == 0)
            acc_lock_release(fd);
    }
    cr_assert(exists(path), "the lock file stays");
    remove(path);
    rmdir(dir);
}

Test(util, a_lock_in_a_missing_directory_fails_naming_the_path)
{
    acc_error err;
    err.msg[0] = '\0';
    long holder = -1;
    cr_assert_eq(acc_lock_take("/nonexistent-dir/.lock", &holder, &err), -1);
    cr_assert_eq(holder, 0);
    cr_assert(strstr(err.msg, "/nonexistent-dir/.lock") != NULL, "message: %s", err.msg);
    acc_lock_release(-1);
}

/* ------------------------------------------------------------ input limits */

/* A fresh file of `len` bytes of 'a' in a fresh directory; returns its path
 * (static storage) and the directory in dir. */
static const char *sized_file(char dir[32], size_t len)
{
    static char path[64];
    snprintf(dir, 32, "/tmp/acc_util_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/in.txt", dir);
    char *data = malloc(len + 1);
    cr_assert_not_null(data);
    memset(data, 'a', len);
    acc_error err;
    cr_assert_eq(acc_write_file(path, data, len, &err), 0, "%s", err.msg);
    free(data);
    return path;
}

Test(util, read_file_takes_a_file_up_to_its_cap_and_refuses_one_byte_more)
{
    char dir[32];
    const char *path = sized_file(dir, 100);
    acc_error err;
    size_t len = 0;
    char *text = acc_read_file_max(path, 100, &len, &err);
    cr_assert_not_null(text, "%s", err.msg);
    cr_assert_eq(len, 100);
    cr_assert_eq(text[100], '\0');
    free(text);
    err.msg[0] = '\0';
    cr_assert_null(acc_read_file_max(path, 99, &len, &err));
    cr_assert(strstr(err.msg, path) && strstr(err.msg, "larger than 99 bytes (100 bytes)") &&
                  strstr(err.msg, "Input size limits"),
              "%s", err.msg);
    remove(path);
    rmdir(dir);
}

Test(util, read_file_refuses_a_directory_and_a_device)
{
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_null(acc_read_file("/tmp", NULL, &err));
    cr_assert(strstr(err.msg, "/tmp: not a regular file (a directory)"), "%s", err.msg);
    err.msg[0] = '\0';
    cr_assert_null(acc_read_file_max("/dev/zero", 1 << 20, NULL, &err));
    cr_assert(strstr(err.msg, "/dev/zero: not a regular file (a character device)"), "%s", err.msg);
}

/* A pipe has no size: it is read up to the cap and refused beyond it. */
Test(util, read_file_reads_a_pipe_up_to_its_cap)
{
    char dir[] = "/tmp/acc_util_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char fifo[64], cmd[256];
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    for (int over = 0; over <= 1; over++) {
        /* a writer of 5000 bytes; a cap of 5000 takes them, 4999 does not */
        snprintf(cmd, sizeof(cmd), "head -c 5000 /dev/zero | tr '\\0' b > %s &", fifo);
        cr_assert_eq(system(cmd), 0);
        acc_error err;
        err.msg[0] = '\0';
        size_t len = 0;
        char *text = acc_read_file_max(fifo, 5000 - (size_t)over, &len, &err);
        if (over) {
            cr_assert_null(text);
            cr_assert(strstr(err.msg, "larger than 4999 bytes"), "%s", err.msg);
        } else {
            cr_assert_not_null(text, "%s", err.msg);
            cr_assert_eq(len, 5000);
            free(text);
        }
    }
    remove(fifo);
    rmdir(dir);
}

/* The message of a failure keeps the reason when the path is long: the
 * middle of the message gives way. */
Test(util, fail_keeps_the_start_and_the_reason_of_a_message_too_long_to_fit)
{
    char path[1001];
    memset(path, 'd', 1000);
    path[0] = '/';
    path[1000] = '\0';
    acc_error err;
    cr_assert_eq(acc_fail(&err, "%s:7: field 'n': expected three numbers", path), -1);
    cr_assert_lt(strlen(err.msg), sizeof(err.msg));
    cr_assert(strncmp(err.msg, "/ddd", 4) == 0, "%s", err.msg);
    cr_assert(strstr(err.msg, "..."), "%s", err.msg);
    size_t n = strlen(err.msg);
    const char *end = "ddd:7: field 'n': expected three numbers";
    cr_assert(n > strlen(end) && strcmp(err.msg + n - strlen(end), end) == 0, "%s", err.msg);
    /* a message that fits is untouched */
    acc_fail(&err, "%s", "short");
    cr_assert_str_eq(err.msg, "short");
}

Test(util, xml_escape_writes_references_and_replaces_what_xml_cannot_hold)
{
    char buf[256] = {0};
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    cr_assert_not_null(f);
    acc_xml_escape(f, "a<b>&\"c'\n\t\x01\x7f"
                      "d");
    acc_xml_escape(f, NULL);
    fclose(f);
    cr_assert_str_eq(buf, "a&lt;b&gt;&amp;&quot;c&#39;&#10;&#9;??d");
}

Test(util, fnv1a_gives_the_published_test_vectors)
{
    /* FNV-1a 64-bit test vectors of the FNV reference (Fowler, Noll, Vo) */
    cr_assert_eq(acc_fnv1a(ACC_FNV1A_BASIS, "", 0), 0xcbf29ce484222325ull);
    cr_assert_eq(acc_fnv1a(ACC_FNV1A_BASIS, "a", 1), 0xaf63dc4c8601ec8cull);
    cr_assert_eq(acc_fnv1a(ACC_FNV1A_BASIS, "foobar", 6), 0x85944171f73967e8ull);
    /* extending by parts is hashing the whole */
    cr_assert_eq(acc_fnv1a(acc_fnv1a(ACC_FNV1A_BASIS, "foo", 3), "bar", 3), 0x85944171f73967e8ull);
}
