/* test_harness.c - the co-simulation harness (cosim/harness.h) end to end
 * on the iss backend: passing runs over several layer shapes and both
 * baseline planners, corrupted schedules that must fail with a first
 * mismatch, the keys of report.json, the .npy dumps and inputs, the network
 * mode, the planner registry as the harness uses it, and the program's
 * options, messages and exit statuses. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cosim/harness.h"
#include "cosim/npy.h"
#include "planner/baseline.h"
#include "model/model.h"
#include "core/catalog.h"
#include "core/sched.h"
#include "planner/registry.h"
#include "tests/testutil.h"

/* ---------------------------------------------------------------- fixtures */

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The first entry of folder `dir` other than ".", ".." and the run's lock
 * file ".lock" (a refused run takes its folder, then leaves nothing in it),
 * or NULL when there is none or no folder. */
static const char *stray_entry(const char *dir)
{
    static char name[256];
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    const char *found = NULL;
    for (struct dirent *e; !found && (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, ".lock")) {
            snprintf(name, sizeof(name), "%s", e->d_name);
            found = name;
        }
    closedir(d);
    return found;
}

/* Small shapes in a user CSV: pointwise, strided and padded, depthwise,
 * asymmetric padding, dilated. */
static const char shapes_csv[] =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides, Pad top, Pad bottom, Pad left, Pad right, Groups, Dilation,\n"
    "pw,6,5,1,1,8,12,1,0,0,0,0,1,1,\n"
    "s2,9,9,3,3,5,7,2,1,1,1,1,1,1,\n"
    "dw,8,8,3,3,6,6,1,1,1,1,1,6,1,\n"
    "asym,7,10,3,2,3,5,1,2,0,1,0,1,1,\n"
    "dil,9,9,3,3,4,4,1,2,2,2,2,1,2,\n";

static void write_shapes_csv(void)
{
    acc_error err;
    cr_assert_eq(acc_write_file(tu_tmp("shapes.csv"), shapes_csv, strlen(shapes_csv), &err), 0,
                 "%s", err.msg);
}

static cosim_run_config base_config(const char *layer)
{
    cosim_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.layer = layer;
    rc.config = "small";
    rc.seed = 1;
    rc.backend = "iss";
    rc.out_dir = tu_tmp("out");
    return rc;
}

/* ---------------------------------------------------------------- passing runs */

typedef struct pass_case {
    char layer[32]; /* catalog name, or a row of shapes.csv */
    int csv;
    char planner[16];
    uint64_t elements; /* K*OH*OW, worked out by hand */
} pass_case;

ParameterizedTestParameters(harness, iss_runs_of_planned_schedules_pass)
{
    static pass_case cases[] = {
        {"lenet_1", 0, "double", 6 * 28 * 28}, {"lenet_2", 0, "double", 16 * 10 * 10},
        {"lenet_1", 0, "serial", 6 * 28 * 28}, {"pw", 1, "double", 12 * 6 * 5},
        {"s2", 1, "double", 7 * 5 * 5},        {"s2", 1, "serial", 7 * 5 * 5},
        {"dw", 1, "double", 6 * 8 * 8},        {"asym", 1, "double", 5 * 7 * 10},
        {"dil", 1, "double", 4 * 9 * 9},
    };
    return cr_make_param_array(pass_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(pass_case *c, harness, iss_runs_of_planned_schedules_pass, .init = tu_tmpdir_make,
                  .fini = tu_tmpdir_remove)
{
    char spec[600];
    if (c->csv) {
        write_shapes_csv();
        snprintf(spec, sizeof(spec), "%s:%s", tu_tmp("shapes.csv"), c->layer);
    } else {
        snprintf(spec, sizeof(spec), "%s", c->layer);
    }
    cosim_run_config rc = base_config(spec);
    rc.planner = c->planner;
    cosim_report rep;
    acc_error err;
    int r = cosim_run(&rc, &rep, &err);
    cr_assert_geq(r, 0, "%s: %s", c->layer, err.msg);
    cr_assert_eq(r, 0, "%s: status fail: %s", c->layer, rep.nfailures ? rep.failures[0] : "");
    cr_assert(rep.pass);
    cr_assert_eq(rep.elements, c->elements, "%s: %llu elements", c->layer,
                 (unsigned long long)rep.elements);
    cr_assert_eq(rep.mismatches, 0);
    cr_assert(rep.valid, "%s: %s", c->layer, rep.first_violation);
    cr_assert_gt(rep.model_cycles, 0);
    cr_assert_eq(rep.measured, 0, "the iss measures no cycles");
    cr_assert_str_eq(rep.planner, c->planner);
    cr_assert(file_exists(rep.report_path));
    cr_assert(file_exists(rep.sched_path));
}

/* The schedule written beside the report runs again, by itself, to the same
 * makespan. */
Test(harness, written_schedule_runs_again_with_the_same_makespan, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_2");
    cosim_report first, again;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &first, &err), 0, "%s", err.msg);
    char sched[1100];
    snprintf(sched, sizeof(sched), "%s", first.sched_path);
    rc.sched_path = sched;
    rc.out_dir = tu_tmp("again");
    cr_assert_eq(cosim_run(&rc, &again, &err), 0, "%s", err.msg);
    cr_assert_eq(again.model_cycles, first.model_cycles);
    cr_assert_eq(again.instr_count, first.instr_count);
    cr_assert_str_eq(again.planner, "sat", "the .planner directive names the planner");
    cr_assert_str_eq(again.sched_source, sched);
}

