/* sched.c - the .sched text form: assembler and canonical disassembler
 * (docs/isa.md, "Text form").
 *
 * One table per instruction class lists the operands in canonical order, the
 * decoded fields each one fills and how it is printed; the parser and the
 * printer are both driven by it, so they cannot disagree on a name. */
#include "core/sched.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* How an operand's numbers are printed. */
typedef enum num_fmt { F_DEC, F_HEX5, F_HEX8 } num_fmt;

/* An operand: `name=` followed by `count` numbers joined by `sep`, filling
 * the uint32_t fields of acc_instr at the given byte offsets. */
typedef struct operand {
    const char *name;
    int count;
    char sep;
    num_fmt fmt;
    size_t off[3];
} operand;

#define OFF_D(f) offsetof(acc_instr, u.dma.f)
#define OFF_C(f) offsetof(acc_instr, u.cp.f)

static const operand dma_ops[] = {
    {"dram", 1, 0, F_HEX8, {OFF_D(dram), 0, 0}},
    {"spad", 1, 0, F_HEX5, {OFF_D(spad), 0, 0}},
    {"n", 3, ',', F_DEC, {OFF_D(n0), OFF_D(n1), OFF_D(n2)}},
    {"dram_stride", 2, ',', F_DEC, {OFF_D(dram_s1), OFF_D(dram_s2), 0}},
    {"spad_stride", 2, ',', F_DEC, {OFF_D(spad_s1), OFF_D(spad_s2), 0}},
};

static const operand cp_ops[] = {
    {"act", 1, 0, F_HEX5, {OFF_C(act), 0, 0}},
    {"wgt", 1, 0, F_HEX5, {OFF_C(wgt), 0, 0}},
    {"out", 1, 0, F_HEX5, {OFF_C(out), 0, 0}},
    {"kernel", 2, 'x', F_DEC, {OFF_C(fh), OFF_C(fw), 0}},
    {"stride", 2, ',', F_DEC, {OFF_C(sh), OFF_C(sw), 0}},
    {"dil", 2, ',', F_DEC, {OFF_C(dh), OFF_C(dw), 0}},
    {"c", 1, 0, F_DEC, {OFF_C(tc), 0, 0}},
    {"k", 1, 0, F_DEC, {OFF_C(tk), 0, 0}},
    {"oh", 1, 0, F_DEC, {OFF_C(th), 0, 0}},
    {"ow", 1, 0, F_DEC, {OFF_C(tw), 0, 0}},
    {"act_pitch", 2, ',', F_DEC, {OFF_C(act_ph), OFF_C(act_pc), 0}},
    {"act_size", 2, 'x', F_DEC, {OFF_C(vh), OFF_C(vw), 0}},
    {"pad", 2, ',', F_DEC, {OFF_C(ptop), OFF_C(pleft), 0}},
};

#define NOPS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAX_OPS 16

static const char *const engine_names[ACC_ENG_COUNT] = {"ld", "cp", "st"};
static const char *const count_words[] = {"", "one number", "two numbers", "three numbers"};

static const operand *operands_of(acc_opcode op, int *n)
{
    switch (op) {
    case ACC_OP_LOAD:
    case ACC_OP_STORE:
        *n = NOPS(dma_ops);
        return dma_ops;
    case ACC_OP_COMPUTE:
        *n = NOPS(cp_ops);
        return cp_ops;
    default:
        *n = 0;
        return NULL;
    }
}

static uint32_t *field_at(acc_instr *in, size_t off)
{
    return (uint32_t *)((char *)in + off);
}
static uint32_t field_val(const acc_instr *in, size_t off)
{
    return *(const uint32_t *)((const char *)in + off);
}

/* ------------------------------------------------------------ printing */

/* Appends to buf at *pos, never past size (the length keeps counting). */
static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*pos < size ? buf + *pos : NULL, *pos < size ? size - *pos : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n;
}

