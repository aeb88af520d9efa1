/* test_systemc.c - the systemc backend (cosim/systemc/sc_*.cpp): the Verilated
 * accelerator in a SystemC platform gives the same outputs and the same
 * cycles as the rtl backend.  Compiled once per configuration
 * (build/sc/<config>/test_systemc); ACC_TEST_CONFIG names it.
 *
 * Layer tests run each layer twice: through the rtl backend, as the program
 * build/rtl/<config>/cosim (the two Verilated models cannot share one
 * binary: both are the class Vacc_top, and Verilator's runtime differs
 * between --cc and --sc), and through the systemc backend in this process,
 * several layers one after the other on the one SystemC platform.  The two
 * report.json files must agree in every field but the backend's name, the
 * timings and the paths; the two cycles.csv files (every instruction's issue
 * and end cycle), the outputs y_sim.npy and the schedules must be equal byte
 * for byte.
 *
 * Unit tests call the backend directly: hand-made programs against the
 * timing model and the iss, an error code, a timeout, a refused waveform,
 * and runs after a timeout (the platform is reused across runs).  A run
 * that stops on a failed RTL assertion (a stray R beat from the memory)
 * reports Verilator's message in report.json, as the rtl backend does. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cosim/backend.h"
#include "cosim/harness.h"
#include "golden/iss.h"
#include "model/model.h"
#include "core/util.h"

#ifndef ACC_TEST_CONFIG
#error "ACC_TEST_CONFIG must name the configuration this test is linked with"
#endif

extern const cosim_backend cosim_backend_systemc;
extern char **environ;

#define MEM_BYTES (128u * 1024u)
#define PROG_ADDR (96u * 1024u)

static acc_config cfg;

static void load_config(void)
{
    acc_error err;
    cr_assert_eq(acc_config_load(ACC_TEST_CONFIG, &cfg, &err), 0, "%s", err.msg);
}

TestSuite(systemc, .init = load_config);
TestSuite(systemc_layers, .init = load_config);

/* ---------------------------------------------------------------- unit */

static acc_instr mk_dma(acc_opcode op, uint32_t dram, uint32_t spad, uint32_t n0, uint32_t n1)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){dram, spad, n0, n1, 1, n0 + 3, 0, n0, 0};
    return in;
}

static void push(acc_program *p, acc_instr in)
{
    acc_program_push(p, &in);
}

static void push_end(acc_program *p)
{
    acc_instr end;
    memset(&end, 0, sizeof(end));
    end.op = ACC_OP_END;
    acc_program_push(p, &end);
}

static void fill_random(acc_dram *m, uint64_t seed)
{
    acc_rng r;
    acc_rng_seed(&r, seed);
    for (uint64_t i = 0; i < m->size; i++)
        m->bytes[i] = (uint8_t)acc_rng_next(&r);
}

/* Runs p on the systemc backend with the program at PROG_ADDR. */
static int sc_exec(const acc_program *p, acc_dram *mem, int64_t budget, const char *wave,
                   cosim_result *res, acc_error *err)
{
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    cr_assert(PROG_ADDR + len <= mem->size);
    memcpy(mem->bytes + PROG_ADDR, bin, len);
    free(bin);
    acc_memmap mm = {.x = 0, .w = 0, .y = 0, .prog = PROG_ADDR, .end = PROG_ADDR};
    cosim_options opt;
    memset(&opt, 0, sizeof(opt));
    opt.wave_path = wave;
    opt.wave_from_instr = opt.wave_to_instr = opt.wave_from_cycle = opt.wave_to_cycle = -1;
    opt.cycle_budget = budget;
    return cosim_backend_systemc.run(p, &cfg, &mm, mem, &opt, res, err);
}

/* Loads and stores of every alignment and length, each waiting for the one
 * before (a STORE waits for its LOAD, the next LOAD for the STORE), then
 * a few overlapping ones. */
