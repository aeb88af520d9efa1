/* test_layer.c - layers: the range check, derived shapes, the topology CSV
 * reader (good and bad inputs), the built-in catalogs, LAYER= lookup and the
 * default memory map.  Run from the project root with ACC_LAYERS_DIR=layers
 * and ACC_TEST_DATA=tests/data (as `make test` does). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/memmap.h"
#include "core/layer.h"
#include "tests/testutil.h"

/* ------------------------------------------------------------ helpers */

static acc_layer_list parse_ok(const char *text)
{
    acc_layer_list list;
    acc_error err;
    int rc = acc_layer_csv_parse(text, "t.csv", NULL, &list, &err);
    cr_assert_eq(rc, 0, "parse failed: %s", err.msg);
    return list;
}

static void parse_fails(const char *text, const char *want)
{
    acc_layer_list list = {(acc_layer *)1, 99};
    acc_error err = {{0}};
    int rc = acc_layer_csv_parse(text, "t.csv", NULL, &list, &err);
    cr_assert_eq(rc, -1, "accepted bad input, expected an error containing \"%s\"", want);
    cr_assert_null(list.items, "a failed parse returned layers");
    cr_assert_eq(list.count, 0);
    cr_assert(strstr(err.msg, want), "message \"%s\" lacks \"%s\"", err.msg, want);
}

static void expect_shape(const acc_layer *l, int h, int w, int c, int fh, int fw, int k, int sh,
                         int sw)
{
    cr_assert_eq(l->ifmap_h, h, "%s: ifmap_h", l->name);
    cr_assert_eq(l->ifmap_w, w, "%s: ifmap_w", l->name);
    cr_assert_eq(l->channels, c, "%s: channels", l->name);
    cr_assert_eq(l->filter_h, fh, "%s: filter_h", l->name);
    cr_assert_eq(l->filter_w, fw, "%s: filter_w", l->name);
    cr_assert_eq(l->num_filter, k, "%s: num_filter", l->name);
    cr_assert_eq(l->stride_h, sh, "%s: stride_h", l->name);
    cr_assert_eq(l->stride_w, sw, "%s: stride_w", l->name);
}

static void expect_pads(const acc_layer *l, int t, int b, int left, int r)
{
    cr_assert_eq(l->pad_top, t, "%s: pad_top", l->name);
    cr_assert_eq(l->pad_bottom, b, "%s: pad_bottom", l->name);
    cr_assert_eq(l->pad_left, left, "%s: pad_left", l->name);
    cr_assert_eq(l->pad_right, r, "%s: pad_right", l->name);
}

static acc_layer lookup_ok(const char *spec)
{
    acc_layer l;
    acc_error err;
    cr_assert_eq(acc_layer_lookup(spec, &l, &err), 0, "lookup '%s': %s", spec, err.msg);
    return l;
}

static void lookup_fails(const char *spec, const char *want)
{
    acc_layer l;
    acc_error err = {{0}};
    cr_assert_eq(acc_layer_lookup(spec, &l, &err), -1, "lookup '%s' succeeded", spec);
    cr_assert(strstr(err.msg, want), "lookup '%s': message \"%s\" lacks \"%s\"", spec, err.msg,
              want);
}

