/* report.c - report.json, the readable summary and the network table
 * (report.h).  The JSON layout is documented in docs/cosim.md. */
#include "cosim/report.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"

void cosim_report_init(cosim_report *r)
{
    ACC_REQUIRE(r);
    memset(r, 0, sizeof(*r));
    r->pass = 1;
    r->model_cycles = -1;
    r->measured_cycles = -1;
    r->cycle_budget = -1;
    r->claimed_makespan = -1;
    r->first_violation_index = -1;
    r->hw_error_index = -1;
    r->bound_lo = r->bound_hi = -1;
    r->oob_index = -1;
    r->inject_index = -1;
    r->first_stray = -1;
    r->valid = 1;
}

void cosim_report_fail(cosim_report *r, const char *fmt, ...)
{
    r->pass = 0;
    if (r->nfailures >= COSIM_MAX_FAILURES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->failures[r->nfailures], sizeof(r->failures[0]), fmt, ap);
    va_end(ap);
    r->nfailures++;
}

const char *cosim_hw_error_name(int code)
{
    static const char *const names[] = {"NONE",      "ILLEGAL", "SPAD_RANGE", "DEADLOCK",
                                        "AXI_ERROR", "NO_END",  "SPAD_RACE"};
    if (code >= 0 && code < (int)(sizeof(names) / sizeof(names[0])))
        return names[code];
    return "UNKNOWN";
}

char *cosim_layer_shape_str(const acc_layer *l, char *buf, size_t size)
{
    char stride[32];
    if (l->stride_h == l->stride_w)
        snprintf(stride, sizeof(stride), "%d", l->stride_h);
    else
        snprintf(stride, sizeof(stride), "%d,%d", l->stride_h, l->stride_w);
    snprintf(buf, size, "%dx%dx%d->%d %dx%d/%s%s", l->ifmap_h, l->ifmap_w, l->channels,
             l->num_filter, l->filter_h, l->filter_w, stride, l->groups > 1 ? " g" : "");
    if (l->groups > 1) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%d", l->groups);
    }
    return buf;
}

/* ---------------------------------------------------------------- JSON */

/* 64-bit counts and cycles with all their digits (core/json.h). */
static void add_u64(cJSON *o, const char *key, uint64_t v)
{
    cJSON_AddItemToObject(o, key, acc_json_u64_number(v));
}

static void add_i64_or_null(cJSON *o, const char *key, int64_t v)
{
    if (v < 0)
        cJSON_AddNullToObject(o, key);
    else
        add_u64(o, key, (uint64_t)v);
}

static void add_str_or_null(cJSON *o, const char *key, const char *s)
{
    if (!s || !*s)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddStringToObject(o, key, s);
}

static cJSON *pair(int64_t a, int64_t b)
{
    cJSON *arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)a));
    cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)b));
    return arr;
}

static cJSON *layer_json(const acc_layer *l)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "ifmap_h", l->ifmap_h);
    cJSON_AddNumberToObject(o, "ifmap_w", l->ifmap_w);
    cJSON_AddNumberToObject(o, "channels", l->channels);
    cJSON_AddNumberToObject(o, "num_filter", l->num_filter);
    cJSON_AddNumberToObject(o, "filter_h", l->filter_h);
    cJSON_AddNumberToObject(o, "filter_w", l->filter_w);
    cJSON_AddItemToObject(o, "stride", pair(l->stride_h, l->stride_w));
    cJSON *pad = cJSON_CreateArray();
    int p[4] = {l->pad_top, l->pad_bottom, l->pad_left, l->pad_right};
    for (int i = 0; i < 4; i++)
        cJSON_AddItemToArray(pad, cJSON_CreateNumber(p[i]));
    cJSON_AddItemToObject(o, "pad", pad);
    cJSON_AddItemToObject(o, "dilation", pair(l->dil_h, l->dil_w));
    cJSON_AddNumberToObject(o, "groups", l->groups);
    cJSON_AddNumberToObject(o, "out_h", layer_out_h(l));
    cJSON_AddNumberToObject(o, "out_w", layer_out_w(l));
    return o;
}

