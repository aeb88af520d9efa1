/* validate.c - the schedule validator (validate.h): the driver, violation
 * reporting and operand blocks.  The symbolic interpretation is
 * validate_sym.c, the hazard and occupancy checks validate_timing.c; each
 * describes its method at its top. */
#include "model/validate.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate_internal.h"

/* ------------------------------------------------------------ reporting */

const char *vld_op_name(const acc_instr *in)
{
    const char *n = acc_op_name(in->op);
    return n ? n : "illegal";
}

static void emit(vctx *v, int idx, const char *msg)
{
    acc_validation *r = v->res;
    if (v->log && r->violations < ACC_VALIDATE_LOG_MAX)
        fprintf(v->log, "%s\n", msg);
    if (r->violations == 0) {
        r->first_index = idx;
        size_t n = strlen(msg);
        if (n >= sizeof(r->first))
            n = sizeof(r->first) - 1;
        memcpy(r->first, msg, n);
        r->first[n] = '\0';
    }
    if (r->violations == v->list_cap) {
        v->list_cap = v->list_cap ? 2 * v->list_cap : 16;
        r->list = acc_realloc(r->list, (size_t)v->list_cap * sizeof(*r->list));
    }
    r->list[r->violations].index = idx;
    r->list[r->violations].msg = acc_strdup(msg);
    r->violations++;
}

