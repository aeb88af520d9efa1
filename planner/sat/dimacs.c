/* dimacs.c - DIMACS CNF and the token stream of DRAT/LRAT proofs. */
#include "planner/sat/dimacs.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void acc_tok_init(acc_tok *t, const char *text, size_t len, const char *path)
{
    t->p = text;
    t->end = text + len;
    t->path = path;
    t->line = 1;
    t->cur = 1;
}

char *acc_proof_read(const char *path, size_t *len, acc_error *err)
{
    return acc_read_file_max(path, ACC_PROOF_FILE_MAX, len, err);
}

static int peek(const acc_tok *t)
{
    return t->p < t->end ? (unsigned char)*t->p : EOF;
}

static void advance(acc_tok *t)
{
    if (t->p < t->end && *t->p++ == '\n')
        t->cur++;
}

void acc_tok_line(acc_tok *t, char *buf, size_t size)
{
    size_t n = 0;
    for (int c = peek(t); c != EOF && c != '\n'; c = peek(t)) {
        if (n + 1 < size)
            buf[n++] = (char)c;
        advance(t);
    }
    if (size)
        buf[n] = '\0';
}

int acc_tok_next(acc_tok *t, const char *field, long *v, acc_error *err)
{
    for (;;) {
        int c = peek(t);
        if (c == EOF)
            return ACC_TOK_EOF;
        t->line = t->cur;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            advance(t);
            continue;
        }
        if (c == 'c') { /* a comment, to the end of its line */
            while (peek(t) != EOF && peek(t) != '\n')
                advance(t);
            continue;
        }
        if (c == 'd' || c == 'p') {
            advance(t);
            int n = peek(t);
            if (n != ' ' && n != '\t' && n != '\n' && n != '\r' && n != EOF)
                return acc_fail(err, "%s:%ld: field '%s': '%c%c' is not a token of the format",
                                t->path, t->line, field, c, isprint(n) ? n : '?');
            return c == 'd' ? ACC_TOK_DELETE : ACC_TOK_HEADER;
        }
        if (c != '-' && !isdigit(c))
            return acc_fail(err, "%s:%ld: field '%s': unexpected character '%c' (0x%02x)%s",
                            t->path, t->line, field, isprint(c) ? c : '?', c & 0xff,
                            c == 'a' || c < 32 || c > 126 ? "; binary proofs are not read" : "");
        const char *start = t->p;
        int neg = c == '-';
        if (neg)
            advance(t);
        long x = 0;
        int digits = 0;
        for (c = peek(t); isdigit(c); c = peek(t)) {
            if (x <= INT_MAX) /* beyond, the value is refused anyway */
                x = 10 * x + (c - '0');
            digits++;
            advance(t);
        }
        int n = (int)(t->p - start);
        if (c != EOF && !isspace(c))
            return acc_fail(err, "%s:%ld: field '%s': '%.*s%c' is not an integer", t->path, t->line,
                            field, n < 23 ? n : 23, start, isprint(c) ? c : '?');
        if (digits == 0 || x > INT_MAX)
            return acc_fail(err,
                            "%s:%ld: field '%s': '%.*s' is not an integer in [-2^31+1, 2^31-1]",
                            t->path, t->line, field, n < 23 ? n : 23, start);
        if (neg)
            x = -x;
        *v = x;
        return ACC_TOK_INT;
    }
}

void acc_cnf_free(acc_cnf *cnf)
{
    free(cnf->lits);
    memset(cnf, 0, sizeof(*cnf));
}

int acc_cnf_read(const char *path, acc_cnf *cnf, acc_error *err)
{
    memset(cnf, 0, sizeof(*cnf));
    size_t len = 0;
    char *text = acc_read_file_max(path, ACC_CNF_FILE_MAX, &len, err);
    if (!text)
        return -1;
    acc_tok t;
    acc_tok_init(&t, text, len, path);
    size_t cap = 1024;
    cnf->lits = acc_malloc(cap * sizeof(int));
    int header = 0, open = 0, rc = 0;
    long found = 0;
    for (;;) {
        long v = 0;
        int k = acc_tok_next(&t, header ? "literal" : "p cnf", &v, err);
        if (k < 0) {
            rc = -1;
            break;
        }
        if (k == ACC_TOK_EOF)
            break;
        if (k == ACC_TOK_HEADER) {
            char line[128], extra[2];
            long vars, clauses;
            long at = t.line;
            acc_tok_line(&t, line, sizeof(line));
            if (header || sscanf(line, " cnf %ld %ld %1s", &vars, &clauses, extra) != 2 ||
                vars < 0 || clauses < 0 || vars > INT_MAX / 2 || clauses > INT_MAX / 2) {
                rc = acc_fail(err, "%s:%ld: field 'p cnf': %s", path, at,
                              header ? "a second header"
                                     : "expected 'p cnf VARS CLAUSES' (each in [0, 2^30))");
                break;
            }
            header = 1;
            cnf->vars = (int)vars;
            cnf->clauses = (int)clauses;
            continue;
        }
        if (k == ACC_TOK_DELETE || !header) {
            rc = acc_fail(err, "%s:%ld: field '%s': %s", path, t.line, header ? "literal" : "p cnf",
                          header ? "'d' is not a literal" : "a literal before the header 'p cnf'");
            break;
        }
        if (v > cnf->vars || -v > cnf->vars) {
            rc = acc_fail(err,
                          "%s:%ld: field 'literal': %ld is not a literal of the declared %d "
                          "variables",
                          path, t.line, v, cnf->vars);
            break;
        }
        if (v == 0 && ++found > cnf->clauses) {
            rc = acc_fail(err, "%s:%ld: field 'p cnf': more than the declared %d clauses", path,
                          t.line, cnf->clauses);
            break;
        }
        if (cnf->nlits == cap) {
            cap *= 2;
            cnf->lits = acc_realloc(cnf->lits, cap * sizeof(int));
        }
        cnf->lits[cnf->nlits++] = (int)v;
        open = v != 0;
    }
    free(text);
    if (rc == 0 && !header)
        rc = acc_fail(err, "%s: field 'p cnf': no header", path);
    if (rc == 0 && open)
        rc = acc_fail(err, "%s:%ld: field 'literal': the last clause is not ended by 0", path,
                      t.line);
    if (rc == 0 && found != cnf->clauses)
        rc = acc_fail(err, "%s: field 'p cnf': %d clauses declared, %ld found", path, cnf->clauses,
                      found);
    if (rc != 0)
        acc_cnf_free(cnf);
    return rc;
}