static cJSON *config_json(const acc_config *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "rows", c->rows);
    cJSON_AddNumberToObject(o, "cols", c->cols);
    cJSON_AddNumberToObject(o, "spad_bytes", c->spad_bytes);
    cJSON_AddNumberToObject(o, "spad_banks", c->spad_banks);
    cJSON_AddNumberToObject(o, "axi_data_bits", c->axi_data_bits);
    cJSON_AddNumberToObject(o, "read_latency", c->read_latency);
    cJSON_AddNumberToObject(o, "write_latency", c->write_latency);
    return o;
}

/* "stress": null in timing mode, else the seed, the jitter, the bounds and
 * what the cycle, injection and memory checks found. */
static void add_stress(cJSON *root, const cosim_report *r)
{
    if (!r->stress && !r->inject_port[0]) {
        cJSON_AddNullToObject(root, "stress");
        return;
    }
    cJSON *st = cJSON_AddObjectToObject(root, "stress");
    cJSON_AddBoolToObject(st, "on", r->stress);
    cJSON_AddItemToObject(st, "seed", acc_json_u64_string(r->stress_seed));
    cJSON *j = cJSON_AddObjectToObject(st, "jitter");
    static const char *const names[5] = {"lr_min", "lr_max", "lw_min", "lw_max", "gap_max"};
    for (int i = 0; i < 5; i++)
        cJSON_AddNumberToObject(j, names[i], r->jitter[i]);
    cJSON *b = cJSON_AddObjectToObject(st, "bounds");
    add_i64_or_null(b, "makespan_lo", r->bound_lo);
    add_i64_or_null(b, "makespan_hi", r->bound_hi);
    cJSON_AddNumberToObject(st, "out_of_bounds", r->out_of_bounds);
    if (r->oob_index >= 0) {
        cJSON *o = cJSON_AddObjectToObject(st, "first_out_of_bounds");
        cJSON_AddNumberToObject(o, "index", r->oob_index);
        const char *kind = acc_op_name(r->oob_kind);
        cJSON_AddStringToObject(o, "kind", kind ? kind : "illegal");
        cJSON *lo = cJSON_AddObjectToObject(o, "start");
        add_i64_or_null(lo, "lo", r->oob_start_lo);
        add_i64_or_null(lo, "hi", r->oob_start_hi);
        add_i64_or_null(lo, "measured", r->oob_start);
        cJSON *hi = cJSON_AddObjectToObject(o, "end");
        add_i64_or_null(hi, "lo", r->oob_end_lo);
        add_i64_or_null(hi, "hi", r->oob_end_hi);
        add_i64_or_null(hi, "measured", r->oob_end);
    } else {
        cJSON_AddNullToObject(st, "first_out_of_bounds");
    }
    cJSON_AddNumberToObject(st, "host_reads", r->host_reads);
    cJSON_AddNumberToObject(st, "host_writes", r->host_writes);
    if (r->inject_port[0]) {
        cJSON *in = cJSON_AddObjectToObject(st, "inject");
        cJSON_AddStringToObject(in, "port", r->inject_port);
        add_i64_or_null(in, "burst", r->inject_burst);
        cJSON_AddStringToObject(in, "resp", r->inject_resp == 3 ? "DECERR" : "SLVERR");
        add_i64_or_null(in, "expected_index", r->inject_index);
        add_u64(in, "stray_bytes", r->stray_bytes);
        add_i64_or_null(in, "first_stray", r->first_stray);
    } else {
        cJSON_AddNullToObject(st, "inject");
    }
}

