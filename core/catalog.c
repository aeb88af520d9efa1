/* catalog.c - the SCALE-Sim topology CSV reader, the built-in network
 * catalogs and LAYER= lookup.  The CSV format is specified in
 * docs/formats.md ("Layer CSV"). */
#include "core/catalog.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/layer_internal.h"

void acc_layer_list_free(acc_layer_list *list)
{
    if (!list)
        return;
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

/* ------------------------------------------------------------ CSV */

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
    COL_COUNT
};
#define COL_POSITIONAL 8

static const char *const col_names[COL_COUNT] = {
    "name", F_H,  F_W,  F_FH, F_FW,      F_C, F_K,  F_SH, F_SW,
    F_PT,   F_PB, F_PL, F_PR, "padding", F_G, F_DH, F_DW,
};

/* A growing array of fields split out of one line (in place). */
typedef struct csv_fields {
    char *buf;
    char **f;
    int n, cap;
} csv_fields;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\v' || *s == '\f')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\v' ||
                     s[n - 1] == '\f'))
        s[--n] = '\0';
    return s;
}

/* Copies one line and splits it at commas; every field is trimmed.  One
 * trailing empty field (a line ending in ',', as SCALE-Sim writes them) is
 * dropped.  Returns 0 for a line to skip (blank or '#' comment), 1 otherwise. */
static int split_line(csv_fields *cf, const char *start, size_t len)
{
    cf->buf = acc_realloc(cf->buf, len + 1);
    memcpy(cf->buf, start, len);
    cf->buf[len] = '\0';
    char *line = trim(cf->buf);
    if (*line == '\0' || *line == '#')
        return 0;
    cf->n = 0;
    for (char *p = line;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (cf->n == cf->cap) {
            cf->cap = cf->cap ? 2 * cf->cap : 16;
            cf->f = acc_realloc(cf->f, (size_t)cf->cap * sizeof *cf->f);
        }
        cf->f[cf->n++] = trim(p);
        if (!comma)
            break;
        p = comma + 1;
    }
    if (cf->n > 1 && cf->f[cf->n - 1][0] == '\0')
        cf->n--;
    return 1;
}

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

static int name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

/* Layer names end up in file names (build/cosim/<layer>/), so they are
 * restricted to a portable set. */
static int check_name(const char *s, const char *path, int line, acc_error *err)
{
    if (*s == '\0')
        return acc_fail(err, "%s:%d: field 'name': empty layer name", path, line);
    if (strlen(s) >= ACC_NAME_MAX)
        return acc_fail(err, "%s:%d: field 'name': '%.40s...' is longer than %d characters", path,
                        line, s, ACC_NAME_MAX - 1);
    for (const char *p = s; *p; p++)
        if (!name_char_ok(*p))
            return acc_fail(err,
                            "%s:%d: field 'name': '%s' may contain only letters, digits, "
                            "'_', '-' and '.'",
                            path, line, s);
    if (s[0] == '.' || s[0] == '-')
        return acc_fail(err, "%s:%d: field 'name': '%s' must not start with '%c'", path, line, s,
                        s[0]);
    return 0;
}

static int parse_int_field(const char *s, int min, const char *path, int line, const char *col,
                           int *out, acc_error *err)
{
    uint64_t v;
    if (acc_parse_u64(s, INT_MAX, &v) != 0 || v < (uint64_t)min)
        return acc_fail(err, "%s:%d: field '%s': expected a %s integer, got '%.60s'", path, line,
                        col, min > 0 ? "positive" : "non-negative", s);
    *out = (int)v;
    return 0;
}

/* The reader's state across lines. */
typedef struct csv_state {
    const char *path;
    int ncols;             /* fields per line, from the header */
    int col_of[COL_COUNT]; /* column index of each known column, -1 if absent */
    acc_layer_list list;
    int *lines; /* source line of each layer */
    int cap;
} csv_state;