/* A fresh directory under /tmp; caller frees the string. */
static char *temp_dir(void)
{
    char *d = acc_strdup("/tmp/acc_test_layer_XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

static char *write_temp(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = acc_malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    acc_error err;
    cr_assert_eq(acc_write_file(path, text, strlen(text), &err), 0, "%s", err.msg);
    return path;
}

#define HEADER                                                                                     \
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "               \
    "Num Filter, Strides,"

/* ------------------------------------------------------------ CSV: good */

Test(layer_csv, reads_scale_sim_rows_with_their_trailing_comma)
{
    acc_layer_list list = parse_ok(HEADER "\n"
                                          "Conv1,224,224,11,11,3,96,4,\n"
                                          "Conv2, 55, 27 , 5,3 ,96,256,1,\n");
    cr_assert_eq(list.count, 2);
    cr_assert_str_eq(list.items[0].name, "Conv1");
    cr_assert_str_eq(list.items[1].name, "Conv2");
    expect_shape(&list.items[0], 224, 224, 3, 11, 11, 96, 4, 4);
    expect_shape(&list.items[1], 55, 27, 96, 5, 3, 256, 1, 1);
    for (int i = 0; i < 2; i++) {
        expect_pads(&list.items[i], 0, 0, 0, 0);
        cr_assert_eq(list.items[i].groups, 1);
        cr_assert_eq(list.items[i].dil_h, 1);
        cr_assert_eq(list.items[i].dil_w, 1);
    }
    /* (224 - 11)/4 + 1 = 54 */
    cr_assert_eq(layer_out_h(&list.items[0]), 54);
    acc_layer_list_free(&list);
}

Test(layer_csv, reads_rows_without_trailing_comma_and_crlf_line_ends)
{
    acc_layer_list list = parse_ok("name,h,w,fh,fw,c,k,s\r\n"
                                   "a,8,9,3,1,4,5,2\r\n"
                                   "b,7,7,1,1,2,2,1");
    cr_assert_eq(list.count, 2);
    expect_shape(&list.items[0], 8, 9, 4, 3, 1, 5, 2, 2);
    expect_shape(&list.items[1], 7, 7, 2, 1, 1, 2, 1, 1);
    cr_assert_str_eq(list.items[1].name, "b");
    acc_layer_list_free(&list);
}

Test(layer_csv, skips_comments_and_blank_lines)
{
    acc_layer_list list = parse_ok("# a topology, with commas, in a comment\n"
                                   "\n"
                                   "   \t\n" HEADER "\n"
                                   "  # indented comment\n"
                                   "a,8,8,3,3,4,4,1,\n"
                                   "\n"
                                   "#b,8,8,3,3,4,4,1,\n"
                                   "c,8,8,3,3,4,4,1,\n");
    cr_assert_eq(list.count, 2);
    cr_assert_str_eq(list.items[0].name, "a");
    cr_assert_str_eq(list.items[1].name, "c");
    acc_layer_list_free(&list);
}

Test(layer_csv, recognises_optional_columns_by_name_in_any_case_and_order)
{
    acc_layer_list list = parse_ok(
        HEADER " GROUPS, Pad_Top , pad bottom, PAD LEFT, pad right, Dilation, dilation_width, "
               "stride width,\n"
               "dw,32,30,3,3,16,32,2,16,1,2,3,0,2,1,1,\n"
               "pw,16,15,1,1,16,8,1,1,0,0,0,0,1,1,1,\n");
    cr_assert_eq(list.count, 2);
    const acc_layer *a = &list.items[0];
    expect_shape(a, 32, 30, 16, 3, 3, 32, 2, 1);
    expect_pads(a, 1, 2, 3, 0);
    cr_assert_eq(a->groups, 16);
    cr_assert_eq(a->dil_h, 2);
    cr_assert_eq(a->dil_w, 1);
    /* OH = (32 + 1 + 2 - 2*2 - 1)/2 + 1 = 16; OW = (30 + 3 + 0 - 2 - 1)/1 + 1 = 31 */
    cr_assert_eq(layer_out_h(a), 16);
    cr_assert_eq(layer_out_w(a), 31);
    /* MACs = K * OH * OW * (C/G) * FH * FW = 32 * 16 * 31 * 1 * 9 */
    cr_assert_eq(layer_macs(a), 142848u);
    acc_layer_list_free(&list);
}

Test(layer_csv, padding_column_sets_all_four_sides)
{
    acc_layer_list list = parse_ok(HEADER " padding, dilation,\n"
                                          "a,10,12,3,3,4,4,1,2,3,\n");
    const acc_layer *a = &list.items[0];
    expect_pads(a, 2, 2, 2, 2);
    cr_assert_eq(a->dil_h, 3);
    cr_assert_eq(a->dil_w, 3, "dilation width follows dilation when absent");
    /* OH = (10 + 4 - 6 - 1)/1 + 1 = 8, OW = (12 + 4 - 7)/1 + 1 = 10 */
    cr_assert_eq(layer_out_h(a), 8);
    cr_assert_eq(layer_out_w(a), 10);
    acc_layer_list_free(&list);
}

Test(layer_csv, renames_layers_with_a_prefix)
{
    acc_layer_list list;
    acc_error err;
    int rc = acc_layer_csv_parse(HEADER "\nx,8,8,3,3,4,4,1,\ny,8,8,3,3,4,4,1,\n", "t.csv", "net",
                                 &list, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    cr_assert_str_eq(list.items[0].name, "net_1");
    cr_assert_str_eq(list.items[1].name, "net_2");
    acc_layer_list_free(&list);
    cr_assert_null(list.items);
}

Test(layer_csv, loads_a_file_from_disk)
{
    char *dir = temp_dir();
    char *path = write_temp(dir, "mine.csv", HEADER "\nfirst,8,8,3,3,4,4,1,\n");
    acc_layer_list list;
    acc_error err;
    cr_assert_eq(acc_layer_csv_load(path, NULL, &list, &err), 0, "%s", err.msg);
    cr_assert_eq(list.count, 1);
    cr_assert_str_eq(list.items[0].name, "first");
    acc_layer_list_free(&list);
    remove(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* ------------------------------------------------------------ CSV: bad */

Test(layer_csv, names_file_line_and_field_of_a_bad_number)
{
    parse_fails(HEADER "\na,8,8,3,3,4,4,1,\nb,8,8,3,3,4,4,two,\n",
                "t.csv:3: field 'stride': expected a positive integer, got 'two'");
}

Test(layer_csv, rejects_empty_text)
{
    parse_fails("", "t.csv: empty file");
    parse_fails("\n\n# nothing\n", "t.csv: empty file");
}

Test(layer_csv, reports_the_range_violation_under_the_column_the_file_used)
{
    parse_fails(HEADER "\na,8,8,3,3,4,4,8,\n", "t.csv:2: field 'stride': 8 is outside 1..7");
    parse_fails(HEADER " padding,\na,8,8,3,3,4,4,1,16,\n",
                "t.csv:2: field 'padding': 16 is outside 0..15");
    parse_fails(HEADER " dilation,\na,8,8,3,3,4,4,1,9,\n",
                "t.csv:2: field 'dilation': 9 is outside 1..7");
}

Test(layer_csv, rejects_a_missing_file)
{
    acc_layer_list list;
    acc_error err;
    cr_assert_eq(acc_layer_csv_load("/nonexistent/dir/x.csv", NULL, &list, &err), -1);
    cr_assert(strstr(err.msg, "/nonexistent/dir/x.csv"), "%s", err.msg);
}

/* ------------------------------------------------------------ CSV: rows */

/* Parses text into a table that must load. */
static acc_layer_table table_ok(const char *text)
{
    acc_layer_table t;
    acc_error err;
    cr_assert_eq(acc_layer_table_parse(text, "t.csv", &t, &err), 0, "%s", err.msg);
    return t;
}

/* One out-of-range row once rejected the whole file, so that no row of it
 * could be used; now that row is rejected when it is used. */
Test(layer_csv, a_bad_row_is_rejected_at_use_and_the_other_rows_stay_reachable)
{
    const char *text = HEADER "\n"
                              "a,8,8,3,3,4,4,1,\n"
                              "b,8,8,20,3,4,4,1,\n"
                              "c,8,8,1,1,4,4,1,\n";
    acc_layer_table t = table_ok(text);
    cr_assert_eq(t.count, 3);
    cr_assert_eq(t.bad, 1);
    cr_assert_null(t.rows[0].error);
    cr_assert_not_null(t.rows[1].error);
    cr_assert(strstr(t.rows[1].error, "t.csv:3: field 'filter height': the (dilated) filter "
                                      "spans 20 rows, more than the 8 rows"),
              "%s", t.rows[1].error);
    cr_assert_eq(t.rows[2].line, 4);
    cr_assert_str_eq(t.rows[2].layer.name, "c");
    acc_layer_table_free(&t);
    /* the strict reader of the catalogs still refuses the file */
    parse_fails(text, "t.csv:3: field 'filter height': the (dilated) filter spans 20 rows");

    char *dir = temp_dir();
    char *path = write_temp(dir, "rows.csv", text);
    char spec[256];
    snprintf(spec, sizeof spec, "%s:c", path);
    acc_layer l = lookup_ok(spec);
    expect_shape(&l, 8, 8, 4, 1, 1, 4, 1, 1);
    snprintf(spec, sizeof spec, "%s:3", path);
    cr_assert_str_eq(lookup_ok(spec).name, "c");
    snprintf(spec, sizeof spec, "%s:b", path);
    lookup_fails(spec, "rows.csv:3: field 'filter height': the (dilated) filter spans 20 rows");
    snprintf(spec, sizeof spec, "%s:2", path);
    lookup_fails(spec, "rows.csv:3: field 'filter height': the (dilated) filter spans 20 rows");
    snprintf(spec, sizeof spec, "%s:4", path);
    lookup_fails(spec, "no layer named '4' (the file has 3 layers, from 'a' to 'c'");
    remove(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* What SCALE-Sim's own files hold: a byte order mark, no-break spaces and
 * CRLF around header names, a 'batch size' column that rows leave out, a
 * ninth positional field (stride width), names of any characters, separator
 * rows of empty fields, trailing '#' comments. */
Test(layer_csv, reads_scale_sim_files_as_their_users_have_them)
{
    acc_layer_table t = table_ok("\xef\xbb\xbfLayer name,\xc2\xa0IFMAP Height,ifmap width,"
                                 "filter height,filter width,channels,num filters,strides,"
                                 "batch size,\r\n"
                                 ",,,,,,,,,\r\n"
                                 "Embedding/Pooling,128,16,1,1,1,24,1,\r\n"
                                 "Embedding Layer,10,10,3,3,4,4,1,1,\r\n"
                                 "\r\n"
                                 "Attn_QxK',9,9,3,3,4,4,2,#dw\r\n");
    cr_assert_eq(t.count, 3);
    cr_assert_eq(t.bad, 0, "%s", t.bad ? t.rows[0].error : "");
    cr_assert_str_eq(t.rows[0].layer.name, "Embedding/Pooling");
    cr_assert_str_eq(t.rows[1].layer.name, "Embedding Layer");
    cr_assert_str_eq(t.rows[2].layer.name, "Attn_QxK'");
    expect_shape(&t.rows[2].layer, 9, 9, 4, 3, 3, 4, 2, 2);
    cr_assert_eq(t.rows[2].line, 6);
    acc_layer_table_free(&t);

    /* a ninth field in a file of eight columns is SCALE-Sim's stride width */
    acc_layer_list list = parse_ok(HEADER "\nptwise,9,9,1,1,4,4,2,3, \nplain,9,9,1,1,4,4,2,\n");
    expect_shape(&list.items[0], 9, 9, 4, 1, 1, 4, 2, 3);
    expect_shape(&list.items[1], 9, 9, 4, 1, 1, 4, 2, 2);
    acc_layer_list_free(&list);
    /* a row shorter than the header leaves its last optional columns at
     * their defaults; it still needs the eight positional fields */
    list = parse_ok(HEADER " padding, groups,\nshort,9,9,3,3,4,4,1,1,\n");
    expect_pads(&list.items[0], 1, 1, 1, 1);
    cr_assert_eq(list.items[0].groups, 1);
    acc_layer_list_free(&list);
    parse_fails(HEADER " padding,\nshort,9,9,3,3,4,4,\n",
                "t.csv:2: expected 9 fields as in the header, got 7");
    parse_fails(HEADER "\nlong,9,9,3,3,4,4,1,1,1,\n",
                "t.csv:2: expected 8 fields as in the header, got 10");
}

/* SCALE-Sim's files repeat names (one per transformer block): rows that
 * share a name are used by number; the name alone is ambiguous. */
Test(layer_csv, rows_that_share_a_name_are_used_by_number)
{
    const char *text = HEADER "\nx,8,8,1,1,4,4,1,\ny,8,8,1,1,4,4,1,\nx,9,9,1,1,4,4,1,\n";
    acc_layer_table t = table_ok(text);
    cr_assert_eq(t.bad, 0);
    cr_assert_eq(t.shared, 1);
    cr_assert_eq(t.rows[0].first_line, 0);
    cr_assert_eq(t.rows[2].first_line, 2);
    acc_layer_table_free(&t);
    /* the catalogs' strict reader wants one row per name */
    parse_fails(text, "t.csv:4: field 'name': duplicate layer name 'x' (first on line 2)");

    char *dir = temp_dir();
    char *path = write_temp(dir, "shared.csv", text);
    char spec[256];
    snprintf(spec, sizeof spec, "%s:3", path);
    acc_layer l = lookup_ok(spec);
    cr_assert_str_eq(l.name, "x");
    cr_assert_eq(l.ifmap_h, 9);
    snprintf(spec, sizeof spec, "%s:x", path);
    lookup_fails(spec, "shared.csv:4: field 'name': duplicate layer name 'x' (first on line 2): "
                       "select one of these rows by its number");
    snprintf(spec, sizeof spec, "%s:y", path);
    cr_assert_str_eq(lookup_ok(spec).name, "y");
    remove(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* The one-row lookup reads only the header and its row; it must give, for
 * every row, what the whole table gives: the same layer or the same error. */
Test(layer_csv, one_row_lookup_agrees_with_the_table_on_every_row)
{
    static char text[1 << 16];
    size_t o = (size_t)snprintf(text, sizeof text, "%s padding,\n", HEADER);
    acc_rng r;
    acc_rng_seed(&r, 7);
    const int rows = 300;
    for (int i = 0; i < rows; i++) {
        unsigned v = (unsigned)(acc_rng_next(&r) % 12);
        char name[32];
        snprintf(name, sizeof name, "r%u", (unsigned)(acc_rng_next(&r) % 250)); /* repeats */
        if (v == 0)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s,8,8,16,3,4,4,1,0,\n", name);
        else if (v == 1)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s,8,8,3,3,4,4,x,0,\n", name);
        else if (v == 2)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s,8,8,3\n", name);
        else if (v == 3)
            o += (size_t)snprintf(text + o, sizeof text - o, "# comment\n,,,,,,,,,\n");
        else
            o += (size_t)snprintf(text + o, sizeof text - o, "%s,%u,9,3,3,4,%u,1,%u,\n", name,
                                  8 + v, 4 + v, v % 3);
        cr_assert_lt(o, sizeof text - 64);
    }
    char *dir = temp_dir();
    char *path = write_temp(dir, "many.csv", text);
    acc_layer_table t;
    acc_error err;
    cr_assert_eq(acc_layer_table_load(path, &t, &err), 0, "%s", err.msg);
    cr_assert_gt(t.bad, 10);
    for (int i = 0; i < t.count; i++) {
        char row[16];
        snprintf(row, sizeof row, "%d", i + 1);
        acc_layer l;
        acc_error e;
        e.msg[0] = '\0';
        int rc = acc_layer_csv_row(path, row, &l, &e);
        if (t.rows[i].error) {
            cr_assert_eq(rc, -1, "row %d accepted, the table says: %s", i + 1, t.rows[i].error);
            cr_assert_str_eq(e.msg, t.rows[i].error, "row %d", i + 1);
        } else {
            cr_assert_eq(rc, 0, "row %d: %s", i + 1, e.msg);
            cr_assert(memcmp(&l, &t.rows[i].layer, sizeof l) == 0, "row %d: another layer", i + 1);
        }
        /* by name: the row, when no other row has its name */
        if (t.rows[i].error || t.rows[i].first_line)
            continue;
        int shared = 0;
        for (int j = i + 1; j < t.count; j++)
            shared |= t.rows[j].first_line == t.rows[i].line;
        rc = acc_layer_csv_row(path, t.rows[i].layer.name, &l, &e);
        if (shared) {
            cr_assert_eq(rc, -1, "row %d: a shared name accepted", i + 1);
            cr_assert(strstr(e.msg, "select one of these rows by its number"), "%s", e.msg);
        } else {
            cr_assert_eq(rc, 0, "row %d: %s", i + 1, e.msg);
            cr_assert(memcmp(&l, &t.rows[i].layer, sizeof l) == 0, "row %d by name", i + 1);
        }
    }
    cr_assert_gt(t.shared, 10);
    acc_layer_table_free(&t);
    remove(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* A name may hold any printable character (SCALE-Sim's files have
 * "Embedding/Pooling" and "Attn_QxK'"); acc_layer_file_name makes it safe
 * where it names a file. */
Test(layer_csv, a_name_of_any_printable_characters_is_accepted)
{
    acc_layer_list list = parse_ok(HEADER "\n../conv1,8,8,3,3,4,4,1,\n(a) 'b' c,8,8,3,3,4,4,1,\n");
    cr_assert_str_eq(list.items[0].name, "../conv1");
    cr_assert_str_eq(list.items[1].name, "(a) 'b' c");
    acc_layer_list_free(&list);
}

/* ------------------------------------------------------------ SCALE-Sim */

Test(scalesim, a_csv_row_that_scale_sim_sizes_differently_comes_with_a_warning)
{
    char *dir = temp_dir();
    char *path =
        write_temp(dir, "r.csv", HEADER "\nup,224,224,11,11,3,8,4,\nsame,8,8,3,3,4,4,1,\n");
    char spec[256], note[512];
    acc_layer l;
    acc_error err;
    snprintf(spec, sizeof spec, "%s:up", path);
    cr_assert_eq(acc_layer_resolve(spec, &l, note, sizeof note, &err), 0, "%s", err.msg);
    cr_assert(strstr(note, "layer 'up' of ") && strstr(note, "r.csv: output 54x54; SCALE-Sim "
                                                             "gives 55x55"),
              "%s", note);
    snprintf(spec, sizeof spec, "%s:same", path);
    cr_assert_eq(acc_layer_resolve(spec, &l, note, sizeof note, &err), 0, "%s", err.msg);
    cr_assert_str_eq(note, "");
    /* the catalogs are not SCALE-Sim files: no warning */
    cr_assert_eq(acc_layer_resolve("alexnet_1", &l, note, sizeof note, &err), 0, "%s", err.msg);
    cr_assert_str_eq(note, "");
    remove(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* One fixture of tests/data/scalesim/: its rows, usable and not. */
typedef struct fixture {
    char file[48];
    int rows, bad;
    char usable[40];  /* a usable row, by name */
    char rejected[8]; /* a rejected row's number, "" when none */
    char why[64];     /* and its error */
} fixture;

ParameterizedTestParameters(scalesim, its_own_topology_files_load_row_by_row)
{
    static fixture f[] = {
        {"DeepBench.csv", 107, 0, "OCR_1", "", ""},
        {"transformer_fwd.csv", 54, 0, "layer_512_3_conv3", "", ""},
        {"mobilnet_paper.csv", 28, 0, "Conv2_dw", "", ""},
        {"Sentimental_seqCNN.csv", 4, 0, "Embedding Layer", "", ""},
        {"Sentimental_seqLSTM_short_div4q.csv", 8, 0, "LSTM1_ptwise", "", ""},
        {"dlrm_fwd.csv", 8, 0, "MLP_Bottom_0", "", ""},
        {"gpt2.csv", 6, 0, "PW-FF-L2", "", ""},
    };
    return cr_make_param_array(fixture, f, sizeof f / sizeof f[0]);
}

ParameterizedTest(fixture *f, scalesim, its_own_topology_files_load_row_by_row)
{
    const char *dir = getenv("ACC_TEST_DATA");
    char path[512], spec[600];
    snprintf(path, sizeof path, "%s/scalesim/%s", dir ? dir : "tests/data", f->file);
    acc_layer_table t;
    acc_error err;
    cr_assert_eq(acc_layer_table_load(path, &t, &err), 0, "%s", err.msg);
    cr_assert_eq(t.count, f->rows, "%s: %d rows", f->file, t.count);
    cr_assert_eq(t.bad, f->bad, "%s: %d bad rows", f->file, t.bad);
    acc_layer_table_free(&t);
    if (f->usable[0]) {
        snprintf(spec, sizeof spec, "%s:%s", path, f->usable);
        cr_assert_str_eq(lookup_ok(spec).name, f->usable);
    }
    if (f->rejected[0]) {
        snprintf(spec, sizeof spec, "%s:%s", path, f->rejected);
        lookup_fails(spec, f->why);
    }
}

/* `layers --csv` lists the usable rows, names every bad row on stderr,
 * warns about the rows SCALE-Sim sizes differently, and exits 1 when a row
 * is bad.  DeepBench's rows are all usable (its speech layers have filters
 * of 20 rows, which the planners slice); a row of a filter that does not
 * fit its input is not. */
Test(scalesim, layers_tool_lists_the_usable_rows_and_names_the_rest)
{
    const char *bin = getenv("ACC_BIN"), *data = getenv("ACC_TEST_DATA");
    if (!bin)
        cr_skip_test("ACC_BIN is not set");
    static char out[1 << 16];
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s/layers --csv %s/scalesim/DeepBench.csv 2>&1", bin,
             data ? data : "tests/data");
    cr_assert_eq(tu_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "total ") && strstr(out, "DeepBench.csv: 107 layers"), "%s", out);
    cr_assert(strstr(out, "OCR_1") && strstr(out, "20x5"), "%s", out);
    cr_assert(strstr(out, "warning: ") &&
                  strstr(out, "30 rows with an output size that "
                              "SCALE-Sim rounds up") &&
                  strstr(out, "line 5 'DeepSpeech_4' 166x38 (SCALE-Sim 167x38)"),
              "%s", out);

    char *dir = temp_dir();
    char *path = write_temp(dir, "rows.csv",
                            HEADER "\na,8,8,3,3,4,4,1,\nb,8,8,20,3,4,4,1,\nc,8,8,1,1,4,4,1,\n");
    snprintf(cmd, sizeof cmd, "%s/layers --csv %s 2>&1", bin, path);
    cr_assert_eq(tu_run(cmd, out, sizeof out), 1, "%s", out);
    cr_assert(strstr(out, "rows.csv: 2 layers"), "%s", out);
    cr_assert(strstr(out, "rows.csv:3: field 'filter height': the (dilated) filter spans 20 rows"),
              "%s", out);
    cr_assert(strstr(out, "1 of 3 rows are not usable; the other 2 run as"), "%s", out);
    remove(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* Every tests/data/layer_<case>.csv must fail with the message its .err
 * file states (the same files run through the `layers` tool in
 * test_malformed). */
Test(layer_csv, rejects_every_malformed_file_with_its_message)
{
    const char *dir = getenv("ACC_TEST_DATA");
    if (!dir)
        dir = "tests/data";
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s (run from the project root)", dir);
    int cases = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "layer_", 6) != 0 || n < 4 || strcmp(e->d_name + n - 4, ".csv"))
            continue;
        char path[1024], errpath[1040];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(errpath, sizeof errpath, "%s.err", path);
        acc_error err;
        char *want = acc_read_file(errpath, NULL, &err);
        cr_assert_not_null(want, "%s has no .err file: %s", path, err.msg);
        want[strcspn(want, "\n")] = '\0';
        cr_assert(want[0], "%s: empty expectation", errpath);
        acc_layer_list list;
        int rc = acc_layer_csv_load(path, NULL, &list, &err);
        cr_assert_eq(rc, -1, "%s was accepted", path);
        cr_assert(strstr(err.msg, want), "%s: message \"%s\" lacks \"%s\"", path, err.msg, want);
        cr_assert(strstr(err.msg, path), "%s: message \"%s\" does not name the file", path,
                  err.msg);
        free(want);
        cases++;
    }
    closedir(d);
    cr_assert_geq(cases, 20, "only %d malformed layer files found in %s", cases, dir);
}

/* ------------------------------------------------------------ check */

struct bad_field {
    int slot; /* index into the int fields of acc_layer, see set_field */
    int value;
    char field[24];
    char why[48];
};

static void set_field(acc_layer *l, int slot, int v)
{
    int *f[] = {&l->ifmap_h,    &l->ifmap_w,   &l->filter_h, &l->filter_w, &l->channels,
                &l->num_filter, &l->stride_h,  &l->stride_w, &l->pad_top,  &l->pad_bottom,
                &l->pad_left,   &l->pad_right, &l->dil_h,    &l->dil_w,    &l->groups};
    *f[slot] = v;
}

static acc_layer base_layer(void)
{
    acc_layer l = {.name = "base",
                   .ifmap_h = 16,
                   .ifmap_w = 16,
                   .filter_h = 3,
                   .filter_w = 3,
                   .channels = 8,
                   .num_filter = 8,
                   .stride_h = 1,
                   .stride_w = 1,
                   .dil_h = 1,
                   .dil_w = 1,
                   .groups = 1};
    return l;
}

ParameterizedTestParameters(layer, check_names_the_field_out_of_range)
{
    static struct bad_field p[] = {
        {0, 0, "ifmap height", "0 is outside 1..65535"},
        {1, 65536, "ifmap width", "65536 is outside 1..65535"},
        {2, 65536, "filter height", "65536 is outside 1..65535"},
        {3, 0, "filter width", "0 is outside 1..65535"},
        {4, -1, "channels", "-1 is outside 1..16777215"},
        {4, 16777216, "channels", "16777216 is outside 1..16777215"},
        {5, 16777216, "num filter", "16777216 is outside 1..16777215"},
        {6, 8, "stride", "8 is outside 1..7"},
        {7, 0, "stride width", "0 is outside 1..7"},
        {8, -1, "pad top", "-1 is outside 0..15"},
        {9, 16, "pad bottom", "16 is outside 0..15"},
        {10, 99, "pad left", "99 is outside 0..15"},
        {11, -3, "pad right", "-3 is outside 0..15"},
        {12, 0, "dilation", "0 is outside 1..7"},
        {13, 8, "dilation width", "8 is outside 1..7"},
        {14, 0, "groups", "0 is outside 1..16777215"},
        {14, 3, "groups", "3 does not divide channels 8"},
        {2, 15, "filter height", "spans 15 rows, more than the 14"},
    };
    return cr_make_param_array(struct bad_field, p, sizeof p / sizeof p[0]);
}

ParameterizedTest(struct bad_field *b, layer, check_names_the_field_out_of_range)
{
    acc_layer l = base_layer();
    acc_error err;
    cr_assert_eq(acc_layer_check(&l, &err), 0, "base layer rejected: %s", err.msg);
    if (b->slot == 2 && b->value == 15)
        l.ifmap_h = 14; /* 15 rows of filter over 14 rows of input */
    set_field(&l, b->slot, b->value);
    cr_assert_eq(acc_layer_check(&l, &err), -1, "accepted %s = %d", b->field, b->value);
    char want[128];
    snprintf(want, sizeof want, "layer 'base': field '%s': ", b->field);
    cr_assert(strstr(err.msg, want), "message \"%s\" lacks \"%s\"", err.msg, want);
    cr_assert(strstr(err.msg, b->why), "message \"%s\" lacks \"%s\"", err.msg, b->why);
}

/* Within the field ranges the weight tensor can pass 2^64 bytes
 * ((C/G)*FH*FW*K up to 2^80): the check names the weights instead of
 * summing a wrapped size into the memory map. */
Test(layer, check_rejects_weights_whose_size_passes_64_bits)
{
    acc_layer l = base_layer();
    l.channels = l.num_filter = 16777215;
    l.ifmap_h = l.ifmap_w = l.filter_h = l.filter_w = 65535;
    acc_error err;
    cr_assert_eq(acc_layer_check(&l, &err), -1);
    cr_assert(strstr(err.msg, "field 'num filter': the weights alone need more than"), "%s",
              err.msg);
}

Test(layer, check_accepts_the_extremes_of_every_range)
{
    acc_layer l = {.name = "edge",
                   .ifmap_h = 1023,
                   .ifmap_w = 1,
                   .filter_h = 15,
                   .filter_w = 1,
                   .channels = 1,
                   .num_filter = 1,
                   .stride_h = 7,
                   .stride_w = 1,
                   .pad_top = 0,
                   .pad_bottom = 0,
                   .pad_left = 15,
                   .pad_right = 15,
                   .dil_h = 7,
                   .dil_w = 1,
                   .groups = 1};
    acc_error err;
    cr_assert_eq(acc_layer_check(&l, &err), 0, "%s", err.msg);
    /* OH = (1023 - 7*14 - 1)/7 + 1 = 925/7 + 1 = 133; OW = 1 + 30 = 31 */
    cr_assert_eq(layer_out_h(&l), 133);
    cr_assert_eq(layer_out_w(&l), 31);
    acc_layer big = base_layer();
    big.channels = 16777215;
    big.num_filter = 16777215;
    big.groups = 16777215;
    big.ifmap_h = big.ifmap_w = 1; /* x, w 16 MiB, y 64 MiB */
    big.filter_h = big.filter_w = 1;
    cr_assert_eq(acc_layer_check(&big, &err), 0, "%s", err.msg);
    /* a filter as wide as the largest input: the planners slice it */
    acc_layer wide = base_layer();
    wide.ifmap_h = wide.filter_h = 1;
    wide.ifmap_w = wide.filter_w = 65535;
    cr_assert_eq(acc_layer_check(&wide, &err), 0, "%s", err.msg);
    cr_assert_eq(layer_out_w(&wide), 1);
    cr_assert_eq(layer_w_bytes(&wide), 8ull * 65535 * 8);
}

/* Height and width are no field of an instruction: a layer larger than one
 * COMPUTE's 1023 rows or columns is the planner's to tile. */
Test(layer, check_accepts_a_layer_larger_than_one_compute_tile)
{
    acc_layer l = base_layer();
    l.ifmap_h = 1023;
    l.ifmap_w = 20000;
    l.filter_h = 1;
    l.pad_top = l.pad_bottom = 1; /* OH = 1025 */
    acc_error err;
    cr_assert_eq(acc_layer_check(&l, &err), 0, "%s", err.msg);
    cr_assert_eq(layer_out_h(&l), 1025);
    cr_assert_eq(layer_out_w(&l), 19998);
    l.ifmap_h = 65535; /* the largest, with the tensors inside 2 GiB */
    l.ifmap_w = 16000;
    l.channels = l.num_filter = 1;
    l.filter_h = l.filter_w = 15;
    l.pad_top = l.pad_bottom = 0;
    l.stride_h = l.stride_w = 7;
    cr_assert_eq(acc_layer_check(&l, &err), 0, "%s", err.msg);
}

Test(layer, derived_sizes_follow_the_layouts)
{
    /* 2 groups: C/G = 3, K = 4; 5x7 input, 3x2 filter, stride 2,1, pad 1,0,0,1 */
    acc_layer l = {.name = "g",
                   .ifmap_h = 5,
                   .ifmap_w = 7,
                   .filter_h = 3,
                   .filter_w = 2,
                   .channels = 6,
                   .num_filter = 4,
                   .stride_h = 2,
                   .stride_w = 1,
                   .pad_top = 1,
                   .pad_right = 1,
                   .dil_h = 1,
                   .dil_w = 1,
                   .groups = 2};
    acc_error err;
    cr_assert_eq(acc_layer_check(&l, &err), 0, "%s", err.msg);
    cr_assert_eq(layer_out_h(&l), 2); /* (5 + 1 - 3)/2 + 1 */
    cr_assert_eq(layer_out_w(&l), 7); /* (7 + 1 - 2)/1 + 1 */
    cr_assert_eq(layer_x_bytes(&l), 6u * 5 * 7);
    cr_assert_eq(layer_w_bytes(&l), 3u * 3 * 2 * 4);
    cr_assert_eq(layer_y_bytes(&l), 4u * 4 * 2 * 7);
    cr_assert_eq(layer_macs(&l), 4u * 2 * 7 * 3 * 3 * 2);
}

/* SCALE-Sim rounds output sizes up, ceil((H - FH + S) / S); this project
 * rounds down, as PyTorch does. */
Test(layer, rounding_names_the_output_sizes_scale_sim_gives)
{
    acc_layer l = base_layer();
    l.ifmap_h = l.ifmap_w = 224;
    l.filter_h = l.filter_w = 11;
    l.stride_h = l.stride_w = 4;
    int oh, ow;
    cr_assert_eq(acc_layer_rounding(&l, &oh, &ow), 1);
    cr_assert_eq(layer_out_h(&l), 54); /* (224 - 11) / 4 + 1 */
    cr_assert_eq(oh, 55);              /* ceil((224 - 11 + 4) / 4) */
    cr_assert_eq(ow, 55);
    l.ifmap_w = 227; /* (227 - 11) % 4 == 0: both give 55 */
    cr_assert_eq(acc_layer_rounding(&l, &oh, &ow), 1);
    cr_assert_eq(ow, layer_out_w(&l));
    l.ifmap_h = 227;
    cr_assert_eq(acc_layer_rounding(&l, &oh, &ow), 0);
}

/* Where a layer name names a file or a folder (build/cosim/<layer>/,
 * build/plan/<layer>.sched) it is made safe. */
Test(layer, a_name_becomes_a_safe_file_name)
{
    struct {
        const char *name, *file;
    } c[] = {{"../conv1", ".._conv1"}, {"Embedding/Pooling", "Embedding_Pooling"},
             {"Layer 1", "Layer_1"},   {"..", "layer"},
             {"resnet_3", "resnet_3"}, {"(a) 'b'", "_a___b_"}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char out[ACC_NAME_MAX];
        acc_layer_file_name(c[i].name, out, sizeof out);
        cr_assert_str_eq(out, c[i].file, "'%s'", c[i].name);
    }
}

/* ------------------------------------------------------------ catalog */

struct net_count {
    char net[16];
    int count;
    int first_channels;
    double published_gmacs; /* torchvision's figure, 2 decimals; 0 = none */
};

static struct net_count nets[] = {
    {"resnet", 21, 3, 1.81},    {"resnet50", 54, 3, 4.09}, {"vgg", 16, 3, 15.47},
    {"mobilenet", 53, 3, 0.30}, {"alexnet", 8, 3, 0.71},   {"lenet", 5, 1, 0},
};

Test(catalog, lists_the_six_networks_in_order)
{
    int n = 0;
    while (acc_catalog_nets[n])
        n++;
    cr_assert_eq(n, 6);
    for (int i = 0; i < 6; i++)
        cr_assert_str_eq(acc_catalog_nets[i], nets[i].net);
}

ParameterizedTestParameters(catalog, every_network_loads_and_every_layer_passes_the_check)
{
    return cr_make_param_array(struct net_count, nets, sizeof nets / sizeof nets[0]);
}

ParameterizedTest(struct net_count *nc, catalog,
                  every_network_loads_and_every_layer_passes_the_check)
{
    acc_layer_list list;
    acc_error err;
    cr_assert_eq(acc_catalog_net(nc->net, &list, &err), 0, "%s", err.msg);
    cr_assert_eq(list.count, nc->count, "%s has %d layers", nc->net, list.count);
    cr_assert_eq(list.items[0].channels, nc->first_channels);
    uint64_t total = 0;
    for (int i = 0; i < list.count; i++) {
        const acc_layer *l = &list.items[i];
        char want[ACC_NAME_MAX];
        snprintf(want, sizeof want, "%s_%d", nc->net, i + 1);
        cr_assert_str_eq(l->name, want);
        cr_assert_eq(acc_layer_check(l, &err), 0, "%s", err.msg);
        total += layer_macs(l);
        /* every input is the output of an earlier layer (or the image) */
        if (i > 0) {
            int fed = 0;
            for (int j = 0; j < i && !fed; j++)
                fed = list.items[j].num_filter == l->channels;
            cr_assert(fed, "%s: no earlier layer produces %d channels", l->name, l->channels);
        }
    }
    /* the last layer is the classifier: 1x1 output of 1000 classes (10 for LeNet) */
    const acc_layer *last = &list.items[list.count - 1];
    cr_assert_eq(layer_out_h(last) * layer_out_w(last), 1);
    cr_assert_eq(last->num_filter, strcmp(nc->net, "lenet") == 0 ? 10 : 1000);
    if (nc->published_gmacs > 0) {
        double g = (double)total / 1e9;
        cr_assert(g > nc->published_gmacs - 0.005 && g < nc->published_gmacs + 0.005,
                  "%s: %.4f GMACs, published %.2f", nc->net, g, nc->published_gmacs);
    }
    acc_layer_list_free(&list);
}

Test(catalog, resnet_3_is_the_first_block_second_convolution)
{
    acc_layer l = lookup_ok("resnet_3");
    cr_assert_str_eq(l.name, "resnet_3");
    expect_shape(&l, 56, 56, 64, 3, 3, 64, 1, 1);
    expect_pads(&l, 1, 1, 1, 1);
    cr_assert_eq(l.groups, 1);
    cr_assert_eq(l.dil_h, 1);
    cr_assert_eq(layer_out_h(&l), 56);
    cr_assert_eq(layer_out_w(&l), 56);
}

Test(catalog, resnet_runs_downsample_after_the_second_convolution_of_a_block)
{
    const char *ds[] = {"resnet_8", "resnet_13", "resnet_18"};
    const int c[] = {64, 128, 256}, h[] = {56, 28, 14};
    for (int i = 0; i < 3; i++) {
        acc_layer l = lookup_ok(ds[i]);
        expect_shape(&l, h[i], h[i], c[i], 1, 1, 2 * c[i], 2, 2);
        expect_pads(&l, 0, 0, 0, 0);
    }
    acc_layer fc = lookup_ok("resnet_21");
    expect_shape(&fc, 1, 1, 512, 1, 1, 1000, 1, 1);
}

struct hand_macs {
    char spec[24];
    unsigned long long macs;
};

ParameterizedTestParameters(catalog, mac_counts_match_hand_computation)
{
    /* K * OH * OW * (C/G) * FH * FW from the textbook shapes */
    static struct hand_macs p[] = {
        {"resnet_1", 64ull * 112 * 112 * 3 * 7 * 7}, /* 118013952 */
        {"resnet_3", 64ull * 56 * 56 * 64 * 3 * 3},  /* 115605504 */
        {"resnet_8", 128ull * 28 * 28 * 64},         /* downsample */
        {"resnet_21", 1000ull * 512},                /* fc */
        {"resnet50_54", 1000ull * 2048},             /* fc */
        {"vgg_1", 64ull * 224 * 224 * 3 * 9},
        {"vgg_14", 4096ull * 512 * 7 * 7},          /* FC6 as 7x7 conv */
        {"mobilenet_2", 32ull * 112 * 112 * 1 * 9}, /* depthwise */
        {"mobilenet_52", 1280ull * 7 * 7 * 320},
        {"alexnet_1", 64ull * 55 * 55 * 3 * 11 * 11}, /* 70276800 */
        {"lenet_1", 6ull * 28 * 28 * 25},             /* 117600 */
        {"lenet_2", 16ull * 10 * 10 * 6 * 25},        /* 240000 */
        {"lenet_3", 120ull * 16 * 25},
    };
    return cr_make_param_array(struct hand_macs, p, sizeof p / sizeof p[0]);
}

ParameterizedTest(struct hand_macs *m, catalog, mac_counts_match_hand_computation)
{
    acc_layer l = lookup_ok(m->spec);
    cr_assert_eq(layer_macs(&l), m->macs, "%s: %llu MACs, expected %llu", m->spec,
                 (unsigned long long)layer_macs(&l), m->macs);
}

Test(catalog, mobilenet_depthwise_layers_have_one_group_per_channel)
{
    acc_layer_list list;
    acc_error err;
    cr_assert_eq(acc_catalog_net("mobilenet", &list, &err), 0, "%s", err.msg);
    int depthwise = 0;
    for (int i = 0; i < list.count; i++) {
        const acc_layer *l = &list.items[i];
        if (l->groups == 1)
            continue;
        depthwise++;
        cr_assert_eq(l->groups, l->channels, "%s", l->name);
        cr_assert_eq(l->num_filter, l->channels, "%s", l->name);
        cr_assert_eq(l->filter_h, 3, "%s", l->name);
    }
    cr_assert_eq(depthwise, 17, "one depthwise convolution per inverted residual block");
    acc_layer_list_free(&list);
}

Test(catalog, alexnet_and_lenet_have_their_textbook_first_layers)
{
    acc_layer a = lookup_ok("alexnet_1");
    expect_shape(&a, 224, 224, 3, 11, 11, 64, 4, 4);
    expect_pads(&a, 2, 2, 2, 2);
    cr_assert_eq(layer_out_h(&a), 55);
    acc_layer l = lookup_ok("lenet_1");
    expect_shape(&l, 32, 32, 1, 5, 5, 6, 1, 1);
    cr_assert_eq(layer_out_h(&l), 28);
    acc_layer c5 = lookup_ok("lenet_3");
    expect_shape(&c5, 5, 5, 16, 5, 5, 120, 1, 1);
}

Test(catalog, unknown_network_is_an_error)
{
    acc_layer_list list;
    acc_error err;
    cr_assert_eq(acc_catalog_net("resnet19", &list, &err), -1);
    cr_assert(strstr(err.msg, "unknown network 'resnet19'"), "%s", err.msg);
}

Test(catalog, directory_comes_from_the_environment)
{
    char *dir = temp_dir();
    char *path =
        write_temp(dir, "lenet.csv", HEADER "\nonly,8,8,3,3,1,2,1,\nsecond,6,6,1,1,2,2,1,\n");
    cr_assert_eq(setenv("ACC_LAYERS_DIR", dir, 1), 0);
    cr_assert_str_eq(acc_catalog_dir(), dir);
    acc_layer l = lookup_ok("lenet_2");
    cr_assert_str_eq(l.name, "lenet_2");
    cr_assert_eq(l.ifmap_h, 6);
    lookup_fails("lenet_3", "lenet has 2 layers, asked for 3");
    unsetenv("ACC_LAYERS_DIR");
    cr_assert_str_eq(acc_catalog_dir(), "layers");
    remove(path);
    rmdir(dir);
    free(path);
    free(dir);
}

/* ------------------------------------------------------------ lookup */

Test(lookup, resolves_a_row_of_a_user_csv_by_name_or_number)
{
    char *dir = temp_dir();
    char *path = write_temp(dir, "net.csv",
                            HEADER " padding,\n"
                                   "stem,32,32,3,3,3,16,2,1,\n"
                                   "7,16,16,1,1,16,8,1,0,\n");
    char spec[1200];
    snprintf(spec, sizeof spec, "%s:stem", path);
    acc_layer l = lookup_ok(spec);
    cr_assert_str_eq(l.name, "stem");
    expect_shape(&l, 32, 32, 3, 3, 3, 16, 2, 2);
    expect_pads(&l, 1, 1, 1, 1);
    snprintf(spec, sizeof spec, "%s:2", path);
    l = lookup_ok(spec);
    cr_assert_str_eq(l.name, "7", "row 2 by number");
    snprintf(spec, sizeof spec, "%s:7", path);
    l = lookup_ok(spec);
    cr_assert_str_eq(l.name, "7", "a name wins over a row number");
    snprintf(spec, sizeof spec, "%s:head", path);
    lookup_fails(spec, "no layer named 'head'");
    snprintf(spec, sizeof spec, "%s:3", path);
    lookup_fails(spec, "no layer named '3'");
    snprintf(spec, sizeof spec, "%s:", path);
    lookup_fails(spec, "say which row");
    remove(path);
    rmdir(dir);
    free(path);
    free(dir);
}

Test(lookup, a_catalog_file_row_equals_the_numbered_layer)
{
    acc_layer a = lookup_ok("layers/resnet.csv:layer1.0.conv2");
    acc_layer b = lookup_ok("resnet_3");
    cr_assert_str_eq(a.name, "layer1.0.conv2");
    snprintf(a.name, sizeof a.name, "%s", b.name);
    cr_assert_eq(memcmp(&a, &b, sizeof a), 0, "same shape under two names");
}

Test(lookup, explains_what_is_wrong_with_a_spec)
{
    lookup_fails("resnet_40", "resnet has 21 layers, asked for 40");
    lookup_fails("resnet_0", "numbered from 1");
    lookup_fails("resnet_x", "'x' is not a layer number");
    lookup_fails("resnet_", "is not a layer number");
    lookup_fails("googlenet_1", "unknown layer 'googlenet_1'");
    lookup_fails("resnet", "unknown layer 'resnet'");
    lookup_fails("", "unknown layer ''");
    lookup_fails("layers/resnet.csv", "say which row");
    lookup_fails("/nonexistent/x.csv:a", "/nonexistent/x.csv");
    lookup_fails("layers/resnet.csv:nope", "no layer named 'nope'");
    acc_layer l = lookup_ok("resnet50_54");
    expect_shape(&l, 1, 1, 2048, 1, 1, 1000, 1, 1);
}

/* ------------------------------------------------------------ memmap */

Test(memmap, places_x_w_y_and_the_program_on_4k_boundaries)
{
    /* resnet_3: x 64*56*56 = 200704 = 0x31000, w 64*9*64 = 36864 = 0x9000,
     * y 4*64*56*56 = 802816 = 0xc4000 */
    acc_layer l = lookup_ok("resnet_3");
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    cr_assert_eq(mm.x, 0x10000u);
    cr_assert_eq(mm.w, 0x41000u);
    cr_assert_eq(mm.y, 0x4a000u);
    cr_assert_eq(mm.end, 0x10e000u);
    cr_assert_eq(mm.prog, 0x10e000u);
    /* lenet_1: x 1024 bytes, w 150 bytes, y 4*6*28*28 = 18816 = 0x4980 */
    l = lookup_ok("lenet_1");
    acc_memmap_default(&l, &mm);
    cr_assert_eq(mm.x, 0x10000u);
    cr_assert_eq(mm.w, 0x11000u);
    cr_assert_eq(mm.y, 0x12000u);
    cr_assert_eq(mm.end, 0x16980u);
    cr_assert_eq(mm.prog, 0x17000u);
}

Test(memmap, tensors_never_overlap_for_any_catalog_layer)
{
    for (int n = 0; acc_catalog_nets[n]; n++) {
        acc_layer_list list;
        acc_error err;
        cr_assert_eq(acc_catalog_net(acc_catalog_nets[n], &list, &err), 0, "%s", err.msg);
        for (int i = 0; i < list.count; i++) {
            const acc_layer *l = &list.items[i];
            acc_memmap mm;
            acc_memmap_default(l, &mm);
            cr_assert_eq(mm.x, ACC_DRAM_BASE);
            cr_assert_eq(mm.w % 4096 + mm.y % 4096 + mm.prog % 4096, 0u, "%s", l->name);
            cr_assert_geq(mm.w, mm.x + layer_x_bytes(l), "%s", l->name);
            cr_assert_lt(mm.w, mm.x + layer_x_bytes(l) + 4096, "%s", l->name);
            cr_assert_geq(mm.y, mm.w + layer_w_bytes(l), "%s", l->name);
            cr_assert_lt(mm.y, mm.w + layer_w_bytes(l) + 4096, "%s", l->name);
            cr_assert_eq(mm.end, mm.y + layer_y_bytes(l), "%s", l->name);
            cr_assert(mm.prog >= mm.end && mm.prog < mm.end + 4096, "%s", l->name);
        }
        acc_layer_list_free(&list);
    }
}

/* ------------------------------------------------------------ the tool */

Test(layers_tool, lists_the_catalogs_and_answers_usage_errors_with_status_2)
{
    const char *bin = getenv("ACC_BIN");
    if (!bin)
        cr_skip_test("ACC_BIN is not set");
    static char out[1 << 16];
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s/layers resnet 2>&1", bin);
    cr_assert_eq(tu_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "total resnet: 21 layers"), "%s", out);
    cr_assert(strstr(out, "resnet_3 "), "%s", out);
    snprintf(cmd, sizeof cmd, "%s/layers 2>&1", bin);
    cr_assert_eq(tu_run(cmd, out, sizeof out), 0, "%s", out);
    for (int i = 0; acc_catalog_nets[i]; i++) {
        char want[64];
        snprintf(want, sizeof want, "total %s: ", acc_catalog_nets[i]);
        cr_assert(strstr(out, want), "no total for %s", acc_catalog_nets[i]);
    }
    snprintf(cmd, sizeof cmd, "%s/layers --show resnet_3 2>&1", bin);
    cr_assert_eq(tu_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "115605504"), "%s", out);
    snprintf(cmd, sizeof cmd, "%s/layers --bogus 2>&1", bin);
    cr_assert_eq(tu_run(cmd, out, sizeof out), 2, "%s", out);
    snprintf(cmd, sizeof cmd, "%s/layers --csv 2>&1", bin);
    cr_assert_eq(tu_run(cmd, out, sizeof out), 2, "%s", out);
    snprintf(cmd, sizeof cmd, "%s/layers --show resnet_99 2>&1", bin);
    cr_assert_eq(tu_run(cmd, out, sizeof out), 1, "%s", out);
    cr_assert(strstr(out, "resnet has 21 layers, asked for 99"), "%s", out);
}

Test(layer_catalog, common_network_names_are_aliases_of_the_catalog_names)
{
    static const char *const pairs[][2] = {{"resnet18", "resnet"},
                                           {"vgg16", "vgg"},
                                           {"mobilenetv2", "mobilenet"},
                                           {"lenet5", "lenet"}};
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        acc_layer_list a, b;
        acc_error err;
        cr_assert_eq(acc_catalog_net(pairs[i][0], &a, &err), 0, "%s: %s", pairs[i][0], err.msg);
        cr_assert_eq(acc_catalog_net(pairs[i][1], &b, &err), 0, "%s", err.msg);
        cr_assert_eq(a.count, b.count);
        cr_assert_str_eq(a.items[0].name, b.items[0].name, "aliases keep the canonical names");
        acc_layer_list_free(&a);
        acc_layer_list_free(&b);
    }
}
