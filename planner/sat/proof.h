/* proof.h - the DRAT proof of a certificate: the exported DIMACS query
 * solved again by a fresh CaDiCaL instance (its own DIMACS reader, no
 * options but quiet and text proofs) with proof tracing on, so the proof
 * refutes exactly the file's clauses (docs/planner.md, "Checking a
 * certificate").  planner/sat/proof.cpp is the one C++ file of the planner:
 * CaDiCaL 1.5.3 writes proofs through its C++ API only. */
#ifndef ACC_PROOF_H
#define ACC_PROOF_H

#include "core/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Solves the DIMACS file `dimacs` and, when it is unsatisfiable, writes the
 * text DRAT proof to `proof` atomically (a temporary file renamed into
 * place).  Returns 20 (unsatisfiable, proof written), or -1 with err when
 * the file cannot be read, is not DIMACS, is satisfiable (no proof: the
 * message says so) or the proof cannot be written (nothing is left at
 * `proof` then). */
int acc_sat_write_proof(const char *dimacs, const char *proof, acc_error *err);

#ifdef __cplusplus
}
#endif

#endif
