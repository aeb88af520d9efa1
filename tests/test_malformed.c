/* test_malformed.c - every malformed input under tests/data/ is rejected
 * with its documented error.  A case is a file tests/data/<name> with a
 * sibling <name>.err: line 1 is a substring the error must contain, an
 * optional line 2 "cmd: ..." the command ({} = the file, {out} = an output
 * folder of the case's own, $ACC_BIN = the tools).  Default commands by extension are in
 * default_cmd().  Every case is taken (none dropped: a case that cannot be read fails with the
 * reason), and fewer than MIN_CASES cases fail the suite. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The number of .err files under tests/data/ when this minimum was set;
 * fewer means cases were lost (a missing or half-copied folder). */
#define MIN_CASES 142

typedef struct mcase {
    char file[512];
    char expect[512];
    char cmd[512];
    char problem[256]; /* why the case cannot run as written (the test fails) */
} mcase;

static const char *data_dir(void)
{
    const char *d = getenv("ACC_TEST_DATA");
    return d ? d : "tests/data";
}

static const char *default_cmd(const char *file)
{
    const char *dot = strrchr(file, '.');
    if (!dot)
        return NULL;
    if (strcmp(dot, ".csv") == 0)
        return "$ACC_BIN/layers --csv {}";
    if (strcmp(dot, ".ini") == 0)
        return "$ACC_BIN/asm --config {}";
    if (strcmp(dot, ".sched") == 0)
        return "$ACC_BIN/asm {} -o /dev/null";
    if (strcmp(dot, ".bin") == 0)
        return "$ACC_BIN/asm -d {}";
    return NULL;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static int is_err_file(const char *name)
{
    size_t len = strlen(name);
    return len >= 5 && strcmp(name + len - 4, ".err") == 0;
}

/* Fills one case from tests/data/<name>.err; a case that cannot be read
 * keeps the reason in c->problem instead of being dropped. */
static void read_case(const char *err_name, mcase *c)
{
    memset(c, 0, sizeof(*c));
    size_t len = strlen(err_name);
    if (snprintf(c->file, sizeof(c->file), "%s/%.*s", data_dir(), (int)(len - 4), err_name) >=
        (int)sizeof(c->file)) {
        snprintf(c->problem, sizeof(c->problem), "%.200s: path too long", err_name);
        return;
    }
    char errpath[600];
    snprintf(errpath, sizeof(errpath), "%s.err", c->file);
    FILE *f = fopen(errpath, "r");
    if (!f) {
        snprintf(c->problem, sizeof(c->problem), "%.200s: cannot open", err_name);
        return;
    }
    char line[512];
    if (fgets(line, sizeof(line), f)) {
        chomp(line);
        snprintf(c->expect, sizeof(c->expect), "%s", line);
    }
    if (fgets(line, sizeof(line), f) && strncmp(line, "cmd: ", 5) == 0) {
        chomp(line);
        snprintf(c->cmd, sizeof(c->cmd), "%s", line + 5);
    } else {
        const char *dc = default_cmd(c->file);
        snprintf(c->cmd, sizeof(c->cmd), "%s", dc ? dc : "");
    }
    fclose(f);
    if (access(c->file, R_OK) != 0)
        snprintf(c->problem, sizeof(c->problem), "%.200s: the input it describes is missing",
                 err_name);
}

static int by_file(const void *a, const void *b)
{
    return strcmp(((const mcase *)a)->file, ((const mcase *)b)->file);
}

/* Every case of the data folder, sorted by file (the caller frees the
 * array); *n is their number (0 when the folder cannot be opened). */
static mcase *collect_cases(size_t *n)
{
    size_t cap = 64;
    mcase *cases = malloc(cap * sizeof(mcase));
    cr_assert_not_null(cases);
    *n = 0;
    DIR *d = opendir(data_dir());
    if (!d)
        return cases;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!is_err_file(e->d_name))
            continue;
        if (*n == cap) {
            cap *= 2;
            cases = realloc(cases, cap * sizeof(mcase));
            cr_assert_not_null(cases);
        }
        read_case(e->d_name, &cases[(*n)++]);
    }
    closedir(d);
    qsort(cases, *n, sizeof(mcase), by_file);
    return cases;
}