/* Reports "instruction <idx> (<op>): <message>" (no prefix when idx < 0). */
void vld_report(vctx *v, int idx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void vld_report(vctx *v, int idx, const char *fmt, ...)
{
    char msg[1024];
    int n = 0;
    if (idx >= 0)
        n = snprintf(msg, sizeof(msg), "instruction %d (%s): ", idx, vld_op_name(&v->p->ins[idx]));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    emit(v, idx, msg);
}

void vld_desc_x(const vctx *v, uint64_t off, char *buf, size_t size)
{
    uint64_t hw = (uint64_t)(v->H * v->W);
    snprintf(buf, size, "x[%llu][%llu][%llu]", (unsigned long long)(off / hw),
             (unsigned long long)(off % hw / (uint64_t)v->W),
             (unsigned long long)(off % (uint64_t)v->W));
}

/* w[cg][i][j][k] (the tensor's own layout, w[C/G][FH][FW][K]). */
void vld_desc_w(const vctx *v, uint64_t off, char *buf, size_t size)
{
    uint64_t k = off % (uint64_t)v->K, r = off / (uint64_t)v->K;
    uint64_t j = r % (uint64_t)v->FW;
    r /= (uint64_t)v->FW;
    snprintf(buf, size, "w[%llu][%llu][%llu][%llu]", (unsigned long long)(r / (uint64_t)v->FH),
             (unsigned long long)(r % (uint64_t)v->FH), (unsigned long long)j,
             (unsigned long long)k);
}

void vld_desc_y(const vctx *v, uint64_t e, char *buf, size_t size)
{
    uint64_t plane = (uint64_t)(v->OH * v->OW);
    snprintf(buf, size, "y[%llu][%llu][%llu]", (unsigned long long)(e / plane),
             (unsigned long long)(e % plane / (uint64_t)v->OW),
             (unsigned long long)(e % (uint64_t)v->OW));
}

void vld_desc_tag(const vctx *v, const vtag *t, char *buf, size_t size)
{
    char e[160];
    switch (t->kind) {
    case T_X:
        vld_desc_x(v, t->val, e, sizeof(e));
        break;
    case T_W:
        vld_desc_w(v, t->val, e, sizeof(e));
        break;
    case T_PSUM: {
        char y[80];
        vld_desc_y(v, t->val, y, sizeof(y));
        snprintf(e, sizeof(e), "byte %u of a partial sum of %s", TAG_BYTE(t), y);
        break;
    }
    case T_BAD:
        snprintf(e, sizeof(e), "invalid data");
        break;
    default:
        snprintf(buf, size, "nothing (never written)");
        return;
    }
    snprintf(buf, size, "%s (written by instruction %d)", e, t->writer);
}

/* ------------------------------------------------------------ operands */

static int instr_blocks(const acc_instr *in, blk b[3])
{
    memset(b, 0, 3 * sizeof(*b));
    switch (in->op) {
    case ACC_OP_LOAD:
    case ACC_OP_STORE: {
        const acc_dma *d = &in->u.dma;
        b[0] = (blk){{d->spad, d->spad_s1, d->spad_s2, d->n0, d->n1, d->n2},
                     in->op == ACC_OP_STORE,
                     in->op == ACC_OP_LOAD};
        return 1;
    }
    case ACC_OP_COMPUTE: {
        const acc_compute *c = &in->u.cp;
        b[0] = (blk){{c->act, c->act_ph, c->act_pc, c->vw, c->vh, c->tc}, 1, 0};
        b[1] = (blk){{c->wgt, 0, 0, c->tc * c->fh * c->fw * c->tk, 1, 1}, 1, 0};
        b[2] = (blk){{c->out, 0, 0, c->tk * c->th * c->tw * 4u, 1, 1}, c->acc, 1};
        return 3;
    }
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ driver */

static int instr_index_of(const char *msg)
{
    int idx;
    if (sscanf(msg, "instruction %d", &idx) == 1)
        return idx;
    return -1;
}

static void check_all_stored(vctx *v, int end_idx)
{
    uint64_t missing = 0, first = 0;
    for (uint64_t e = 0; e < v->ny; e++) {
        if (v->ymask[e] != 0xf) {
            if (missing == 0)
                first = e;
            missing++;
        }
    }
    if (missing == 0)
        return;
    char ys[80];
    vld_desc_y(v, first, ys, sizeof(ys));
    vld_report(v, end_idx, "%s is never stored (%llu of %llu output elements are missing)", ys,
               (unsigned long long)missing, (unsigned long long)v->ny);
}

static void vctx_free(vctx *v)
{
    free(v->tag);
    free(v->ymask);
    free(v->yfirst);
    free(v->ord);
    free(v->rd);
    free(v->pts);
    free(v->diff);
    free(v->kabs);
    free(v->rows);
    free(v->cols);
    free(v->flag);
    for (int k = 0; k < 3; k++)
        strided_scratch_free(&v->hz[k]);
    strided_scratch_free(&v->paint);
    strided_scratch_free(&v->rest);
}

static void vctx_layer(vctx *v, const acc_layer *l)
{
    v->C = l->channels;
    v->H = l->ifmap_h;
    v->W = l->ifmap_w;
    v->K = l->num_filter;
    v->FH = l->filter_h;
    v->FW = l->filter_w;
    v->SH = l->stride_h;
    v->SW = l->stride_w;
    v->DH = l->dil_h;
    v->DW = l->dil_w;
    v->PT = l->pad_top;
    v->PL = l->pad_left;
    v->CG = l->channels / l->groups;
    v->KG = l->num_filter / l->groups;
    v->OH = layer_out_h(l);
    v->OW = layer_out_w(l);
    v->xbytes = layer_x_bytes(l);
    v->wbytes = layer_w_bytes(l);
    v->ybytes = layer_y_bytes(l);
    v->ny = v->ybytes / 4;
}

int acc_validate(const acc_program *p, const acc_layer *l, const acc_config *cfg,
                 const acc_memmap *mm, acc_validation *out, FILE *log, acc_error *err)
{
    return acc_validate_progress(p, l, cfg, mm, out, log, NULL, NULL, err);
}

int acc_validate_progress(const acc_program *p, const acc_layer *l, const acc_config *cfg,
                          const acc_memmap *mm, acc_validation *out, FILE *log,
                          acc_progress_fn progress, void *ctx, acc_error *err)
{
    ACC_REQUIRE(p != NULL && l != NULL && cfg != NULL && mm != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    out->first_index = -1;
    out->count = p->count;
    out->live_bytes = acc_calloc((size_t)p->count + 1, sizeof(uint64_t));
    out->live_end = acc_calloc((size_t)p->count + 1, sizeof(uint64_t));
    vctx v;
    memset(&v, 0, sizeof(v));
    v.p = p;
    v.mm = mm;
    v.log = log;
    v.res = out;

    acc_error e;
    if (acc_layer_check(l, &e) != 0) {
        vld_report(&v, -1, "%s", e.msg);
        goto done;
    }
    if (l->filter_h > UINT16_MAX + 1 || l->filter_w > UINT16_MAX + 1) {
        /* a partial sum's band row and column are 16-bit (vtag) */
        vld_report(&v, -1, "layer '%.64s': the validator tracks filters of at most %d x %d taps",
                   l->name, UINT16_MAX + 1, UINT16_MAX + 1);
        goto done;
    }
    vctx_layer(&v, l);
    v.spad = cfg->spad_bytes;
    v.tag = acc_malloc((size_t)v.spad * sizeof(vtag));
    for (uint32_t a = 0; a < v.spad; a++)
        v.tag[a] = vld_mk_tag(T_NONE, 0, 0, 0, 0, -1);
    v.ymask = acc_calloc((size_t)v.ny, 1);
    v.yfirst = acc_malloc((size_t)v.ny * sizeof(int32_t));
    for (uint64_t k = 0; k < v.ny; k++)
        v.yfirst[k] = -1;

    /* fields and scratchpad bounds */
    int nlegal = 0;
    uint8_t *legal = acc_calloc((size_t)p->count + 1, 1);
    for (int i = 0; i < p->count; i++) {
        const acc_instr *in = &p->ins[i];
        if (acc_instr_check(in, &e) != 0) {
            vld_report(&v, i, "%s", e.msg);
            continue;
        }
        acc_range r[3];
        int n = acc_instr_spad_ranges(in, r), inb = 1;
        for (int k = 0; k < n; k++) {
            if (r[k].hi > v.spad) {
                vld_report(&v, i,
                           "operand '%s' 0x%05llx..0x%05llx reaches past the %u-byte scratchpad",
                           acc_instr_operand_name(in->op, k), (unsigned long long)r[k].lo,
                           (unsigned long long)r[k].hi, v.spad);
                inb = 0;
            }
        }
        int64_t gap, cross, reach;
        if (in->op == ACC_OP_COMPUTE && in->u.cp.flat &&
            !model_compute_flat_reach(&in->u.cp, cfg, &gap, &cross, &reach)) {
            if (gap < 0)
                vld_report(&v, i,
                           "field 'flat': sh*act_ph - tw*sw = %lld is negative (a row's window "
                           "starts before the previous row's); drop 'flat'",
                           (long long)gap);
            else
                vld_report(&v, i,
                           "field 'flat': a pass reaches %lld bytes (X*G + (R-1)*sw + 1 = "
                           "%lld*%lld + %d*%u + 1), more than the %lld-byte scratchpad port; "
                           "drop 'flat'",
                           (long long)reach, (long long)cross, (long long)gap, cfg->rows - 1,
                           in->u.cp.sw, (long long)model_spad_window(cfg));
            inb = 0;
        }
        legal[i] = (uint8_t)(1 + inb); /* 1: legal fields, 2: and inside the scratchpad */
        nlegal++;
    }

    /* the timing model */
    model_timing t;
    int timed = 0;
    char model_msg[512] = "";
    int model_idx = -1;
    if (nlegal == p->count) {
        if (model_run(p, cfg, &t, &e) == 0) {
            timed = 1;
            v.t = &t;
        } else {
            snprintf(model_msg, sizeof(model_msg), "%s", e.msg);
            model_idx = instr_index_of(e.msg);
        }
    }
    if (timed) {
        v.ord = acc_calloc((size_t)p->count + 1, sizeof(int));
        int cnt[ACC_ENG_COUNT] = {0, 0, 0};
        for (int i = 0; i < p->count; i++) {
            int eng = acc_op_engine(p->ins[i].op);
            if (eng >= 0)
                v.ord[i] = ++cnt[eng];
        }
        v.rd = acc_malloc((size_t)v.spad * sizeof(int32_t));
        for (uint32_t a = 0; a < v.spad; a++)
            v.rd[a] = -1;
        vld_live_init(&v);
    }

    /* the symbolic run */
    int end_idx = -1;
    for (int i = 0; i < p->count; i++) {
        const acc_instr *in = &p->ins[i];
        if (progress)
            (void)progress(ctx, i, p->count);
        if (legal[i] != 2)
            continue;
        if (in->op == ACC_OP_END) {
            end_idx = i;
            break;
        }
        if (timed) {
            blk b[3];
            int nb = instr_blocks(in, b);
            vld_hazards(&v, i, b, nb);
        }
        switch (in->op) {
        case ACC_OP_LOAD:
            vld_sym_load(&v, i, &in->u.dma);
            break;
        case ACC_OP_STORE:
            vld_sym_store(&v, i, &in->u.dma);
            break;
        case ACC_OP_COMPUTE:
            vld_sym_compute(&v, i, &in->u.cp);
            break;
        default:
            break;
        }
    }
    free(legal);
    if (model_msg[0])
        emit(&v, model_idx, model_msg);
    check_all_stored(&v, end_idx >= 0 ? end_idx : -1);
    if (timed) {
        vld_live_finish(&v);
        model_timing_free(&t);
    }
done:
    if (progress)
        (void)progress(ctx, p->count, p->count);
    vctx_free(&v);
    out->ok = out->violations == 0;
    if (!out->ok) {
        acc_fail(err, "%s", out->first);
        return -1;
    }
    return 0;
}

void acc_validation_free(acc_validation *v)
{
    if (!v)
        return;
    free(v->live_bytes);
    v->live_bytes = NULL;
    free(v->live_end);
    v->live_end = NULL;
    v->count = 0;
    for (int i = 0; i < v->violations && v->list; i++)
        free(v->list[i].msg);
    free(v->list);
    v->list = NULL;
}

const acc_violation *acc_validation_at(const acc_validation *v, int index)
{
    ACC_REQUIRE(v != NULL);
    for (int i = 0; i < v->violations && v->list; i++)
        if (v->list[i].index == index)
            return &v->list[i];
    return NULL;
}
