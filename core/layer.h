/* layer.h - convolution layers: the shape, derived sizes and the check.
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
 * Lists of layers, the CSV reader and the catalogs are core/catalog.h; the
 * external-memory map is core/memmap.h. */
#ifndef ACC_LAYER_H
#define ACC_LAYER_H

#include <stddef.h>
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
    int dil_h, dil_w; /* dilation >= 1 */
    int groups;       /* G >= 1, divides C and K */
} acc_layer;

/* A copy of a layer name that is safe as one file or directory name:
 * characters other than A-Z a-z 0-9 _ - . become '_', and "", "." and ".."
 * become "layer".  out has `size` bytes (ACC_NAME_MAX suffices). */
void acc_layer_file_name(const char *name, char *out, size_t size);

/* Derived shapes.  Precondition: acc_layer_check(l) == 0. */
int layer_out_h(const acc_layer *l);
int layer_out_w(const acc_layer *l);
uint64_t layer_macs(const acc_layer *l);    /* K*OH*OW*(C/G)*FH*FW */
uint64_t layer_x_bytes(const acc_layer *l); /* C*H*W */
uint64_t layer_w_bytes(const acc_layer *l); /* (C/G)*FH*FW*K */
uint64_t layer_y_bytes(const acc_layer *l); /* 4*K*OH*OW */

/* Checks that a layer is a convolution the project can run: every dimension
 * positive, groups divide C and K, the output is at least 1x1, filter,
 * stride, dilation and padding fit the COMPUTE's fields (docs/isa.md), the
 * tensors fit the external memory (docs/formats.md, "Layer limits").
 * Returns 0 or -1 with err naming the field ("layer 'x': field 'stride':
 * ..."). */
int acc_layer_check(const acc_layer *l, acc_error *err);

/* The one difference from SCALE-Sim in a layer's shape: SCALE-Sim rounds
 * an output size up, ceil((H + pads - span + S) / S) with span the dilated
 * filter, where this project (and PyTorch) round down, as
 * layer_out_h/layer_out_w do.  Sets *oh_up, *ow_up to SCALE-Sim's output
 * height and width and returns 1 when they differ from this project's, 0
 * when they agree.  Precondition: acc_layer_check(l) == 0. */
int acc_layer_rounding(const acc_layer *l, int *oh_up, int *ow_up);

#endif
