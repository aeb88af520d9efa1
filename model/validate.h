/* validate.h - the schedule validator.  It checks a program against a layer,
 * a configuration and a memory map, symbolically, on a scratchpad that
 * tags every byte with what it holds:
 *   - every field in range and every scratchpad access inside the scratchpad;
 *   - every external-memory access inside the tensor it belongs to (LOADs read
 *     x or w, STOREs write y);
 *   - every COMPUTE reads, at every step, exactly the input and weight
 *     elements the convolution needs for the outputs it accumulates (or a
 *     virtual zero where the layer pads), so no live data was overwritten
 *     before its last use;
 *   - every output element is stored exactly once, and only after all of its
 *     (C/G)*FH*FW terms have been accumulated in one unbroken chain (first
 *     COMPUTE without ACC, the rest with ACC), channel chunks in order and,
 *     when a planner splits the filter into kernel slices, the slices of a
 *     chunk in the order of docs/model.md, "Partial sums";
 *   - dependencies make the DMA/compute overlap safe: under the timing model,
 *     no instruction reads scratchpad bytes that a still-running or later
 *     instruction is writing, nor overwrites bytes a running instruction
 *     still reads (checked on the model's [s_i, e_i) intervals);
 *   - the program ends with END and is executable under model_run.
 * Each violation is reported with the instruction index and what is wrong.
 * The cost follows the program's blocks and the intervals they cover, not
 * the bytes they move (docs/model.md, "What the validator costs"). */
#ifndef ACC_VALIDATE_H
#define ACC_VALIDATE_H

#include <stdio.h>

#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"
#include "core/memmap.h"

/* One violation: the instruction it names and the message. */
typedef struct acc_violation {
    int index; /* instruction index, -1 when it names none */
    char *msg; /* "instruction 12 (compute): ...", owned by the acc_validation */
} acc_violation;

/* Violations written to the log; every one is in acc_validation.list. */
#define ACC_VALIDATE_LOG_MAX 20

typedef struct acc_validation {
    int ok;                   /* 1 when no violation was found */
    int violations;           /* number found: all of them */
    acc_violation *list;      /* every violation, in the order found (violations entries) */
    int first_index;          /* instruction index of the first, or -1 */
    char first[512];          /* message of the first violation (cut to fit) */
    uint64_t peak_live_bytes; /* scratchpad occupancy: max over time */
    uint64_t *live_bytes;     /* live bytes at each instruction's issue */
    uint64_t *live_end;       /* live bytes in each instruction's end cycle e_i: occupancy
                                 changes only at end cycles, so these points give it exactly */
    int count;
} acc_validation;

/* Validates; returns 0 when the program is valid, -1 otherwise (details in
 * *out, every violation in out->list, and err holds the first message).
 * Writes the first ACC_VALIDATE_LOG_MAX violations to `log` (may be NULL),
 * one a line, as "instruction 12 (compute): ...".  Free with
 * acc_validation_free. */
int acc_validate(const acc_program *p, const acc_layer *l, const acc_config *cfg,
                 const acc_memmap *mm, acc_validation *out, FILE *log, acc_error *err);
/* acc_validate with a progress hook: when progress is not NULL it is called
 * as progress(ctx, i, p->count) before instruction i is interpreted, and
 * with (p->count, p->count) at the end; its return value is ignored (the
 * validator always completes). */
int acc_validate_progress(const acc_program *p, const acc_layer *l, const acc_config *cfg,
                          const acc_memmap *mm, acc_validation *out, FILE *log,
                          acc_progress_fn progress, void *ctx, acc_error *err);
/* Frees what acc_validate allocated in *v (v may be NULL). */
void acc_validation_free(acc_validation *v);

/* The first violation of v that names instruction `index`, or NULL. */
const acc_violation *acc_validation_at(const acc_validation *v, int index);

#endif