/* ---------------------------------------------------------------- failing runs */

typedef enum corruption { SHIFT_OUT, DROP_STORES } corruption;

/* Plans lenet_1 on the small configuration, corrupts the schedule and saves
 * it; returns the path. */
static const char *corrupt_schedule(corruption how)
{
    acc_layer l;
    acc_config cfg;
    acc_error err;
    cr_assert_eq(acc_layer_lookup("lenet_1", &l, &err), 0, "%s", err.msg);
    cr_assert_eq(acc_config_load("small", &cfg, &err), 0, "%s", err.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_program p;
    acc_program_init(&p);
    cr_assert_eq(acc_baseline_plan("double", &l, &cfg, &mm, NULL, &p, &err), 0, "%s", err.msg);
    acc_program bad;
    acc_program_init(&bad);
    int shifted = 0;
    for (int i = 0; i < p.count; i++) {
        acc_instr in = p.ins[i];
        if (how == SHIFT_OUT && in.op == ACC_OP_COMPUTE && !shifted) {
            in.u.cp.out += 4; /* one int32 along */
            shifted = 1;
        }
        if (how == DROP_STORES && in.op == ACC_OP_STORE)
            continue;
        if (how == DROP_STORES)
            in.wait[ACC_ENG_ST] = 0;
        acc_program_push(&bad, &in);
    }
    cr_assert(how != SHIFT_OUT || shifted, "no compute to corrupt");
    acc_sched_meta meta;
    memset(&meta, 0, sizeof(meta));
    snprintf(meta.layer, sizeof(meta.layer), "lenet_1");
    snprintf(meta.config, sizeof(meta.config), "small");
    snprintf(meta.planner, sizeof(meta.planner), "corrupted");
    meta.has_memmap = 1;
    meta.memmap = mm;
    const char *path = tu_tmp("corrupt.sched");
    cr_assert_eq(acc_sched_save(path, &bad, &meta, NULL, NULL, NULL, &err), 0, "%s", err.msg);
    acc_program_free(&p);
    acc_program_free(&bad);
    return path;
}

Test(harness, shifted_compute_output_fails_with_a_first_mismatch, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_1");
    rc.sched_path = corrupt_schedule(SHIFT_OUT);
    cosim_report rep;
    acc_error err;
    int r = cosim_run(&rc, &rep, &err);
    cr_assert_eq(r, 1, "status %d (%s)", r, r < 0 ? err.msg : "pass");
    cr_assert_not(rep.pass);
    cr_assert_gt(rep.mismatches, 0);
    cr_assert(rep.has_first_mismatch);
    cr_assert(rep.k >= 0 && rep.k < 6 && rep.oy >= 0 && rep.oy < 28 && rep.ox >= 0 && rep.ox < 28,
              "first mismatch at (%d, %d, %d)", rep.k, rep.oy, rep.ox);
    cr_assert_neq(rep.expected, rep.actual);
    cr_assert_not(rep.valid, "the validator must flag the shifted output");
    cr_assert_geq(rep.first_violation_index, 0);
    cr_assert_str_eq(rep.planner, "corrupted");

    /* and report.json says so */
    char *text = acc_read_file(rep.report_path, NULL, &err);
    cr_assert_not_null(text, "%s", err.msg);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert_not_null(j);
    cr_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "fail");
    cJSON *fm = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "outputs"), "first_mismatch");
    cr_assert(cJSON_IsObject(fm));
    cr_assert_eq(cJSON_GetObjectItem(fm, "k")->valueint, rep.k);
    cr_assert_eq(cJSON_GetObjectItem(fm, "oy")->valueint, rep.oy);
    cr_assert_eq(cJSON_GetObjectItem(fm, "ox")->valueint, rep.ox);
    cr_assert_eq((int32_t)cJSON_GetObjectItem(fm, "expected")->valuedouble, rep.expected);
    cr_assert_eq((int32_t)cJSON_GetObjectItem(fm, "actual")->valuedouble, rep.actual);
    cJSON *v = cJSON_GetObjectItem(j, "validation");
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(v, "ok")));
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(v, "first")));
    cJSON_Delete(j);
}

Test(harness, unwritten_outputs_read_as_poison_and_fail, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_1");
    rc.sched_path = corrupt_schedule(DROP_STORES);
    cosim_report rep;
    acc_error err;
    int r = cosim_run(&rc, &rep, &err);
    cr_assert_eq(r, 1, "status %d (%s)", r, r < 0 ? err.msg : "pass");
    cr_assert_eq(rep.mismatches, 6 * 28 * 28, "every output is unwritten");
    cr_assert(rep.has_first_mismatch);
    cr_assert_eq(rep.k, 0);
    cr_assert_eq(rep.oy, 0);
    cr_assert_eq(rep.ox, 0);
    cr_assert_eq((uint32_t)rep.actual, 0xA5A5A5A5u);
}