static cJSON *report_to_cjson(const cosim_report *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "layer", r->layer.name);
    cJSON_AddItemToObject(root, "shape", layer_json(&r->layer));
    cJSON_AddStringToObject(root, "config", r->config.name);
    cJSON_AddItemToObject(root, "config_params", config_json(&r->config));
    cJSON_AddStringToObject(root, "backend", r->backend);
    cJSON_AddItemToObject(root, "seed", acc_json_u64_string(r->seed));
    cJSON_AddStringToObject(root, "inputs", r->inputs);
    cJSON_AddStringToObject(root, "status", r->pass ? "pass" : "fail");
    cJSON *fails = cJSON_CreateArray();
    for (int i = 0; i < r->nfailures; i++)
        cJSON_AddItemToArray(fails, cJSON_CreateString(r->failures[i]));
    cJSON_AddItemToObject(root, "failures", fails);

    cJSON *out = cJSON_AddObjectToObject(root, "outputs");
    add_u64(out, "elements", r->elements);
    add_u64(out, "mismatches", r->mismatches);
    if (r->has_first_mismatch) {
        cJSON *m = cJSON_AddObjectToObject(out, "first_mismatch");
        cJSON_AddNumberToObject(m, "k", r->k);
        cJSON_AddNumberToObject(m, "oy", r->oy);
        cJSON_AddNumberToObject(m, "ox", r->ox);
        cJSON_AddNumberToObject(m, "expected", r->expected);
        cJSON_AddNumberToObject(m, "actual", r->actual);
    } else {
        cJSON_AddNullToObject(out, "first_mismatch");
    }

    cJSON *cyc = cJSON_AddObjectToObject(root, "cycles");
    add_i64_or_null(cyc, "model", r->model_cycles);
    add_i64_or_null(cyc, "measured", r->measured ? r->measured_cycles : -1);
    add_i64_or_null(cyc, "budget", r->cycle_budget);
    cJSON_AddBoolToObject(cyc, "timed_out", r->timed_out);

    cJSON *ins = cJSON_AddObjectToObject(root, "instructions");
    cJSON_AddNumberToObject(ins, "count", r->instr_count);
    cJSON_AddBoolToObject(ins, "measured", r->measured);
    cJSON_AddNumberToObject(ins, "cycle_mismatches", r->cycle_mismatches);
    if (r->has_first_cycle_mismatch) {
        cJSON *m = cJSON_AddObjectToObject(ins, "first_cycle_mismatch");
        cJSON_AddNumberToObject(m, "index", r->cm_index);
        const char *kind = acc_op_name(r->cm_kind);
        cJSON_AddStringToObject(m, "kind", kind ? kind : "illegal");
        cJSON *pr = cJSON_AddObjectToObject(m, "predicted");
        add_i64_or_null(pr, "start", r->cm_pred_start);
        add_i64_or_null(pr, "end", r->cm_pred_end);
        cJSON *me = cJSON_AddObjectToObject(m, "measured");
        add_i64_or_null(me, "start", r->cm_meas_start);
        add_i64_or_null(me, "end", r->cm_meas_end);
    } else {
        cJSON_AddNullToObject(ins, "first_cycle_mismatch");
    }

    add_u64(root, "macs", r->macs);
    cJSON *dram = cJSON_AddObjectToObject(root, "dram_bytes");
    add_u64(dram, "read", r->dram_read);
    add_u64(dram, "written", r->dram_written);

    cJSON *s = cJSON_AddObjectToObject(root, "schedule");
    cJSON_AddStringToObject(s, "planner", r->planner);
    add_i64_or_null(s, "makespan", r->model_cycles);
    add_i64_or_null(s, "claimed_makespan", r->claimed_makespan);
    add_str_or_null(s, "source", r->sched_source);
    add_str_or_null(s, "path", r->sched_path);

    cJSON *v = cJSON_AddObjectToObject(root, "validation");
    cJSON_AddBoolToObject(v, "ok", r->valid);
    cJSON_AddNumberToObject(v, "violations", r->violations);
    if (r->first_violation_index >= 0)
        cJSON_AddNumberToObject(v, "first_index", r->first_violation_index);
    else
        cJSON_AddNullToObject(v, "first_index");
    add_str_or_null(v, "first", r->first_violation);
    cJSON *list = cJSON_AddArrayToObject(v, "list");
    for (int i = 0; r->violation_list && i < r->violation_listed; i++) {
        cJSON *o = cJSON_CreateObject();
        add_i64_or_null(o, "index", r->violation_list[i].index);
        cJSON_AddStringToObject(o, "message", r->violation_list[i].msg);
        cJSON_AddItemToArray(list, o);
    }
    add_u64(v, "peak_live_bytes", r->peak_live_bytes);

    cJSON_AddNumberToObject(root, "utilisation", r->utilisation);
    if (r->hw_error) {
        cJSON *h = cJSON_AddObjectToObject(root, "hw_error");
        cJSON_AddNumberToObject(h, "code", r->hw_error);
        cJSON_AddStringToObject(h, "name", cosim_hw_error_name(r->hw_error));
        add_i64_or_null(h, "index", r->hw_error_index);
        add_str_or_null(h, "validator", r->hw_error_validator);
    } else {
        cJSON_AddNullToObject(root, "hw_error");
    }
    add_str_or_null(root, "rtl_messages", r->rtl_messages);
    add_str_or_null(root, "axi_violation", r->axi_violation);
    add_stress(root, r);
    add_str_or_null(root, "backend_error", r->backend_error);
    add_str_or_null(root, "engine_state", r->engine_state);
    cJSON *lim = cJSON_AddObjectToObject(root, "limits");
    if (r->max_bytes == UINT64_MAX)
        cJSON_AddNullToObject(lim, "max_bytes");
    else
        cJSON_AddNumberToObject(lim, "max_bytes", (double)r->max_bytes);
    add_i64_or_null(lim, "max_cycles", r->max_cycles == INT64_MAX ? -1 : r->max_cycles);
    if (r->max_seconds > 0)
        cJSON_AddNumberToObject(lim, "max_seconds", r->max_seconds);
    else
        cJSON_AddNullToObject(lim, "max_seconds");
    cJSON_AddBoolToObject(lim, "wall_timed_out", r->wall_timed_out);
    cJSON_AddNumberToObject(root, "backend_seconds", r->backend_seconds);
    cJSON_AddNumberToObject(root, "wall_seconds", r->wall_seconds);
    if (r->dumped) {
        cJSON *d = cJSON_AddObjectToObject(root, "dumps");
        cJSON_AddStringToObject(d, "x", "x.npy");
        cJSON_AddStringToObject(d, "w", "w.npy");
        cJSON_AddStringToObject(d, "y_golden", "y_golden.npy");
        cJSON_AddStringToObject(d, "y_sim", "y_sim.npy");
    } else {
        cJSON_AddNullToObject(root, "dumps");
    }
    return root;
}

