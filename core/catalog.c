/* catalog.c - the built-in network catalogs and LAYER= lookup.  The
 * topology CSV reader is layer_csv.c; the format is specified in
 * docs/formats.md ("Layer CSV"). */
#include "core/catalog.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void acc_layer_list_free(acc_layer_list *list)
{
    if (!list)
        return;
    free(list->items);
    list->items = NULL;
    list->count = 0;
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

/* "<path>.csv:<row>" (docs/formats.md, "LAYER= specifications"). */
static int lookup_csv(const char *spec, size_t path_len, acc_layer *out, acc_error *err)
{
    char *path = acc_malloc(path_len + 1);
    memcpy(path, spec, path_len);
    path[path_len] = '\0';
    const char *row = spec + path_len + 1;
    int rc;
    if (*row == '\0')
        rc = acc_fail(err, "layer '%.200s': say which row of %.200s, as %.200s:<row>", spec, path,
                      path);
    else
        rc = acc_layer_csv_row(path, row, out, err);
    free(path);
    return rc;
}

/* The ".csv:" that splits a spec into file and row (the last one), or NULL. */
static const char *csv_split(const char *spec)
{
    const char *csv = NULL;
    for (const char *p = strstr(spec, ".csv:"); p; p = strstr(p + 1, ".csv:"))
        csv = p;
    return csv;
}

int acc_layer_resolve(const char *spec, acc_layer *out, char *note, size_t note_size,
                      acc_error *err)
{
    ACC_REQUIRE(spec && out && (!note || note_size > 0));
    if (note)
        note[0] = '\0';
    if (acc_layer_lookup(spec, out, err) != 0)
        return -1;
    int oh, ow;
    if (note && csv_split(spec) && acc_layer_rounding(out, &oh, &ow))
        snprintf(note, note_size,
                 "layer '%s' of %.*s: output %dx%d; SCALE-Sim gives %dx%d, as it rounds output "
                 "sizes up where this project and PyTorch round down (docs/formats.md, "
                 "\"SCALE-Sim files\")",
                 out->name, (int)(csv_split(spec) - spec) + 4, spec, layer_out_h(out),
                 layer_out_w(out), oh, ow);
    return 0;
}

int acc_layer_lookup(const char *spec, acc_layer *out, acc_error *err)
{
    ACC_REQUIRE(spec && out);
    /* a user's CSV: split at the last ".csv:" */
    const char *csv = csv_split(spec);
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