static void dma_program(acc_program *p)
{
    acc_program_init(p);
    int lds = 0, sts = 0;
    for (uint32_t off = 0; off < 2u * (uint32_t)cfg.axi_bytes; off += 3) {
        uint32_t n0 = 1 + (off * 7) % 29, n1 = 1 + off % 3;
        acc_instr ld = mk_dma(ACC_OP_LOAD, 512 + off * 331, 64, n0, n1);
        ld.wait[ACC_ENG_ST] = (uint32_t)sts;
        acc_instr st = mk_dma(ACC_OP_STORE, 48u * 1024u + off * 301, 64, n0, n1);
        st.wait[ACC_ENG_LD] = (uint32_t)++lds;
        push(p, ld);
        push(p, st);
        sts++;
    }
    for (uint32_t k = 0; k < 4; k++)
        push(p, mk_dma(ACC_OP_LOAD, 4096 - 5 + k * 1000, 256 + k * 128, 37, 2));
    push_end(p);
}

/* systemc == model (every instruction, CYCLES, BUSY) and == iss (memory). */
static void check_against_references(const acc_program *p, uint64_t seed)
{
    acc_dram sc_mem, iss_mem;
    acc_dram_init(&sc_mem, MEM_BYTES);
    acc_dram_init(&iss_mem, MEM_BYTES);
    fill_random(&sc_mem, seed);
    fill_random(&iss_mem, seed);
    cosim_result res;
    acc_error err;
    cr_assert_eq(sc_exec(p, &sc_mem, 2000000, NULL, &res, &err), 0, "systemc: %s", err.msg);
    model_timing t;
    cr_assert_eq(model_run(p, &cfg, &t, &err), 0, "model: %s", err.msg);
    cr_assert_eq(res.count, p->count);
    for (int i = 0; i < p->count; i++)
        cr_assert(res.start[i] == t.start[i] && res.end[i] == t.end[i],
                  "instruction %d (%s): model [%lld, %lld), systemc [%lld, %lld)", i,
                  acc_op_name(p->ins[i].op), (long long)t.start[i], (long long)t.end[i],
                  (long long)res.start[i], (long long)res.end[i]);
    cr_assert_eq(res.cycles, t.makespan);
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        cr_assert_eq(res.busy[e], t.busy[e], "engine %d busy %lld, model %lld", e,
                     (long long)res.busy[e], (long long)t.busy[e]);
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    memcpy(iss_mem.bytes + PROG_ADDR, bin, len);
    free(bin);
    cr_assert_eq(iss_run(p, &cfg, &iss_mem, NULL, &err), 0, "iss: %s", err.msg);
    for (uint64_t a = 0; a < MEM_BYTES; a++)
        cr_assert_eq(sc_mem.bytes[a], iss_mem.bytes[a],
                     "memory differs at 0x%05llx: systemc 0x%02x, iss 0x%02x",
                     (unsigned long long)a, sc_mem.bytes[a], iss_mem.bytes[a]);
    model_timing_free(&t);
    cosim_result_free(&res);
    acc_dram_free(&sc_mem);
    acc_dram_free(&iss_mem);
}

Test(systemc, dma_blocks_of_every_alignment_take_their_model_cycles_twice_in_a_row)
{
    acc_program p;
    dma_program(&p);
    check_against_references(&p, 3);
    /* the second run reuses the elaborated platform: reset, new image */
    check_against_references(&p, 4);
    acc_program_free(&p);
}

Test(systemc, a_run_out_of_budget_names_the_busy_engine_and_the_next_run_passes)
{
    acc_program p;
    acc_program_init(&p);
    push(&p, mk_dma(ACC_OP_LOAD, 0, 0, 200, 8));
    push(&p, mk_dma(ACC_OP_STORE, 8192, 0, 200, 8));
    p.ins[1].wait[ACC_ENG_LD] = 1;
    push_end(&p);
    acc_dram mem;
    acc_dram_init(&mem, MEM_BYTES);
    cosim_result res;
    acc_error err;
    /* the load issues in cycle Lr + 2 and needs more than 40 cycles */
    int64_t budget = cfg.read_latency + 40;
    cr_assert_eq(sc_exec(&p, &mem, budget, NULL, &res, &err), -1);
    cr_assert(res.timed_out);
    cr_assert_eq(res.cycles, -1);
    cr_assert(strstr(res.engine_state, "load engine: running instruction 0") != NULL, "%s",
              res.engine_state);
    cr_assert(strstr(res.engine_state, "issue waits at instruction 1") != NULL, "%s",
              res.engine_state);
    cr_assert(strstr(err.msg, "no END after") != NULL, "%s", err.msg);
    cosim_result_free(&res);
    acc_dram_free(&mem);
    /* the accelerator was left busy; the next run resets it */
    check_against_references(&p, 9);
    acc_program_free(&p);
}