/* ---------------------------------------------------------------- report.json */

static cJSON *at(cJSON *root, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    cJSON *o = root;
    for (char *tok = strtok(buf, "."); tok; tok = strtok(NULL, ".")) {
        cr_assert(cJSON_IsObject(o), "%s: parent of '%s' is not an object", path, tok);
        cr_assert(cJSON_HasObjectItem(o, tok), "report.json lacks '%s'", path);
        o = cJSON_GetObjectItem(o, tok);
    }
    return o;
}

Test(harness, report_json_has_every_documented_key, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_1");
    rc.seed = 7;
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), 0, "%s", err.msg);
    char *text = acc_read_file(tu_tmp("out/report.json"), NULL, &err);
    cr_assert_not_null(text, "%s", err.msg);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert_not_null(j, "report.json does not parse");

    static const char *const strings[] = {"layer",  "config",           "backend",       "seed",
                                          "status", "schedule.planner", "schedule.path", NULL};
    static const char *const numbers[] = {"outputs.elements",
                                          "outputs.mismatches",
                                          "cycles.model",
                                          "instructions.count",
                                          "instructions.cycle_mismatches",
                                          "macs",
                                          "dram_bytes.read",
                                          "dram_bytes.written",
                                          "schedule.makespan",
                                          "validation.violations",
                                          "utilisation",
                                          "wall_seconds",
                                          "limits.max_bytes",
                                          "limits.max_cycles",
                                          "limits.max_seconds",
                                          NULL};
    static const char *const nulls[] = {"outputs.first_mismatch",
                                        "cycles.measured",
                                        "instructions.first_cycle_mismatch",
                                        "hw_error",
                                        "validation.first_index",
                                        "validation.first",
                                        "rtl_messages",
                                        NULL};
    for (int i = 0; strings[i]; i++)
        cr_assert(cJSON_IsString(at(j, strings[i])), "'%s' is not a string", strings[i]);
    for (int i = 0; numbers[i]; i++)
        cr_assert(cJSON_IsNumber(at(j, numbers[i])), "'%s' is not a number", numbers[i]);
    for (int i = 0; nulls[i]; i++)
        cr_assert(cJSON_IsNull(at(j, nulls[i])), "'%s' is not null on a passing iss run", nulls[i]);
    cr_assert(cJSON_IsTrue(at(j, "validation.ok")));
    cr_assert(cJSON_IsArray(at(j, "validation.list")) &&
                  cJSON_GetArraySize(at(j, "validation.list")) == 0,
              "validation.list is not an empty array on a valid schedule");
    cr_assert(cJSON_IsFalse(at(j, "limits.wall_timed_out")));
    cr_assert_eq(at(j, "limits.max_bytes")->valuedouble, (double)COSIM_MAX_BYTES_DEFAULT);
    cr_assert_eq(at(j, "limits.max_cycles")->valuedouble, (double)COSIM_MAX_CYCLES_DEFAULT);
    cr_assert_eq(at(j, "limits.max_seconds")->valuedouble, COSIM_MAX_SECONDS_DEFAULT);

    cr_assert_str_eq(at(j, "layer")->valuestring, "lenet_1");
    cr_assert_str_eq(at(j, "config")->valuestring, "small");
    cr_assert_str_eq(at(j, "backend")->valuestring, "iss");
    cr_assert_str_eq(at(j, "status")->valuestring, "pass");
    cr_assert_str_eq(at(j, "seed")->valuestring, "7", "a decimal string (exact above 2^53)");
    cr_assert_eq(at(j, "outputs.elements")->valuedouble, 6 * 28 * 28);
    cr_assert_eq(at(j, "macs")->valuedouble, 6 * 28 * 28 * 25, "K*OH*OW*C*FH*FW");
    cr_assert_eq(at(j, "cycles.model")->valuedouble, (double)rep.model_cycles);
    cr_assert_eq(at(j, "schedule.makespan")->valuedouble, (double)rep.model_cycles);
    cr_assert_eq(at(j, "instructions.count")->valuedouble, rep.instr_count);
    cr_assert_geq(at(j, "dram_bytes.read")->valuedouble, 32 * 32 + 25 * 6,
                  "every input and weight byte is read at least once");
    cr_assert_eq(at(j, "dram_bytes.written")->valuedouble, 6 * 28 * 28 * 4,
                 "every output is stored once");
    double u = at(j, "utilisation")->valuedouble;
    double want = 117600.0 / (4.0 * 4.0 * (double)rep.model_cycles);
    cr_assert(u > want * 0.999999 && u < want * 1.000001, "utilisation %g, expected %g", u, want);
    cr_assert(file_exists(at(j, "schedule.path")->valuestring));
    cJSON_Delete(j);

    /* the schedule carries the model's cycles as comments */
    char *sched = acc_read_file(tu_tmp("out/schedule.sched"), NULL, &err);
    cr_assert_not_null(sched, "%s", err.msg);
    char needle[64];
    snprintf(needle, sizeof(needle), "..%lld", (long long)rep.model_cycles);
    cr_assert(strstr(sched, needle) != NULL, "no model annotation ending at the makespan");
    free(sched);
}

