/* test_cover.c - directed RTL tests for the cover points that the RTL tests
 * (test_rtl.c) leave unhit (make coverage, docs/rtl.md "Coverage").
 * Compiled once per configuration against that configuration's model
 * (build/rtl/<build>/test_cover, mk/coverage.mk); ACC_TEST_CONFIG is its
 * configuration file.
 *
 * cover_isa and cover_errors run programs through the rtl backend: the ISA's
 * extremes (a 15 x 15 kernel; stride and dilation 7 with padding on all four
 * sides, edge tiles of pixels and channels, ACC) checked against the timing
 * model and the iss like test_rtl, and the error codes test_rtl does not
 * reach (AXI_ERROR on the store and the fetch port, an illegal flag).
 * cover_host drives the Verilated model directly (cosim/vmodel.h) as a host
 * with a slow instruction memory: every register, unmapped offsets, partial
 * write strobes, stalled responses, a start while busy, restarts after done
 * and after an error, and stale fetch beats of an earlier run. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched.h"
#include "cosim/backend.h"
#include "cosim/regmap.h"
#include "cosim/vmodel.h"
#include "golden/iss.h"
#include "tests/testutil.h"
#include "model/model.h"

#ifndef ACC_TEST_CONFIG
#error "ACC_TEST_CONFIG (the configuration file) must be defined"
#endif

extern const cosim_backend cosim_backend_rtl;

#define MEM_BYTES (256u * 1024u)
#define PROG_ADDR (192u * 1024u)

static acc_config cfg;

static void load_config(void)
{
    acc_error err;
    cr_assert_eq(acc_config_load(ACC_TEST_CONFIG, &cfg, &err), 0, "%s", err.msg);
}

TestSuite(cover_isa, .init = load_config);
TestSuite(cover_errors, .init = load_config);
TestSuite(cover_host, .init = load_config);

static acc_instr mk_dma(acc_opcode op, uint32_t dram, uint32_t spad, uint32_t n0, uint32_t n1,
                        uint32_t ds1, uint32_t ss1)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){dram, spad, n0, n1, 1, ds1, 0, ss1, 0};
    return in;
}

/* Runs p from PROG_ADDR on the RTL and requires its cycles to equal the
 * model's, instruction by instruction, and its memory the iss's, byte by
 * byte (the memory starts from a seeded random fill). */
static void check_against_references(const acc_program *p, uint64_t seed)
{
    acc_dram rtl_mem, iss_mem;
    acc_dram_init(&rtl_mem, MEM_BYTES);
    acc_dram_init(&iss_mem, MEM_BYTES);
    acc_rng r;
    acc_rng_seed(&r, seed);
    for (uint64_t i = 0; i < MEM_BYTES; i++)
        rtl_mem.bytes[i] = iss_mem.bytes[i] = (uint8_t)acc_rng_next(&r);
    acc_error err;
    for (int i = 0; i < p->count; i++)
        cr_assert_eq(acc_instr_check(&p->ins[i], &err), 0, "test program, instruction %d: %s", i,
                     err.msg);
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    memcpy(rtl_mem.bytes + PROG_ADDR, bin, len);
    memcpy(iss_mem.bytes + PROG_ADDR, bin, len);
    free(bin);
    acc_memmap mm = {.x = 0, .w = 0, .y = 0, .prog = PROG_ADDR, .end = PROG_ADDR};
    cosim_options opt = tu_rtl_options(2000000);
    cosim_result res;
    cr_assert_eq(cosim_backend_rtl.run(p, &cfg, &mm, &rtl_mem, &opt, &res, &err), 0, "rtl: %s",
                 err.msg);
    model_timing t;
    cr_assert_eq(model_run(p, &cfg, &t, &err), 0, "model: %s", err.msg);
    for (int i = 0; i < p->count; i++) {
        char text[512];
        acc_sched_format_instr(&p->ins[i], text, sizeof(text));
        cr_assert(res.start[i] == t.start[i] && res.end[i] == t.end[i],
                  "instruction %d (%s): model [%lld, %lld), rtl [%lld, %lld)", i, text,
                  (long long)t.start[i], (long long)t.end[i], (long long)res.start[i],
                  (long long)res.end[i]);
    }
    cr_assert_eq(res.cycles, t.makespan);
    cr_assert_eq(iss_run(p, &cfg, &iss_mem, NULL, &err), 0, "iss: %s", err.msg);
    for (uint64_t a = 0; a < MEM_BYTES; a++)
        cr_assert_eq(rtl_mem.bytes[a], iss_mem.bytes[a],
                     "memory differs at 0x%05llx: rtl 0x%02x, iss 0x%02x", (unsigned long long)a,
                     rtl_mem.bytes[a], iss_mem.bytes[a]);
    model_timing_free(&t);
    cosim_result_free(&res);
    acc_dram_free(&rtl_mem);
    acc_dram_free(&iss_mem);
}

/* The program's prologue: the first 4 KiB of memory into the first 4 KiB
 * of the scratchpad, in two 2 KiB rows (bursts of the maximum length, 256
 * beats, on a 64-bit bus); every scratchpad byte a COMPUTE reads is defined. */
static void push_fill(acc_program *p)
{
    uint32_t half = (cfg.spad_bytes < 4096 ? cfg.spad_bytes : 4096) / 2;
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, half, 2, half, half);
    acc_program_push(p, &ld);
}

/* STORE of the result tile [out, out + bytes) to 128 KiB. */
static void push_result_store(acc_program *p, uint32_t out, uint32_t bytes)
{
    acc_instr st = mk_dma(ACC_OP_STORE, 128u * 1024u, out, bytes, 1, 0, 0);
    acc_program_push(p, &st);
}