Test(systemc, a_wait_no_instruction_satisfies_stops_with_deadlock_at_its_index)
{
    acc_program p;
    acc_program_init(&p);
    push(&p, mk_dma(ACC_OP_LOAD, 0, 0, 8, 1));
    acc_instr ld = mk_dma(ACC_OP_LOAD, 64, 0, 8, 1);
    ld.wait[ACC_ENG_ST] = 1; /* no STORE precedes it */
    push(&p, ld);
    push_end(&p);
    acc_dram mem;
    acc_dram_init(&mem, MEM_BYTES);
    cosim_result res;
    acc_error err;
    cr_assert_eq(sc_exec(&p, &mem, 100000, NULL, &res, &err), -1);
    cr_assert_eq(res.hw_error, 3, "ERR_CODE %d", res.hw_error); /* DEADLOCK */
    cr_assert_eq(res.hw_error_index, 1);
    cr_assert(!res.timed_out);
    cr_assert(res.start[0] >= 0 && res.end[0] > res.start[0]);
    cr_assert_eq(res.start[1], -1);
    cosim_result_free(&res);
    acc_dram_free(&mem);
    acc_program_free(&p);
}

Test(systemc, a_waveform_request_is_refused_with_the_target_that_writes_one)
{
    acc_program p;
    acc_program_init(&p);
    push_end(&p);
    acc_dram mem;
    acc_dram_init(&mem, MEM_BYTES);
    cosim_result res;
    acc_error err;
    cr_assert_eq(sc_exec(&p, &mem, 1000, "x.fst", &res, &err), -1);
    cr_assert(strstr(err.msg, "make wave") != NULL, "%s", err.msg);
    cosim_result_free(&res);
    acc_dram_free(&mem);
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- layers */

static char *slurp(const char *path, size_t *len)
{
    acc_error err;
    char *s = acc_read_file(path, len, &err);
    cr_assert(s != NULL, "%s", err.msg);
    return s;
}

static void same_file(const char *dir_a, const char *dir_b, const char *name)
{
    char pa[512], pb[512];
    snprintf(pa, sizeof(pa), "%s/%s", dir_a, name);
    snprintf(pb, sizeof(pb), "%s/%s", dir_b, name);
    size_t la, lb;
    char *a = slurp(pa, &la), *b = slurp(pb, &lb);
    cr_assert(la == lb && memcmp(a, b, la) == 0, "%s and %s differ", pa, pb);
    free(a);
    free(b);
}

/* Keys that may differ: which backend, how long it took, where files are. */
static int ignored(const char *path)
{
    static const char *const keys[] = {"backend",       "backend_seconds", "wall_seconds",
                                       "schedule.path", "dumps",           NULL};
    for (int i = 0; keys[i]; i++)
        if (!strcmp(path, keys[i]))
            return 1;
    return 0;
}

/* Every field of a equals the one of b (and b has no other). */
static void same_json(const cJSON *a, const cJSON *b, const char *path, const char *layer)
{
    cr_assert(b != NULL, "%s: report field '%s' missing from the systemc report", layer, path);
    cr_assert_eq(a->type & 0xff, b->type & 0xff, "%s: field '%s' has different types", layer, path);
    if (cJSON_IsObject(a)) {
        cr_assert_eq(cJSON_GetArraySize(a), cJSON_GetArraySize(b), "%s: '%s' has other fields",
                     layer, path);
        const cJSON *c;
        cJSON_ArrayForEach(c, a)
        {
            char sub[256];
            snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", c->string);
            if (!ignored(sub))
                same_json(c, cJSON_GetObjectItemCaseSensitive(b, c->string), sub, layer);
        }
    } else if (cJSON_IsArray(a)) {
        cr_assert_eq(cJSON_GetArraySize(a), cJSON_GetArraySize(b), "%s: '%s' lengths differ", layer,
                     path);
        for (int i = 0; i < cJSON_GetArraySize(a); i++)
            same_json(cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i), path, layer);
    } else if (cJSON_IsNumber(a)) {
        cr_assert(a->valuedouble == b->valuedouble, "%s: '%s' is %.17g (rtl) and %.17g (systemc)",
                  layer, path, a->valuedouble, b->valuedouble);
    } else if (cJSON_IsString(a)) {
        cr_assert_str_eq(a->valuestring, b->valuestring, "%s: '%s' differs", layer, path);
    }
}

