/* config.c - accelerator configurations: INI files read with inih, defaults,
 * derived values and cross-field checks (docs/config.md).
 *
 * inih (Debian's libinih, r55) calls its handler without a line number, so
 * the text is fed to ini_parse_stream through a line reader of our own that
 * counts lines: the handler always runs on the line most recently read.  The
 * reader also rejects section headers that name no known section (inih does
 * not report empty sections to the handler) and strips leading blanks so that
 * an indented key is a key, never a continuation of the previous value. */
#include "core/config.h"

#include <assert.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys, in file order.  A key's value is an integer checked against
 * [min, max] and, when pow2 is set, for being a power of two. */
typedef enum key_id {
    K_ROWS,
    K_COLS,
    K_BYTES,
    K_BANKS,
    K_DATA_BITS,
    K_READ_LAT,
    K_WRITE_LAT,
    K_COUNT
} key_id;

typedef struct key_def {
    const char *section;
    const char *name;
    long min, max;
    int pow2;
} key_def;

static const key_def keys[K_COUNT] = {
    [K_ROWS] = {"array", "rows", 1, 64, 0},
    [K_COLS] = {"array", "cols", 1, 64, 0},
    [K_BYTES] = {"scratchpad", "bytes", 1024, 1048576, 0},
    [K_BANKS] = {"scratchpad", "banks", 2, 32, 1},
    [K_DATA_BITS] = {"axi", "data_bits", 32, 512, 1},
    [K_READ_LAT] = {"memory", "read_latency", 1, 255, 0},
    [K_WRITE_LAT] = {"memory", "write_latency", 1, 255, 0},
};

static const char *const sections[] = {"array", "scratchpad", "axi", "memory"};
#define NSECTIONS ((int)(sizeof(sections) / sizeof(sections[0])))

/* The built-in `default` configuration; missing keys take these values. */
static const acc_config defaults = {
    .name = "default",
    .rows = 16,
    .cols = 16,
    .spad_bytes = 65536,
    .spad_banks = 8,
    .axi_data_bits = 64,
    .read_latency = 20,
    .write_latency = 20,
};

static int is_pow2(long v)
{
    return v > 0 && (v & (v - 1)) == 0;
}

static int next_pow2(int v)
{
    int p = 1;
    while (p < v)
        p *= 2;
    return p;
}

static void set_key(acc_config *c, key_id k, long v)
{
    switch (k) {
    case K_ROWS:
        c->rows = (int)v;
        break;
    case K_COLS:
        c->cols = (int)v;
        break;
    case K_BYTES:
        c->spad_bytes = (uint32_t)v;
        break;
    case K_BANKS:
        c->spad_banks = (int)v;
        break;
    case K_DATA_BITS:
        c->axi_data_bits = (int)v;
        break;
    case K_READ_LAT:
        c->read_latency = (int)v;
        break;
    case K_WRITE_LAT:
        c->write_latency = (int)v;
        break;
    default:
        assert(0);
    }
}

/* ------------------------------------------------------------ derivation */

/* Cross-field checks.  Each names the key responsible first, then the keys
 * that also take part (used to find a line when the first was defaulted). */
typedef enum check_id { C_NONE, C_SPAD_MULTIPLE, C_DRAIN, C_WINDOW, C_COLS, C_AXI } check_id;

static const key_id check_keys[][4] = {
    [C_NONE] = {K_COUNT, K_COUNT, K_COUNT, K_COUNT},
    [C_SPAD_MULTIPLE] = {K_BYTES, K_BANKS, K_ROWS, K_COLS},
    [C_DRAIN] = {K_ROWS, K_BANKS, K_COLS, K_COUNT},
    [C_WINDOW] = {K_ROWS, K_BANKS, K_COLS, K_COUNT},
    [C_COLS] = {K_COLS, K_BANKS, K_ROWS, K_COUNT},
    [C_AXI] = {K_DATA_BITS, K_BANKS, K_ROWS, K_COLS},
};

/* Fills the derived fields and runs the cross-field checks; on failure err
 * holds the message without the key prefix and *which names the check. */
