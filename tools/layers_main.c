/* layers_main.c - `layers`: lists the built-in layer catalogs, a user's
 * topology CSV, or one resolved layer.
 *
 *   layers                 every layer of every built-in network
 *   layers NET             one network (resnet, resnet50, vgg, ...)
 *   layers --csv FILE      parse a SCALE-Sim topology CSV and list its usable
 *                          rows; each bad row's error and the rows SCALE-Sim
 *                          sizes differently go to stderr
 *   layers --show SPEC     one layer as LAYER= resolves it (resnet_3, f.csv:row)
 *
 * Options are parsed with getopt_long (`--csv FILE` or `--csv=FILE`).
 * Exit status: 0 success, 1 bad input (the message is on stderr; for --csv,
 * a bad file or any bad row), 2 usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/memmap.h"
#include "core/layer.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: layers [NET]          list the built-in catalogs (all, or one network)\n"
               "       layers --csv FILE     parse a SCALE-Sim topology CSV and list its layers\n"
               "       layers --show SPEC    print one layer (NET_N or FILE.csv:ROW)\n"
               "       layers -h|--help      this text\n"
               "networks:");
    for (int i = 0; acc_catalog_nets[i]; i++)
        fprintf(f, " %s", acc_catalog_nets[i]);
    fprintf(f, "\n");
}

static void fmt_pair(char *buf, size_t n, int a, int b)
{
    if (a == b)
        snprintf(buf, n, "%d", a);
    else
        snprintf(buf, n, "%d,%d", a, b);
}

static void fmt_pad(char *buf, size_t n, const acc_layer *l)
{
    if (l->pad_top == l->pad_bottom && l->pad_top == l->pad_left && l->pad_top == l->pad_right)
        snprintf(buf, n, "%d", l->pad_top);
    else
        snprintf(buf, n, "%d,%d,%d,%d", l->pad_top, l->pad_bottom, l->pad_left, l->pad_right);
}

/* Prints a table of layers; `rows` (may be NULL) gives each layer's name in
 * its source file, printed in a last column.  Returns the total MACs. */
static uint64_t print_table(const acc_layer_list *list, const acc_layer_list *rows)
{
    int wname = 4;
    for (int i = 0; i < list->count; i++) {
        int n = (int)strlen(list->items[i].name);
        if (n > wname)
            wname = n;
    }
    printf("%-*s  %-13s %-6s %6s %-6s %-8s %-4s %6s %-9s %13s%s\n", wname, "name", "HxWxC", "FHxFW",
           "K", "stride", "pad", "dil", "groups", "OHxOW", "MACs", rows ? "  row" : "");
    uint64_t total = 0;
    for (int i = 0; i < list->count; i++) {
        const acc_layer *l = &list->items[i];
        char in[48], fil[24], st[24], pad[48], dil[24], outs[32];
        snprintf(in, sizeof in, "%dx%dx%d", l->ifmap_h, l->ifmap_w, l->channels);
        snprintf(fil, sizeof fil, "%dx%d", l->filter_h, l->filter_w);
        fmt_pair(st, sizeof st, l->stride_h, l->stride_w);
        fmt_pad(pad, sizeof pad, l);
        fmt_pair(dil, sizeof dil, l->dil_h, l->dil_w);
        snprintf(outs, sizeof outs, "%dx%d", layer_out_h(l), layer_out_w(l));
        uint64_t macs = layer_macs(l);
        total += macs;
        printf("%-*s  %-13s %-6s %6d %-6s %-8s %-4s %6d %-9s %13llu", wname, l->name, in, fil,
               l->num_filter, st, pad, dil, l->groups, outs, (unsigned long long)macs);
        if (rows && i < rows->count)
            printf("  %s", rows->items[i].name);
        printf("\n");
    }
    return total;
}

static void print_total(const char *what, int count, uint64_t macs)
{
    double g = (double)macs / 1e9;
    printf("total %s: %d layers, %llu MACs (%.3f %s)\n", what, count, (unsigned long long)macs,
           g >= 1.0 ? g : g * 1e3, g >= 1.0 ? "G" : "M");
}

