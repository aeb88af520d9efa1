/* catalog.h - lists of layers, the SCALE-Sim topology CSV reader, the
 * built-in network catalogs and LAYER= lookup.  Catalog files are SCALE-Sim
 * topology CSVs under layers/ (layers/<net>.csv), with optional extra
 * columns; see docs/formats.md. */
#ifndef ACC_CATALOG_H
#define ACC_CATALOG_H

#include "core/layer.h"

/* Size cap of a layer CSV file (docs/formats.md, "Input size limits"):
 * 64 MiB, about 1.5 million SCALE-Sim rows. */
#define ACC_CSV_FILE_MAX ((size_t)64 << 20)

/* A list of layers (one network or one CSV file).  Owns its array. */
typedef struct acc_layer_list {
    acc_layer *items;
    int count;
} acc_layer_list;
void acc_layer_list_free(acc_layer_list *list);

/* Parses a SCALE-Sim topology CSV file.  Layers get the name of their row;
 * when name_prefix is non-NULL they are renamed "<name_prefix>_<N>" (1-based).
 * Returns 0, or -1 with err naming the file, line and field. */
int acc_layer_csv_load(const char *path, const char *name_prefix, acc_layer_list *out,
                       acc_error *err);
/* The same from a buffer; `path` is used in messages only. */
int acc_layer_csv_parse(const char *text, const char *path, const char *name_prefix,
                        acc_layer_list *out, acc_error *err);

/* Directory holding the built-in catalogs.  Default "layers", overridden by
 * the environment variable ACC_LAYERS_DIR (tests use it). */
const char *acc_catalog_dir(void);

/* Names of the built-in networks in catalog order, NULL-terminated:
 * "resnet" (ResNet-18), "resnet50", "vgg", "mobilenet" (MobileNetV2),
 * "alexnet", "lenet".  A network's file is <dir>/<net>.csv. */
extern const char *const acc_catalog_nets[];

/* Loads every layer of a built-in network, named "<net>_<N>".  Longer
 * names are accepted too: resnet18, vgg16, mobilenetv2, lenet5, resnet-50. */
int acc_catalog_net(const char *net, acc_layer_list *out, acc_error *err);

/* Resolves a LAYER= argument:
 *   "<net>_<N>"          N-th layer (1-based) of a built-in network;
 *   "<path>.csv:<row>"   the row named <row> of a user's CSV file.
 * Returns 0, or -1 with err ("unknown network 'foo'", "resnet has 21 layers,
 * asked for 40", ...). */
int acc_layer_lookup(const char *spec, acc_layer *out, acc_error *err);

#endif