int acc_sched_format_instr(const acc_instr *in, char *buf, size_t size)
{
    ACC_REQUIRE(in != NULL && acc_op_name(in->op) != NULL);
    ACC_REQUIRE(buf != NULL && size > 0);
    size_t pos = 0;
    int n;
    const operand *ops = operands_of(in->op, &n);
    int bare = n == 0 && in->wait[0] == 0 && in->wait[1] == 0 && in->wait[2] == 0;
    append(buf, size, &pos, bare ? "%s" : "%-7s", acc_op_name(in->op));
    for (int i = 0; i < n; i++) {
        append(buf, size, &pos, " %s=", ops[i].name);
        for (int j = 0; j < ops[i].count; j++) {
            uint32_t v = field_val(in, ops[i].off[j]);
            if (j > 0)
                append(buf, size, &pos, "%c", ops[i].sep);
            if (ops[i].fmt == F_HEX8)
                append(buf, size, &pos, "0x%08x", v);
            else if (ops[i].fmt == F_HEX5)
                append(buf, size, &pos, "0x%05x", v);
            else
                append(buf, size, &pos, "%u", v);
        }
    }
    if (in->op == ACC_OP_COMPUTE && in->u.cp.acc)
        append(buf, size, &pos, " acc");
    if (in->op == ACC_OP_COMPUTE && in->u.cp.flat)
        append(buf, size, &pos, " flat");
    const char *sep = " wait=";
    for (int e = 0; e < ACC_ENG_COUNT; e++) {
        if (in->wait[e] == 0)
            continue;
        append(buf, size, &pos, "%s%s:%u", sep, engine_names[e], in->wait[e]);
        sep = ",";
    }
    if (pos >= size)
        buf[size - 1] = '\0';
    return (int)pos;
}

static void write_meta(FILE *f, const acc_sched_meta *meta)
{
    if (!meta)
        return;
    if (meta->layer[0])
        fprintf(f, ".layer %s\n", meta->layer);
    if (meta->config[0])
        fprintf(f, ".config %s\n", meta->config);
    if (meta->planner[0])
        fprintf(f, ".planner %s\n", meta->planner);
    if (meta->has_memmap) {
        const acc_memmap *m = &meta->memmap;
        fprintf(f, ".memmap x=0x%08x w=0x%08x y=0x%08x prog=0x%08x", m->x, m->w, m->y, m->prog);
        if (m->end)
            fprintf(f, " end=0x%08x", m->end);
        fputc('\n', f);
    }
}

void acc_sched_write(FILE *f, const acc_program *p, const acc_sched_meta *meta,
                     acc_sched_annot_fn annot, void *ctx)
{
    ACC_REQUIRE(f != NULL && p != NULL);
    write_meta(f, meta);
    char line[512], note[256];
    for (int i = 0; i < p->count; i++) {
        acc_sched_format_instr(&p->ins[i], line, sizeof(line));
        note[0] = '\0';
        if (annot)
            annot(i, ctx, note, sizeof(note));
        if (note[0])
            fprintf(f, "%s  # %s\n", line, note);
        else
            fprintf(f, "%s\n", line);
    }
}

char *acc_sched_text(const acc_program *p, const acc_sched_meta *meta, const char *header,
                     acc_sched_annot_fn annot, void *ctx, size_t *len)
{
    ACC_REQUIRE(p != NULL && len != NULL);
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f) {
        fprintf(stderr, "error: out of memory rendering a schedule\n");
        exit(2);
    }
    if (header)
        fputs(header, f);
    acc_sched_write(f, p, meta, annot, ctx);
    if (fclose(f) != 0) {
        fprintf(stderr, "error: out of memory rendering a schedule\n");
        exit(2);
    }
    return text;
}

int acc_sched_save(const char *path, const acc_program *p, const acc_sched_meta *meta,
                   const char *header, acc_sched_annot_fn annot, void *ctx, acc_error *err)
{
    ACC_REQUIRE(path != NULL && p != NULL);
    size_t len = 0;
    char *text = acc_sched_text(p, meta, header, annot, ctx, &len);
    int rc = acc_write_file(path, text, len, err);
    free(text);
    return rc;
}

/* ------------------------------------------------------------ parsing */

typedef struct parser {
    const char *path;
    int line;
    acc_error *err;
} parser;