/* Lists one built-in network.  Returns 0 or 1 (message printed). */
static int list_net(const char *net)
{
    acc_layer_list list, rows;
    acc_error err;
    if (acc_catalog_net(net, &list, &err) != 0) {
        fprintf(stderr, "layers: %s\n", err.msg);
        return 1;
    }
    /* the same file again without renaming, for the source row names */
    const char *dir = acc_catalog_dir();
    size_t n = strlen(dir) + strlen(net) + 8;
    char *path = acc_malloc(n);
    snprintf(path, n, "%s/%s.csv", dir, net);
    int have_rows = acc_layer_csv_load(path, NULL, &rows, &err) == 0;
    free(path);
    printf("# %s\n", net);
    uint64_t total = print_table(&list, have_rows ? &rows : NULL);
    print_total(net, list.count, total);
    acc_layer_list_free(&list);
    if (have_rows)
        acc_layer_list_free(&rows);
    return 0;
}

/* Rows named in one warning or note at most. */
#define ROUNDING_LISTED 8

/* The warning of a file whose rows SCALE-Sim sizes differently: the rows
 * (the first ROUNDING_LISTED of them) with both output sizes. */
static void warn_rounding(const char *path, const acc_layer_table *t)
{
    int affected = 0;
    for (int i = 0; i < t->count; i++) {
        int oh, ow;
        affected += !t->rows[i].error && acc_layer_rounding(&t->rows[i].layer, &oh, &ow);
    }
    if (!affected)
        return;
    fprintf(stderr,
            "layers: warning: %s: %d row%s with an output size that SCALE-Sim rounds up and "
            "this project (like PyTorch) rounds down (docs/formats.md, \"SCALE-Sim files\"):",
            path, affected, affected == 1 ? "" : "s");
    int listed = 0;
    for (int i = 0; i < t->count && listed < ROUNDING_LISTED; i++) {
        const acc_layer *l = &t->rows[i].layer;
        int oh, ow;
        if (t->rows[i].error || !acc_layer_rounding(l, &oh, &ow))
            continue;
        fprintf(stderr, "%s line %d '%s' %dx%d (SCALE-Sim %dx%d)", listed ? "," : "",
                t->rows[i].line, l->name, layer_out_h(l), layer_out_w(l), oh, ow);
        listed++;
    }
    if (affected > listed)
        fprintf(stderr, ", and %d more", affected - listed);
    fprintf(stderr, "\n");
}

/* The note of a file whose rows share names: such rows are used by number. */
static void note_shared(const char *path, const acc_layer_table *t)
{
    if (!t->shared)
        return;
    fprintf(stderr,
            "layers: note: %s: %d row%s repeat an earlier row's name; select %s by number "
            "(LAYER=%s:<N>):",
            path, t->shared, t->shared == 1 ? "" : "s", t->shared == 1 ? "it" : "them", path);
    int listed = 0;
    for (int i = 0; i < t->count && listed < ROUNDING_LISTED; i++)
        if (t->rows[i].first_line) {
            fprintf(stderr, "%s line %d '%s' (first on line %d)", listed ? "," : "",
                    t->rows[i].line, t->rows[i].layer.name, t->rows[i].first_line);
            listed++;
        }
    if (t->shared > listed)
        fprintf(stderr, ", and %d more", t->shared - listed);
    fprintf(stderr, "\n");
}

/* Lists the usable rows of a CSV; every bad row's error goes to stderr.
 * Returns 0 when every row is usable, 1 otherwise (or on a bad file). */
static int list_csv(const char *path)
{
    acc_layer_table t;
    acc_error err;
    if (acc_layer_table_load(path, &t, &err) != 0) {
        fprintf(stderr, "layers: %s\n", err.msg);
        return 1;
    }
    acc_layer_list list;
    list.items = acc_malloc((size_t)t.count * sizeof *list.items);
    list.count = 0;
    for (int i = 0; i < t.count; i++)
        if (!t.rows[i].error)
            list.items[list.count++] = t.rows[i].layer;
    printf("# %s\n", path);
    uint64_t total = print_table(&list, NULL);
    print_total(path, list.count, total);
    for (int i = 0; i < t.count; i++)
        if (t.rows[i].error)
            fprintf(stderr, "layers: %s\n", t.rows[i].error);
    if (t.bad == t.count)
        fprintf(stderr, "layers: %s: none of its %d rows is usable\n", path, t.count);
    else if (t.bad)
        fprintf(stderr,
                "layers: %s: %d of %d rows are not usable; the other %d run as "
                "LAYER=%s:<row>\n",
                path, t.bad, t.count, t.count - t.bad, path);
    note_shared(path, &t);
    warn_rounding(path, &t);
    int rc = t.bad ? 1 : 0;
    acc_layer_list_free(&list);
    acc_layer_table_free(&t);
    return rc;
}

