/* test_axi_check.c - the AXI4 / AXI4-Lite protocol checker and the burst
 * scoreboard (cosim/axi_check.h), fed hand-made pin sequences: each rule is
 * flagged by a sequence that breaks only it, with the port, the rule and the
 * cycle in the message, and legal sequences (stalls, W before AW, back-to-back
 * bursts) are not flagged. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cosim/axi_check.h"

TestSuite(axi_check);

/* Feeds n cycles of read pins from cycle 0; returns the cycle of the first
 * violation, or -1. */
static int run_rd(axi_check *c, const axi_rd_pins *p, int n)
{
    int first = -1;
    for (int i = 0; i < n; i++)
        if (axi_check_rd(c, i, 1, &p[i]) != 0 && first < 0)
            first = i;
    return first;
}

static int run_wr(axi_check *c, const axi_wr_pins *p, int n)
{
    int first = -1;
    for (int i = 0; i < n; i++)
        if (axi_check_wr(c, i, 1, &p[i]) != 0 && first < 0)
            first = i;
    return first;
}

static int run_lite(axi_check *c, const axi_lite_pins *p, int n)
{
    int first = -1;
    for (int i = 0; i < n; i++)
        if (axi_check_lite(c, i, 1, &p[i]) != 0 && first < 0)
            first = i;
    return first;
}

/* An AR of `len`+1 beats at addr, valid and ready as given. */
static axi_rd_pins ar(uint32_t addr, uint32_t len, int valid, int ready)
{
    axi_rd_pins p;
    memset(&p, 0, sizeof(p));
    p.arvalid = valid;
    p.arready = ready;
    p.araddr = addr;
    p.arlen = len;
    p.arsize = 3;
    p.arburst = 1;
    p.rready = 1;
    return p;
}

static axi_rd_pins beat(int last, uint64_t data)
{
    axi_rd_pins p = ar(0, 0, 0, 1);
    p.rvalid = 1;
    p.rlast = last;
    p.rdata_hash = data;
    return p;
}

static void expect_rule(const axi_check *c, int cycle, int got, const char *rule)
{
    char want[160];
    snprintf(want, sizeof(want), "rule %s, cycle %d", rule, cycle);
    cr_assert_eq(got, cycle, "flagged in cycle %d, expected %d (%s)", got, cycle, c->first);
    cr_assert(strstr(c->first, want) != NULL, "'%s' does not name '%s'", c->first, want);
    cr_assert(strstr(c->first, c->port) != NULL, "'%s' does not name the port", c->first);
}

Test(axi_check, a_legal_read_sequence_with_stalls_is_not_flagged)
{
    axi_check c;
    axi_check_init(&c, "data read port", 8, 2);
    axi_rd_pins p[] = {ar(0x100, 1, 1, 0), ar(0x100, 1, 1, 0), ar(0x100, 1, 1, 1),
                       ar(0x200, 0, 1, 1), beat(0, 1),         beat(1, 2),
                       ar(0, 0, 0, 1),     beat(1, 3),         ar(0, 0, 0, 0)};
    p[5].rready = 0; /* R stalled one cycle: held with the same payload */
    p[6] = beat(1, 2);
    p[6].rready = 1;
    p[7] = beat(1, 3);
    cr_assert_eq(run_rd(&c, p, 9), -1, "%s", c.first);
    cr_assert_eq(c.violations, 0);
}

Test(axi_check, arvalid_dropped_before_arready_is_flagged)
{
    axi_check c;
    axi_check_init(&c, "data read port", 8, 4);
    axi_rd_pins p[] = {ar(0x100, 0, 1, 0), ar(0x100, 0, 0, 1)};
    expect_rule(&c, 1, run_rd(&c, p, 2), "ARVALID held until ARREADY");
}

Test(axi_check, an_ar_payload_change_while_stalled_is_flagged)
{
    axi_check c;
    axi_check_init(&c, "instruction fetch port", 32, 4);
    axi_rd_pins p[] = {ar(0x100, 0, 1, 0), ar(0x120, 0, 1, 1)};
    expect_rule(&c, 1, run_rd(&c, p, 2), "AR payload stable while ARREADY is low");
}

Test(axi_check, a_burst_across_4k_is_flagged)
{
    axi_check c;
    axi_check_init(&c, "data read port", 8, 4);
    axi_rd_pins p[] = {ar(0xFF8, 1, 1, 1)};
    expect_rule(&c, 0, run_rd(&c, p, 1), "no burst across a 4 KiB boundary");
}