/* ---------------------------------------------------------------- .npy in and out */

static void check_npy(const char *file, cosim_npy_dtype t, int nd, const uint64_t *shape,
                      cosim_npy *out)
{
    acc_error err;
    cr_assert_eq(cosim_npy_load(tu_tmp(file), out, &err), 0, "%s", err.msg);
    cr_assert_eq(out->dtype, t, "%s: dtype", file);
    cr_assert_eq(out->ndim, nd, "%s: rank %d", file, out->ndim);
    for (int i = 0; i < nd; i++)
        cr_assert_eq(out->shape[i], shape[i], "%s: dimension %d is %llu", file, i,
                     (unsigned long long)out->shape[i]);
}

Test(harness, dump_writes_the_four_tensors_with_their_shapes, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_2");
    rc.dump = 1;
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), 0, "%s", err.msg);
    /* lenet_2: 14x14x6 -> 16, 5x5, no padding: y is 16x10x10 */
    const uint64_t xs[3] = {6, 14, 14}, ws[4] = {6, 5, 5, 16}, ys[3] = {16, 10, 10};
    cosim_npy x, w, yg, ysim;
    check_npy("out/x.npy", COSIM_NPY_I8, 3, xs, &x);
    check_npy("out/w.npy", COSIM_NPY_I8, 4, ws, &w);
    check_npy("out/y_golden.npy", COSIM_NPY_I32, 3, ys, &yg);
    check_npy("out/y_sim.npy", COSIM_NPY_I32, 3, ys, &ysim);
    cr_assert(memcmp(yg.data, ysim.data, 1600 * 4) == 0, "a passing run dumps equal outputs");
    /* y[0][0][0] by hand from the dumped operands */
    const int8_t *xv = x.data, *wv = w.data;
    int32_t acc = 0;
    for (int c = 0; c < 6; c++)
        for (int i = 0; i < 5; i++)
            for (int jj = 0; jj < 5; jj++)
                acc += xv[(c * 14 + i) * 14 + jj] * wv[((c * 5 + i) * 5 + jj) * 16 + 0];
    cr_assert_eq(((int32_t *)yg.data)[0], acc);
    cosim_npy_free(&x);
    cosim_npy_free(&w);
    cosim_npy_free(&yg);
    cosim_npy_free(&ysim);
}

Test(harness, operands_from_npy_files_are_used, .init = tu_tmpdir_make, .fini = tu_tmpdir_remove)
{
    /* lenet_1 with x = 1 and w = 1 everywhere: every output is C*FH*FW = 25 */
    int8_t x[32 * 32], w[25 * 6];
    memset(x, 1, sizeof(x));
    memset(w, 1, sizeof(w));
    const uint64_t xs[3] = {1, 32, 32}, ws[4] = {1, 5, 5, 6}, ys[3] = {6, 28, 28};
    acc_error err;
    cr_assert_eq(cosim_npy_save(tu_tmp("x.npy"), COSIM_NPY_I8, 3, xs, x, &err), 0, "%s", err.msg);
    cr_assert_eq(cosim_npy_save(tu_tmp("w.npy"), COSIM_NPY_I8, 4, ws, w, &err), 0, "%s", err.msg);
    cosim_run_config rc = base_config("lenet_1");
    rc.x_path = tu_tmp("x.npy");
    rc.w_path = tu_tmp("w.npy");
    rc.dump = 1;
    cosim_report rep;
    cr_assert_eq(cosim_run(&rc, &rep, &err), 0, "%s", err.msg);
    cr_assert_str_eq(rep.inputs, "npy");
    cosim_npy y;
    check_npy("out/y_sim.npy", COSIM_NPY_I32, 3, ys, &y);
    for (uint64_t i = 0; i < y.count; i++)
        cr_assert_eq(((int32_t *)y.data)[i], 25, "element %llu", (unsigned long long)i);
    cosim_npy_free(&y);
}

Test(harness, weights_of_the_wrong_shape_are_rejected, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    int8_t x[32 * 32] = {0}, w[25 * 6] = {0};
    const uint64_t xs[3] = {1, 32, 32}, ws[4] = {6, 5, 5, 1}; /* K and C swapped */
    acc_error err;
    cr_assert_eq(cosim_npy_save(tu_tmp("x.npy"), COSIM_NPY_I8, 3, xs, x, &err), 0, "%s", err.msg);
    cr_assert_eq(cosim_npy_save(tu_tmp("w.npy"), COSIM_NPY_I8, 4, ws, w, &err), 0, "%s", err.msg);
    cosim_run_config rc = base_config("lenet_1");
    rc.x_path = tu_tmp("x.npy");
    rc.w_path = tu_tmp("w.npy");
    cosim_report rep;
    cr_assert_eq(cosim_run(&rc, &rep, &err), -1);
    cr_assert(strstr(err.msg, "field 'shape'") && strstr(err.msg, "w int8 [1, 5, 5, 6]"), "%s",
              err.msg);
    cr_assert_not(file_exists(tu_tmp("out/report.json")), "bad input writes no report");
}

/* ---------------------------------------------------------------- backends, errors */

