// proof.cpp - CaDiCaL's DRAT proof of a DIMACS file (proof.h).  The one
// C++ file of the planner: Solver::trace_proof has no C counterpart in
// CaDiCaL 1.5.3's ccadical.h.
#include <cadical.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
#include "core/util.h"
}
#include "planner/sat/proof.h"

int acc_sat_write_proof(const char *dimacs, const char *proof, acc_error *err)
{
    char *tmp = acc_tmp_name(proof);
    int slot = acc_tmp_track(tmp);
    FILE *f = std::fopen(tmp, "w");
    if (!f) {
        acc_fail(err, "%s: cannot write the proof: %s", proof, std::strerror(errno));
        acc_tmp_forget(slot);
        std::free(tmp);
        return -1;
    }
    CaDiCaL::Solver *s = new CaDiCaL::Solver;
    s->set("quiet", 1);
    s->set("binary", 0); // text DRAT, what docs/planner.md describes
    int rc = 0;
    if (!s->trace_proof(f, proof))
        rc = acc_fail(err, "%s: the solver cannot trace a proof", proof);
    int vars = 0;
    const char *e = rc == 0 ? s->read_dimacs(dimacs, vars, 1) : nullptr;
    if (e)
        rc = acc_fail(err, "%s: not DIMACS (CaDiCaL's reader: %s)", dimacs, e);
    int result = rc == 0 ? s->solve() : 0;
    if (rc == 0)
        s->close_proof_trace();
    delete s;
    if (std::fclose(f) != 0 && rc == 0)
        rc = acc_fail(err, "%s: cannot write the proof: %s", proof, std::strerror(errno));
    if (rc == 0 && result == 10)
        rc = acc_fail(err, "%s: satisfiable: there is nothing to prove (no proof written)", dimacs);
    else if (rc == 0 && result != 20)
        rc = acc_fail(err, "%s: the solver gave no answer", dimacs);
    if (rc == 0 && std::rename(tmp, proof) != 0)
        rc = acc_fail(err, "%s: cannot write the proof: %s", proof, std::strerror(errno));
    if (rc != 0)
        std::remove(tmp);
    acc_tmp_forget(slot);
    std::free(tmp);
    return rc == 0 ? 20 : -1;
}