static int parse_header(csv_state *st, const csv_fields *cf, int line, acc_error *err)
{
    uint64_t v;
    if (cf->n >= 2 && acc_parse_u64(cf->f[1], UINT64_MAX, &v) == 0)
        return acc_fail(err,
                        "%s:%d: missing header row: the first line looks like a layer; "
                        "start the file with a header such as 'Layer name, IFMAP Height, "
                        "IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                        "Strides,'",
                        st->path, line);
    if (cf->n < COL_POSITIONAL)
        return acc_fail(err,
                        "%s:%d: header has %d columns, expected at least the %d SCALE-Sim "
                        "columns (name, ifmap height, ifmap width, filter height, filter "
                        "width, channels, num filter, stride)",
                        st->path, line, cf->n, COL_POSITIONAL);
    for (int id = 0; id < COL_COUNT; id++)
        st->col_of[id] = id < COL_POSITIONAL ? id : -1;
    for (int i = COL_POSITIONAL; i < cf->n; i++) {
        int id = optional_column(cf->f[i]);
        if (id < 0)
            return acc_fail(err,
                            "%s:%d: unknown column '%.60s' (optional columns are: stride "
                            "width, pad top, pad bottom, pad left, pad right, padding, groups, "
                            "dilation, dilation width)",
                            st->path, line, cf->f[i]);
        if (st->col_of[id] >= 0)
            return acc_fail(err, "%s:%d: duplicate column '%s'", st->path, line, col_names[id]);
        st->col_of[id] = i;
    }
    if (st->col_of[COL_PADDING] >= 0)
        for (int id = COL_PAD_T; id <= COL_PAD_R; id++)
            if (st->col_of[id] >= 0)
                return acc_fail(err,
                                "%s:%d: column 'padding' (all four sides) cannot be "
                                "combined with column '%s'",
                                st->path, line, col_names[id]);
    st->ncols = cf->n;
    return 0;
}

/* The name under which the file states a field that the check rejected. */
static const char *field_in_file(const csv_state *st, const char *field)
{
    if (strcmp(field, F_SW) == 0 && st->col_of[COL_STRIDE_W] < 0)
        return F_SH;
    if (strcmp(field, F_DW) == 0 && st->col_of[COL_DIL_W] < 0)
        return F_DH;
    if (strncmp(field, "pad ", 4) == 0 && st->col_of[COL_PADDING] >= 0)
        return "padding";
    return field;
}

static int parse_row(csv_state *st, const csv_fields *cf, int line, acc_error *err)
{
    const char *path = st->path;
    if (cf->n != st->ncols)
        return acc_fail(err, "%s:%d: expected %d fields as in the header, got %d", path, line,
                        st->ncols, cf->n);
    acc_layer l;
    memset(&l, 0, sizeof l);
    const char *name = cf->f[COL_NAME];
    if (check_name(name, path, line, err) != 0)
        return -1;
    snprintf(l.name, sizeof l.name, "%s", name);

    /* int slot of each numeric column, and its minimum */
    int padding = -1;
    int *slot[COL_COUNT] = {
        NULL,          &l.ifmap_h,  &l.ifmap_w,  &l.filter_h, &l.filter_w,   &l.channels,
        &l.num_filter, &l.stride_h, &l.stride_w, &l.pad_top,  &l.pad_bottom, &l.pad_left,
        &l.pad_right,  &padding,    &l.groups,   &l.dil_h,    &l.dil_w,
    };
    l.groups = 1;
    l.dil_h = 1;
    for (int id = 1; id < COL_COUNT; id++) {
        int at = st->col_of[id];
        if (at < 0)
            continue;
        int min = (id >= COL_PAD_T && id <= COL_PADDING) ? 0 : 1;
        if (parse_int_field(cf->f[at], min, path, line, col_names[id], slot[id], err) != 0)
            return -1;
    }
    if (st->col_of[COL_STRIDE_W] < 0)
        l.stride_w = l.stride_h;
    if (st->col_of[COL_DIL_W] < 0)
        l.dil_w = l.dil_h;
    if (padding >= 0)
        l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = padding;

    const char *field = "";
    char why[256];
    if (acc_layer_fields_check(&l, &field, why, sizeof why) != 0)
        return acc_fail(err, "%s:%d: field '%s': %s", path, line, field_in_file(st, field), why);

    for (int i = 0; i < st->list.count; i++)
        if (strcmp(st->list.items[i].name, l.name) == 0)
            return acc_fail(err,
                            "%s:%d: field 'name': duplicate layer name '%s' (first on "
                            "line %d)",
                            path, line, l.name, st->lines[i]);
    if (st->list.count == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 32;
        st->list.items = acc_realloc(st->list.items, (size_t)st->cap * sizeof *st->list.items);
        st->lines = acc_realloc(st->lines, (size_t)st->cap * sizeof *st->lines);
    }
    st->lines[st->list.count] = line;
    st->list.items[st->list.count++] = l;
    return 0;
}