Test(harness, missing_backend_says_which_build_has_it)
{
    acc_error err;
    cr_assert_not_null(cosim_backend_require("iss", &err));
    cr_assert_eq(cosim_backend_find("rtl"), NULL, "this test binary has no Verilated model");
    cr_assert_null(cosim_backend_require("rtl", &err));
    cr_assert(strstr(err.msg, "backend 'rtl' is not built into this binary") &&
                  strstr(err.msg, "make cosim BACKEND=rtl"),
              "%s", err.msg);
    cr_assert_null(cosim_backend_require("fpga", &err));
    cr_assert(strstr(err.msg, "unknown backend 'fpga'"), "%s", err.msg);
}

/* Planners come from planner/registry.h: an alias runs under its canonical
 * name, an unknown name lists the registered ones, nothing is written. */
Test(harness, planner_alias_runs_under_its_canonical_name, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_1");
    rc.planner = "baseline";
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), 0, "%s", err.msg);
    cr_assert_str_eq(rep.planner, "double");
    cr_assert_eq(rep.claimed_makespan, -1, "a baseline claims nothing");
    acc_program p;
    acc_sched_meta meta;
    cr_assert_eq(acc_sched_load(rep.sched_path, &p, &meta, &err), 0, "%s", err.msg);
    cr_assert_str_eq(meta.planner, "double", "the .planner directive");
    acc_program_free(&p);
}

Test(harness, unknown_planner_is_an_error_listing_the_registered_ones, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_1");
    rc.planner = "triple";
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), -1);
    cr_assert(strstr(err.msg, "unknown planner 'triple'"), "%s", err.msg);
    for (const plan_entry *p = plan_registry; p->name; p++)
        cr_assert(strstr(err.msg, p->name), "'%s' missing from: %s", p->name, err.msg);
    cr_assert_not(file_exists(tu_tmp("out")), "nothing is written");
    cr_assert_eq(cosim_run_net("lenet", &(cosim_run_config){.planner = "triple"}, &err), -1);
    cr_assert(strstr(err.msg, "unknown planner 'triple'"), "%s", err.msg);
}

Test(harness, unknown_layer_is_an_error_not_a_failure, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_99");
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), -1);
    cr_assert(strstr(err.msg, "lenet"), "%s", err.msg);
}

Test(harness, network_mode_runs_every_layer_and_writes_a_summary, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.config = "small";
    rc.seed = 3;
    rc.out_dir = tu_tmp("net");
    char *table = NULL;
    size_t len = 0;
    rc.summary = open_memstream(&table, &len);
    acc_error err;
    int r = cosim_run_net("lenet", &rc, &err);
    fclose(rc.summary);
    cr_assert_eq(r, 0, "status %d: %s\n%s", r, r < 0 ? err.msg : "", table);
    cr_assert(strstr(table, "lenet_5") && strstr(table, "total"), "%s", table);
    free(table);
    for (int i = 1; i <= 5; i++) {
        char f[64];
        snprintf(f, sizeof(f), "net/lenet_%d/report.json", i);
        cr_assert(file_exists(tu_tmp(f)), "%s missing", f);
    }
    char *text = acc_read_file(tu_tmp("net/net_lenet.json"), NULL, &err);
    cr_assert_not_null(text, "%s", err.msg);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert_str_eq(at(j, "status")->valuestring, "pass");
    cr_assert_eq(cJSON_GetArraySize(at(j, "layers")), 5);
    cr_assert_eq(at(j, "total.passed")->valuedouble, 5);
    cJSON_Delete(j);
}

/* ---------------------------------------------------------------- measured cycles */

/* A measuring backend for the cycle checks: it runs the iss and reports the
 * model's cycles, perturbed as a test asks. */
static struct {
    int late_index;      /* this instruction's measured end is one cycle late, -1 none */
    int64_t total_delta; /* added to the measured total */
    int timeout;         /* stop as if the budget ran out before END */
    int assertion;       /* stop as if an RTL assertion failed after the iss run */
    int64_t seen_budget; /* the budget the harness passed */
} fake;

/* What a Verilated model prints when an assertion fails (two lines). */
static const char fake_assertion[] =
    "[120] %Error: acc_load.sv:214: Assertion failed in acc.acc_top.u_load.LoadBeatExpected: "
    "'assert' failed.\n%Error: rtl/acc_load.sv:214: Verilog $stop\n";

