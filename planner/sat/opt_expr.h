/* opt_expr.h - integer expressions over the choice variables of a search
 * space, with one meaning and two evaluators: a concrete one (a choice in,
 * a number out) and a CNF encoding (bit vectors whose value, in every model
 * of the formula, equals the concrete evaluation under the model's choice).
 * The optimizer writes its lower bounds and constraints once, here, so the
 * solver reasons about exactly the numbers the C code computes
 * (tests/test_opt_expr.c checks the two evaluators against each other).
 *
 * A choice picks one index in each dimension's domain (dimension d has
 * dom[d] values).  Values are unsigned and saturate at `cap` (2^w - 1 for
 * some w <= 62): every operation returns min(exact result, cap).  Booleans
 * are the values 0 and 1. */
#ifndef ACC_OPT_EXPR_H
#define ACC_OPT_EXPR_H

#include <stdint.h>

#include "planner/sat/opt_cnf.h"

typedef struct opt_expr opt_expr;

/* A new expression store over `ndims` dimensions of the given domain sizes,
 * saturating at cap (which must be 2^w - 1, 1 <= w <= 62).  Free with
 * opt_expr_free. */
opt_expr *opt_expr_new(int ndims, const int *dom, uint64_t cap);
void opt_expr_free(opt_expr *e);

/* Node constructors; each returns a node handle (>= 0). */
int opt_e_const(opt_expr *e, uint64_t v);
int opt_e_table(opt_expr *e, int dim, const uint64_t *vals); /* vals[index] (copied) */
/* A table over two dimensions (dima != dimb): the value at indices (i, j) is
 * vals[i * dom[dimb] + j] (copied).  For quantities that couple two
 * dimensions and are no product of per-dimension tables. */
int opt_e_table2(opt_expr *e, int dima, int dimb, const uint64_t *vals);
int opt_e_add(opt_expr *e, int a, int b);
int opt_e_mul(opt_expr *e, int a, int b);
int opt_e_max(opt_expr *e, int a, int b);
int opt_e_align4(opt_expr *e, int a);               /* a + 3 rounded down to a multiple of 4 */
int opt_e_shr(opt_expr *e, int a, int k);           /* floor(a / 2^k), 0 <= k < 62 */
int opt_e_le(opt_expr *e, int a, int b);            /* boolean a <= b */
int opt_e_ite(opt_expr *e, int cond, int a, int b); /* cond (boolean) ? a : b */
int opt_e_and(opt_expr *e, int a, int b);           /* booleans */
int opt_e_or(opt_expr *e, int a, int b);
int opt_e_not(opt_expr *e, int a);

/* Largest value a node can take (saturated). */
uint64_t opt_e_max_value(const opt_expr *e, int node);

/* Concrete value of a node for the choice idx[0..ndims-1]. */
uint64_t opt_e_eval(const opt_expr *e, int node, const int *idx);
/* Concrete values of every node (vals has opt_e_count entries). */
void opt_e_eval_all(const opt_expr *e, const int *idx, uint64_t *vals);

/* Interval evaluation: lo[n] <= value of node n <= hi[n] for every choice
 * whose index in dimension d is one with allowed[d][index] != 0 (at least
 * one per dimension).  Sound, not exact: operations are monotone except
 * le, ite, and, or, not, which are bounded case by case.  lo and hi have one
 * entry per node (opt_e_count).  The bounds of every node at the last call
 * are kept in the expression (not thread-safe): a call computes again only
 * the nodes that depend on a dimension whose allowed values changed, and a
 * table only over those values; the result equals a fresh computation. */
int opt_e_count(const opt_expr *e);
void opt_e_bounds(const opt_expr *e, char *const *allowed, uint64_t *lo, uint64_t *hi);
/* The work of every opt_e_bounds call so far: nodes computed plus table
 * entries read (a deterministic count of interval reasoning). */
uint64_t opt_e_steps(const opt_expr *e);
/* The bounds of one node at the last opt_e_bounds call (whose lo and hi
 * may then be NULL: the search reads a few nodes, not every one). */
void opt_e_bound_of(const opt_expr *e, int node, uint64_t *lo, uint64_t *hi);

/* CNF encoding.  lits[d][i] is the literal that is true exactly when
 * dimension d takes index i (exactly one per dimension must hold; the caller
 * encodes that).  A literal OPT_FALSE marks an index excluded by the caller:
 * its table entries are not encoded.  Returns the node's bits (least
 * significant first; owned by the encoder, valid until opt_e_encoder_free)
 * and their number in *w.  Shared subexpressions are encoded once. */
typedef struct opt_e_encoder opt_e_encoder;
opt_e_encoder *opt_e_encoder_new(const opt_expr *e, opt_cnf *f, int *const *lits);
void opt_e_encoder_free(opt_e_encoder *enc);
const int *opt_e_encode(opt_e_encoder *enc, int node, int *w);

#endif