/* ---------------------------------------------------------------- ISA corners */

Test(cover_isa, a_15x15_kernel_matches_the_iss_and_the_model)
{
    acc_program p;
    acc_program_init(&p);
    push_fill(&p);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = (acc_compute){.act = 0,
                            .wgt = 1024,
                            .out = 1536,
                            .fh = 15,
                            .fw = 15,
                            .sh = 1,
                            .sw = 1,
                            .dh = 1,
                            .dw = 1,
                            .tc = 1,
                            .tk = 2,
                            .th = 2,
                            .tw = 2,
                            .act_ph = 16,
                            .act_pc = 256,
                            .vh = 16,
                            .vw = 16};
    acc_program_push(&p, &cp);
    push_result_store(&p, 1536, 2 * 2 * 2 * 4);
    tu_push_end(&p);
    tu_serialise(&p);
    check_against_references(&p, 21);
    acc_program_free(&p);
}

Test(cover_isa, stride_and_dilation_7_pad_every_side_with_edge_tiles_and_acc)
{
    /* kernel 3x3 dilated by 7, stride 7: output (oy, ox) reads rows
     * 7*oy + 7*i - 2 and columns 7*ox + 7*j - 3, so the first row and
     * column fall in the top and left padding and the last ones past the
     * stored 20 x 30 tile (bottom and right padding).  tw = R + 1 and
     * tk = C + 1 leave one-pixel and one-channel edge tiles. */
    const uint32_t tw = (uint32_t)cfg.rows + 1, tk = (uint32_t)cfg.cols + 1;
    acc_program p;
    acc_program_init(&p);
    push_fill(&p);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = (acc_compute){.act = 0,
                            .wgt = 1280,
                            .out = 1664,
                            .fh = 3,
                            .fw = 3,
                            .sh = 7,
                            .sw = 7,
                            .dh = 7,
                            .dw = 7,
                            .tc = 2,
                            .tk = tk,
                            .th = 3,
                            .tw = tw,
                            .act_ph = 30,
                            .act_pc = 600,
                            .vh = 20,
                            .vw = 30,
                            .ptop = 2,
                            .pleft = 3};
    acc_program_push(&p, &cp);
    cp.u.cp.acc = 1; /* the same again, accumulated onto the first results */
    acc_program_push(&p, &cp);
    push_result_store(&p, 1664, tk * 3 * tw * 4);
    tu_push_end(&p);
    tu_serialise(&p);
    cr_assert_leq(1664 + tk * 3 * tw * 4, cfg.spad_bytes);
    check_against_references(&p, 22);
    acc_program_free(&p);
}

Test(cover_isa, every_stride_and_dilation_matches_the_iss_and_the_model)
{
    /* one COMPUTE per stride s = 1..7 (dilation 8 - s), each lane select
     * of the feeder in use */
    acc_program p;
    acc_program_init(&p);
    push_fill(&p);
    for (uint32_t s = 1; s <= 7; s++) {
        acc_instr cp;
        memset(&cp, 0, sizeof(cp));
        cp.op = ACC_OP_COMPUTE;
        cp.u.cp = (acc_compute){.act = 0,
                                .wgt = 1536,
                                .out = 1600 + 128 * (s - 1),
                                .fh = 2,
                                .fw = 2,
                                .sh = s,
                                .sw = s,
                                .dh = 8 - s,
                                .dw = 8 - s,
                                .tc = 1,
                                .tk = 2,
                                .th = 2,
                                .tw = 3,
                                .act_ph = 32,
                                .act_pc = 1024,
                                .vh = 16,
                                .vw = 32,
                                .ptop = 1,
                                .pleft = 1};
        acc_program_push(&p, &cp);
    }
    push_result_store(&p, 1600, 7 * 128);
    tu_push_end(&p);
    tu_serialise(&p);
    check_against_references(&p, 23);
    acc_program_free(&p);
}

Test(cover_isa, a_load_and_a_result_write_sharing_a_bank_word_in_one_cycle_keep_both)
{
    /* LOAD #2 writes scratchpad byte 1665 in every cycle for 4095 cycles
     * (one-byte rows, spad stride 0) while a COMPUTE writes its one int32
     * result at the unaligned 1666..1669: both bank write ports hit the
     * word holding 1664..1667 in the cycle of the write-back. */
    acc_program p;
    acc_program_init(&p);
    push_fill(&p);
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 1665, 1, 4095, 1, 0);
    acc_program_push(&p, &ld);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = (acc_compute){.act = 0,
                            .wgt = 1024,
                            .out = 1666,
                            .fh = 1,
                            .fw = 1,
                            .sh = 1,
                            .sw = 1,
                            .dh = 1,
                            .dw = 1,
                            .tc = 1,
                            .tk = 1,
                            .th = 1,
                            .tw = 1,
                            .act_ph = 1,
                            .act_pc = 1,
                            .vh = 1,
                            .vw = 1};
    cp.wait[ACC_ENG_LD] = 1; /* after the fill only: runs beside LOAD #2 */
    acc_program_push(&p, &cp);
    acc_instr st = mk_dma(ACC_OP_STORE, 128u * 1024u, 1664, 8, 1, 0, 0);
    st.wait[ACC_ENG_LD] = 2;
    st.wait[ACC_ENG_CP] = 1;
    acc_program_push(&p, &st);
    tu_push_end(&p);
    p.ins[p.count - 1].wait[ACC_ENG_ST] = 1;
    check_against_references(&p, 24);
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- errors */