int acc_layer_csv_parse(const char *text, const char *path, const char *name_prefix,
                        acc_layer_list *out, acc_error *err)
{
    ACC_REQUIRE(text && path && out);
    ACC_REQUIRE(!name_prefix || strlen(name_prefix) + 12 < ACC_NAME_MAX);
    out->items = NULL;
    out->count = 0;
    csv_state st;
    memset(&st, 0, sizeof st);
    st.path = path;
    csv_fields cf;
    memset(&cf, 0, sizeof cf);
    int rc = 0, have_header = 0, line = 0, header_line = 0;
    for (const char *p = text; *p && rc == 0;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        if (split_line(&cf, p, len)) {
            if (!have_header) {
                rc = parse_header(&st, &cf, line, err);
                have_header = 1;
                header_line = line;
            } else {
                rc = parse_row(&st, &cf, line, err);
            }
        }
        p += len + (nl ? 1 : 0);
    }
    if (rc == 0 && !have_header)
        rc = acc_fail(err, "%s: empty file: expected a header row and at least one layer", path);
    if (rc == 0 && st.list.count == 0)
        rc = acc_fail(err, "%s:%d: no layers: the file has a header but no layer rows", path,
                      header_line);
    free(cf.buf);
    free(cf.f);
    free(st.lines);
    if (rc != 0) {
        acc_layer_list_free(&st.list);
        return -1;
    }
    if (name_prefix)
        for (int i = 0; i < st.list.count; i++)
            snprintf(st.list.items[i].name, ACC_NAME_MAX, "%s_%d", name_prefix, i + 1);
    *out = st.list;
    return 0;
}

int acc_layer_csv_load(const char *path, const char *name_prefix, acc_layer_list *out,
                       acc_error *err)
{
    ACC_REQUIRE(path && out);
    out->items = NULL;
    out->count = 0;
    size_t len;
    char *text = acc_read_file_max(path, ACC_CSV_FILE_MAX, &len, err);
    if (!text)
        return -1;
    if (strlen(text) != len) {
        free(text);
        return acc_fail(err, "%s: contains a NUL byte; a layer CSV is a text file", path);
    }
    int rc = acc_layer_csv_parse(text, path, name_prefix, out, err);
    free(text);
    return rc;
}

/* ------------------------------------------------------------ catalog */

const char *const acc_catalog_nets[] = {
    "resnet", "resnet50", "vgg", "mobilenet", "alexnet", "lenet", NULL,
};

const char *acc_catalog_dir(void)
{
    const char *d = getenv("ACC_LAYERS_DIR");
    return d && *d ? d : "layers";
}

static int net_index(const char *net, size_t len)
{
    for (int i = 0; acc_catalog_nets[i]; i++)
        if (strlen(acc_catalog_nets[i]) == len && strncmp(acc_catalog_nets[i], net, len) == 0)
            return i;
    return -1;
}

#define NET_LIST "resnet, resnet50, vgg, mobilenet, alexnet, lenet"

/* Common longer names of the networks, accepted by acc_catalog_net. */
static const char *const net_aliases[][2] = {
    {"resnet18", "resnet"}, {"resnet-18", "resnet"}, {"resnet-50", "resnet50"},
    {"vgg16", "vgg"},       {"vgg-16", "vgg"},       {"mobilenetv2", "mobilenet"},
    {"lenet5", "lenet"},    {"lenet-5", "lenet"},
};