static int show(const char *spec)
{
    acc_layer l;
    acc_error err;
    char note[512];
    if (acc_layer_resolve(spec, &l, note, sizeof(note), &err) != 0) {
        fprintf(stderr, "layers: %s\n", err.msg);
        return 1;
    }
    if (note[0])
        fprintf(stderr, "layers: warning: %s\n", note);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    printf("layer     %s\n", l.name);
    printf("input     %d x %d x %d (H x W x C), %llu bytes int8\n", l.ifmap_h, l.ifmap_w,
           l.channels, (unsigned long long)layer_x_bytes(&l));
    printf("filter    %d x %d, %d -> %d channels, groups %d, %llu weight bytes int8\n", l.filter_h,
           l.filter_w, l.channels, l.num_filter, l.groups, (unsigned long long)layer_w_bytes(&l));
    printf("stride    %d,%d (h,w)\n", l.stride_h, l.stride_w);
    printf("dilation  %d,%d (h,w)\n", l.dil_h, l.dil_w);
    printf("padding   top %d, bottom %d, left %d, right %d\n", l.pad_top, l.pad_bottom, l.pad_left,
           l.pad_right);
    printf("output    %d x %d x %d (OH x OW x K), %llu bytes int32\n", layer_out_h(&l),
           layer_out_w(&l), l.num_filter, (unsigned long long)layer_y_bytes(&l));
    printf("MACs      %llu\n", (unsigned long long)layer_macs(&l));
    printf("memmap    x=0x%08x w=0x%08x y=0x%08x end=0x%08x prog=0x%08x\n", mm.x, mm.w, mm.y,
           mm.end, mm.prog);
    return 0;
}

/* Long options; their codes are above every character so that getopt_long's
 * optopt tells a bad short option from a bad long one. */
enum { CLI_CSV = 256, CLI_SHOW, CLI_HELP };

static const struct option long_options[] = {
    {"csv", required_argument, NULL, CLI_CSV},
    {"show", required_argument, NULL, CLI_SHOW},
    {"help", no_argument, NULL, CLI_HELP},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "layers: %s '%s'\n", msg, arg);
    usage(stderr);
    return 2;
}

/* Every layer of every built-in network, then the grand total. */
static int list_all(void)
{
    uint64_t grand = 0;
    int count = 0;
    for (int i = 0; acc_catalog_nets[i]; i++) {
        acc_layer_list list;
        acc_error err;
        if (acc_catalog_net(acc_catalog_nets[i], &list, &err) != 0) {
            fprintf(stderr, "layers: %s\n", err.msg);
            return 1;
        }
        for (int j = 0; j < list.count; j++)
            grand += layer_macs(&list.items[j]);
        count += list.count;
        acc_layer_list_free(&list);
        if (i > 0)
            printf("\n");
        if (list_net(acc_catalog_nets[i]) != 0)
            return 1;
    }
    printf("\n");
    print_total("of every network", count, grand);
    return 0;
}

int main(int argc, char **argv)
{
    const char *csv = NULL, *spec = NULL;
    const char *mode = NULL; /* the option that chose the mode */
    char name[64];
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (ch) {
        case 'h':
        case CLI_HELP:
            usage(stdout);
            return 0;
        case CLI_CSV:
        case CLI_SHOW:
            if (mode)
                return usage_error("give one of --csv, --show or NET; also got",
                                   ch == CLI_CSV ? "--csv" : "--show");
            mode = ch == CLI_CSV ? "--csv" : "--show";
            *(ch == CLI_CSV ? &csv : &spec) = optarg;
            break;
        case ':':
            fprintf(stderr, "layers: %s takes exactly one argument\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        default: /* '?' */
            if (optopt > 0 && optopt < 256)
                snprintf(name, sizeof(name), "-%c", optopt);
            else
                snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[optind - 1], "="),
                         argv[optind - 1]);
            return usage_error(optopt >= 256 ? "option takes no value" : "unknown option", name);
        }
    }
    if (optind < argc && (mode || optind + 1 < argc))
        return usage_error("unexpected argument", argv[mode ? optind : optind + 1]);
    if (csv)
        return list_csv(csv);
    if (spec)
        return show(spec);
    if (optind < argc)
        return list_net(argv[optind]);
    return list_all();
}