static cJSON *load_report(const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/report.json", dir);
    size_t len;
    char *text = slurp(path, &len);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert(j != NULL, "%s: not JSON", path);
    return j;
}

static const char *str_at(const cJSON *j, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsString(x) ? x->valuestring : "";
}

static double num_at(const cJSON *j, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, a), b);
    cr_assert(cJSON_IsNumber(x), "field %s.%s is not a number", a, b);
    return x->valuedouble;
}

/* The rtl simulator of the same build folder: this binary is
 * <B>/sc/<config>/test_systemc, the simulator <B>/rtl/<config>/cosim (so a
 * build under B=dir never compares with a stale build/); $ACC_RTL_COSIM
 * overrides it. */
static void rtl_cosim_path(char *bin, size_t size)
{
    const char *env = getenv("ACC_RTL_COSIM");
    char self[4096];
    ssize_t n = env ? -1 : readlink("/proc/self/exe", self, sizeof(self) - 1);
    const char *tail = "/sc/" ACC_TEST_CONFIG "/test_systemc";
    size_t lt = strlen(tail);
    if (n > 0) {
        self[n] = '\0';
        if ((size_t)n > lt && !strcmp(self + n - (ssize_t)lt, tail)) {
            self[n - (ssize_t)lt] = '\0';
            snprintf(bin, size, "%s/rtl/" ACC_TEST_CONFIG "/cosim", self);
            return;
        }
    }
    snprintf(bin, size, "%s", env ? env : "build/rtl/" ACC_TEST_CONFIG "/cosim");
}

/* <B>/rtl/<config>/cosim --backend rtl on the layer, into dir. */
static void run_rtl_program(const char *layer, const char *dir)
{
    char bin[4200], log[600];
    rtl_cosim_path(bin, sizeof(bin));
    cr_assert_eq(acc_mkdirs(dir, &(acc_error){0}), 0);
    snprintf(log, sizeof(log), "%s/stdout.txt", dir);
    char *argv[] = {bin,
                    "--layer",
                    (char *)layer,
                    "--config",
                    ACC_TEST_CONFIG,
                    "--backend",
                    "rtl",
                    "--seed",
                    "5",
                    "--planner",
                    "double",
                    "--out",
                    (char *)dir,
                    "--dump",
                    "--cycles",
                    "--no-progress",
                    NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "cannot run %s (build it with make %s)", bin, bin);
    int st = 0;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s --layer %s failed; see %s", bin, layer,
              log);
}

/* The layer through the systemc backend in this process, into dir. */
static void run_systemc(const char *layer, const char *dir)
{
    cosim_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.layer = layer;
    rc.config = ACC_TEST_CONFIG;
    rc.seed = 5;
    rc.planner = "double";
    rc.backend_impl = &cosim_backend_systemc;
    rc.out_dir = dir;
    rc.dump = 1;
    rc.write_cycles = 1;
    rc.opt.wave_from_instr = rc.opt.wave_to_instr = -1;
    rc.opt.wave_from_cycle = rc.opt.wave_to_cycle = -1;
    cosim_report rep;
    acc_error err;
    int r = cosim_run(&rc, &rep, &err);
    cr_assert_neq(r, -1, "%s: %s", layer, err.msg);
    cr_assert(rep.pass, "%s on systemc: %s", layer, rep.nfailures ? rep.failures[0] : "fail");
}

/* Both backends on each layer; the reports agree field by field. */
static void compare_backends(const char *const *layers, int n)
{
    for (int i = 0; i < n; i++) {
        const char *name = strchr(layers[i], ':') ? strchr(layers[i], ':') + 1 : layers[i];
        char rdir[256], sdir[256];
        snprintf(rdir, sizeof(rdir), "build/test-out/sc-%s/%s-rtl", ACC_TEST_CONFIG, name);
        snprintf(sdir, sizeof(sdir), "build/test-out/sc-%s/%s-systemc", ACC_TEST_CONFIG, name);
        run_rtl_program(layers[i], rdir);
        run_systemc(layers[i], sdir);
        cJSON *a = load_report(rdir), *b = load_report(sdir);
        cr_assert_str_eq(str_at(a, "backend", NULL), "rtl");
        cr_assert_str_eq(str_at(b, "backend", NULL), "systemc");
        cr_assert_str_eq(str_at(b, "status", NULL), "pass");
        cr_assert(num_at(b, "cycles", "measured") > 0);
        cr_assert(num_at(b, "cycles", "measured") == num_at(a, "cycles", "measured"));
        same_json(a, b, "", name);
        cJSON_Delete(a);
        cJSON_Delete(b);
        same_file(rdir, sdir, "cycles.csv");
        same_file(rdir, sdir, "y_sim.npy");
        same_file(rdir, sdir, "schedule.sched");
    }
}