/* Runs p, encoded at prog (its instructions past the memory's end are not
 * written: fetching them answers SLVERR), and expects the accelerator to
 * stop with `code` at `index`. */
static void expect_error(const acc_program *p, uint32_t prog, const uint8_t *patch, int patch_index,
                         int code, int index)
{
    acc_dram mem;
    acc_dram_init(&mem, MEM_BYTES);
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    if (patch)
        memcpy(bin + (size_t)patch_index * ACC_INSTR_BYTES, patch, ACC_INSTR_BYTES);
    memcpy(mem.bytes + prog, bin, prog + len <= MEM_BYTES ? len : MEM_BYTES - prog);
    free(bin);
    acc_memmap mm = {.x = 0, .w = 0, .y = 0, .prog = prog, .end = prog};
    cosim_options opt = tu_rtl_options(200000);
    cosim_result res;
    acc_error err;
    cr_assert_eq(cosim_backend_rtl.run(p, &cfg, &mm, &mem, &opt, &res, &err), -1,
                 "the run did not fail");
    cr_assert_eq(res.timed_out, 0, "the accelerator hung: %s", err.msg);
    cr_assert_eq(res.hw_error, code, "error code %d, expected %d (%s)", res.hw_error, code,
                 err.msg);
    cr_assert_eq(res.hw_error_index, index, "error index %lld, expected %d",
                 (long long)res.hw_error_index, index);
    cosim_result_free(&res);
    acc_dram_free(&mem);
}

Test(cover_errors, a_write_outside_memory_stops_with_axi_error_at_the_store)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, 64, 1, 0, 0);
    acc_instr st = mk_dma(ACC_OP_STORE, MEM_BYTES + 64, 0, 64, 1, 0, 0);
    st.wait[ACC_ENG_LD] = 1;
    acc_program_push(&p, &ld);
    acc_program_push(&p, &st);
    tu_push_end(&p);
    expect_error(&p, PROG_ADDR, NULL, 0, 4, 1);
    acc_program_free(&p);
}

Test(cover_errors, an_instruction_fetched_from_outside_memory_stops_with_axi_error)
{
    /* the program's last 32 bytes of memory hold instruction 0; instruction
     * 1 (END) lies past the memory's end */
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, 8, 1, 0, 0);
    acc_program_push(&p, &ld);
    tu_push_end(&p);
    expect_error(&p, MEM_BYTES - ACC_INSTR_BYTES, NULL, 0, 4, 1);
    acc_program_free(&p);
}

Test(cover_errors, a_flag_other_than_acc_is_illegal)
{
    acc_program p;
    acc_program_init(&p);
    tu_push_end(&p);
    uint8_t bad[ACC_INSTR_BYTES];
    memset(bad, 0, sizeof(bad));
    bad[0] = ACC_OP_END | 0x20; /* flag bit 5 */
    expect_error(&p, PROG_ADDR, bad, 0, 1, 0);
    acc_program_free(&p);
}

Test(cover_errors, opcodes_8_to_15_are_illegal)
{
    acc_program p;
    acc_program_init(&p);
    tu_push_end(&p);
    for (uint8_t op = 8; op < 16; op++) {
        uint8_t bad[ACC_INSTR_BYTES];
        memset(bad, 0, sizeof(bad));
        bad[0] = op; /* opcode bits 3:0 */
        expect_error(&p, PROG_ADDR, bad, 0, ACC_ERR_ILLEGAL, 0);
    }
    acc_program_free(&p);
}

Test(cover_errors, a_load_of_zero_planes_is_illegal)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, 8, 1, 0, 0);
    acc_program_push(&p, &ld);
    tu_push_end(&p);
    uint8_t bad[ACC_INSTR_BYTES];
    acc_encode(&ld, bad);
    bad[19] &= 0x0f; /* n2 = bits 167:156 */
    bad[20] = 0;
    expect_error(&p, PROG_ADDR, bad, 0, 1, 0);
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- host */

/* A host on the model's pins: AXI4-Lite master, an instruction memory with
 * a fixed latency (one beat per AR, in order), data ports idle. */
#define HOST_FETCH_Q 64
typedef struct host {
    acc_vmodel *m;
    acc_vm_in in;
    acc_vm_out out;
    int64_t cycle;
    const uint8_t *imem; /* instructions at imem_addr .. + imem_len */
    uint32_t imem_addr, imem_len;
    int latency, spacing; /* a beat comes latency cycles after its AR, spacing after the last */
    int64_t last_due;
    uint32_t q_addr[HOST_FETCH_Q];
    int64_t q_due[HOST_FETCH_Q];
    int q_head, q_count;
} host;

/* One cycle: drive, settle, take the handshakes, rising edge. */
static void host_step(host *h)
{
    h->in.i_rvalid = h->q_count > 0 && h->q_due[h->q_head] <= h->cycle;
    h->in.i_rlast = h->in.i_rvalid;
    h->in.i_rresp = 0;
    memset(h->in.i_rdata, 0, sizeof(h->in.i_rdata));
    if (h->in.i_rvalid) {
        uint32_t a = h->q_addr[h->q_head];
        if (a >= h->imem_addr &&
            (uint64_t)a + ACC_INSTR_BYTES <= (uint64_t)h->imem_addr + h->imem_len)
            memcpy(h->in.i_rdata, h->imem + (a - h->imem_addr), ACC_INSTR_BYTES);
        else
            h->in.i_rresp = 2;
    }
    acc_vm_set(h->m, &h->in);
    acc_vm_get(h->m, &h->out);
    if (h->in.rst_n && h->out.i_arvalid && h->in.i_arready) {
        cr_assert_lt(h->q_count, HOST_FETCH_Q);
        int t = (h->q_head + h->q_count++) % HOST_FETCH_Q;
        h->q_addr[t] = h->out.i_araddr;
        int64_t due = h->cycle + h->latency;
        if (h->q_count > 1 && due < h->last_due + h->spacing)
            due = h->last_due + h->spacing;
        h->q_due[t] = h->last_due = due;
    }
    if (h->in.i_rvalid && h->out.i_rready) {
        h->q_head = (h->q_head + 1) % HOST_FETCH_Q;
        h->q_count--;
    }
    cr_assert_eq(acc_vm_stopped(h->m), 0, "the model stopped (an assertion failed)");
    acc_vm_clock(h->m, 0);
    h->cycle++;
}

