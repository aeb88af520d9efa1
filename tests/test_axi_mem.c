/* test_axi_mem.c - the external memory model keeps the timing rules of
 * docs/model.md, checked cycle by cycle. */
#include <criterion/criterion.h>
#include <string.h>

#include "cosim/axi_mem.h"

static acc_dram mem;

static void setup(void)
{
    acc_dram_init(&mem, 16384);
    for (uint64_t i = 0; i < mem.size; i++)
        mem.bytes[i] = (uint8_t)(i * 7 + 1);
}
static void teardown(void)
{
    acc_dram_free(&mem);
}

TestSuite(axi_mem, .init = setup, .fini = teardown);

Test(axi_mem, read_beats_start_latency_cycles_after_ar_and_run_back_to_back)
{
    axi_rport p;
    axi_rport_init(&p, 8, 5);
    uint8_t data[8];
    int valid, last, resp;
    /* AR in cycle 10 (2 beats) and cycle 11 (1 beat) */
    axi_rport_ar(&p, 10, 0x100, 1, 3, 1);
    axi_rport_ar(&p, 11, 0x203, 0, 3, 1);
    int64_t beat_cycles[3];
    int n = 0;
    for (int64_t cyc = 10; cyc < 30 && n < 3; cyc++) {
        axi_rport_drive(&p, cyc, &mem, &valid, data, &last, &resp);
        if (valid) {
            cr_assert_eq(resp, 0);
            beat_cycles[n] = cyc;
            if (n == 0)
                cr_assert_eq(data[0], mem.bytes[0x100]);
            if (n == 2) /* unaligned start: the whole aligned word comes back */
                cr_assert_eq(data[3], mem.bytes[0x203]);
            cr_assert_eq(last, n != 0);
            n++;
            axi_rport_r_taken(&p);
        }
    }
    cr_assert_eq(n, 3);
    cr_assert_eq(beat_cycles[0], 15);
    cr_assert_eq(beat_cycles[1], 16);
    cr_assert_eq(beat_cycles[2], 17); /* ready at 16, but after the previous beat */
}

Test(axi_mem, write_response_comes_latency_cycles_after_the_last_beat)
{
    axi_wport p;
    axi_wport_init(&p, 8, 4);
    uint8_t data[8];
    for (int i = 0; i < 8; i++)
        data[i] = (uint8_t)(0xA0 + i);
    axi_wport_aw(&p, 20, 0x402, 1, 3, 1);
    axi_wport_w(&p, 20, &mem, data, 0xFC, 0); /* lanes 2..7 of word 0x400 */
    axi_wport_w(&p, 21, &mem, data, 0x03, 1); /* lanes 0..1 of word 0x408 */
    cr_assert_eq(mem.bytes[0x402], 0xA2);
    cr_assert_eq(mem.bytes[0x407], 0xA7);
    cr_assert_eq(mem.bytes[0x408], 0xA0);
    cr_assert_eq(mem.bytes[0x409], 0xA1);
    cr_assert_eq(mem.bytes[0x40A], (uint8_t)(0x40A * 7 + 1), "untouched byte changed");
    int bvalid, bresp;
    for (int64_t cyc = 21; cyc < 25; cyc++) {
        axi_wport_drive(&p, cyc, &bvalid, &bresp);
        cr_assert_eq(bvalid, 0, "B too early in cycle %lld", (long long)cyc);
    }
    axi_wport_drive(&p, 25, &bvalid, &bresp);
    cr_assert_eq(bvalid, 1);
    cr_assert_eq(bresp, 0);
    axi_wport_b_taken(&p);
    cr_assert_eq(p.violations, 0, "%s", p.violation);
}

Test(axi_mem, out_of_range_reads_answer_slverr)
{
    axi_rport p;
    axi_rport_init(&p, 8, 1);
    uint8_t data[8];
    int valid, last, resp;
    axi_rport_ar(&p, 0, 16384, 0, 3, 1);
    axi_rport_drive(&p, 1, &mem, &valid, data, &last, &resp);
    cr_assert_eq(valid, 1);
    cr_assert_eq(resp, 2);
}

