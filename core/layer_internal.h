/* layer_internal.h - what crosses files inside the layer component
 * (layer.c, catalog.c): the field names of a layer as the CSV columns call
 * them (docs/formats.md), used in every error message about a field. */
#ifndef ACC_LAYER_INTERNAL_H
#define ACC_LAYER_INTERNAL_H

#include <stddef.h>

#include "core/layer.h"

#define F_H "ifmap height"
#define F_W "ifmap width"
#define F_FH "filter height"
#define F_FW "filter width"
#define F_C "channels"
#define F_K "num filter"
#define F_SH "stride"
#define F_SW "stride width"
#define F_PT "pad top"
#define F_PB "pad bottom"
#define F_PL "pad left"
#define F_PR "pad right"
#define F_DH "dilation"
#define F_DW "dilation width"
#define F_G "groups"

/* acc_layer_check without the message: on failure sets *field to the
 * failing field's name (one of the F_* above) and `why` (n bytes) to the
 * reason, and returns -1; 0 when the layer is valid.  The CSV reader uses
 * it to name the column as the file spells it. */
int acc_layer_fields_check(const acc_layer *l, const char **field, char *why, size_t n);

#endif