static void host_open(host *h, int latency)
{
    memset(h, 0, sizeof(*h));
    const char *why = NULL;
    h->m = acc_vm_new(NULL, &why);
    cr_assert_not_null(h->m, "acc_vm_new: %s", why ? why : "?");
    h->latency = latency;
    h->in.arready = h->in.awready = h->in.wready = 1;
    h->in.i_arready = 1;
    for (int i = 0; i < 4; i++)
        host_step(h);
    h->in.rst_n = 1;
    host_step(h);
}

static void host_close(host *h)
{
    acc_vm_free(h->m);
}

/* An AXI4-Lite write; the B response is held off for bstall cycles.
 * Returns BRESP. */
static int host_write(host *h, uint32_t addr, uint32_t data, uint32_t strb, int bstall)
{
    h->in.l_awaddr = addr;
    h->in.l_wdata = data;
    h->in.l_wstrb = strb;
    h->in.l_awvalid = h->in.l_wvalid = 1;
    h->in.l_bready = 0;
    int n = 0;
    do {
        host_step(h);
        cr_assert_lt(++n, 100, "AWREADY never came");
    } while (!h->out.l_awready);
    h->in.l_awvalid = h->in.l_wvalid = 0;
    for (int i = 0; i < bstall; i++) {
        host_step(h);
        cr_assert(h->out.l_bvalid, "BVALID dropped while BREADY was low");
    }
    h->in.l_bready = 1;
    n = 0;
    do {
        host_step(h);
        cr_assert_lt(++n, 100, "BVALID never came");
    } while (!h->out.l_bvalid);
    h->in.l_bready = 0;
    return h->out.l_bresp;
}

/* An AXI4-Lite read; the R response is held off for rstall cycles. */
static uint32_t host_read(host *h, uint32_t addr, int rstall, int *resp)
{
    h->in.l_araddr = addr;
    h->in.l_arvalid = 1;
    h->in.l_rready = 0;
    int n = 0;
    do {
        host_step(h);
        cr_assert_lt(++n, 100, "ARREADY never came");
    } while (!h->out.l_arready);
    h->in.l_arvalid = 0;
    for (int i = 0; i < rstall; i++) {
        host_step(h);
        cr_assert(h->out.l_rvalid, "RVALID dropped while RREADY was low");
    }
    h->in.l_rready = 1;
    n = 0;
    do {
        host_step(h);
        cr_assert_lt(++n, 100, "RVALID never came");
    } while (!h->out.l_rvalid);
    h->in.l_rready = 0;
    if (resp)
        *resp = h->out.l_rresp;
    return h->out.l_rdata;
}

static uint32_t reg(host *h, uint32_t addr)
{
    int resp;
    uint32_t v = host_read(h, addr, 0, &resp);
    cr_assert_eq(resp, 0, "register 0x%02x answered %d", addr, resp);
    return v;
}

/* Starts the program at addr (count instructions) and waits for done or
 * error; returns STATUS. */
static uint32_t host_run(host *h, uint32_t addr, uint32_t count)
{
    cr_assert_eq(host_write(h, ACC_REG_PROG_ADDR, addr, 0xf, 0), 0);
    cr_assert_eq(host_write(h, ACC_REG_PROG_LEN, count, 0xf, 0), 0);
    cr_assert_eq(host_write(h, ACC_REG_CTRL, ACC_CTRL_START, 0xf, 0), 0);
    for (int n = 0; n < 2000; n++) {
        uint32_t s = reg(h, ACC_REG_STATUS);
        if (!(s & ACC_STATUS_BUSY))
            return s;
    }
    cr_assert_fail("the run did not end");
    return 0;
}

static void encode_ends(uint8_t *buf, int count)
{
    acc_instr end;
    memset(&end, 0, sizeof(end));
    end.op = ACC_OP_END;
    for (int i = 0; i < count; i++)
        acc_encode(&end, buf + i * ACC_INSTR_BYTES);
}

static uint32_t ilog2(uint32_t v)
{
    uint32_t l = 0;
    while ((1u << l) < v)
        l++;
    return l;
}