Test(axi_mem, a_burst_across_4k_is_a_protocol_violation)
{
    axi_rport p;
    axi_rport_init(&p, 8, 1);
    axi_rport_ar(&p, 0, 0xFF8, 1, 3, 1);
    cr_assert_eq(p.violations, 1);
    cr_assert(strstr(p.violation, "4 KiB") != NULL);
}

Test(axi_mem, wlast_on_the_wrong_beat_is_a_protocol_violation)
{
    axi_wport p;
    axi_wport_init(&p, 8, 1);
    uint8_t data[8] = {0};
    axi_wport_aw(&p, 0, 0x100, 1, 3, 1);
    axi_wport_w(&p, 0, &mem, data, 0xFF, 1);
    cr_assert_eq(p.violations, 1);
    cr_assert(strstr(p.violation, "WLAST") != NULL);
}

Test(axi_mem, a_valid_during_reset_is_a_violation_and_changes_no_state)
{
    axi_rport r;
    axi_rport_init(&r, 8, 1);
    axi_rport_valid_in_reset(&r, "ARVALID", 0x140);
    cr_assert_eq(r.violations, 1);
    cr_assert(strstr(r.violation, "ARVALID high during reset") != NULL, "%s", r.violation);
    cr_assert(strstr(r.violation, "0x00000140") != NULL, "%s", r.violation);
    cr_assert_eq(r.count, 0, "the burst was queued");
    uint8_t data[8];
    int valid, last, resp;
    axi_rport_drive(&r, 5, &mem, &valid, data, &last, &resp);
    cr_assert_eq(valid, 0, "the port answers a burst it never accepted");

    axi_wport w;
    axi_wport_init(&w, 8, 1);
    axi_wport_valid_in_reset(&w, "WVALID", 0);
    axi_wport_valid_in_reset(&w, "AWVALID", 0x200);
    cr_assert_eq(w.violations, 2);
    cr_assert(strstr(w.violation, "WVALID high during reset") != NULL, "the first is kept: %s",
              w.violation);
    cr_assert(w.aw_count == 0 && w.b_count == 0);
}

/* ---------------------------------------------------------------- stress mode */

/* A master that keeps ARVALID high (2-beat bursts) for `cycles` cycles on a
 * stressed read port; records every AR and beat cycle.  Returns the number of
 * beats. */
static int stress_reads(uint64_t seed, int64_t *ar_at, int64_t *beat_at, int *max_stall)
{
    axi_rport p;
    axi_rport_init(&p, 8, 5);
    axi_rport_stress(&p, seed, 4, 9, 3);
    uint8_t data[8];
    int valid, last, resp, nar = 0, nbeat = 0, stall = 0;
    *max_stall = 0;
    for (int64_t cyc = 0; cyc < 400; cyc++) {
        axi_rport_drive(&p, cyc, &mem, &valid, data, &last, &resp);
        int ready = axi_rport_arready(&p);
        int arvalid = nar < 40;
        if (arvalid && ready) {
            ar_at[nar] = cyc;
            axi_rport_ar(&p, cyc, 0x100 + 16u * (uint32_t)nar, 1, 3, 1);
            nar++;
            stall = 0;
        } else if (arvalid) {
            stall++;
            if (stall > *max_stall)
                *max_stall = stall;
        }
        if (valid) {
            cr_assert_eq(last, nbeat % 2 == 1);
            beat_at[nbeat++] = cyc;
            axi_rport_r_taken(&p);
        }
        axi_rport_ready_step(&p, arvalid, arvalid && ready);
    }
    cr_assert_eq(nar, 40);
    return nbeat;
}

