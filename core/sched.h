/* sched.h - the text form of a program, the .sched file (docs/isa.md,
 * "Text form").  One instruction per line, key=value operands, '#' comments,
 * directives for metadata:
 *
 *   .layer resnet_3
 *   .config default
 *   .planner baseline
 *   .memmap x=0x00010000 w=0x00023000 y=0x00024000 prog=0x00045000
 *   load    dram=0x00010000 spad=0x00000 n=58,10,16 dram_stride=56,3136 spad_stride=58,580
 *   compute act=0x00000 wgt=0x02000 out=0x03000 kernel=3x3 stride=1,1 dil=1,1 c=16 k=16 oh=8 ow=56
 * act_pitch=58,580 act_size=10x58 pad=1,1 wait=ld:2 store   dram=0x00024000 spad=0x03000 n=224,8,16
 * dram_stride=224,12544 spad_stride=224,1792 wait=cp:1 end
 *
 * The assembler accepts operands in any order, decimal or 0x hex; the
 * disassembler prints the canonical form above, so that
 * disassemble(assemble(text)) is canonical and assemble(disassemble(bin))
 * reproduces the binary exactly. */
#ifndef ACC_SCHED_H
#define ACC_SCHED_H

#include <stdio.h>

#include "core/isa.h"
#include "core/layer.h"
#include "core/memmap.h"

/* Size cap of a .sched file (docs/formats.md, "Input size limits"):
 * 256 MiB, a million instructions at the longest canonical line. */
#define ACC_SCHED_FILE_MAX ((size_t)256 << 20)

/* Metadata carried by directives; empty strings / has_memmap = 0 when absent. */
typedef struct acc_sched_meta {
    char layer[ACC_NAME_MAX];
    char config[ACC_NAME_MAX];
    char planner[ACC_NAME_MAX];
    int has_memmap;
    acc_memmap memmap;
    int memmap_line; /* line of the .memmap directive (0: none, or not from a file) */
} acc_sched_meta;

/* Assembles .sched text.  `path` names the file in messages.  Every error
 * names path, line and field ("x.sched:12: field 'n': expected three
 * numbers"), and nothing is returned on error.  Returns 0 or -1; on success
 * the caller frees out with acc_program_free. */
int acc_sched_parse(const char *text, const char *path, acc_program *out, acc_sched_meta *meta,
                    acc_error *err);
int acc_sched_load(const char *path, acc_program *out, acc_sched_meta *meta, acc_error *err);

/* The line (from 1) of instruction `index` (from 0) in .sched text, counted
 * as acc_sched_parse counts them (comments, blank lines and directives are
 * lines but not instructions); 0 when the text has no such instruction.
 * For messages about a loaded program that name the file and line. */
int acc_sched_instr_line(const char *text, int index);

/* Writes the canonical text of one instruction (no newline) into buf;
 * returns the length (buf of 512 bytes always suffices). */
int acc_sched_format_instr(const acc_instr *in, char *buf, size_t size);

/* Writes a whole program with its directives (meta may be NULL) and, when
 * `annot` is non-NULL, a trailing comment per instruction (e.g. model
 * cycles): annot(i, ctx, buf, size). */
typedef void (*acc_sched_annot_fn)(int index, void *ctx, char *buf, size_t size);
void acc_sched_write(FILE *f, const acc_program *p, const acc_sched_meta *meta,
                     acc_sched_annot_fn annot, void *ctx);
/* Renders a whole program as .sched text: `header` verbatim first (comment
 * lines ending in newlines, or NULL), then what acc_sched_write writes.
 * Returns a malloc'd NUL-terminated text (caller frees), its length in *len;
 * exits like acc_malloc when memory runs out.  This is the one renderer every
 * .sched file goes through. */
char *acc_sched_text(const acc_program *p, const acc_sched_meta *meta, const char *header,
                     acc_sched_annot_fn annot, void *ctx, size_t *len);
/* acc_sched_text saved atomically to `path` (acc_write_file).  0, or -1 with
 * err naming the path. */
int acc_sched_save(const char *path, const acc_program *p, const acc_sched_meta *meta,
                   const char *header, acc_sched_annot_fn annot, void *ctx, acc_error *err);

#endif