Test(cover_host, every_register_reads_back_and_unmapped_offsets_answer_slverr)
{
    host h;
    host_open(&h, 4);
    acc_vm_params p;
    acc_vm_params_get(&p);
    cr_assert_eq(reg(&h, ACC_REG_ID), ACC_ID_VALUE);
    uint32_t hw = (uint32_t)p.rows | (uint32_t)p.cols << 8 | ilog2((uint32_t)p.line_bytes) << 16 |
                  ilog2((uint32_t)p.spad_banks) << 20 | ilog2((uint32_t)p.axi_data_bits / 8) << 24 |
                  ilog2((uint32_t)p.fetch_depth) << 28;
    cr_assert_eq(reg(&h, ACC_REG_HWCFG), hw, "HWCFG 0x%08x, expected 0x%08x",
                 reg(&h, ACC_REG_HWCFG), hw);
    cr_assert_eq(reg(&h, ACC_REG_SPAD_BYTES), (uint32_t)p.spad_bytes);
    for (uint32_t a = ACC_REG_CTRL; a <= ACC_REG_RETIRED; a += 4)
        cr_assert_eq(reg(&h, a), 0, "register 0x%02x is not 0 after reset", a);
    /* partial strobes write only their bytes */
    cr_assert_eq(host_write(&h, ACC_REG_PROG_ADDR, 0x11223344u, 0xf, 0), 0);
    cr_assert_eq(host_write(&h, ACC_REG_PROG_ADDR, 0xaabbccddu, 0x5, 0), 0);
    cr_assert_eq(reg(&h, ACC_REG_PROG_ADDR), 0x11bb33ddu);
    cr_assert_eq(host_write(&h, ACC_REG_PROG_LEN, 0xffffffffu, 0x0, 0), 0);
    cr_assert_eq(reg(&h, ACC_REG_PROG_LEN), 0);
    /* a read-only register ignores writes with OKAY */
    cr_assert_eq(host_write(&h, ACC_REG_ID, 0, 0xf, 0), 0);
    cr_assert_eq(reg(&h, ACC_REG_ID), ACC_ID_VALUE);
    /* unmapped offsets: SLVERR, reads return 0 */
    int resp;
    for (uint32_t a = 0x3c; a < 0x100; a += 0x44) {
        cr_assert_eq(host_read(&h, a, 0, &resp), 0);
        cr_assert_eq(resp, 2, "read of 0x%02x answered %d", a, resp);
        cr_assert_eq(host_write(&h, a, 1, 0xf, 0), 2, "write of 0x%02x", a);
    }
    /* responses held off by the host stay valid and unchanged */
    cr_assert_eq(host_write(&h, ACC_REG_PROG_LEN, 7, 0xf, 3), 0);
    cr_assert_eq(host_read(&h, ACC_REG_PROG_LEN, 3, &resp), 7);
    cr_assert_eq(resp, 0);
    host_close(&h);
}

Test(cover_host, restarts_after_done_and_after_an_error_and_a_start_while_busy_is_ignored)
{
    uint8_t imem[3 * ACC_INSTR_BYTES];
    encode_ends(imem, 2);
    memset(imem + 2 * ACC_INSTR_BYTES, 0, ACC_INSTR_BYTES);
    imem[2 * ACC_INSTR_BYTES] = 0x07; /* illegal opcode */
    host h;
    host_open(&h, 3);
    h.imem = imem;
    h.imem_addr = 0x1000;
    h.imem_len = sizeof(imem);

    /* run 1: one END, while the instruction port holds ARREADY low for a
     * while; a second start in the meantime is ignored */
    h.in.i_arready = 0;
    cr_assert_eq(host_write(&h, ACC_REG_PROG_ADDR, 0x1000, 0xf, 0), 0);
    cr_assert_eq(host_write(&h, ACC_REG_PROG_LEN, 1, 0xf, 0), 0);
    cr_assert_eq(host_write(&h, ACC_REG_CTRL, ACC_CTRL_START, 0xf, 0), 0);
    cr_assert_eq(reg(&h, ACC_REG_STATUS), ACC_STATUS_BUSY);
    cr_assert_eq(host_write(&h, ACC_REG_CTRL, ACC_CTRL_START, 0xf, 0), 0);
    h.in.i_arready = 1;
    uint32_t s = 0;
    for (int n = 0; n < 100 && !(s & ACC_STATUS_DONE); n++)
        s = reg(&h, ACC_REG_STATUS);
    cr_assert_eq(s, ACC_STATUS_DONE);
    cr_assert_eq(reg(&h, ACC_REG_RETIRED), 1);

    /* run 2: the illegal instruction -> error; run 3 after it: done */
    cr_assert_eq(host_run(&h, 0x1000 + 2 * ACC_INSTR_BYTES, 1), ACC_STATUS_ERROR);
    cr_assert_eq(reg(&h, ACC_REG_ERR_CODE), 1);
    cr_assert_eq(reg(&h, ACC_REG_ERR_INDEX), 0);
    cr_assert_eq(host_run(&h, 0x1000, 1), ACC_STATUS_DONE);
    cr_assert_eq(reg(&h, ACC_REG_ERR_CODE), 0);
    cr_assert_eq(reg(&h, ACC_REG_RETIRED), 1);
    host_close(&h);
}

Test(cover_host, a_start_while_busy_changes_nothing)
{
    /* One END behind a 40-cycle instruction memory: the run is busy with no
     * request pending for 40 cycles.  A second start written then must be
     * ignored: the run ends with the CYCLES of the same run without it. */
    uint8_t imem[ACC_INSTR_BYTES];
    encode_ends(imem, 1);
    host h;
    host_open(&h, 40);
    h.imem = imem;
    h.imem_addr = 0x1000;
    h.imem_len = sizeof(imem);
    cr_assert_eq(host_run(&h, 0x1000, 1), ACC_STATUS_DONE);
    uint32_t cycles = reg(&h, ACC_REG_CYCLES_LO);
    cr_assert_eq(host_write(&h, ACC_REG_CTRL, ACC_CTRL_START, 0xf, 0), 0);
    for (int i = 0; i < 10; i++)
        host_step(&h);
    cr_assert_eq(h.out.i_arvalid, 0, "an instruction request is pending: the test is void");
    cr_assert_eq(host_write(&h, ACC_REG_CTRL, ACC_CTRL_START, 0xf, 0), 0);
    uint32_t s = 0;
    for (int n = 0; n < 200 && !(s & ACC_STATUS_DONE); n++)
        s = reg(&h, ACC_REG_STATUS);
    cr_assert_eq(s, ACC_STATUS_DONE);
    cr_assert_eq(reg(&h, ACC_REG_CYCLES_LO), cycles, "CYCLES %u, %u without the second start",
                 reg(&h, ACC_REG_CYCLES_LO), cycles);
    cr_assert_eq(reg(&h, ACC_REG_RETIRED), 1);
    host_close(&h);
}

