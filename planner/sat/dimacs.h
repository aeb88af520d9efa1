/* dimacs.h - the text reader of the certificate checkers: DIMACS CNF, and
 * the token stream of DRAT and LRAT proofs (integers, the deletion mark 'd',
 * comment lines starting with 'c').  It shares no code with CaDiCaL, so a
 * certificate read by both is read twice, independently (docs/planner.md,
 * "Checking a certificate").  Errors name the file, the line and the field. */
#ifndef ACC_DIMACS_H
#define ACC_DIMACS_H

#include <stddef.h>

#include "core/util.h"

/* A CNF formula: `clauses` clauses over variables 1..vars, stored one after
 * the other in lits[0..nlits), each ended by 0. */
typedef struct acc_cnf {
    int vars;
    int clauses;
    int *lits;
    size_t nlits;
} acc_cnf;

/* Reads a DIMACS CNF file: comment lines ('c'), one header 'p cnf VARS
 * CLAUSES' before the first literal, then literals in [-VARS, VARS], each
 * clause ended by 0, exactly CLAUSES of them; read with acc_read_file_max
 * and the cap ACC_CNF_FILE_MAX.  0, or -1 with err
 * ("<path>:<line>: field '<field>': ...").  Free *cnf with acc_cnf_free. */
int acc_cnf_read(const char *path, acc_cnf *cnf, acc_error *err);
/* Size cap of a DIMACS file (docs/formats.md, "Input size limits"):
 * 1 GiB, as ACC_DIMACS_FILE_MAX of sat.h. */
#define ACC_CNF_FILE_MAX ((size_t)1 << 30)
void acc_cnf_free(acc_cnf *cnf);

/* A token stream over a text in memory (not owned), read with
 * acc_proof_read or acc_read_file_max; `path` names it in messages. */
typedef struct acc_tok {
    const char *p, *end;
    const char *path;
    long line; /* the line of the last token returned */
    long cur;  /* the line being read */
} acc_tok;

enum { ACC_TOK_EOF = 0, ACC_TOK_INT = 1, ACC_TOK_DELETE = 2, ACC_TOK_HEADER = 3 };

void acc_tok_init(acc_tok *t, const char *text, size_t len, const char *path);

/* Reads a DRAT or LRAT proof whole (acc_read_file_max with
 * ACC_PROOF_FILE_MAX); caller frees.  NULL with err. */
char *acc_proof_read(const char *path, size_t *len, acc_error *err);
/* Size cap of a proof file: 2 GiB (docs/formats.md, "Input size limits"). */
#define ACC_PROOF_FILE_MAX ((size_t)2 << 30)

/* The next token: ACC_TOK_INT with *v (|v| <= 2^31 - 1), ACC_TOK_DELETE for
 * 'd', ACC_TOK_HEADER for 'p' (the rest of its line is then read with
 * acc_tok_line), ACC_TOK_EOF at the end; comment lines are skipped.  -1 with
 * err on anything else, naming `field` (what the caller expected). */
int acc_tok_next(acc_tok *t, const char *field, long *v, acc_error *err);

/* The rest of the current line (at most size - 1 bytes kept), consumed. */
void acc_tok_line(acc_tok *t, char *buf, size_t size);

#endif