int acc_catalog_net(const char *net, acc_layer_list *out, acc_error *err)
{
    ACC_REQUIRE(net && out);
    out->items = NULL;
    out->count = 0;
    for (size_t i = 0; i < sizeof(net_aliases) / sizeof(net_aliases[0]); i++)
        if (strcmp(net, net_aliases[i][0]) == 0)
            net = net_aliases[i][1];
    if (net_index(net, strlen(net)) < 0)
        return acc_fail(err, "unknown network '%.64s' (networks: " NET_LIST ")", net);
    const char *dir = acc_catalog_dir();
    size_t n = strlen(dir) + strlen(net) + 8;
    char *path = acc_malloc(n);
    snprintf(path, n, "%s/%s.csv", dir, net);
    int rc = acc_layer_csv_load(path, net, out, err);
    free(path);
    return rc;
}

/* "<path>.csv:<row>": the row named <row>, or else, when <row> is a number N
 * and no row has that name, the N-th layer of the file. */
static int lookup_csv(const char *spec, size_t path_len, acc_layer *out, acc_error *err)
{
    char *path = acc_malloc(path_len + 1);
    memcpy(path, spec, path_len);
    path[path_len] = '\0';
    const char *row = spec + path_len + 1;
    int rc = -1;
    acc_layer_list list;
    if (*row == '\0') {
        acc_fail(err, "layer '%.200s': say which row of %.200s, as %.200s:<row>", spec, path, path);
    } else if (acc_layer_csv_load(path, NULL, &list, err) == 0) {
        int found = -1;
        for (int i = 0; i < list.count && found < 0; i++)
            if (strcmp(list.items[i].name, row) == 0)
                found = i;
        uint64_t nth;
        if (found < 0 && acc_parse_u64(row, INT_MAX, &nth) == 0 && nth >= 1 &&
            nth <= (uint64_t)list.count)
            found = (int)nth - 1;
        if (found >= 0) {
            *out = list.items[found];
            rc = 0;
        } else {
            acc_fail(err,
                     "%.200s: no layer named '%.64s' (the file has %d layers, from '%s' "
                     "to '%s')",
                     path, row, list.count, list.items[0].name, list.items[list.count - 1].name);
        }
        acc_layer_list_free(&list);
    }
    free(path);
    return rc;
}

int acc_layer_lookup(const char *spec, acc_layer *out, acc_error *err)
{
    ACC_REQUIRE(spec && out);
    /* a user's CSV: split at the last ".csv:" */
    const char *csv = NULL;
    for (const char *p = strstr(spec, ".csv:"); p; p = strstr(p + 1, ".csv:"))
        csv = p;
    if (csv)
        return lookup_csv(spec, (size_t)(csv - spec) + 4, out, err);
    size_t len = strlen(spec);
    if (len >= 4 && strcmp(spec + len - 4, ".csv") == 0)
        return acc_fail(err, "layer '%.200s': say which row, as %.200s:<row>", spec, spec);

    const char *us = strrchr(spec, '_');
    int net = us ? net_index(spec, (size_t)(us - spec)) : -1;
    if (net < 0)
        return acc_fail(err,
                        "unknown layer '%.200s': expected <net>_<N> with a network among " NET_LIST
                        ", or <file>.csv:<row>",
                        spec);
    uint64_t n;
    if (acc_parse_u64(us + 1, INT_MAX, &n) != 0 || us[1] == '0')
        return acc_fail(err,
                        "layer '%.200s': '%.64s' is not a layer number (layers are "
                        "numbered from 1)",
                        spec, us + 1);
    acc_layer_list list;
    if (acc_catalog_net(acc_catalog_nets[net], &list, err) != 0)
        return -1;
    if (n > (uint64_t)list.count) {
        int count = list.count;
        acc_layer_list_free(&list);
        return acc_fail(err, "%s has %d layers, asked for %llu", acc_catalog_nets[net], count,
                        (unsigned long long)n);
    }
    *out = list.items[n - 1];
    acc_layer_list_free(&list);
    return 0;
}