Test(cover_host, beats_of_an_earlier_run_still_in_flight_are_dropped)
{
    /* A slow instruction memory (beats 10 cycles apart): run 1 prefetches
     * a queue of ENDs, ends at the first one, and run 2 starts in the cycle
     * after done while the other beats are still coming; run 2 must execute
     * its own program (an illegal instruction at index 0), not a stale END.
     * PROG_ADDR and PROG_LEN are latched at start, so run 2's are written
     * while run 1 runs. */
    enum { N = 24 };
    uint8_t imem[(N + 1) * ACC_INSTR_BYTES];
    encode_ends(imem, N);
    memset(imem + N * ACC_INSTR_BYTES, 0, ACC_INSTR_BYTES);
    imem[N * ACC_INSTR_BYTES] = 0x07;
    host h;
    host_open(&h, 20);
    h.spacing = 10;
    h.imem = imem;
    h.imem_addr = 0x2000;
    h.imem_len = sizeof(imem);
    cr_assert_eq(host_write(&h, ACC_REG_PROG_ADDR, 0x2000, 0xf, 0), 0);
    cr_assert_eq(host_write(&h, ACC_REG_PROG_LEN, N, 0xf, 0), 0);
    cr_assert_eq(host_write(&h, ACC_REG_CTRL, ACC_CTRL_START, 0xf, 0), 0);
    cr_assert_eq(host_write(&h, ACC_REG_PROG_ADDR, 0x2000 + N * ACC_INSTR_BYTES, 0xf, 0), 0);
    cr_assert_eq(host_write(&h, ACC_REG_PROG_LEN, 1, 0xf, 0), 0);
    for (int n = 0; !h.out.irq; n++) {
        cr_assert_lt(n, 1000, "run 1 did not end");
        host_step(&h);
    }
    cr_assert_eq(reg(&h, ACC_REG_STATUS), ACC_STATUS_DONE);
    cr_assert_gt(h.q_count, 0, "no beat of run 1 is still in flight: the test is void");
    cr_assert_eq(host_write(&h, ACC_REG_CTRL, ACC_CTRL_START, 0xf, 0), 0);
    uint32_t s = 0;
    for (int n = 0; n < 200 && !(s & (ACC_STATUS_DONE | ACC_STATUS_ERROR)); n++)
        s = reg(&h, ACC_REG_STATUS);
    cr_assert_eq(s, ACC_STATUS_ERROR, "STATUS 0x%x: run 2 did not run its own program", s);
    cr_assert_eq(reg(&h, ACC_REG_ERR_CODE), 1);
    cr_assert_eq(reg(&h, ACC_REG_ERR_INDEX), 0);
    host_close(&h);
}

/* ---------------------------------------------------------------- wide fields */

/* The toggle coverage of the wide fields and counters (docs/rtl.md,
 * "Coverage"): addresses and strides over the whole 32-bit space, block
 * dimensions at 4095, register values of all ones and all zeros, waits at
 * their maximum, and a program long enough for every instruction counter to
 * pass 2^16.  Each checks what it runs like the tests above. */
TestSuite(cover_wide, .init = load_config);

/* Round trips through a sparse 4 GiB memory (only the touched pages are
 * ever mapped): blocks at the top and the bottom of the address space, the
 * largest DRAM strides, and each block dimension at 4095. */
