/* config.h - accelerator configurations, read from small INI files under
 * configs/ (configs/<name>.ini) with inih.  See docs/config.md.
 *
 *   [array]       rows, cols                     systolic array R x C (1..64)
 *   [scratchpad]  bytes, banks                   unified scratchpad
 *   [axi]         data_bits                      DMA port width (32..512, pow2)
 *   [memory]      read_latency, write_latency    external memory, cycles (1..255)
 *
 * The values that follow from them (line width, fetch queue depth) are
 * derived here once so that the RTL parameters, the model and the planner
 * cannot disagree. */
#ifndef ACC_CONFIG_H
#define ACC_CONFIG_H

#include <stdint.h>

#include "core/layer.h"
#include "core/util.h"

/* Size cap of a configuration file (docs/formats.md, "Input size limits"):
 * 1 MiB, thousands of times a real one. */
#define ACC_CONFIG_FILE_MAX ((size_t)1 << 20)

typedef struct acc_config {
    char name[ACC_NAME_MAX]; /* file stem: "default", "small", ... */
    int rows, cols;          /* R, C */
    uint32_t spad_bytes;     /* scratchpad size, multiple of banks*line_bytes */
    int spad_banks;          /* NB, power of two >= 2 (default 8) */
    int axi_data_bits;       /* DW*8 */
    int read_latency;        /* Lr: AR handshake -> first R beat, cycles */
    int write_latency;       /* Lw: last W beat -> B response, cycles */
    /* derived by acc_config_derive() */
    int axi_bytes;   /* DW */
    int line_bytes;  /* LW: smallest power of two >= max(R, C) */
    int fetch_depth; /* F: smallest power of two >= Lr + 2, at least 4 */
} acc_config;

/* Loads configs/<name>.ini or, when `name_or_path` contains '/' or ends in
 * ".ini", that file.  Missing keys take the built-in defaults of the default
 * configuration (16x16, 64 KiB, 8 banks, 64-bit, latency 20/20).  Unknown
 * sections or keys, and impossible values, are errors naming file, line and
 * key.  Returns 0 or -1. */
int acc_config_load(const char *name_or_path, acc_config *out, acc_error *err);
/* The same from a buffer; `path` names the file in messages. */
int acc_config_parse(const char *text, const char *path, acc_config *out, acc_error *err);

/* Fills the derived fields and checks cross-field constraints.  0 or -1. */
int acc_config_derive(acc_config *c, acc_error *err);

/* Directory holding the shipped configurations: "configs", or the
 * environment variable ACC_CONFIGS_DIR. */
const char *acc_config_dir(void);

#endif