Test(axi_check, illegal_burst_types_and_sizes_are_flagged)
{
    axi_check c;
    axi_check_init(&c, "data read port", 8, 4);
    axi_rd_pins p[] = {ar(0x100, 0, 1, 1)};
    p[0].arburst = 2; /* WRAP */
    expect_rule(&c, 0, run_rd(&c, p, 1), "ARBURST is INCR");
    axi_check_init(&c, "data read port", 8, 4);
    p[0] = ar(0x100, 0, 1, 1);
    p[0].arsize = 4; /* 16 bytes on an 8-byte bus */
    expect_rule(&c, 0, run_rd(&c, p, 1), "ARSIZE at most the bus width");
}

Test(axi_check, too_many_outstanding_bursts_are_flagged)
{
    axi_check c;
    axi_check_init(&c, "data read port", 8, 2);
    axi_rd_pins p[] = {ar(0x100, 0, 1, 1), ar(0x108, 0, 1, 1), ar(0x110, 0, 1, 1)};
    expect_rule(&c, 2, run_rd(&c, p, 3), "outstanding bursts within the limit");
}

Test(axi_check, rlast_on_the_wrong_beat_and_unrequested_beats_are_flagged)
{
    axi_check c;
    axi_check_init(&c, "data read port", 8, 4);
    axi_rd_pins p[] = {ar(0x100, 1, 1, 1), beat(1, 1)};
    expect_rule(&c, 1, run_rd(&c, p, 2), "RLAST on the last beat of the burst");
    axi_check_init(&c, "data read port", 8, 4);
    axi_rd_pins q[] = {beat(1, 1)};
    expect_rule(&c, 0, run_rd(&c, q, 1), "RVALID only for an outstanding burst");
}

Test(axi_check, r_dropped_or_changed_while_rready_is_low_is_flagged)
{
    axi_check c;
    axi_check_init(&c, "data read port", 8, 4);
    axi_rd_pins p[] = {ar(0x100, 0, 1, 1), beat(1, 1), beat(1, 2)};
    p[1].rready = 0;
    expect_rule(&c, 2, run_rd(&c, p, 3), "R payload stable while RREADY is low");
    axi_check_init(&c, "data read port", 8, 4);
    axi_rd_pins q[] = {ar(0x100, 0, 1, 1), beat(1, 1), ar(0, 0, 0, 1)};
    q[1].rready = 0;
    expect_rule(&c, 2, run_rd(&c, q, 3), "RVALID held until RREADY");
}

Test(axi_check, arvalid_in_reset_is_flagged)
{
    axi_check c;
    axi_check_init(&c, "data read port", 8, 4);
    axi_rd_pins p = ar(0x100, 0, 1, 1);
    cr_assert_eq(axi_check_rd(&c, 3, 0, &p), -1);
    cr_assert(strstr(c.first, "rule ARVALID low during reset, cycle 3") != NULL, "%s", c.first);
}

/* ---------------------------------------------------------------- write */

static axi_wr_pins aw(uint32_t addr, uint32_t len, int valid, int ready)
{
    axi_wr_pins p;
    memset(&p, 0, sizeof(p));
    p.awvalid = valid;
    p.awready = ready;
    p.awaddr = addr;
    p.awlen = len;
    p.awsize = 3;
    p.awburst = 1;
    p.bready = 1;
    return p;
}

static axi_wr_pins wbeat(axi_wr_pins p, int last, uint64_t data, int ready)
{
    p.wvalid = 1;
    p.wready = ready;
    p.wlast = last;
    p.wstrb = 0xff;
    p.wdata_hash = data;
    return p;
}

static axi_wr_pins bresp(int resp)
{
    axi_wr_pins p = aw(0, 0, 0, 1);
    p.bvalid = 1;
    p.bresp = resp;
    return p;
}

Test(axi_check, a_legal_write_sequence_with_w_before_aw_is_not_flagged)
{
    axi_check c;
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins p[] = {
        wbeat(aw(0x100, 1, 1, 0), 0, 1, 1), /* W first, AW stalled */
        wbeat(aw(0x100, 1, 1, 0), 1, 2, 0), /* W stalled too */
        wbeat(aw(0x100, 1, 1, 1), 1, 2, 1), /* both taken */
        aw(0, 0, 0, 1),
        bresp(0),
        wbeat(aw(0x200, 0, 1, 1), 1, 3, 1),
        bresp(2),
    };
    cr_assert_eq(run_wr(&c, p, 7), -1, "%s", c.first);
}