static int fake_run(const acc_program *p, const acc_config *cfg, const acc_memmap *mm,
                    acc_dram *mem, const cosim_options *opt, cosim_result *res, acc_error *err)
{
    fake.seen_budget = opt->cycle_budget;
    int rc = cosim_backend_find("iss")->run(p, cfg, mm, mem, opt, res, err);
    if (rc != 0)
        return rc;
    model_timing t;
    cr_assert_eq(model_run(p, cfg, &t, err), 0, "%s", err->msg);
    res->measured = 1;
    res->count = p->count;
    res->start = malloc((size_t)p->count * sizeof(int64_t));
    res->end = malloc((size_t)p->count * sizeof(int64_t));
    memcpy(res->start, t.start, (size_t)p->count * sizeof(int64_t));
    memcpy(res->end, t.end, (size_t)p->count * sizeof(int64_t));
    res->cycles = t.makespan + fake.total_delta;
    model_timing_free(&t);
    if (fake.late_index >= 0)
        res->end[fake.late_index] += 1;
    if (fake.assertion) {
        snprintf(res->rtl_messages, sizeof(res->rtl_messages), "%s", fake_assertion);
        return acc_fail(err, "an RTL assertion failed in cycle 120: %.*s",
                        (int)strcspn(fake_assertion, "\n"), fake_assertion);
    }
    if (fake.timeout) {
        res->timed_out = 1;
        res->start[p->count - 1] = res->end[p->count - 1] = -1;
        res->cycles = -1;
        snprintf(res->engine_state, sizeof(res->engine_state), "ld idle, cp idle, st idle");
        return acc_fail(err, "no END after %lld cycles", (long long)opt->cycle_budget);
    }
    return 0;
}

static const cosim_backend fake_backend = {"fake", fake_run};

static int run_fake(int late_index, int64_t total_delta, int timeout, cosim_report *rep)
{
    fake.late_index = late_index;
    fake.total_delta = total_delta;
    fake.timeout = timeout;
    fake.assertion = 0;
    fake.seen_budget = 0;
    cosim_run_config rc = base_config("lenet_1");
    rc.backend_impl = &fake_backend;
    acc_error err;
    int r = cosim_run(&rc, rep, &err);
    cr_assert_geq(r, 0, "%s", err.msg);
    return r;
}

Test(harness, measured_cycles_equal_to_the_model_pass, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_report rep;
    cr_assert_eq(run_fake(-1, 0, 0, &rep), 0, "%s", rep.nfailures ? rep.failures[0] : "");
    cr_assert(rep.measured);
    cr_assert_eq(rep.measured_cycles, rep.model_cycles);
    cr_assert_eq(rep.cycle_mismatches, 0);
    cr_assert_eq(fake.seen_budget, 2 * rep.model_cycles + 100000, "budget %lld",
                 (long long)fake.seen_budget);
    cr_assert_eq(rep.cycle_budget, fake.seen_budget);
    char *text = acc_read_file(rep.report_path, NULL, NULL);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert_eq(at(j, "cycles.measured")->valuedouble, (double)rep.model_cycles);
    cr_assert(cJSON_IsTrue(at(j, "instructions.measured")));
    cr_assert(cJSON_IsNull(at(j, "instructions.first_cycle_mismatch")));
    cJSON_Delete(j);
}

Test(harness, one_late_instruction_fails_naming_it, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_report rep;
    cr_assert_eq(run_fake(3, 0, 0, &rep), 1);
    cr_assert_eq(rep.cycle_mismatches, 1);
    cr_assert(rep.has_first_cycle_mismatch);
    cr_assert_eq(rep.cm_index, 3);
    cr_assert_eq(rep.cm_meas_start, rep.cm_pred_start);
    cr_assert_eq(rep.cm_meas_end, rep.cm_pred_end + 1);
    cr_assert_eq(rep.mismatches, 0, "the outputs are still right");
    char *text = acc_read_file(rep.report_path, NULL, NULL);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert_eq(at(j, "instructions.cycle_mismatches")->valuedouble, 1);
    cr_assert_eq(at(j, "instructions.first_cycle_mismatch.index")->valuedouble, 3);
    cr_assert_str_eq(at(j, "instructions.first_cycle_mismatch.kind")->valuestring,
                     acc_op_name(rep.cm_kind));
    cr_assert_eq(at(j, "instructions.first_cycle_mismatch.measured.end")->valuedouble,
                 (double)rep.cm_pred_end + 1);
    cr_assert_eq(at(j, "instructions.first_cycle_mismatch.predicted.start")->valuedouble,
                 (double)rep.cm_pred_start);
    cr_assert_str_eq(at(j, "status")->valuestring, "fail");
    cJSON_Delete(j);
}

Test(harness, total_cycles_other_than_the_makespan_fail, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_report rep;
    cr_assert_eq(run_fake(-1, 1, 0, &rep), 1);
    cr_assert_eq(rep.cycle_mismatches, 0);
    cr_assert_eq(rep.measured_cycles, rep.model_cycles + 1);
    cr_assert(strstr(rep.failures[0], "makespan"), "%s", rep.failures[0]);
}

Test(harness, exhausted_cycle_budget_fails_with_the_engine_state, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_report rep;
    cr_assert_eq(run_fake(-1, 0, 1, &rep), 1);
    cr_assert(rep.timed_out);
    cr_assert(strstr(rep.backend_error, "no END after"), "%s", rep.backend_error);
    cr_assert_str_eq(rep.engine_state, "ld idle, cp idle, st idle");
    cr_assert_geq(rep.cycle_mismatches, 1, "END never issued");
    cr_assert_eq(rep.cm_meas_start, -1);
}

