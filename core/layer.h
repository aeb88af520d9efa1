/* layer.h - convolution layers and the built-in network catalogs.
 *
 * A layer is one 2-D convolution, batch 1, int8 x int8 -> int32.  Tensor
 * layouts (see docs/formats.md, "Tensor layouts"):
 *   input   x[C][H][W]                 int8,  C = channels
 *   weights w[C/G][FH][FW][K]          int8,  element (k, cg, fh, fw) with cg
 *                                             the channel index inside k's group
 *   output  y[K][OH][OW]               int32 (little-endian in memory)
 * Groups: output channel k belongs to group g = k / (K/G) and reads input
 * channels g*(C/G) .. g*(C/G)+C/G-1.  Depthwise is G == C.
 * Padding is asymmetric zero padding; OH = (H + pt + pb - DH*(FH-1) - 1)/SH + 1.
 *
 * Catalog files are SCALE-Sim topology CSVs under layers/ (layers/<net>.csv),
 * with optional extra columns; see docs/formats.md. */
#ifndef ACC_LAYER_H
#define ACC_LAYER_H

#include <stdint.h>

#include "core/util.h"

#define ACC_NAME_MAX 64

typedef struct acc_layer {
    char name[ACC_NAME_MAX]; /* "resnet_3", or the CSV row name */
    int ifmap_h, ifmap_w;    /* H, W (unpadded) */
    int filter_h, filter_w;  /* FH, FW */
    int channels;            /* C */
    int num_filter;          /* K */
    int stride_h, stride_w;  /* SH, SW >= 1 */
    int pad_top, pad_bottom, pad_left, pad_right;
    int dil_h, dil_w;        /* dilation >= 1 */
    int groups;              /* G >= 1, divides C and K */
} acc_layer;

/* Derived shapes.  Precondition: acc_layer_check(l) == 0. */
int layer_out_h(const acc_layer *l);
int layer_out_w(const acc_layer *l);
uint64_t layer_macs(const acc_layer *l);          /* K*OH*OW*(C/G)*FH*FW */
uint64_t layer_x_bytes(const acc_layer *l);       /* C*H*W */
uint64_t layer_w_bytes(const acc_layer *l);       /* (C/G)*FH*FW*K */
uint64_t layer_y_bytes(const acc_layer *l);       /* 4*K*OH*OW */

/* Checks that a layer is a convolution the project can run: every dimension
 * positive, groups divide C and K, the output is at least 1x1, fields fit the
 * ISA's ranges (docs/isa.md).  Returns 0 or -1 with err naming the field
 * ("layer 'x': field 'stride': ..."). */
int acc_layer_check(const acc_layer *l, acc_error *err);

/* A list of layers (one network or one CSV file).  Owns its array. */
typedef struct acc_layer_list {
    acc_layer *items;
    int count;
} acc_layer_list;
void acc_layer_list_free(acc_layer_list *list);

/* Parses a SCALE-Sim topology CSV file.  Layers get the name of their row;
 * when name_prefix is non-NULL they are renamed "<name_prefix>_<N>" (1-based).
 * Returns 0, or -1 with err naming the file, line and field. */
int acc_layer_csv_load(const char *path, const char *name_prefix,
                       acc_layer_list *out, acc_error *err);
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

/* External-memory map of one layer run: where the harness places each tensor
 * and the program.  Every base is 4 KiB aligned; x first at ACC_DRAM_BASE. */
#define ACC_DRAM_BASE 0x00010000u
typedef struct acc_memmap {
    uint32_t x, w, y, prog; /* byte addresses */
    uint32_t end;           /* first byte after y (program goes at prog) */
} acc_memmap;
void acc_memmap_default(const acc_layer *l, acc_memmap *mm);

#endif