static int derive(acc_config *c, acc_error *err, check_id *which)
{
    *which = C_NONE;
    ACC_REQUIRE(c->rows >= 1 && c->cols >= 1 && c->spad_banks >= 1 && c->read_latency >= 0);
    c->axi_bytes = c->axi_data_bits / 8;
    c->line_bytes = next_pow2(c->rows > c->cols ? c->rows : c->cols);
    int lr2 = c->read_latency + 2;
    c->fetch_depth = next_pow2(lr2 > 4 ? lr2 : 4);

    uint64_t row = (uint64_t)c->spad_banks * (uint64_t)c->line_bytes;
    uint64_t port = (uint64_t)(c->spad_banks - 1) * (uint64_t)c->line_bytes + 1;
    if (c->spad_bytes % row != 0) {
        *which = C_SPAD_MULTIPLE;
        return acc_fail(err, "%u bytes is not a multiple of banks*line_bytes = %d*%d = %llu",
                        c->spad_bytes, c->spad_banks, c->line_bytes, (unsigned long long)row);
    }
    if ((uint64_t)4 * (uint64_t)c->rows > port) {
        *which = C_DRAIN;
        return acc_fail(err,
                        "a drained column of %d int32 (%d bytes) is wider than the scratchpad "
                        "port, (banks-1)*line_bytes+1 = %llu bytes; use more banks",
                        c->rows, 4 * c->rows, (unsigned long long)port);
    }
    if ((uint64_t)(c->rows - 1) * 7 + 1 > port) {
        *which = C_WINDOW;
        return acc_fail(err,
                        "a stride-7 activation window of %d rows (%d bytes) is wider than the "
                        "scratchpad port, (banks-1)*line_bytes+1 = %llu bytes; use more banks",
                        c->rows, (c->rows - 1) * 7 + 1, (unsigned long long)port);
    }
    if ((uint64_t)c->cols > port) {
        *which = C_COLS;
        return acc_fail(err,
                        "a weight row of %d bytes is wider than the scratchpad port, "
                        "(banks-1)*line_bytes+1 = %llu bytes; use more banks",
                        c->cols, (unsigned long long)port);
    }
    if ((uint64_t)c->axi_bytes > port) {
        *which = C_AXI;
        return acc_fail(err,
                        "a bus beat of %d bytes is wider than the scratchpad port, "
                        "(banks-1)*line_bytes+1 = %llu bytes; use more banks or a narrower bus",
                        c->axi_bytes, (unsigned long long)port);
    }
    return 0;
}

int acc_config_derive(acc_config *c, acc_error *err)
{
    ACC_REQUIRE(c != NULL);
    check_id which;
    acc_error e;
    if (derive(c, &e, &which) == 0)
        return 0;
    return acc_fail(err, "configuration '%s': key '%s': %s", c->name,
                    keys[check_keys[which][0]].name, e.msg);
}

/* ------------------------------------------------------------ parsing */

typedef struct parse_ctx {
    const char *path;
    const char *next;     /* unread text */
    int lineno;           /* line most recently handed to inih */
    int line_of[K_COUNT]; /* line where each key was set, 0 when absent */
    acc_config *cfg;
    acc_error err; /* first error found */
    int err_line;  /* its line, 0 when none */
} parse_ctx;