Test(harness, a_failed_rtl_assertion_reaches_the_report_with_its_message, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    fake.late_index = -1;
    fake.total_delta = 0;
    fake.timeout = 0;
    fake.assertion = 1;
    cosim_run_config rc = base_config("lenet_1");
    rc.backend_impl = &fake_backend;
    char *summary = NULL;
    size_t len = 0;
    rc.summary = open_memstream(&summary, &len);
    cosim_report rep;
    acc_error err;
    int r = cosim_run(&rc, &rep, &err);
    fclose(rc.summary);
    fake.assertion = 0;
    cr_assert_eq(r, 1, "%s", err.msg);
    cr_assert_str_eq(rep.rtl_messages, fake_assertion);
    char *text = acc_read_file(rep.report_path, NULL, NULL);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert_str_eq(at(j, "rtl_messages")->valuestring, fake_assertion);
    cr_assert(strstr(at(j, "backend_error")->valuestring,
                     "an RTL assertion failed in cycle 120: [120] %Error: acc_load.sv:214: "
                     "Assertion failed in acc.acc_top.u_load.LoadBeatExpected"),
              "%s", at(j, "backend_error")->valuestring);
    cr_assert_str_eq(at(j, "status")->valuestring, "fail");
    cJSON_Delete(j);
    /* the summary shows both lines */
    cr_assert(strstr(summary, "rtl        [120] %Error: acc_load.sv:214: Assertion failed") &&
                  strstr(summary, "%Error: rtl/acc_load.sv:214: Verilog $stop"),
              "%s", summary);
    free(summary);
}

/* ---------------------------------------------------------------- ceilings */

/* The two-line schedule of docs/cosim.md, "Ceilings": 68.7e9 bytes moved
 * over 4095 scratchpad bytes, 8.6e9 cycles by the model. */
static const char two_line_sched[] =
    "# 4095 x 4095 x 4095 bytes\n"
    "load dram=0x00010000 spad=0x00000 n=4095,4095,4095 dram_stride=0,0 spad_stride=0,0\n"
    "end\n";

static const char *write_two_line_sched(void)
{
    acc_error err;
    const char *path = tu_tmp("two_line.sched");
    cr_assert_eq(acc_write_file(path, two_line_sched, strlen(two_line_sched), &err), 0, "%s",
                 err.msg);
    return path;
}

Test(harness, a_schedule_past_the_bytes_ceiling_is_refused_naming_its_line_and_writes_nothing,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 60)
{
    cosim_run_config rc = base_config("lenet_1");
    rc.sched_path = write_two_line_sched();
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), -1);
    char want[600];
    snprintf(want, sizeof(want),
             "%s:2: field 'n': the schedule moves 68.7e9 bytes by instruction 0 (load, "
             "4095x4095x4095 = 68.7e9 bytes), past the ceiling of 4.29e9 bytes a run may move "
             "(--max-bytes to raise it)",
             rc.sched_path);
    cr_assert_str_eq(err.msg, want);
    cr_assert_null(stray_entry(rc.out_dir), "the refused run left %s/%s", rc.out_dir,
                   stray_entry(rc.out_dir));
}

Test(harness, a_schedule_past_the_cycles_ceiling_is_refused_naming_its_line_and_writes_nothing,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 60)
{
    cosim_run_config rc = base_config("lenet_1");
    rc.sched_path = write_two_line_sched();
    rc.max_bytes = UINT64_MAX; /* no bytes ceiling: the cycles ceiling is next */
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), -1);
    char want[600];
    snprintf(want, sizeof(want),
             "%s:2: instruction 0 (load) ends in cycle 8.59e9 of the timing model, past the "
             "ceiling of 4.29e9 cycles a run may take (--max-cycles to raise it)",
             rc.sched_path);
    cr_assert_str_eq(err.msg, want);
    cr_assert_null(stray_entry(rc.out_dir), "the refused run left %s/%s", rc.out_dir,
                   stray_entry(rc.out_dir));

    /* a planned schedule: the planner is named, and the first instruction
     * that ends past the ceiling */
    rc = base_config("lenet_1");
    rc.planner = "double";
    rc.max_cycles = 1000;
    cr_assert_eq(cosim_run(&rc, &rep, &err), -1);
    cr_assert(strstr(err.msg, "schedule of planner double: instruction ") &&
                  strstr(err.msg, "past the ceiling of 1000 cycles a run may take"),
              "%s", err.msg);
    cr_assert_null(stray_entry(rc.out_dir), "the refused run left %s/%s", rc.out_dir,
                   stray_entry(rc.out_dir));
}

Test(harness, with_the_ceilings_lifted_the_two_line_schedule_runs_and_fails_the_validator,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 60)
{
    cosim_run_config rc = base_config("lenet_1");
    rc.sched_path = write_two_line_sched();
    rc.max_bytes = UINT64_MAX;
    rc.max_cycles = INT64_MAX;
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), 1, "%s", err.msg);
    cr_assert_eq(rep.valid, 0);
    cr_assert_eq(rep.first_violation_index, 0);
    cr_assert(strstr(rep.first_violation, "(plane 0, row 0), which are not inside x"), "%s",
              rep.first_violation);
    cr_assert_eq(rep.dram_read, 4095ull * 4095 * 4095);
    cr_assert_eq(rep.backend_error[0], '\0', "the iss ran to END: %s", rep.backend_error);
    char *text = acc_read_file(tu_tmp("out/report.json"), NULL, &err);
    cr_assert_not_null(text, "%s", err.msg);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert(cJSON_IsNull(at(j, "limits.max_bytes")) && cJSON_IsNull(at(j, "limits.max_cycles")));
    cJSON_Delete(j);
}

