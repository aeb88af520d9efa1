/* layer_csv.c - the topology CSV reader (docs/formats.md, "Layer CSV"):
 * SCALE-Sim's files as their users have them.  A file is read into a table
 * of rows, each row a layer or the reason it is not one, so that one bad
 * row is rejected when it is used and the others stay reachable; the strict
 * whole-file load of the catalogs and the one-row lookup of
 * LAYER=<file>.csv:<row> are built on the same line and row parsers. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/layer_internal.h"

/* uthash (Debian's uthash-dev) allocates through the project's allocator,
 * which never returns NULL. */
#define uthash_malloc(sz) acc_malloc(sz)
#define uthash_free(ptr, sz) free(ptr)
#include <uthash.h>

/* ------------------------------------------------------------ columns */

/* Columns the reader knows.  The first eight are positional (SCALE-Sim's);
 * the rest are found by their header name. */
enum col_id {
    COL_NAME,
    COL_H,
    COL_W,
    COL_FH,
    COL_FW,
    COL_C,
    COL_K,
    COL_STRIDE,
    COL_STRIDE_W,
    COL_PAD_T,
    COL_PAD_B,
    COL_PAD_L,
    COL_PAD_R,
    COL_PADDING,
    COL_GROUPS,
    COL_DIL,
    COL_DIL_W,
    COL_BATCH,
    COL_COUNT
};
#define COL_POSITIONAL 8

static const char *const col_names[COL_COUNT] = {
    "name", F_H,  F_W,  F_FH, F_FW,      F_C, F_K,  F_SH, F_SW,
    F_PT,   F_PB, F_PL, F_PR, "padding", F_G, F_DH, F_DW, "batch size",
};

/* ------------------------------------------------------------ lines */

/* A growing array of fields split out of one line (in place). */
typedef struct csv_fields {
    char *buf;
    char **f;
    int n, cap;
} csv_fields;

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A no-break space (U+00A0, UTF-8 C2 A0), which some files put around
 * header names, counts as a blank. */
static int is_nbsp(const char *s)
{
    return (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0;
}

static char *trim(char *s)
{
    for (;;) {
        if (is_blank(*s))
            s++;
        else if (is_nbsp(s))
            s += 2;
        else
            break;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n > 0 && is_blank(s[n - 1]))
            n--;
        else if (n > 1 && is_nbsp(s + n - 2))
            n -= 2;
        else
            break;
        s[n] = '\0';
    }
    return s;
}

/* Copies one line and splits it at commas; every field is trimmed.  A field
 * that starts with '#' ends the row (a trailing comment: "...,1,#dw"), and
 * one trailing empty field is dropped (a line ending in ',', as SCALE-Sim
 * writes them).  Returns 0 for a line to skip (blank, a '#' comment, or a
 * separator row of empty fields such as ",,,,,,,,"), 1 otherwise. */
static int split_line(csv_fields *cf, const char *start, size_t len)
{
    cf->buf = acc_realloc(cf->buf, len + 1);
    memcpy(cf->buf, start, len);
    cf->buf[len] = '\0';
    char *line = trim(cf->buf);
    if (*line == '\0' || *line == '#')
        return 0;
    cf->n = 0;
    int filled = 0;
    for (char *p = line;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *field = trim(p);
        if (field[0] == '#')
            break;
        if (cf->n == cf->cap) {
            cf->cap = cf->cap ? 2 * cf->cap : 16;
            cf->f = acc_realloc(cf->f, (size_t)cf->cap * sizeof *cf->f);
        }
        cf->f[cf->n++] = field;
        filled |= field[0] != '\0';
        if (!comma)
            break;
        p = comma + 1;
    }
    if (!filled)
        return 0;
    if (cf->n > 1 && cf->f[cf->n - 1][0] == '\0')
        cf->n--;
    return 1;
}

/* Walks the lines of a text: the next line that is not skipped, split into
 * cf.  Returns 1 with *line its number, 0 at the end. */
typedef struct line_walk {
    const char *p;
    int line;
} line_walk;