Test(axi_check, write_handshake_rules_are_flagged)
{
    axi_check c;
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins p1[] = {aw(0x100, 0, 1, 0), aw(0x100, 0, 0, 1)};
    expect_rule(&c, 1, run_wr(&c, p1, 2), "AWVALID held until AWREADY");
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins p2[] = {aw(0x100, 0, 1, 0), aw(0x100, 1, 1, 1)};
    expect_rule(&c, 1, run_wr(&c, p2, 2), "AW payload stable while AWREADY is low");
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins p3[] = {wbeat(aw(0x100, 0, 1, 1), 1, 1, 0), aw(0, 0, 0, 1)};
    expect_rule(&c, 1, run_wr(&c, p3, 2), "WVALID held until WREADY");
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins p4[] = {wbeat(aw(0x100, 0, 1, 1), 1, 1, 0), wbeat(aw(0, 0, 0, 1), 1, 9, 1)};
    expect_rule(&c, 1, run_wr(&c, p4, 2), "W payload stable while WREADY is low");
}

Test(axi_check, wlast_on_the_wrong_beat_is_flagged_before_or_after_aw)
{
    axi_check c;
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins p[] = {wbeat(aw(0x100, 1, 1, 1), 1, 1, 1)}; /* 2 beats announced, WLAST on 1st */
    expect_rule(&c, 0, run_wr(&c, p, 1), "WLAST on the last beat of the burst");
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins q[] = {wbeat(aw(0, 0, 0, 1), 1, 1, 1), aw(0x100, 2, 1, 1)}; /* W ahead: 1 beat */
    expect_rule(&c, 1, run_wr(&c, q, 2), "WLAST on the last beat of the burst");
}

Test(axi_check, early_or_dropped_write_responses_are_flagged)
{
    axi_check c;
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins p[] = {aw(0x100, 0, 1, 1), bresp(0)}; /* B before the W beat */
    expect_rule(&c, 1, run_wr(&c, p, 2), "BVALID only after the burst's AW and last W");
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins q[] = {wbeat(aw(0x100, 0, 1, 1), 1, 1, 1), bresp(0), aw(0, 0, 0, 1)};
    q[1].bready = 0;
    expect_rule(&c, 2, run_wr(&c, q, 3), "BVALID held until BREADY");
}

Test(axi_check, write_bursts_beyond_the_limit_and_across_4k_are_flagged)
{
    axi_check c;
    axi_check_init(&c, "data write port", 8, 1);
    axi_wr_pins p[] = {wbeat(aw(0x100, 0, 1, 1), 1, 1, 1), wbeat(aw(0x108, 0, 1, 1), 1, 1, 1)};
    expect_rule(&c, 1, run_wr(&c, p, 2), "outstanding bursts within the limit");
    axi_check_init(&c, "data write port", 8, 4);
    axi_wr_pins q[] = {aw(0x1FF8, 3, 1, 1)};
    expect_rule(&c, 0, run_wr(&c, q, 1), "no burst across a 4 KiB boundary");
}

/* ---------------------------------------------------------------- lite */

Test(axi_check, lite_rules_are_flagged_and_a_legal_access_is_not)
{
    axi_check c;
    axi_check_init(&c, "register port (AXI4-Lite)", 4, 1);
    axi_lite_pins ok[4];
    memset(ok, 0, sizeof(ok));
    ok[0].arvalid = 1;
    ok[0].araddr = 0x30;
    ok[1].arvalid = 1;
    ok[1].araddr = 0x30;
    ok[1].arready = 1;
    ok[2].rvalid = 1;
    ok[2].rdata = 7;
    ok[3].rvalid = 1;
    ok[3].rdata = 7;
    ok[3].rready = 1;
    cr_assert_eq(run_lite(&c, ok, 4), -1, "%s", c.first);

    axi_check_init(&c, "register port (AXI4-Lite)", 4, 1);
    axi_lite_pins r[4];
    memcpy(r, ok, sizeof(r));
    r[3].rdata = 8; /* data changed while RREADY was low */
    expect_rule(&c, 3, run_lite(&c, r, 4), "RVALID held until RREADY, data stable");

    axi_check_init(&c, "register port (AXI4-Lite)", 4, 1);
    axi_lite_pins a[2];
    memset(a, 0, sizeof(a));
    a[0].arvalid = 1;
    a[0].araddr = 0x30;
    a[1].arvalid = 1;
    a[1].araddr = 0x34;
    expect_rule(&c, 1, run_lite(&c, a, 2), "ARVALID held until ARREADY, address stable");

    axi_check_init(&c, "register port (AXI4-Lite)", 4, 1);
    axi_lite_pins b[1];
    memset(b, 0, sizeof(b));
    b[0].bvalid = 1;
    expect_rule(&c, 0, run_lite(&c, b, 1), "BVALID only after an accepted AW and W");

    axi_check_init(&c, "register port (AXI4-Lite)", 4, 1);
    axi_lite_pins w[3];
    memset(w, 0, sizeof(w));
    w[0].awvalid = w[0].wvalid = w[0].awready = w[0].wready = 1;
    w[1].bvalid = 1;
    w[2].bvalid = 0; /* dropped while BREADY was low */
    expect_rule(&c, 2, run_lite(&c, w, 3), "BVALID held until BREADY, response stable");
}