Test(cover_wide, blocks_anywhere_in_4_gib_with_the_largest_strides_and_dimensions)
{
    const uint64_t size = (uint64_t)1 << 32;
    const uint32_t prog = 0x00100000u, smax = TU_BITS(24);
    acc_dram rtl_mem, iss_mem;
    acc_dram_init(&rtl_mem, size);
    acc_dram_init(&iss_mem, size);
    /* sources: 16 bytes at each row and plane start the blocks read */
    const uint32_t src[] = {0xfffff000u,        0xfffff000u - smax,     0x00000040u,
                            0x00000040u + smax, 0x00000040u + 2 * smax, 0x7fff0000u};
    acc_rng r;
    acc_rng_seed(&r, 77);
    for (size_t k = 0; k < sizeof(src) / sizeof(src[0]); k++)
        for (uint32_t i = 0; i < 4096; i++)
            rtl_mem.bytes[(uint64_t)src[k] + i] = iss_mem.bytes[(uint64_t)src[k] + i] =
                (uint8_t)acc_rng_next(&r);
    uint32_t n = cfg.spad_bytes < 4095 ? cfg.spad_bytes : 4095;
    acc_program p;
    acc_program_init(&p);
    acc_instr in[8];
    int k = 0;
    /* two rows a maximum stride apart, high addresses, into the scratchpad
     * with a scratchpad stride whose bits are set but unused (one plane) */
    in[k++] = tu_dma(ACC_OP_LOAD, 0xfffff000u - smax, 0, 16, 2, 1, smax, smax, 16, TU_BITS(20));
    in[k++] = tu_dma(ACC_OP_STORE, 0xaaaaa000u, 0, 32, 1, 1, smax, smax, TU_BITS(20), TU_BITS(20));
    /* three planes a maximum stride apart, low addresses */
    in[k++] = tu_dma(ACC_OP_LOAD, 0x00000040u, 64, 8, 1, 3, 0, smax, 0, 8);
    in[k++] = tu_dma(ACC_OP_STORE, 0x55555000u, 64, 24, 1, 1, 0, 0, 0, 0);
    /* n0, n1 and n2 at 4095 (one byte per row or plane where needed) */
    in[k++] = tu_dma(ACC_OP_LOAD, 0x7fff0000u, 0, n, 1, 1, 0, 0, 0, 0);
    in[k++] = tu_dma(ACC_OP_STORE, 0x12340000u, 0, 1, 4095, 1, 1, 0, 0, 0);
    in[k++] = tu_dma(ACC_OP_STORE, 0x23450000u, 0, 1, 1, 4095, 0, 1, 0, 0);
    for (int i = 0; i < k; i++)
        acc_program_push(&p, &in[i]);
    tu_push_end(&p);
    tu_serialise(&p);
    acc_error err;
    for (int i = 0; i < p.count; i++)
        cr_assert_eq(acc_instr_check(&p.ins[i], &err), 0, "instruction %d: %s", i, err.msg);
    size_t len;
    uint8_t *bin = acc_program_encode(&p, &len);
    memcpy(rtl_mem.bytes + prog, bin, len);
    memcpy(iss_mem.bytes + prog, bin, len);
    free(bin);
    acc_memmap mm = {.prog = prog, .end = prog};
    cosim_options opt = tu_rtl_options(2000000);
    cosim_result res;
    cr_assert_eq(cosim_backend_rtl.run(&p, &cfg, &mm, &rtl_mem, &opt, &res, &err), 0, "rtl: %s",
                 err.msg);
    model_timing t;
    cr_assert_eq(model_run(&p, &cfg, &t, &err), 0, "model: %s", err.msg);
    for (int i = 0; i < p.count; i++)
        cr_assert(res.start[i] == t.start[i] && res.end[i] == t.end[i],
                  "instruction %d: model [%lld, %lld), rtl [%lld, %lld)", i, (long long)t.start[i],
                  (long long)t.end[i], (long long)res.start[i], (long long)res.end[i]);
    cr_assert_eq(iss_run(&p, &cfg, &iss_mem, NULL, &err), 0, "iss: %s", err.msg);
    /* the destinations (and 64 bytes either side) */
    const uint32_t dst[][2] = {
        {0xaaaaa000u, 32}, {0x55555000u, 24}, {0x12340000u, 4095}, {0x23450000u, 4095}};
    for (size_t d = 0; d < sizeof(dst) / sizeof(dst[0]); d++)
        for (uint64_t a = (uint64_t)dst[d][0] - 64; a < (uint64_t)dst[d][0] + dst[d][1] + 64; a++)
            cr_assert_eq(rtl_mem.bytes[a], iss_mem.bytes[a],
                         "memory differs at 0x%08llx: rtl 0x%02x, iss 0x%02x",
                         (unsigned long long)a, rtl_mem.bytes[a], iss_mem.bytes[a]);
    cr_assert(memcmp(rtl_mem.bytes + 0xaaaaa000u, rtl_mem.bytes + 0xfffff000u - smax, 16) == 0 &&
                  memcmp(rtl_mem.bytes + 0xaaaaa010u, rtl_mem.bytes + 0xfffff000u, 16) == 0,
              "the two rows a maximum stride apart were not stored back");
    model_timing_free(&t);
    cosim_result_free(&res);
    acc_program_free(&p);
    acc_dram_free(&rtl_mem);
    acc_dram_free(&iss_mem);
}

/* PROG_ADDR and PROG_LEN at all ones, then back: a program of one END at
 * the top of the address space with PROG_LEN 2^32 - 1 (the fetch runs
 * ahead past the top of memory, whose beats answer SLVERR, and stops at
 * END); register offsets with their two low bits set address the same
 * register; a first instruction waiting for 2^20 - 1 of each engine is a
 * DEADLOCK at once. */
Test(cover_wide, registers_at_all_ones_and_the_largest_waits)
{
    uint8_t imem[2 * ACC_INSTR_BYTES];
    encode_ends(imem, 1);
    acc_instr w;
    memset(&w, 0, sizeof(w));
    w.op = ACC_OP_END;
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        w.wait[e] = ACC_WAIT_MAX;
    acc_encode(&w, imem + ACC_INSTR_BYTES);
    host h;
    host_open(&h, 3);
    h.imem = imem;
    h.imem_addr = 0xffffffc0u;
    h.imem_len = sizeof(imem);
    cr_assert_eq(host_run(&h, 0xffffffc0u, 0xffffffffu), ACC_STATUS_DONE);
    cr_assert_eq(reg(&h, ACC_REG_RETIRED), 1);
    cr_assert_eq(reg(&h, ACC_REG_PROG_LEN), 0xffffffffu);
    cr_assert_eq(host_write(&h, ACC_REG_PROG_ADDR, 0xffffffffu, 0xf, 0), 0);
    cr_assert_eq(reg(&h, ACC_REG_PROG_ADDR), 0xffffffffu);
    /* the same registers through offsets +1..+3 */
    for (uint32_t lo = 1; lo < 4; lo++) {
        cr_assert_eq(host_write(&h, ACC_REG_PROG_LEN + lo, lo, 0xf, 0), 0);
        int resp;
        cr_assert_eq(host_read(&h, ACC_REG_PROG_LEN + lo, 0, &resp), lo);
        cr_assert_eq(resp, 0);
    }
    /* the maximum waits: DEADLOCK at index 0, then a plain run from 0 */
    cr_assert_eq(host_run(&h, 0xffffffe0u, 1), ACC_STATUS_ERROR);
    cr_assert_eq(reg(&h, ACC_REG_ERR_CODE), ACC_ERR_DEADLOCK);
    cr_assert_eq(reg(&h, ACC_REG_ERR_INDEX), 0);
    h.imem_addr = 0;
    cr_assert_eq(host_run(&h, 0, 1), ACC_STATUS_DONE);
    cr_assert_eq(reg(&h, ACC_REG_PROG_ADDR), 0);
    host_close(&h);
}