static int perr(const parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(const parser *ps, const char *fmt, ...)
{
    char body[sizeof(((acc_error *)0)->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    return acc_fail(ps->err, "%s:%d: %s", ps->path, ps->line, body);
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Returns the next whitespace-separated token of *s (NUL-terminated in
 * place), or NULL at the end of the line. */
static char *next_token(char **s)
{
    char *p = *s;
    while (is_space(*p))
        p++;
    if (!*p) {
        *s = p;
        return NULL;
    }
    char *tok = p;
    while (*p && !is_space(*p))
        p++;
    if (*p)
        *p++ = '\0';
    *s = p;
    return tok;
}

/* Parses one number (decimal or 0x hex) that must fit 32 bits. */
static int parse_u32(const parser *ps, const char *field, const char *s, uint32_t *out)
{
    uint64_t v;
    if (acc_parse_u64(s, UINT64_MAX, &v) != 0)
        return perr(ps, "field '%s': bad number '%.40s'", field, s);
    if (v > 0xffffffffu)
        return perr(ps, "field '%s': %.40s does not fit in 32 bits", field, s);
    *out = (uint32_t)v;
    return 0;
}

/* Splits `value` into exactly `count` numbers separated by `sep` (0 for a
 * single number).  With sep 'x' the 'x' of a "0x" prefix belongs to the
 * number, not to the separator. */
static int parse_list(const parser *ps, const char *field, const char *value, int count, char sep,
                      uint32_t out[3])
{
    const char *start[3];
    size_t len[3];
    int pieces = 0;
    const char *p = value;
    for (;;) {
        const char *s = p;
        if (sep == 'x' && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
            p += 2;
        while (*p && (sep == 0 || *p != sep))
            p++;
        if (pieces < 3) {
            start[pieces] = s;
            len[pieces] = (size_t)(p - s);
        }
        pieces++;
        if (!*p)
            break;
        p++;
    }
    if (pieces != count)
        return perr(ps, "field '%s': expected %s separated by '%c', got '%.40s'", field,
                    count_words[count], sep, value);
    for (int i = 0; i < count; i++) {
        char piece[48];
        if (len[i] >= sizeof(piece))
            return perr(ps, "field '%s': bad number '%.40s'", field, start[i]);
        memcpy(piece, start[i], len[i]);
        piece[len[i]] = '\0';
        if (parse_u32(ps, field, piece, &out[i]) != 0)
            return -1;
    }
    return 0;
}

/* wait=ld:N,cp:N,st:N, any subset in any order. */
static int parse_wait(const parser *ps, const char *value, acc_instr *in)
{
    int seen[ACC_ENG_COUNT] = {0, 0, 0};
    const char *p = value;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char piece[64];
        if (n >= sizeof(piece))
            return perr(ps, "field 'wait': bad entry '%.40s'", p);
        memcpy(piece, p, n);
        piece[n] = '\0';
        char *colon = strchr(piece, ':');
        if (!colon)
            return perr(ps, "field 'wait': expected ENGINE:N (ld, cp or st), got '%s'", piece);
        *colon = '\0';
        int e = -1;
        for (int i = 0; i < ACC_ENG_COUNT; i++)
            if (strcmp(piece, engine_names[i]) == 0)
                e = i;
        if (e < 0)
            return perr(ps, "field 'wait': unknown engine '%s' (expected ld, cp or st)", piece);
        if (seen[e])
            return perr(ps, "field 'wait': engine '%s' given twice", piece);
        seen[e] = 1;
        if (parse_u32(ps, "wait", colon + 1, &in->wait[e]) != 0)
            return -1;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

static int parse_instr(const parser *ps, const char *mnemonic, char *rest, acc_instr *in)
{
    memset(in, 0, sizeof(*in));
    static const acc_opcode opcodes[] = {ACC_OP_LOAD, ACC_OP_STORE, ACC_OP_COMPUTE, ACC_OP_END};
    int found = 0;
    for (int i = 0; i < 4; i++)
        if (strcmp(mnemonic, acc_op_name(opcodes[i])) == 0) {
            in->op = opcodes[i];
            found = 1;
        }
    if (!found)
        return perr(ps, "unknown mnemonic '%.40s' (expected load, store, compute or end)",
                    mnemonic);
    int nops;
    const operand *ops = operands_of(in->op, &nops);
    int seen[MAX_OPS] = {0};
    int seen_wait = 0;
    char *tok;
    while ((tok = next_token(&rest)) != NULL) {
        char *eq = strchr(tok, '=');
        if (eq)
            *eq = '\0';
        const char *value = eq ? eq + 1 : NULL;
        if (strcmp(tok, "wait") == 0) {
            if (!value)
                return perr(ps, "field 'wait': expected wait=ld:N,cp:N,st:N");
            if (seen_wait)
                return perr(ps, "field 'wait': operand given twice");
            seen_wait = 1;
            if (parse_wait(ps, value, in) != 0)
                return -1;
            continue;
        }
        if (in->op == ACC_OP_END)
            return perr(ps, "field '%.40s': 'end' takes no operands except wait=", tok);
        if (in->op == ACC_OP_COMPUTE && (strcmp(tok, "acc") == 0 || strcmp(tok, "flat") == 0)) {
            /* the COMPUTE flags, bare words */
            int is_acc = tok[0] == 'a';
            int *flag = is_acc ? &in->u.cp.acc : &in->u.cp.flat;
            if (value)
                return perr(ps, "field '%s': a bare word, takes no value", tok);
            if (*flag)
                return perr(ps, "field '%s': operand given twice", tok);
            *flag = 1;
            continue;
        }
        int k = -1;
        for (int i = 0; i < nops; i++)
            if (strcmp(tok, ops[i].name) == 0)
                k = i;
        if (k < 0)
            return perr(ps, "field '%.40s': unknown operand of %s", tok, mnemonic);
        if (!value)
            return perr(ps, "field '%s': expected %s=value", tok, tok);
        if (seen[k])
            return perr(ps, "field '%s': operand given twice", tok);
        seen[k] = 1;
        uint32_t v[3] = {0, 0, 0};
        if (parse_list(ps, ops[k].name, value, ops[k].count, ops[k].sep, v) != 0)
            return -1;
        for (int j = 0; j < ops[k].count; j++)
            *field_at(in, ops[k].off[j]) = v[j];
    }
    for (int i = 0; i < nops; i++)
        if (!seen[i])
            return perr(ps, "field '%s': missing operand of %s", ops[i].name, mnemonic);
    acc_error e;
    if (acc_instr_check(in, &e) != 0)
        return perr(ps, "%s", e.msg);
    return 0;
}

/* ------------------------------------------------------------ directives */

typedef struct directive_lines {
    int layer, config, planner, memmap;
} directive_lines;

/* `.config NAME`, `.planner NAME`: one word; `.layer` takes the rest of the
 * line, trimmed, since a layer name may hold blanks (docs/formats.md). */
static int parse_name_directive(const parser *ps, const char *dir, char *rest,
                                char out[ACC_NAME_MAX], int *first_line)
{
    if (*first_line)
        return perr(ps, "directive '%s': given twice (first on line %d)", dir, *first_line);
    int whole = strcmp(dir, ".layer") == 0;
    char *name = next_token(&rest);
    if (!name)
        return perr(ps, "directive '%s': missing name", dir);
    if (whole && *rest) { /* the blank next_token cut, and what follows */
        name[strlen(name)] = ' ';
        size_t n = strlen(name);
        while (n > 0 && is_space(name[n - 1]))
            name[--n] = '\0';
    } else if (next_token(&rest)) {
        return perr(ps, "directive '%s': expected one name", dir);
    }
    if (strlen(name) >= ACC_NAME_MAX)
        return perr(ps, "directive '%s': name is longer than %d characters", dir, ACC_NAME_MAX - 1);
    strcpy(out, name);
    *first_line = ps->line;
    return 0;
}

static int parse_memmap(const parser *ps, char *rest, acc_memmap *mm, int *first_line)
{
    static const char *const names[] = {"x", "w", "y", "prog", "end"};
    if (*first_line)
        return perr(ps, "directive '.memmap': given twice (first on line %d)", *first_line);
    uint32_t v[5] = {0, 0, 0, 0, 0};
    int seen[5] = {0, 0, 0, 0, 0};
    char *tok;
    char field[32];
    while ((tok = next_token(&rest)) != NULL) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return perr(ps, "directive '.memmap': field '%.20s': expected name=address", tok);
        *eq = '\0';
        int k = -1;
        for (int i = 0; i < 5; i++)
            if (strcmp(tok, names[i]) == 0)
                k = i;
        if (k < 0)
            return perr(ps,
                        "directive '.memmap': field '%.20s': unknown (expected x, w, y, prog, end)",
                        tok);
        if (seen[k])
            return perr(ps, "directive '.memmap': field '%s': given twice", tok);
        seen[k] = 1;
        snprintf(field, sizeof(field), "%s", tok);
        if (parse_u32(ps, field, eq + 1, &v[k]) != 0)
            return -1;
    }
    for (int i = 0; i < 4; i++)
        if (!seen[i])
            return perr(ps, "directive '.memmap': field '%s': missing", names[i]);
    mm->x = v[0];
    mm->w = v[1];
    mm->y = v[2];
    mm->prog = v[3];
    mm->end = v[4];
    *first_line = ps->line;
    return 0;
}

static int parse_directive(const parser *ps, const char *dir, char *rest, acc_sched_meta *meta,
                           directive_lines *seen)
{
    if (strcmp(dir, ".layer") == 0)
        return parse_name_directive(ps, dir, rest, meta->layer, &seen->layer);
    if (strcmp(dir, ".config") == 0)
        return parse_name_directive(ps, dir, rest, meta->config, &seen->config);
    if (strcmp(dir, ".planner") == 0)
        return parse_name_directive(ps, dir, rest, meta->planner, &seen->planner);
    if (strcmp(dir, ".memmap") == 0) {
        if (parse_memmap(ps, rest, &meta->memmap, &seen->memmap) != 0)
            return -1;
        meta->has_memmap = 1;
        meta->memmap_line = ps->line;
        return 0;
    }
    return perr(ps, "unknown directive '%.40s' (expected .layer, .config, .planner or .memmap)",
                dir);
}

/* Cuts one line (already NUL-terminated) at its comment and returns its first
 * token (NULL for a blank line), *rest the text after it: a directive when
 * the token starts with '.', else an instruction.  The parser and
 * acc_sched_instr_line both read lines through it, so they count alike. */
static char *line_head(char *line, char **rest)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    *rest = line;
    return next_token(rest);
}

int acc_sched_parse(const char *text, const char *path, acc_program *out, acc_sched_meta *meta,
                    acc_error *err)
{
    ACC_REQUIRE(text != NULL && path != NULL && out != NULL);
    acc_program prog;
    acc_program_init(&prog);
    acc_sched_meta m;
    memset(&m, 0, sizeof(m));
    directive_lines seen = {0, 0, 0, 0};
    parser ps = {path, 0, err};
    char *buf = acc_strdup(text);
    char *line = buf;
    int rc = 0;
    while (line && rc == 0) {
        ps.line++;
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *rest;
        char *first = line_head(line, &rest);
        if (first && first[0] == '.') {
            rc = parse_directive(&ps, first, rest, &m, &seen);
        } else if (first) {
            acc_instr in;
            rc = parse_instr(&ps, first, rest, &in);
            if (rc == 0)
                acc_program_push(&prog, &in);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(buf);
    if (rc != 0) {
        acc_program_free(&prog);
        return -1;
    }
    *out = prog;
    if (meta)
        *meta = m;
    return 0;
}

int acc_sched_instr_line(const char *text, int index)
{
    ACC_REQUIRE(text != NULL);
    char *buf = acc_strdup(text);
    int line = 0, found = 0, seen = 0;
    for (char *l = buf; l && !found && index >= 0;) {
        line++;
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        char *rest;
        char *first = line_head(l, &rest);
        if (first && first[0] != '.' && seen++ == index)
            found = line;
        l = nl ? nl + 1 : NULL;
    }
    free(buf);
    return found;
}

int acc_sched_load(const char *path, acc_program *out, acc_sched_meta *meta, acc_error *err)
{
    ACC_REQUIRE(path != NULL && out != NULL);
    size_t len;
    char *text = acc_read_file_max(path, ACC_SCHED_FILE_MAX, &len, err);
    if (!text)
        return -1;
    int rc;
    size_t valid = strlen(text);
    if (valid != len) {
        int line = 1;
        for (size_t i = 0; i < valid; i++)
            line += text[i] == '\n';
        rc = acc_fail(err, "%s:%d: contains a NUL byte; not a text file", path, line);
    } else {
        rc = acc_sched_parse(text, path, out, meta, err);
    }
    free(text);
    return rc;
}