Test(harness, the_iss_backend_stops_at_the_wall_time_limit, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    cosim_run_config rc = base_config("lenet_2");
    rc.planner = "double";
    rc.max_seconds = 1e-9; /* passed at the iss's first look at the clock */
    cosim_report rep;
    acc_error err;
    cr_assert_eq(cosim_run(&rc, &rep, &err), 1, "%s", err.msg);
    cr_assert(rep.wall_timed_out);
    cr_assert(strstr(rep.backend_error, "stopped at the wall-time limit of 1e-09 s "
                                        "(--max-seconds to raise it) at instruction "),
              "%s", rep.backend_error);
    cr_assert(file_exists(tu_tmp("out/report.json")), "a stopped run writes its report");
    rc.max_seconds = -1; /* none */
    cr_assert_eq(cosim_run(&rc, &rep, &err), 0, "%s", err.msg);
    cr_assert(!rep.wall_timed_out);
}

/* ---------------------------------------------------------------- the program */

static int run_cosim(const char *args)
{
    const char *bin = getenv("ACC_BIN");
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s/cosim %s >/dev/null 2>&1", bin ? bin : "build/bin", args);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s: killed by a signal", cmd);
    return WEXITSTATUS(st);
}

Test(harness, program_exit_status_is_0_pass_1_failure_2_usage, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    char args[600];
    snprintf(args, sizeof(args), "--layer lenet_1 --config small --out %s", tu_tmp("p"));
    cr_assert_eq(run_cosim(args), 0);
    snprintf(args, sizeof(args), "--layer lenet_1 --config small --sched %s --out %s",
             corrupt_schedule(SHIFT_OUT), tu_tmp("f"));
    cr_assert_eq(run_cosim(args), 1);
    cr_assert_eq(run_cosim("--layer no_such_net_1 --config small"), 1);
    cr_assert_eq(run_cosim("--layer lenet_1 --backend rtl --config small"), 1);
    cr_assert_eq(run_cosim("--layer"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 --bogus"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 --seed minus"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 --x a.npy"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 --net lenet"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 --planner nope"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 stray"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 --dump=yes"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 --max-bytes lots"), 2);
    cr_assert_eq(run_cosim("--layer lenet_1 --max-seconds -1"), 2);
    cr_assert_eq(run_cosim("-z"), 2);
    cr_assert_eq(run_cosim("--help"), 0);
    cr_assert_eq(run_cosim("-h"), 0);
}

/* getopt_long: --opt=VALUE as well as --opt VALUE; usage errors name the
 * option; --help and the unknown-planner error list the registry. */
Test(harness, program_options_and_messages, .init = tu_tmpdir_make, .fini = tu_tmpdir_remove)
{
    char cmd[1024], out[16384];
    snprintf(cmd, sizeof(cmd),
             "%s/cosim --layer=lenet_1 --config=small --seed=2 --planner=serial "
             "--out=%s --no-progress",
             tu_bin_dir(), tu_tmp("eq"));
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    cr_assert(strstr(out, "seed 2, planner serial"), "%s", out);

    snprintf(cmd, sizeof(cmd), "%s/cosim --help", tu_bin_dir());
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    int w = 0; /* plan_print_list pads the names to the longest name or alias */
    for (const plan_entry *p = plan_registry; p->name; p++)
        w = (int)strlen(p->name) > w ? (int)strlen(p->name) : w;
    for (const plan_alias *a = plan_aliases; a->alias; a++)
        w = (int)strlen(a->alias) > w ? (int)strlen(a->alias) : w;
    for (const plan_entry *p = plan_registry; p->name; p++) {
        char line[256];
        snprintf(line, sizeof(line), " %-*s  %s\n", w, p->name, p->summary);
        cr_assert(strstr(out, line), "--help lacks '%s':\n%s", line, out);
    }
    cr_assert(strstr(out, "baseline  another name for double"), "%s", out);

    static const struct {
        const char *args, *message;
    } bad[] = {
        {"--layer lenet_1 --bogus", "unknown option '--bogus'"},
        {"--layer lenet_1 -q", "unknown option '-q'"},
        {"--layer", "option '--layer' needs a value"},
        {"--layer lenet_1 --cycles=1", "option '--cycles' takes no value"},
        {"--layer lenet_1 extra", "unexpected argument 'extra'"},
        {"--layer lenet_1 --planner nope",
         "unknown planner 'nope' (planners: sat, double, serial; baseline is another name "
         "for double)"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(cmd, sizeof(cmd), "%s/cosim %s", tu_bin_dir(), bad[i].args);
        cr_assert_eq(tu_run(cmd, out, sizeof(out)), 2, "%s: %s", bad[i].args, out);
        cr_assert(strstr(out, bad[i].message), "%s: expected '%s' in\n%s", bad[i].args,
                  bad[i].message, out);
    }
}
