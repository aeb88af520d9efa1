/* opt_cnf.h - a CNF formula under construction, with Tseitin gates: what the
 * optimizer's encodings (opt_expr.h) write and the SAT driver (sat.c) hands
 * to the solver.  No solver here: clauses are stored as DIMACS literals (a
 * positive or negative variable number), each clause ended by 0, so the
 * formula can be fed to any solver or written as a DIMACS file.
 *
 * Literals OPT_TRUE and OPT_FALSE are the constants; gate constructors fold
 * them (and x AND x, x XOR NOT x, ...) and reuse an existing gate with the
 * same inputs (structural hashing), so constant parts of an encoding cost
 * no clauses. */
#ifndef ACC_OPT_CNF_H
#define ACC_OPT_CNF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Variable 1 is the constant "true" (fixed by a unit clause). */
#define OPT_TRUE 1
#define OPT_FALSE (-1)

typedef struct opt_cnf opt_cnf;

/* A new formula holding only the unit clause of OPT_TRUE.  Free with
 * opt_cnf_free. */
opt_cnf *opt_cnf_new(void);
void opt_cnf_free(opt_cnf *f);

/* A fresh variable (returned as its positive literal). */
int opt_cnf_var(opt_cnf *f);
int opt_cnf_vars(const opt_cnf *f);

/* Adds a clause of n literals (constants allowed: a clause holding OPT_TRUE
 * is dropped, OPT_FALSE literals are removed). */
void opt_cnf_clause(opt_cnf *f, const int *lits, int n);
void opt_cnf_clause2(opt_cnf *f, int a, int b);
void opt_cnf_clause3(opt_cnf *f, int a, int b, int c);

/* The stored clauses: literals with a 0 after each clause. */
const int *opt_cnf_lits(const opt_cnf *f, size_t *n);
size_t opt_cnf_clauses(const opt_cnf *f);

/* Gates: return a literal equivalent to the function of the inputs. */
int opt_and(opt_cnf *f, int a, int b);
int opt_or(opt_cnf *f, int a, int b);
int opt_xor(opt_cnf *f, int a, int b);
int opt_mux(opt_cnf *f, int sel, int a, int b); /* sel ? a : b */
/* Full adder: *sum = a ^ b ^ c, returns the carry maj(a, b, c). */
int opt_full_add(opt_cnf *f, int a, int b, int c, int *sum);

/* Bit vectors, least significant bit first, `w` bits. */
/* out = a + b over w bits; returns the carry out. */
int opt_bv_add(opt_cnf *f, const int *a, const int *b, int w, int *out);
/* Literal of a <= b (unsigned, w bits each). */
int opt_bv_ule(opt_cnf *f, const int *a, const int *b, int w);

/* Writes the formula in DIMACS form followed by `extra`: n_clauses more
 * clauses, literals with a 0 after each (n_lits entries in all), and
 * `comment` lines (may be NULL) after the "c" prefix.  Returns 0 or -1 when
 * writing fails. */
int opt_cnf_write_dimacs(const opt_cnf *f, FILE *out, const int *extra, size_t n_lits,
                         size_t n_clauses, const char *comment);

#endif