static void walk_start(line_walk *w, const char *text)
{
    /* a UTF-8 byte order mark, as spreadsheets write them */
    if ((unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
        (unsigned char)text[2] == 0xbf)
        text += 3;
    w->p = text;
    w->line = 0;
}

static int walk_next(line_walk *w, csv_fields *cf)
{
    while (*w->p) {
        const char *nl = strchr(w->p, '\n');
        size_t len = nl ? (size_t)(nl - w->p) : strlen(w->p);
        const char *start = w->p;
        w->p += len + (nl ? 1 : 0);
        w->line++;
        if (split_line(cf, start, len))
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ header */

/* The reader's view of the header. */
typedef struct csv_header {
    const char *path;
    int line;
    int ncols;             /* fields of the header */
    int col_of[COL_COUNT]; /* column index of each known column, -1 if absent */
} csv_header;

/* Header name -> column id (optional columns only), or -1.  Case-insensitive;
 * '_' and runs of blanks count as one space. */
static int optional_column(const char *name)
{
    char norm[64];
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < sizeof norm; p++) {
        char c = *p;
        if (c == '_' || c == ' ' || c == '\t') {
            if (n > 0 && norm[n - 1] != ' ')
                norm[n++] = ' ';
            continue;
        }
        norm[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    while (n > 0 && norm[n - 1] == ' ')
        n--;
    norm[n] = '\0';
    for (int id = COL_POSITIONAL; id < COL_COUNT; id++)
        if (strcmp(norm, col_names[id]) == 0)
            return id;
    return -1;
}

static int parse_header(csv_header *h, const csv_fields *cf, int line, acc_error *err)
{
    uint64_t v;
    h->line = line;
    if (cf->n >= 2 && acc_parse_u64(cf->f[1], UINT64_MAX, &v) == 0)
        return acc_fail(err,
                        "%s:%d: missing header row: the first line looks like a layer; "
                        "start the file with a header such as 'Layer name, IFMAP Height, "
                        "IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                        "Strides,'",
                        h->path, line);
    if (cf->n < COL_POSITIONAL)
        return acc_fail(err,
                        "%s:%d: header has %d columns, expected at least the %d SCALE-Sim "
                        "columns (name, ifmap height, ifmap width, filter height, filter "
                        "width, channels, num filter, stride)",
                        h->path, line, cf->n, COL_POSITIONAL);
    for (int id = 0; id < COL_COUNT; id++)
        h->col_of[id] = id < COL_POSITIONAL ? id : -1;
    for (int i = COL_POSITIONAL; i < cf->n; i++) {
        int id = optional_column(cf->f[i]);
        if (id < 0)
            return acc_fail(err,
                            "%s:%d: unknown column '%.60s' (optional columns are: stride "
                            "width, pad top, pad bottom, pad left, pad right, padding, groups, "
                            "dilation, dilation width, batch size)",
                            h->path, line, cf->f[i]);
        if (h->col_of[id] >= 0)
            return acc_fail(err, "%s:%d: duplicate column '%s'", h->path, line, col_names[id]);
        h->col_of[id] = i;
    }
    if (h->col_of[COL_PADDING] >= 0)
        for (int id = COL_PAD_T; id <= COL_PAD_R; id++)
            if (h->col_of[id] >= 0)
                return acc_fail(err,
                                "%s:%d: column 'padding' (all four sides) cannot be "
                                "combined with column '%s'",
                                h->path, line, col_names[id]);
    h->ncols = cf->n;
    return 0;
}

/* The name under which the file states a field that the check rejected. */
static const char *field_in_file(const csv_header *h, const char *field)
{
    if (strcmp(field, F_SW) == 0 && h->col_of[COL_STRIDE_W] < 0)
        return F_SH;
    if (strcmp(field, F_DW) == 0 && h->col_of[COL_DIL_W] < 0)
        return F_DH;
    if (strncmp(field, "pad ", 4) == 0 && h->col_of[COL_PADDING] >= 0)
        return "padding";
    return field;
}

/* ------------------------------------------------------------ rows */

/* A layer name is any text but control characters: it is trimmed, holds no
 * ',' (the separator) and does not start with '#' (a comment).  Where a
 * name becomes a file name, acc_layer_file_name makes it safe. */
static int check_name(const char *s, const char *path, int line, acc_error *err)
{
    if (*s == '\0')
        return acc_fail(err, "%s:%d: field 'name': empty layer name", path, line);
    if (strlen(s) >= ACC_NAME_MAX)
        return acc_fail(err, "%s:%d: field 'name': '%.40s...' is longer than %d characters", path,
                        line, s, ACC_NAME_MAX - 1);
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return acc_fail(err,
                            "%s:%d: field 'name': byte %d is the control character 0x%02x; a "
                            "name is printable text",
                            path, line, (int)(p - s) + 1, (unsigned)(unsigned char)*p);
    return 0;
}

static int parse_int_field(const char *s, int min, int max, const char *path, int line,
                           const char *col, int *out, acc_error *err)
{
    uint64_t v;
    if (acc_parse_u64(s, (uint64_t)max, &v) != 0 || v < (uint64_t)min) {
        if (acc_parse_u64(s, UINT64_MAX, &v) == 0 && v > (uint64_t)max)
            return acc_fail(err, "%s:%d: field '%s': %.60s is outside %d..%d", path, line, col, s,
                            min, max);
        return acc_fail(err, "%s:%d: field '%s': expected a %s integer, got '%.60s'", path, line,
                        col, min > 0 ? "positive" : "non-negative", s);
    }
    *out = (int)v;
    return 0;
}

/* Parses one data row into *l (the name first, so that a row with a bad
 * value or field count still claims its name).  Returns 0, or -1 with err naming the file,
 * line and field; *name_ok tells whether the name itself is valid. */
static int parse_row(const csv_header *h, const csv_fields *cf, int line, acc_layer *l,
                     int *name_ok, acc_error *err)
{
    const char *path = h->path;
    memset(l, 0, sizeof *l);
    *name_ok = 0;
    const char *name = cf->f[COL_NAME];
    if (check_name(name, path, line, err) != 0)
        return -1;
    snprintf(l->name, sizeof l->name, "%s", name);
    *name_ok = 1;
    /* a ninth field in a file of eight columns is SCALE-Sim's stride width */
    int ninth_is_sw = h->ncols == COL_POSITIONAL && cf->n == COL_POSITIONAL + 1;
    if (cf->n < COL_POSITIONAL || (cf->n > h->ncols && !ninth_is_sw))
        return acc_fail(
            err, "%s:%d: expected %d fields as in the header, got %d%s", path, line, h->ncols,
            cf->n, cf->n < COL_POSITIONAL ? " (a row has at least the 8 SCALE-Sim fields)" : "");

    /* int slot of each numeric column */
    int padding = -1, batch = 1;
    int *slot[COL_COUNT] = {
        NULL,           &l->ifmap_h,  &l->ifmap_w,  &l->filter_h, &l->filter_w,   &l->channels,
        &l->num_filter, &l->stride_h, &l->stride_w, &l->pad_top,  &l->pad_bottom, &l->pad_left,
        &l->pad_right,  &padding,     &l->groups,   &l->dil_h,    &l->dil_w,      &batch,
    };
    int col_of[COL_COUNT];
    memcpy(col_of, h->col_of, sizeof col_of);
    if (ninth_is_sw)
        col_of[COL_STRIDE_W] = COL_POSITIONAL;
    l->groups = 1;
    l->dil_h = 1;
    for (int id = 1; id < COL_COUNT; id++) {
        int at = col_of[id];
        if (at < 0 || at >= cf->n) /* absent, or left out at the end of a short row */
            continue;
        int min = (id >= COL_PAD_T && id <= COL_PADDING) ? 0 : 1;
        if (parse_int_field(cf->f[at], min, INT_MAX, path, line, col_names[id], slot[id], err) != 0)
            return -1;
    }
    if (col_of[COL_STRIDE_W] < 0 || col_of[COL_STRIDE_W] >= cf->n)
        l->stride_w = l->stride_h;
    if (col_of[COL_DIL_W] < 0 || col_of[COL_DIL_W] >= cf->n)
        l->dil_w = l->dil_h;
    if (padding >= 0)
        l->pad_top = l->pad_bottom = l->pad_left = l->pad_right = padding;

    const char *field = "";
    char why[256];
    if (acc_layer_fields_check(l, &field, why, sizeof why) != 0)
        return acc_fail(err, "%s:%d: field '%s': %s", path, line, field_in_file(h, field), why);
    return 0;
}

/* A name that several rows share: an error where a name must identify one
 * row (a catalog, LAYER=<file>.csv:<name>). */
static int dup_fail(const char *path, int line, const char *name, int first, const char *hint,
                    acc_error *err)
{
    return acc_fail(err, "%s:%d: field 'name': duplicate layer name '%s' (first on line %d)%s",
                    path, line, name, first, hint);
}

/* ------------------------------------------------------------ the table */

/* One name of the table's index (uthash), pointing into a row. */
typedef struct name_entry {
    const char *name;
    int line;
    UT_hash_handle hh;
} name_entry;

void acc_layer_table_free(acc_layer_table *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->count; i++)
        free(t->rows[i].error);
    free(t->rows);
    memset(t, 0, sizeof *t);
}

/* Reads the header; 0, or -1 with err for a file without one. */
static int read_header(line_walk *w, csv_fields *cf, csv_header *h, acc_error *err)
{
    if (!walk_next(w, cf))
        return acc_fail(err, "%s: empty file: expected a header row and at least one layer",
                        h->path);
    return parse_header(h, cf, w->line, err);
}

/* Sets first_line of every row whose valid name an earlier row has (that
 * row's line), through a hash index of the names: linear in the rows.  Every
 * valid name counts, whether its row is usable or not. */
static void mark_duplicates(acc_layer_table *t, const int *name_ok)
{
    name_entry *index = NULL, *entries = acc_calloc((size_t)t->count, sizeof *entries);
    for (int i = 0; i < t->count; i++) {
        acc_csv_row *r = &t->rows[i];
        if (!name_ok[i])
            continue;
        name_entry *e = NULL;
        HASH_FIND_STR(index, r->layer.name, e);
        if (e) {
            r->first_line = e->line;
            t->shared++;
            continue;
        }
        entries[i].name = r->layer.name;
        entries[i].line = r->line;
        HASH_ADD_KEYPTR(hh, index, entries[i].name, strlen(entries[i].name), &entries[i]);
    }
    HASH_CLEAR(hh, index);
    free(entries);
}

int acc_layer_table_parse(const char *text, const char *path, acc_layer_table *out, acc_error *err)
{
    ACC_REQUIRE(text && path && out);
    memset(out, 0, sizeof *out);
    csv_fields cf;
    memset(&cf, 0, sizeof cf);
    csv_header h;
    memset(&h, 0, sizeof h);
    h.path = path;
    line_walk w;
    walk_start(&w, text);
    if (read_header(&w, &cf, &h, err) != 0) {
        free(cf.buf);
        free(cf.f);
        return -1;
    }
    acc_layer_table t;
    memset(&t, 0, sizeof t);
    int cap = 0, *name_ok = NULL;
    while (walk_next(&w, &cf)) {
        if (t.count == cap) {
            cap = cap ? 2 * cap : 64;
            t.rows = acc_realloc(t.rows, (size_t)cap * sizeof *t.rows);
            name_ok = acc_realloc(name_ok, (size_t)cap * sizeof *name_ok);
        }
        acc_csv_row *r = &t.rows[t.count];
        acc_error rerr;
        r->line = w.line;
        r->first_line = 0;
        r->error = NULL;
        if (parse_row(&h, &cf, w.line, &r->layer, &name_ok[t.count], &rerr) != 0) {
            r->error = acc_strdup(rerr.msg);
            t.bad++;
        }
        t.count++;
    }
    free(cf.buf);
    free(cf.f);
    if (t.count == 0) {
        free(name_ok);
        return acc_fail(err, "%s:%d: no layers: the file has a header but no layer rows", path,
                        h.line);
    }
    mark_duplicates(&t, name_ok);
    free(name_ok);
    *out = t;
    return 0;
}

/* Reads a whole CSV file as text: the size cap, no NUL byte. */
static char *read_csv(const char *path, acc_error *err)
{
    size_t len;
    char *text = acc_read_file_max(path, ACC_CSV_FILE_MAX, &len, err);
    if (text && strlen(text) != len) {
        free(text);
        acc_fail(err, "%s: contains a NUL byte; a layer CSV is a text file", path);
        return NULL;
    }
    return text;
}

int acc_layer_table_load(const char *path, acc_layer_table *out, acc_error *err)
{
    ACC_REQUIRE(path && out);
    memset(out, 0, sizeof *out);
    char *text = read_csv(path, err);
    if (!text)
        return -1;
    int rc = acc_layer_table_parse(text, path, out, err);
    free(text);
    return rc;
}

/* ------------------------------------------------------------ whole files */

int acc_layer_csv_parse(const char *text, const char *path, const char *name_prefix,
                        acc_layer_list *out, acc_error *err)
{
    ACC_REQUIRE(text && path && out);
    ACC_REQUIRE(!name_prefix || strlen(name_prefix) + 12 < ACC_NAME_MAX);
    out->items = NULL;
    out->count = 0;
    acc_layer_table t;
    if (acc_layer_table_parse(text, path, &t, err) != 0)
        return -1;
    for (int i = 0; i < t.count; i++) {
        const acc_csv_row *r = &t.rows[i];
        if (r->error)
            acc_fail(err, "%s", r->error);
        else if (r->first_line)
            dup_fail(path, r->line, r->layer.name, r->first_line, "", err);
        if (r->error || r->first_line) {
            acc_layer_table_free(&t);
            return -1;
        }
    }
    out->items = acc_malloc((size_t)t.count * sizeof *out->items);
    for (int i = 0; i < t.count; i++) {
        out->items[i] = t.rows[i].layer;
        if (name_prefix)
            snprintf(out->items[i].name, ACC_NAME_MAX, "%s_%d", name_prefix, i + 1);
    }
    out->count = t.count;
    acc_layer_table_free(&t);
    return 0;
}

int acc_layer_csv_load(const char *path, const char *name_prefix, acc_layer_list *out,
                       acc_error *err)
{
    ACC_REQUIRE(path && out);
    out->items = NULL;
    out->count = 0;
    char *text = read_csv(path, err);
    if (!text)
        return -1;
    int rc = acc_layer_csv_parse(text, path, name_prefix, out, err);
    free(text);
    return rc;
}

/* ------------------------------------------------------------ one row */

/* What the first pass of a one-row lookup learns from the rows' first
 * fields alone. */
typedef struct row_scan {
    int count;      /* data rows */
    int found;      /* 0-based row chosen, -1 when none */
    int found_line; /* its line */
    int again_line; /* a later row with the chosen row's name, 0 when none */
    char first[ACC_NAME_MAX], last[ACC_NAME_MAX]; /* names of the first and last rows */
} row_scan;

static int name_field_is(const csv_fields *cf, const char *name)
{
    return cf->n > 0 && strcmp(cf->f[COL_NAME], name) == 0;
}

int acc_layer_csv_row(const char *path, const char *row, acc_layer *out, acc_error *err)
{
    ACC_REQUIRE(path && row && out);
    char *text = read_csv(path, err);
    if (!text)
        return -1;
    csv_fields cf;
    memset(&cf, 0, sizeof cf);
    csv_header h;
    memset(&h, 0, sizeof h);
    h.path = path;
    line_walk w;
    walk_start(&w, text);
    int rc = read_header(&w, &cf, &h, err);
    const char *rows_start = w.p;
    int rows_line = w.line;
    row_scan s = {0, -1, 0, 0, "", ""};
    /* pass 1: the rows named `row`, the number of rows, the first and last names */
    while (rc == 0 && walk_next(&w, &cf)) {
        if (name_field_is(&cf, row)) {
            if (s.found < 0) {
                s.found = s.count;
                s.found_line = w.line;
            } else if (!s.again_line) {
                s.again_line = w.line;
            }
        }
        if (s.count == 0)
            snprintf(s.first, sizeof s.first, "%.*s", ACC_NAME_MAX - 1, cf.f[COL_NAME]);
        snprintf(s.last, sizeof s.last, "%.*s", ACC_NAME_MAX - 1, cf.f[COL_NAME]);
        s.count++;
    }
    if (rc == 0 && s.count == 0)
        rc = acc_fail(err, "%s:%d: no layers: the file has a header but no layer rows", path,
                      h.line);
    if (rc == 0 && s.again_line && check_name(row, path, s.found_line, NULL) == 0)
        rc = dup_fail(path, s.again_line, row, s.found_line,
                      ": select one of these rows by its number", err);
    uint64_t nth = 0;
    if (rc == 0 && s.found < 0 && acc_parse_u64(row, INT_MAX, &nth) == 0 && nth >= 1 &&
        nth <= (uint64_t)s.count)
        s.found = (int)nth - 1;
    if (rc == 0 && s.found < 0)
        rc = acc_fail(err,
                      "%s: no layer named '%.64s' (the file has %d layers, from '%s' to '%s'; a "
                      "number N picks the N-th)",
                      path, row, s.count, s.first, s.last);
    /* pass 2: parse the chosen row */
    if (rc == 0) {
        w.p = rows_start;
        w.line = rows_line;
        for (int i = 0; walk_next(&w, &cf); i++)
            if (i == s.found) {
                int name_ok;
                rc = parse_row(&h, &cf, w.line, out, &name_ok, err);
                break;
            }
    }
    free(cf.buf);
    free(cf.f);
    free(text);
    return rc;
}