/* 2^13 + 1 instructions on each engine (a LOAD, a one-MAC COMPUTE and a
 * STORE, none waiting for another), so that every per-engine instruction
 * counter passes 2^13 and the program index 2^14: cycles against the
 * model, RETIRED, the stored bytes against the iss.  Then the same program
 * with its END replaced by an illegal instruction: ILLEGAL at index 24,579
 * after every other instruction retired (the same stores again, so memory
 * stays the iss's). */
Test(cover_wide, a_program_of_24580_instructions_matches_the_model)
{
    const int per = 8193;
    acc_program p;
    acc_program_init(&p);
    acc_compute cp;
    memset(&cp, 0, sizeof(cp));
    cp.act = 512;
    cp.wgt = 576;
    cp.out = 1024;
    cp.fh = cp.fw = cp.sh = cp.sw = cp.dh = cp.dw = 1;
    cp.tc = cp.tk = cp.th = cp.tw = cp.vh = cp.vw = cp.act_ph = cp.act_pc = 1;
    for (int i = 0; i < per; i++) {
        acc_instr ld =
            tu_dma(ACC_OP_LOAD, 0x1000u + (uint32_t)(i % 64) * 8u, 0, 8, 1, 1, 0, 0, 0, 0);
        acc_instr c;
        memset(&c, 0, sizeof(c));
        c.op = ACC_OP_COMPUTE;
        c.u.cp = cp;
        acc_instr st =
            tu_dma(ACC_OP_STORE, 0x4000u + (uint32_t)(i % 64) * 8u, 2048, 8, 1, 1, 0, 0, 0, 0);
        acc_program_push(&p, &ld);
        acc_program_push(&p, &c);
        acc_program_push(&p, &st);
    }
    tu_push_end(&p);
    const uint64_t size = 4u << 20;
    const uint32_t prog = 1u << 20, prog2 = 2u << 20;
    acc_dram rtl_mem, iss_mem;
    acc_dram_init(&rtl_mem, size);
    tu_fill_random(&rtl_mem, 5);
    size_t len;
    uint8_t *bin = acc_program_encode(&p, &len);
    cr_assert(prog + len <= prog2 && prog2 + len <= size);
    memcpy(rtl_mem.bytes + prog, bin, len);
    memcpy(rtl_mem.bytes + prog2, bin, len);
    memset(rtl_mem.bytes + prog2 + len - ACC_INSTR_BYTES, 0, ACC_INSTR_BYTES);
    rtl_mem.bytes[prog2 + len - ACC_INSTR_BYTES] = 0x0f; /* opcode 15 */
    free(bin);
    acc_dram_init(&iss_mem, size);
    memcpy(iss_mem.bytes, rtl_mem.bytes, size);
    acc_error err;
    const acc_program ps[2] = {p, p};
    const acc_memmap mm[2] = {{.prog = prog, .end = prog}, {.prog = prog2, .end = prog2}};
    cosim_options opt = tu_rtl_options(4000000);
    cosim_result rs[2];
    cr_assert_eq(cosim_rtl_run_seq(2, ps, mm, &cfg, &rtl_mem, &opt, rs, &err), -1,
                 "the second run did not fail");
    cosim_result res = rs[0];
    cr_assert(res.measured && res.hw_error == 0, "the first run failed: error %d at %lld",
              res.hw_error, (long long)res.hw_error_index);
    cr_assert(!rs[1].timed_out && rs[1].hw_error == ACC_ERR_ILLEGAL &&
                  rs[1].hw_error_index == p.count - 1 && rs[1].retired == p.count - 1,
              "second run: error %d at %lld, %lld retired; expected ILLEGAL at %d, %d retired",
              rs[1].hw_error, (long long)rs[1].hw_error_index, (long long)rs[1].retired,
              p.count - 1, p.count - 1);
    cosim_result_free(&rs[1]);
    model_timing t;
    cr_assert_eq(model_run(&p, &cfg, &t, &err), 0, "model: %s", err.msg);
    for (int i = 0; i < p.count; i++)
        cr_assert(res.start[i] == t.start[i] && res.end[i] == t.end[i],
                  "instruction %d: model [%lld, %lld), rtl [%lld, %lld)", i, (long long)t.start[i],
                  (long long)t.end[i], (long long)res.start[i], (long long)res.end[i]);
    cr_assert_eq(res.cycles, t.makespan);
    cr_assert_eq(res.retired, p.count);
    cr_assert_eq(iss_run(&p, &cfg, &iss_mem, NULL, &err), 0, "iss: %s", err.msg);
    cr_assert(memcmp(rtl_mem.bytes, iss_mem.bytes, size) == 0, "memory differs from the iss");
    model_timing_free(&t);
    cosim_result_free(&res);
    acc_program_free(&p);
    acc_dram_free(&rtl_mem);
    acc_dram_free(&iss_mem);
}
