/* catalog.h - lists of layers, the SCALE-Sim topology CSV reader
 * (layer_csv.c), the built-in network catalogs and LAYER= lookup
 * (catalog.c).  Catalog files are SCALE-Sim topology CSVs under layers/
 * (layers/<net>.csv), with optional extra columns; see docs/formats.md. */
#ifndef ACC_CATALOG_H
#define ACC_CATALOG_H

#include <stddef.h>

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

/* One data row of a topology CSV: its layer, or why it is none. */
typedef struct acc_csv_row {
    acc_layer layer; /* valid when error is NULL (the name is set when the name is valid) */
    int line;        /* line in the file, 1-based */
    int first_line;  /* the line of an earlier row with the same name, 0 when none */
    char *error;     /* NULL, or the row's error naming file, line and field (owned) */
} acc_csv_row;

/* Every data row of a topology CSV, usable or not: SCALE-Sim's files mix
 * both, and a row is rejected when it is used, not when its file is read.
 * Owns its rows. */
typedef struct acc_layer_table {
    acc_csv_row *rows;
    int count;  /* data rows (blank, comment and separator lines are none) */
    int bad;    /* rows with an error */
    int shared; /* rows whose name an earlier row has (first_line != 0) */
} acc_layer_table;
/* Frees the rows and their errors and leaves an empty table; t may be NULL. */
void acc_layer_table_free(acc_layer_table *t);

/* Reads a topology CSV into a table.  Returns -1 with err naming the file
 * and line only for what spoils the whole file (no header, an unknown or
 * repeated column, no data row, a NUL byte, a file over ACC_CSV_FILE_MAX);
 * a bad row is kept with its error.  A name may repeat (SCALE-Sim's files
 * repeat theirs): such rows are found through a hash index of the names
 * (uthash), linear in the rows, and are used by number.  On success the
 * caller frees *out with acc_layer_table_free. */
int acc_layer_table_load(const char *path, acc_layer_table *out, acc_error *err);
/* The same from a buffer; `path` is used in messages only. */
int acc_layer_table_parse(const char *text, const char *path, acc_layer_table *out, acc_error *err);

/* One row of a topology CSV file, as LAYER=<path>:<row> names it: the row
 * named `row`, or else, when `row` is a number N and no row has that name,
 * the N-th data row.  Cheap: it reads the file, scans the rows' first
 * fields and parses only the header and that row.  Returns 0 with *out, or
 * -1 with err: the file's error, "no layer named ...", a name that several
 * rows share ("duplicate layer name ...: select one of these rows by its
 * number"), or the row's own error (naming file, line and field), as
 * acc_layer_table_load gives it. */
int acc_layer_csv_row(const char *path, const char *row, acc_layer *out, acc_error *err);

/* Parses a SCALE-Sim topology CSV file whose every row must be a layer of
 * its own name (the catalogs).  Layers get the name of their row; when
 * name_prefix is non-NULL they are renamed "<name_prefix>_<N>" (1-based).
 * Returns 0, or -1 with err: the file's error, its first bad row's, or its
 * first repeated name ("duplicate layer name 'x' (first on line 2)"). */
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
 *   "<path>.csv:<row>"   one row of a user's CSV file (acc_layer_csv_row).
 * Returns 0, or -1 with err ("unknown network 'foo'", "resnet has 21 layers,
 * asked for 40", ...).  The layer is not checked beyond its row's checks. */
int acc_layer_lookup(const char *spec, acc_layer *out, acc_error *err);

/* acc_layer_lookup, and in `note` (note_size bytes; NULL for none) a
 * warning for a user's CSV row whose output SCALE-Sim sizes differently
 * (acc_layer_rounding), naming the row and both sizes; note[0] == '\0'
 * when there is none. */
int acc_layer_resolve(const char *spec, acc_layer *out, char *note, size_t note_size,
                      acc_error *err);

#endif