/* ---------------------------------------------------------------- scoreboard */

static acc_config sb_cfg(void)
{
    acc_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.axi_bytes = 8;
    cfg.axi_data_bits = 64;
    return cfg;
}

static acc_instr dma(acc_opcode op, uint32_t dram, uint32_t n0, uint32_t n1, uint32_t s1)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){dram, 0, n0, n1, 1, s1, 0, n0, 0};
    return in;
}

Test(axi_check, the_scoreboard_accepts_exactly_the_documented_bursts)
{
    acc_config cfg = sb_cfg();
    acc_program p;
    acc_program_init(&p);
    acc_instr a = dma(ACC_OP_LOAD, 0xFF0, 40, 2, 100); /* row 0 crosses 4 KiB */
    acc_instr b = dma(ACC_OP_STORE, 0x2000, 8, 1, 8);
    acc_instr c = dma(ACC_OP_LOAD, 0x3003, 3000, 1, 3000); /* > 256 beats */
    acc_program_push(&p, &a);
    acc_program_push(&p, &b);
    acc_program_push(&p, &c);
    axi_scoreboard s;
    axi_scoreboard_init(&s, "data read port", &p, &cfg, ACC_OP_LOAD);
    /* row 0: 0xFF0..0x1017 -> [0xFF0, 2 beats] [0x1000, 3 beats]; row 1 at 0x1054 */
    cr_assert_eq(axi_scoreboard_burst(&s, 1, 0xFF0, 1), 0, "%s", s.first);
    cr_assert_eq(axi_scoreboard_burst(&s, 2, 0x1000, 2), 0, "%s", s.first);
    cr_assert_eq(axi_scoreboard_burst(&s, 3, 0x1050, 5), 0, "%s", s.first);
    cr_assert_eq(axi_scoreboard_burst(&s, 9, 0x3000, 255), 0, "%s", s.first);
    cr_assert_eq(axi_scoreboard_burst(&s, 10, 0x3800, 119), 0, "%s", s.first);
    cr_assert_eq(axi_scoreboard_finish(&s, 20), 0, "%s", s.first);
    cr_assert_eq(axi_burst_owner(&p, &cfg, ACC_OP_LOAD, 4, NULL), 2);
    int64_t total = 0;
    cr_assert_eq(axi_burst_owner(&p, &cfg, ACC_OP_LOAD, 6, &total), -1);
    cr_assert_eq(total, 5);
    acc_program_free(&p);
}

Test(axi_check, the_scoreboard_flags_short_bursts_missing_and_extra_ones)
{
    acc_config cfg = sb_cfg();
    acc_program p;
    acc_program_init(&p);
    acc_instr a = dma(ACC_OP_STORE, 0x100, 64, 1, 64); /* one burst of 8 beats */
    acc_program_push(&p, &a);
    axi_scoreboard s;
    axi_scoreboard_init(&s, "data write port", &p, &cfg, ACC_OP_STORE);
    /* a DMA that splits the row into two needless 4-beat bursts */
    cr_assert_eq(axi_scoreboard_burst(&s, 5, 0x100, 3), -1);
    cr_assert(strstr(s.first, "data write port, cycle 5: burst 1 of instruction 0 (store) must be "
                              "0x00000100 with 8 beats, the accelerator issued 0x00000100 with 4 "
                              "beats") != NULL,
              "%s", s.first);
    cr_assert_eq(axi_scoreboard_burst(&s, 6, 0x120, 3), -1);
    cr_assert(s.violations == 2);

    axi_scoreboard_init(&s, "data write port", &p, &cfg, ACC_OP_STORE);
    cr_assert_eq(axi_scoreboard_finish(&s, 7), -1);
    cr_assert(strstr(s.first, "never issued") != NULL, "%s", s.first);
    acc_program_free(&p);
}