static char *print_json(cJSON *root)
{
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        fprintf(stderr, "fatal: out of memory rendering JSON\n");
        exit(2);
    }
    /* with the final newline */
    size_t n = strlen(text);
    char *out = acc_malloc(n + 2);
    memcpy(out, text, n);
    out[n] = '\n';
    out[n + 1] = '\0';
    cJSON_free(text);
    return out;
}

char *cosim_report_json(const cosim_report *r)
{
    ACC_REQUIRE(r);
    acc_json_init(); /* cJSON on acc_malloc, before its first allocation */
    return print_json(report_to_cjson(r));
}

int cosim_report_save(const cosim_report *r, acc_error *err)
{
    ACC_REQUIRE(r && r->report_path[0]);
    char *text = cosim_report_json(r);
    int rc = acc_write_file(r->report_path, text, strlen(text), err);
    free(text);
    return rc;
}

/* The marker of a run in progress: who is running, and its pid. */
static cJSON *running_json(const char *what, const char *name, const char *config,
                           const char *backend, uint64_t seed)
{
    acc_json_init();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, what, name);
    cJSON_AddStringToObject(root, "config", config);
    cJSON_AddStringToObject(root, "backend", backend);
    cJSON_AddItemToObject(root, "seed", acc_json_u64_string(seed));
    cJSON_AddStringToObject(root, "status", "running");
    add_u64(root, "pid", (uint64_t)getpid());
    return root;
}

int cosim_report_save_running(const char *path, const char *layer, const char *config,
                              const char *backend, uint64_t seed, acc_error *err)
{
    ACC_REQUIRE(path && layer && config && backend);
    char *text = print_json(running_json("layer", layer, config, backend, seed));
    int rc = acc_write_file(path, text, strlen(text), err);
    free(text);
    return rc;
}

