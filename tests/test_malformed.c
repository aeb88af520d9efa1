/* test_malformed.c - every malformed input under tests/data/ is rejected
 * with its documented error.  A case is a file tests/data/<name> with a
 * sibling <name>.err: line 1 is a substring the error must contain, an
 * optional line 2 "cmd: ..." the command ({} = the file, $ACC_BIN = the
 * tools).  Default commands by extension are in default_cmd(). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

typedef struct mcase {
    char file[256];
    char expect[512];
    char cmd[512];
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

ParameterizedTestParameters(malformed, input_is_rejected_with_its_documented_error)
{
    DIR *d = opendir(data_dir());
    if (!d)
        cr_assert_fail("cannot open %s", data_dir());
    size_t n = 0, cap = 256;
    mcase *cases = cr_malloc(cap * sizeof(mcase));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".err") != 0 || n == cap)
            continue;
        mcase *c = &cases[n];
        memset(c, 0, sizeof(*c));
        if (snprintf(c->file, sizeof(c->file), "%s/%.*s", data_dir(), (int)(len - 4),
                     e->d_name) >= (int)sizeof(c->file))
            continue;
        char errpath[300];
        if (snprintf(errpath, sizeof(errpath), "%s/%s", data_dir(), e->d_name) >=
            (int)sizeof(errpath))
            continue;
        FILE *f = fopen(errpath, "r");
        if (!f)
            continue;
        char line[512];
        if (fgets(line, sizeof(line), f)) {
            chomp(line);
            snprintf(c->expect, sizeof(c->expect), "%s", line);
        }
        if (fgets(line, sizeof(line), f) && strncmp(line, "cmd: ", 5) == 0) {
            chomp(line);
            memcpy(c->cmd, line + 5, strlen(line + 5) + 1);
        } else {
            const char *dc = default_cmd(c->file);
            snprintf(c->cmd, sizeof(c->cmd), "%s", dc ? dc : "");
        }
        fclose(f);
        n++;
    }
    closedir(d);
    return cr_make_param_array(mcase, cases, n);
}

/* Expands {} and $ACC_BIN. */
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
    cr_assert(c->cmd[0] != '\0', "%s: no command for this extension; add a cmd: line", c->file);
    cr_assert(c->expect[0] != '\0', "%s.err: empty expectation", c->file);
    char cmd[1024], full[1200];
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