Test(systemc_layers, depthwise_stride2_and_more_small_layers_match_the_rtl_backend, .timeout = 600)
{
    if (strcmp(ACC_TEST_CONFIG, "small") != 0)
        cr_skip_test("layers of tests/rtl/layers.csv run on the small configuration");
    const char *layers[] = {"tests/rtl/layers.csv:depthwise", "tests/rtl/layers.csv:stride2",
                            "tests/rtl/layers.csv:k7s2", "tests/rtl/layers.csv:dilated",
                            "tests/rtl/layers.csv:grouped"};
    compare_backends(layers, (int)(sizeof(layers) / sizeof(layers[0])));
}

Test(systemc_layers, resnet18_layers_on_the_default_configuration_match_the_rtl_backend,
     .timeout = 600)
{
    if (strcmp(ACC_TEST_CONFIG, "default") != 0)
        cr_skip_test("ResNet-18 layers run on the default configuration");
    /* the 1x1 stride-2 downsampling and the classifier */
    const char *layers[] = {"resnet_8", "resnet_21"};
    compare_backends(layers, (int)(sizeof(layers) / sizeof(layers[0])));
}

/* ---------------------------------------------------------------- assertions */

/* One layer through the systemc backend and the harness into dir, with an
 * R beat nobody asked for in cycle `stray` of the run (0: none); the
 * harness's verdict (1 pass, 0 fail). */
static int run_systemc_stray(const char *dir, int64_t stray)
{
    cosim_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.layer = "lenet_1";
    rc.config = ACC_TEST_CONFIG;
    rc.seed = 3;
    rc.planner = "double";
    rc.backend_impl = &cosim_backend_systemc;
    rc.out_dir = dir;
    rc.opt.wave_from_instr = rc.opt.wave_to_instr = -1;
    rc.opt.wave_from_cycle = rc.opt.wave_to_cycle = -1;
    rc.opt.stress.stray_beat = stray;
    cosim_report rep;
    acc_error err;
    int r = cosim_run(&rc, &rep, &err);
    cr_assert_neq(r, -1, "lenet_1: %s", err.msg);
    return rep.pass;
}

/* The memory sends an R beat in cycle 3, before the first LOAD can issue:
 * the accelerator's assertion LoadBeatExpected (rtl/acc_load.sv) fails and
 * stops the run, and Verilator's message is in report.json (backend_error
 * names it on one line, rtl_messages holds all of it), not only on stdout.
 * The next run on the same platform passes and reports no message. */
Test(systemc, a_failed_rtl_assertion_reaches_report_json_with_its_message, .timeout = 300)
{
    char dir[256];
    snprintf(dir, sizeof(dir), "build/test-out/sc-%s/stray-beat", ACC_TEST_CONFIG);
    cr_assert_eq(run_systemc_stray(dir, 3), 0, "a run with a stray beat passed");
    cJSON *j = load_report(dir);
    cr_assert_str_eq(str_at(j, "status", NULL), "fail");
    const char *msgs = str_at(j, "rtl_messages", NULL);
    cr_assert(strstr(msgs, "%Error: acc_load.sv:") && strstr(msgs, "Assertion failed in") &&
                  strstr(msgs, "LoadBeatExpected"),
              "rtl_messages does not hold the assertion's message: '%s'", msgs);
    const char *be = str_at(j, "backend_error", NULL);
    cr_assert(strstr(be, "an RTL assertion failed in cycle ") &&
                  strstr(be, "%Error: acc_load.sv:") && strstr(be, "LoadBeatExpected"),
              "backend_error does not name the assertion: '%s'", be);
    cJSON_Delete(j);

    cr_assert_eq(run_systemc_stray(dir, 0), 1, "the run after the assertion failed");
    j = load_report(dir);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "rtl_messages")),
              "a clean run reports the earlier run's messages: '%s'",
              str_at(j, "rtl_messages", NULL));
    cJSON_Delete(j);
}