int cosim_net_save_running(const char *path, const char *net, const char *config,
                           const char *backend, uint64_t seed, acc_error *err)
{
    ACC_REQUIRE(path && net && config && backend);
    char *text = print_json(running_json("net", net, config, backend, seed));
    int rc = acc_write_file(path, text, strlen(text), err);
    free(text);
    return rc;
}

/* ---------------------------------------------------------------- text */

static char *human_bytes(uint64_t b, char *buf, size_t size)
{
    if (b >= 1000000000ull)
        snprintf(buf, size, "%.2f GB", (double)b / 1e9);
    else if (b >= 1000000ull)
        snprintf(buf, size, "%.1f MB", (double)b / 1e6);
    else if (b >= 1000ull)
        snprintf(buf, size, "%.1f kB", (double)b / 1e3);
    else
        snprintf(buf, size, "%" PRIu64 " B", b);
    return buf;
}

static char *spad_str(uint32_t bytes, char *buf, size_t size)
{
    if (bytes % 1024 == 0)
        snprintf(buf, size, "%u KiB", bytes / 1024);
    else
        snprintf(buf, size, "%u B", bytes);
    return buf;
}

/* "  label     text .......... VERDICT" with the verdict in column 78. */
static void line(FILE *f, const char *label, const char *verdict, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void line(FILE *f, const char *label, const char *verdict, const char *fmt, ...)
{
    char text[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (verdict)
        fprintf(f, "  %-10s %-60s %s\n", label, text, verdict);
    else
        fprintf(f, "  %-10s %s\n", label, text);
}

/* The first few lines the RTL printed, one "rtl" line each. */
static void print_rtl_messages(FILE *f, const char *text)
{
    enum { max_lines = 4 };
    int n = 0;
    for (const char *c = text; *c && n < max_lines; n++) {
        size_t len = strcspn(c, "\n");
        line(f, n == 0 ? "rtl" : "", NULL, "%.*s", (int)len, c);
        c += len;
        if (*c == '\n')
            c++;
    }
}

void cosim_report_print(FILE *f, const cosim_report *r)
{
    ACC_REQUIRE(f && r);
    char b1[32], b2[32], inputs[48];
    if (!strcmp(r->inputs, "npy"))
        snprintf(inputs, sizeof(inputs), "inputs from .npy");
    else
        snprintf(inputs, sizeof(inputs), "seed %" PRIu64, r->seed);
    fprintf(f, "%s on %s (%dx%d, %s) via %s, %s, planner %s\n", r->layer.name, r->config.name,
            r->config.rows, r->config.cols, spad_str(r->config.spad_bytes, b1, sizeof(b1)),
            r->backend, inputs, r->planner);
    line(f, "outputs", r->mismatches ? "FAIL" : "PASS",
         "%" PRIu64 " elements, %" PRIu64 " mismatches", r->elements, r->mismatches);
    if (r->has_first_mismatch)
        line(f, "", NULL,
             "first at (k=%d, oy=%d, ox=%d): expected %" PRId32 ", got %" PRId32 " (0x%08" PRIx32
             ")",
             r->k, r->oy, r->ox, r->expected, r->actual, (uint32_t)r->actual);

    char model[32];
    if (r->model_cycles >= 0)
        snprintf(model, sizeof(model), "%" PRId64, r->model_cycles);
    else
        snprintf(model, sizeof(model), "n/a");
    if (r->measured) {
        int ok = r->cycle_mismatches == 0 && r->measured_cycles == r->model_cycles && !r->timed_out;
        if (r->stress)
            ok = r->out_of_bounds == 0 && !r->timed_out;
        char meas[32];
        if (r->measured_cycles >= 0)
            snprintf(meas, sizeof(meas), "%" PRId64, r->measured_cycles);
        else
            snprintf(meas, sizeof(meas), "n/a");
        if (r->inject_port[0])
            line(f, "cycles", "--", "model %s, measured %s, not compared (injected error)", model,
                 meas);
        else if (r->stress && r->bound_lo >= 0)
            line(f, "cycles", ok ? "PASS" : "FAIL",
                 "bounds %" PRId64 "..%" PRId64 ", measured %s, %d of %d instructions outside",
                 r->bound_lo, r->bound_hi, meas, r->out_of_bounds, r->instr_count);
        else if (r->model_cycles >= 0)
            line(f, "cycles", ok ? "PASS" : "FAIL",
                 "model %s, measured %s, %d of %d instructions differ", model, meas,
                 r->cycle_mismatches, r->instr_count);
        else
            line(f, "cycles", "FAIL", "model n/a, measured %s, not compared", meas);
        if (r->has_first_cycle_mismatch) {
            const char *kind = acc_op_name(r->cm_kind);
            line(f, "", NULL,
                 "first: instruction %d (%s) predicted %" PRId64 "..%" PRId64 ", measured %" PRId64
                 "..%" PRId64,
                 r->cm_index, kind ? kind : "illegal", r->cm_pred_start, r->cm_pred_end,
                 r->cm_meas_start, r->cm_meas_end);
        }
    } else {
        line(f, "cycles", "--", "model %s, not measured by the %s backend", model, r->backend);
    }
    if (r->timed_out)
        line(f, "", NULL, "stopped after the cycle budget of %" PRId64 " cycles", r->cycle_budget);
    if (r->wall_timed_out)
        line(f, "", NULL, "stopped at the wall-time limit of %g s (--max-seconds)", r->max_seconds);
    char util[32];
    if (r->utilisation > 0)
        snprintf(util, sizeof(util), "%.1f%%", 100.0 * r->utilisation);
    else
        snprintf(util, sizeof(util), "n/a");
    line(f, "schedule", NULL, "%d instructions, makespan %s, MAC utilisation %s", r->instr_count,
         model, util);
    if (r->claimed_makespan >= 0)
        line(f, "plan", r->claimed_makespan == r->model_cycles ? "PASS" : "FAIL",
             "planner %s claims %" PRId64 ", model %s", r->planner, r->claimed_makespan, model);
    if (r->valid) {
        line(f, "validator", "PASS", "no violations, peak scratchpad %" PRIu64 " bytes",
             r->peak_live_bytes);
    } else {
        line(f, "validator", "FAIL", "%d violation%s", r->violations,
             r->violations == 1 ? "" : "s");
        if (r->first_violation[0])
            line(f, "", NULL, "first: %s", r->first_violation);
        if (r->violations > 1)
            line(f, "", NULL, "all %d are listed in the report (validation.list)", r->violations);
    }
    line(f, "dram", NULL, "read %s, written %s", human_bytes(r->dram_read, b1, sizeof(b1)),
         human_bytes(r->dram_written, b2, sizeof(b2)));
    if (r->stress)
        line(f, "stress", NULL,
             "seed %" PRIu64 ", lr %d..%d, lw %d..%d, gap %d, %d host reads and %d writes "
             "during the run",
             r->stress_seed, r->jitter[0], r->jitter[1], r->jitter[2], r->jitter[3], r->jitter[4],
             r->host_reads, r->host_writes);
    if (r->inject_port[0])
        line(f, "inject", NULL,
             "%s on %s burst %" PRId64 ": expect AXI_ERROR at instruction %" PRId64 ", %" PRIu64
             " stray bytes",
             r->inject_resp == 3 ? "DECERR" : "SLVERR", r->inject_port, r->inject_burst,
             r->inject_index, r->stray_bytes);
    if (r->axi_violation[0])
        line(f, "protocol", "FAIL", "%s", r->axi_violation);
    if (r->backend_error[0])
        line(f, "backend", r->inject_port[0] ? NULL : "FAIL", "%s", r->backend_error);
    if (r->hw_error) {
        line(f, "", NULL, "accelerator error %d (%s) at instruction %" PRId64, r->hw_error,
             cosim_hw_error_name(r->hw_error), r->hw_error_index);
        if (r->hw_error_validator[0])
            line(f, "", NULL, "the validator flags it too: %s", r->hw_error_validator);
        else if (!r->valid)
            line(f, "", NULL, "the validator flags nothing at instruction %" PRId64,
                 r->hw_error_index);
    }
    print_rtl_messages(f, r->rtl_messages);
    if (r->engine_state[0])
        line(f, "", NULL, "engines: %s", r->engine_state);
    fprintf(f, "%s  report: %s\n", r->pass ? "PASS" : "FAIL", r->report_path);
    if (!r->pass) {
        for (int i = 0; i < r->nfailures; i++)
            fprintf(f, "  - %s\n", r->failures[i]);
        if (!r->valid)
            fprintf(f, "hint: the schedule breaks the validator's rules (first violation "
                       "above); a backend only shows what it does with it.  docs/debugging.md\n");
        else if (!strcmp(r->backend, "iss"))
            fprintf(f, "hint: the schedule passes the validator, yet the iss disagrees with "
                       "golden: suspect the iss, golden or the validator.  docs/debugging.md\n");
        else
            fprintf(f,
                    "hint: run the same schedule on the iss (`make cosim BACKEND=iss "
                    "LAYER=%s CONFIG=%s ARGS=\"--sched %s\"`) to tell a wrong schedule from "
                    "wrong hardware; `make wave LAYER=%s CONFIG=%s` writes a waveform in which "
                    "every schedule step is visible; docs/debugging.md\n",
                    r->layer.name, r->config.name, r->sched_path, r->layer.name, r->config.name);
    }
}

/* ---------------------------------------------------------------- network table */

#define NET_ROW_FMT "%-14s %-24s %12s %12s %6s %10s  %s\n"

void cosim_net_print_header(FILE *f)
{
    fprintf(f, NET_ROW_FMT, "layer", "shape HxWxC->K FHxFW/s", "model cyc", "measured", "util",
            "dram", "status");
}

static const char *row_status(const cosim_net_row *row)
{
    if (row->error[0])
        return "ERROR";
    return row->rep.pass ? "PASS" : "FAIL";
}

void cosim_net_print_row(FILE *f, const cosim_net_row *row)
{
    const cosim_report *r = &row->rep;
    char shape[64], model[24], meas[24], util[16], dram[32];
    cosim_layer_shape_str(&r->layer, shape, sizeof(shape));
    if (row->error[0]) {
        fprintf(f, NET_ROW_FMT, r->layer.name, shape, "-", "-", "-", "-", "ERROR");
        fprintf(f, "  %s\n", row->error);
        return;
    }
    if (r->model_cycles >= 0)
        snprintf(model, sizeof(model), "%" PRId64, r->model_cycles);
    else
        snprintf(model, sizeof(model), "n/a");
    if (r->measured)
        snprintf(meas, sizeof(meas), "%" PRId64, r->measured_cycles);
    else
        snprintf(meas, sizeof(meas), "-");
    snprintf(util, sizeof(util), "%.1f%%", 100.0 * r->utilisation);
    human_bytes(r->dram_read + r->dram_written, dram, sizeof(dram));
    fprintf(f, NET_ROW_FMT, r->layer.name, shape, model, meas, util, dram, row_status(row));
}

typedef struct net_total {
    int pass, fail, error;
    int64_t model, measured;
    int all_measured;
    uint64_t macs, dram;
    double util;
} net_total;

static net_total net_sum(const cosim_net_row *rows, int n)
{
    net_total t;
    memset(&t, 0, sizeof(t));
    t.all_measured = n > 0;
    int rc_pes = 0;
    for (int i = 0; i < n; i++) {
        const cosim_report *r = &rows[i].rep;
        if (rows[i].error[0]) {
            t.error++;
            t.all_measured = 0;
            continue;
        }
        if (r->pass)
            t.pass++;
        else
            t.fail++;
        if (r->model_cycles > 0)
            t.model += r->model_cycles;
        if (r->measured && r->measured_cycles > 0)
            t.measured += r->measured_cycles;
        else
            t.all_measured = 0;
        t.macs += r->macs;
        t.dram += r->dram_read + r->dram_written;
        rc_pes = r->config.rows * r->config.cols;
    }
    int64_t cyc = t.all_measured ? t.measured : t.model;
    t.util = cyc > 0 && rc_pes > 0 ? (double)t.macs / ((double)rc_pes * (double)cyc) : 0.0;
    return t;
}

void cosim_net_print_total(FILE *f, const cosim_net_row *rows, int n)
{
    net_total t = net_sum(rows, n);
    char model[24], meas[24], util[16], dram[32], status[64];
    snprintf(model, sizeof(model), "%" PRId64, t.model);
    if (t.all_measured)
        snprintf(meas, sizeof(meas), "%" PRId64, t.measured);
    else
        snprintf(meas, sizeof(meas), "-");
    snprintf(util, sizeof(util), "%.1f%%", 100.0 * t.util);
    human_bytes(t.dram, dram, sizeof(dram));
    if (t.fail == 0 && t.error == 0)
        snprintf(status, sizeof(status), "PASS (%d layers)", t.pass);
    else
        snprintf(status, sizeof(status), "FAIL (%d of %d layers)", t.fail + t.error, n);
    fprintf(f, NET_ROW_FMT, "total", "", model, meas, util, dram, status);
}

int cosim_net_save(const char *path, const char *net, const cosim_net_row *rows, int n,
                   acc_error *err)
{
    ACC_REQUIRE(path && net && (rows || n == 0));
    net_total t = net_sum(rows, n);
    acc_json_init(); /* cJSON on acc_malloc, before its first allocation */
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "net", net);
    if (n > 0) {
        cJSON_AddStringToObject(root, "config", rows[0].rep.config.name);
        cJSON_AddStringToObject(root, "backend", rows[0].rep.backend);
        cJSON_AddItemToObject(root, "seed", acc_json_u64_string(rows[0].rep.seed));
        cJSON_AddStringToObject(root, "planner", rows[0].rep.planner);
    }
    cJSON_AddStringToObject(root, "status", t.fail == 0 && t.error == 0 ? "pass" : "fail");
    cJSON *layers = cJSON_AddArrayToObject(root, "layers");
    for (int i = 0; i < n; i++) {
        const cosim_report *r = &rows[i].rep;
        char shape[64];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "layer", r->layer.name);
        cJSON_AddStringToObject(o, "shape", cosim_layer_shape_str(&r->layer, shape, sizeof(shape)));
        cJSON_AddStringToObject(o, "status",
                                rows[i].error[0] ? "error"
                                : r->pass        ? "pass"
                                                 : "fail");
        add_str_or_null(o, "error", rows[i].error);
        add_i64_or_null(o, "cycles_model", rows[i].error[0] ? -1 : r->model_cycles);
        add_i64_or_null(o, "cycles_measured", r->measured ? r->measured_cycles : -1);
        add_u64(o, "macs", r->macs);
        cJSON_AddNumberToObject(o, "utilisation", r->utilisation);
        add_u64(o, "dram_read", r->dram_read);
        add_u64(o, "dram_written", r->dram_written);
        add_str_or_null(o, "report", rows[i].error[0] ? "" : r->report_path);
        cJSON_AddItemToArray(layers, o);
    }
    cJSON *tot = cJSON_AddObjectToObject(root, "total");
    cJSON_AddNumberToObject(tot, "layers", n);
    cJSON_AddNumberToObject(tot, "passed", t.pass);
    cJSON_AddNumberToObject(tot, "failed", t.fail);
    cJSON_AddNumberToObject(tot, "errors", t.error);
    add_i64_or_null(tot, "cycles_model", t.model);
    add_i64_or_null(tot, "cycles_measured", t.all_measured ? t.measured : -1);
    add_u64(tot, "macs", t.macs);
    cJSON_AddNumberToObject(tot, "utilisation", t.util);
    add_u64(tot, "dram_bytes", t.dram);
    char *text = print_json(root);
    int rc = acc_write_file(path, text, strlen(text), err);
    free(text);
    return rc;
}