/* The parameters live in Criterion's memory, shared with the test
 * processes: one block of exactly the collected cases. */
ParameterizedTestParameters(malformed, input_is_rejected_with_its_documented_error)
{
    size_t n;
    mcase *cases = collect_cases(&n);
    mcase *shared = cr_malloc((n ? n : 1) * sizeof(mcase));
    memcpy(shared, cases, n * sizeof(mcase));
    free(cases);
    return cr_make_param_array(mcase, shared, n);
}

/* Counts the .err files of the data folder; -1 when it cannot be opened. */
static int count_err_files(void)
{
    DIR *d = opendir(data_dir());
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += is_err_file(e->d_name);
    closedir(d);
    return n;
}

Test(malformed, every_case_of_the_data_folder_is_collected)
{
    int files = count_err_files();
    cr_assert_geq(files, 0, "cannot open %s", data_dir());
    size_t n;
    mcase *cases = collect_cases(&n);
    size_t unsorted = 0; /* 1 + the index of a case out of order, or 0 */
    for (size_t i = 1; i < n && !unsorted; i++)
        if (strcmp(cases[i - 1].file, cases[i].file) >= 0)
            unsorted = i + 1;
    free(cases);
    cr_assert_eq(n, (size_t)files, "%zu cases from %d .err files", n, files);
    cr_assert_geq(n, MIN_CASES, "%zu cases in %s, expected at least %d: cases were lost", n,
                  data_dir(), MIN_CASES);
    cr_assert_eq(unsorted, 0, "case %zu is out of order or a duplicate", unsorted - 1);
}

/* Expands {}, {out} (build/test-out/malformed/<case>: runs in parallel must
 * not share an output folder) and $ACC_BIN. */
static void expand(const mcase *c, char *out, size_t size)
{
    const char *bin = getenv("ACC_BIN");
    if (!bin)
        bin = "build/bin";
    size_t o = 0;
    for (const char *p = c->cmd; *p && o + 1 < size; p++) {
        if (p[0] == '{' && p[1] == '}') {
            o += (size_t)snprintf(out + o, size - o, "'%s'", c->file);
            p++;
        } else if (strncmp(p, "{out}", 5) == 0) { /* an output folder of the case's own */
            const char *base = strrchr(c->file, '/');
            o += (size_t)snprintf(out + o, size - o, "'build/test-out/malformed/%s'",
                                  base ? base + 1 : c->file);
            p += 4;
        } else if (strncmp(p, "$ACC_BIN", 8) == 0) {
            o += (size_t)snprintf(out + o, size - o, "%s", bin);
            p += 7;
        } else {
            out[o++] = *p;
        }
        if (o >= size)
            o = size - 1;
    }
    out[o] = '\0';
}

ParameterizedTest(mcase *c, malformed, input_is_rejected_with_its_documented_error)
{
    cr_assert(c->problem[0] == '\0', "%s", c->problem);
    cr_assert(c->cmd[0] != '\0', "%s: no command for this extension; add a cmd: line", c->file);
    cr_assert(c->expect[0] != '\0', "%s.err: empty expectation", c->file);
    char cmd[2048], full[2100];
    expand(c, cmd, sizeof(cmd));
    snprintf(full, sizeof(full), "%s 2>&1 >/dev/null", cmd);
    FILE *p = popen(full, "r");
    cr_assert(p != NULL);
    char out[8192];
    size_t len = fread(out, 1, sizeof(out) - 1, p);
    out[len] = '\0';
    int status = pclose(p);
    cr_assert(WIFEXITED(status), "%s: killed by a signal (crash?): %s", c->file, out);
    cr_assert(WEXITSTATUS(status) != 0, "%s: exit status 0 for malformed input", c->file);
    cr_assert(WEXITSTATUS(status) != 127, "%s: command not found: %s", c->file, cmd);
    cr_assert(strstr(out, c->expect) != NULL, "%s: error message\n  %s\nlacks '%s'", c->file, out,
              c->expect);
}