Test(axi_mem, stressed_reads_keep_the_jitter_contract_and_repeat_from_their_seed)
{
    int64_t ar1[40], b1[80], ar2[40], b2[80], ar3[40], b3[80];
    int stall1, stall2, stall3;
    cr_assert_eq(stress_reads(7, ar1, b1, &stall1), 80);
    cr_assert(stall1 <= 3, "ARREADY low for %d cycles, G = 3", stall1);
    cr_assert(stall1 > 0, "no READY stall at all");
    int gaps = 0;
    for (int k = 0; k < 80; k++) {
        int64_t prev = k ? b1[k - 1] : -1000;
        int64_t due = prev + 1;
        if (k % 2 == 0) { /* first beat of burst k/2: latency 4..9 after its AR */
            int64_t a = ar1[k / 2];
            cr_assert(b1[k] >= a + 4, "beat %d at %lld, AR at %lld", k, (long long)b1[k],
                      (long long)a);
            due = due > a + 9 ? due : a + 9;
        }
        cr_assert(b1[k] <= due + 3, "beat %d at %lld, due by %lld + G", k, (long long)b1[k],
                  (long long)due);
        cr_assert(b1[k] > prev);
        gaps += k % 2 == 1 && b1[k] > prev + 1;
    }
    cr_assert(gaps > 0, "no gap between beats at all");
    stress_reads(7, ar2, b2, &stall2);
    cr_assert(!memcmp(ar1, ar2, sizeof(ar1)) && !memcmp(b1, b2, sizeof(b1)),
              "the same seed gave another run");
    stress_reads(8, ar3, b3, &stall3);
    cr_assert(memcmp(b1, b3, sizeof(b1)) != 0, "another seed gave the same run");
}

Test(axi_mem, w_beats_before_their_aw_are_held_and_written_when_it_arrives)
{
    axi_wport p;
    axi_wport_init(&p, 8, 3);
    uint8_t data[8];
    memset(data, 0x5C, sizeof(data));
    axi_wport_w(&p, 10, &mem, data, 0xFF, 0);
    axi_wport_w(&p, 11, &mem, data, 0x0F, 1);
    cr_assert_eq(mem.bytes[0x200], (uint8_t)(0x200 * 7 + 1), "written before its AW");
    int bvalid, bresp;
    axi_wport_drive(&p, 14, &bvalid, &bresp);
    cr_assert_eq(bvalid, 0);
    axi_wport_aw(&p, 12, 0x200, 1, 3, 1);
    cr_assert_eq(mem.bytes[0x200], 0x5C);
    cr_assert_eq(mem.bytes[0x20B], 0x5C);
    cr_assert_eq(mem.bytes[0x20C], (uint8_t)(0x20C * 7 + 1));
    axi_wport_drive(&p, 13, &bvalid, &bresp);
    cr_assert_eq(bvalid, 0, "B before its due cycle (last W 11 + 3)");
    axi_wport_drive(&p, 14, &bvalid, &bresp);
    cr_assert_eq(bvalid, 1);
    cr_assert_eq(p.violations, 0, "%s", p.violation);
}

Test(axi_mem, an_injected_burst_answers_its_error_and_no_other_does)
{
    axi_rport r;
    axi_rport_init(&r, 8, 1);
    axi_rport_inject(&r, 2, 3);
    uint8_t data[8];
    int valid, last, resp;
    int64_t cyc = 0;
    for (uint32_t k = 0; k < 3; k++) {
        axi_rport_ar(&r, cyc, 0x100 + 8 * k, 0, 3, 1);
        axi_rport_drive(&r, cyc + 1, &mem, &valid, data, &last, &resp);
        cr_assert_eq(valid, 1);
        cr_assert_eq(resp, k == 1 ? 3 : 0, "burst %u answered %d", k + 1, resp);
        axi_rport_r_taken(&r);
        cyc += 2;
    }
    axi_wport w;
    axi_wport_init(&w, 8, 1);
    axi_wport_inject(&w, 1, 2);
    memset(data, 0x33, sizeof(data));
    axi_wport_aw(&w, 0, 0x300, 0, 3, 1);
    axi_wport_w(&w, 0, &mem, data, 0xFF, 1);
    int bvalid, bresp;
    axi_wport_drive(&w, 1, &bvalid, &bresp);
    cr_assert(bvalid && bresp == 2);
    cr_assert_eq(mem.bytes[0x300], (uint8_t)(0x300 * 7 + 1), "a failed burst wrote memory");
}