static int ctx_fail(parse_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ctx_fail(parse_ctx *ctx, const char *fmt, ...)
{
    if (ctx->err_line)
        return 0;
    char body[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    acc_fail(&ctx->err, "%s:%d: %s", ctx->path, ctx->lineno, body);
    ctx->err_line = ctx->lineno;
    return 0;
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Checks a "[section]" line the reader is about to pass on. */
static void check_section_line(parse_ctx *ctx, const char *s)
{
    if (*s != '[')
        return;
    const char *close = strchr(s, ']');
    if (!close)
        return; /* inih reports the malformed header itself */
    size_t n = (size_t)(close - s - 1);
    for (int i = 0; i < NSECTIONS; i++)
        if (strlen(sections[i]) == n && strncmp(s + 1, sections[i], n) == 0)
            return;
    ctx_fail(ctx, "section '%.*s': unknown section (expected array, scratchpad, axi or memory)",
             (int)(n > 60 ? 60 : n), s + 1);
}

/* fgets-style reader over ctx->next: one line per call, leading blanks
 * removed.  A line that does not fit inih's buffer is an error. */
static char *read_line(char *buf, int size, void *stream)
{
    parse_ctx *ctx = stream;
    if (*ctx->next == '\0')
        return NULL;
    const char *nl = strchr(ctx->next, '\n');
    size_t len = nl ? (size_t)(nl - ctx->next) + 1 : strlen(ctx->next);
    const char *line = ctx->next;
    ctx->next += len;
    ctx->lineno++;
    while (len > 0 && is_blank(*line)) {
        line++;
        len--;
    }
    if (len + 1 > (size_t)size) {
        ctx_fail(ctx, "line is longer than %d characters", size - 2);
        buf[0] = '\n';
        buf[1] = '\0';
        return buf;
    }
    memcpy(buf, line, len);
    buf[len] = '\0';
    check_section_line(ctx, buf);
    return buf;
}

/* Parses a key's value: a decimal (or 0x hex) integer, optionally negative,
 * with an inline '#' or ';' comment allowed after it. */
static int handle_value(parse_ctx *ctx, key_id k, const char *value)
{
    char v[128];
    size_t n = strcspn(value, "#;");
    while (n > 0 && is_blank(value[n - 1]))
        n--;
    if (n >= sizeof(v))
        return ctx_fail(ctx, "key '%s': value is too long", keys[k].name);
    memcpy(v, value, n);
    v[n] = '\0';
    const key_def *d = &keys[k];
    if (v[0] == '\0')
        return ctx_fail(ctx, "key '%s': missing value (expected an integer in %ld..%ld)", d->name,
                        d->min, d->max);
    int neg = v[0] == '-';
    uint64_t u;
    if (acc_parse_u64(v + neg, UINT64_MAX, &u) != 0)
        return ctx_fail(ctx, "key '%s': expected an integer, got '%s'", d->name, v);
    if (neg || u < (uint64_t)d->min || u > (uint64_t)d->max)
        return ctx_fail(ctx, "key '%s': %s is outside %ld..%ld", d->name, v, d->min, d->max);
    if (d->pow2 && !is_pow2((long)u))
        return ctx_fail(ctx, "key '%s': %s is not a power of two", d->name, v);
    set_key(ctx->cfg, k, (long)u);
    ctx->line_of[k] = ctx->lineno;
    return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *ctx = user;
    if (ctx->err_line)
        return 0; /* report the first error only */
    if (section[0] == '\0')
        return ctx_fail(ctx, "key '%s': outside any section", name);
    int known_section = 0;
    for (int i = 0; i < NSECTIONS; i++)
        known_section |= strcmp(section, sections[i]) == 0;
    if (!known_section)
        return ctx_fail(ctx,
                        "section '%s': unknown section (expected array, scratchpad, axi or memory)",
                        section);
    for (int k = 0; k < K_COUNT; k++) {
        if (strcmp(keys[k].section, section) != 0 || strcmp(keys[k].name, name) != 0)
            continue;
        if (ctx->line_of[k])
            return ctx_fail(ctx, "key '%s': duplicate key (first set on line %d)", name,
                            ctx->line_of[k]);
        return handle_value(ctx, (key_id)k, value);
    }
    return ctx_fail(ctx, "key '%s': unknown key in section [%s]", name, section);
}

/* Copies the stem of `path` (no directory, no extension) into out. */
static void path_stem(const char *path, char out[ACC_NAME_MAX])
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (n >= ACC_NAME_MAX)
        n = ACC_NAME_MAX - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

int acc_config_parse(const char *text, const char *path, acc_config *out, acc_error *err)
{
    ACC_REQUIRE(text != NULL && path != NULL && out != NULL);
    acc_config cfg = defaults;
    path_stem(path, cfg.name);
    parse_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.path = path;
    ctx.next = text;
    ctx.cfg = &cfg;
    int rc = ini_parse_stream(read_line, &ctx, handler, &ctx);
    if (rc < 0)
        return acc_fail(err, "%s: cannot parse (inih error %d)", path, rc);
    if (rc > 0 && (!ctx.err_line || rc < ctx.err_line)) {
        const char *line = text;
        for (int i = 1; i < rc && strchr(line, '\n'); i++)
            line = strchr(line, '\n') + 1;
        while (is_blank(*line))
            line++;
        int n = (int)strcspn(line, "\r\n");
        return acc_fail(err, "%s:%d: malformed line '%.*s' (expected '[section]' or 'key = value')",
                        path, rc, n > 60 ? 60 : n, line);
    }
    if (ctx.err_line) {
        if (err)
            *err = ctx.err;
        return -1;
    }
    check_id which;
    acc_error e;
    if (derive(&cfg, &e, &which) != 0) {
        /* Name the responsible key at its line; when it was defaulted, the
         * first of the other keys involved that the file sets. */
        key_id k = check_keys[which][0];
        for (int i = 0; i < 4 && check_keys[which][i] != K_COUNT; i++)
            if (ctx.line_of[check_keys[which][i]]) {
                k = check_keys[which][i];
                break;
            }
        if (ctx.line_of[k])
            return acc_fail(err, "%s:%d: key '%s': %s", path, ctx.line_of[k], keys[k].name, e.msg);
        return acc_fail(err, "%s: key '%s': %s", path, keys[k].name, e.msg);
    }
    *out = cfg;
    return 0;
}

const char *acc_config_dir(void)
{
    const char *d = getenv("ACC_CONFIGS_DIR");
    return d && *d ? d : "configs";
}

int acc_config_load(const char *name_or_path, acc_config *out, acc_error *err)
{
    ACC_REQUIRE(name_or_path != NULL && out != NULL);
    size_t n = strlen(name_or_path);
    char *path;
    if (strchr(name_or_path, '/') || (n >= 4 && strcmp(name_or_path + n - 4, ".ini") == 0)) {
        path = acc_strdup(name_or_path);
    } else {
        if (n == 0)
            return acc_fail(err, "configuration name is empty");
        const char *dir = acc_config_dir();
        size_t len = strlen(dir) + n + 6;
        path = acc_malloc(len);
        snprintf(path, len, "%s/%s.ini", dir, name_or_path);
    }
    size_t len;
    char *text = acc_read_file_max(path, ACC_CONFIG_FILE_MAX, &len, err);
    if (!text) {
        free(path);
        return -1;
    }
    int rc;
    if (strlen(text) != len)
        rc = acc_fail(err, "%s: contains a NUL byte; not a text file", path);
    else
        rc = acc_config_parse(text, path, out, err);
    free(text);
    free(path);
    return rc;
}
