/* test_wavewin.c - the trace window of a waveform (cosim/wavewin.h): which
 * run cycles a window in cycles or in instructions holds, from the timing
 * model's cycles, the measured ones, or both when they differ.  The
 * windows' edges are written out by hand from the rule in
 * docs/debugging.md (two cycles before the first issue, two after the last
 * end, end cycles exclusive). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "cosim/wavewin.h"

/* Four instructions; the model's issue and end cycles.  Instruction 1 (a
 * compute, say) issues at 20 and ends at 100, after instruction 2 (issued
 * at 25, ended at 30) and before instruction 3 (40..50). */
static int64_t m_start[] = {10, 20, 25, 40};
static int64_t m_end[] = {20, 100, 30, 50};
static const model_timing timing = {.start = m_start, .end = m_end, .count = 4};
static acc_program prog = {.ins = NULL, .count = 4, .cap = 0};

static cosim_options window(int64_t from, int64_t to, int64_t from_cycle, int64_t to_cycle)
{
    cosim_options o;
    memset(&o, 0, sizeof(o));
    o.wave_path = "w.fst";
    o.wave_from_instr = from;
    o.wave_to_instr = to;
    o.wave_from_cycle = from_cycle;
    o.wave_to_cycle = to_cycle;
    return o;
}

/* Cycles a..b are in the window, a - 1 and b + 1 are not. */
static void holds_exactly(const cosim_wavewin *w, int64_t a, int64_t b)
{
    cr_assert(!cosim_wavewin_has(w, a - 1), "cycle %lld is traced", (long long)(a - 1));
    cr_assert(cosim_wavewin_has(w, a), "cycle %lld is not traced", (long long)a);
    cr_assert(cosim_wavewin_has(w, b), "cycle %lld is not traced", (long long)b);
    cr_assert(!cosim_wavewin_has(w, b + 1), "cycle %lld is traced", (long long)(b + 1));
}

Test(wavewin, no_window_traces_every_cycle)
{
    cosim_options o = window(-1, -1, -1, -1);
    cosim_wavewin w;
    cosim_wavewin_init(&w, &o, &prog, &timing);
    cr_assert_not(cosim_wavewin_given(&o));
    cr_assert(cosim_wavewin_has(&w, -5) && cosim_wavewin_has(&w, 0) &&
              cosim_wavewin_has(&w, 1000000));
}

Test(wavewin, a_cycle_window_holds_exactly_its_cycles)
{
    cosim_options o = window(-1, -1, 200, 300);
    cosim_wavewin w;
    cosim_wavewin_init(&w, &o, &prog, &timing);
    cr_assert(cosim_wavewin_given(&o));
    holds_exactly(&w, 200, 300);
}

/* --from 1 --to 2 as the model times it: 18 (two before 20) up to 101
 * (two after instruction 1's end, 100, exclusive), not 31 after
 * instruction 2's end. */
Test(wavewin, an_instruction_window_runs_from_the_first_issue_to_the_last_end)
{
    cosim_options o = window(1, 2, -1, -1);
    cosim_wavewin w;
    cosim_wavewin_init(&w, &o, &prog, &timing);
    cosim_wavewin_issue(&w, 1, 20);
    cosim_wavewin_issue(&w, 2, 25);
    cosim_wavewin_end(&w, 2, 30);
    cosim_wavewin_end(&w, 1, 100);
    holds_exactly(&w, 18, 101);
}

/* Until every instruction of the window has ended the window stays open,
 * past the model's end: a run slower than the model is traced to its
 * measured end. */
Test(wavewin, a_window_lasts_until_its_instructions_end_as_measured)
{
    cosim_options o = window(1, 2, -1, -1);
    cosim_wavewin w;
    cosim_wavewin_init(&w, &o, &prog, &timing);
    cosim_wavewin_issue(&w, 1, 30);
    cosim_wavewin_issue(&w, 2, 35);
    cosim_wavewin_end(&w, 2, 45);
    cr_assert(cosim_wavewin_has(&w, 140), "instruction 1 has not ended, the window closed");
    cosim_wavewin_end(&w, 1, 150);
    holds_exactly(&w, 18, 151);
}

/* An instruction that issues earlier than the model says opens the window
 * in its issue cycle. */
Test(wavewin, an_issue_earlier_than_the_model_opens_the_window)
{
    cosim_options o = window(1, 2, -1, -1);
    cosim_wavewin w;
    cosim_wavewin_init(&w, &o, &prog, &timing);
    cr_assert_not(cosim_wavewin_has(&w, 15));
    cosim_wavewin_issue(&w, 1, 15);
    cr_assert(cosim_wavewin_has(&w, 15), "the issue cycle is not traced");
    cr_assert_not(cosim_wavewin_has(&w, 14));
}

/* Without the model's cycles (a program it cannot time) the window follows
 * the measured ones: it opens in the issue cycle. */
Test(wavewin, without_the_model_the_window_follows_the_measured_cycles)
{
    cosim_options o = window(1, 2, -1, -1);
    cosim_wavewin w;
    cosim_wavewin_init(&w, &o, &prog, NULL);
    cr_assert_not(cosim_wavewin_has(&w, 32));
    cosim_wavewin_issue(&w, 0, 10);
    cr_assert_not(cosim_wavewin_has(&w, 32), "an instruction before the window opened it");
    cosim_wavewin_issue(&w, 1, 33);
    cosim_wavewin_issue(&w, 2, 34);
    cosim_wavewin_end(&w, 1, 60);
    cosim_wavewin_end(&w, 2, 40);
    holds_exactly(&w, 33, 61);
}

/* --to 2 alone: from the start to two cycles after the last of 0..2 ends
 * (instruction 1, at 100). */
Test(wavewin, a_window_without_from_starts_with_the_run)
{
    cosim_options o = window(-1, 2, -1, -1);
    cosim_wavewin w;
    cosim_wavewin_init(&w, &o, &prog, &timing);
    cosim_wavewin_end(&w, 0, 20);
    cosim_wavewin_end(&w, 2, 30);
    cosim_wavewin_end(&w, 1, 100);
    cr_assert(cosim_wavewin_has(&w, 0), "the start write is not traced");
    cr_assert(cosim_wavewin_has(&w, 101));
    cr_assert_not(cosim_wavewin_has(&w, 102));
}

/* --from 3 alone: from two cycles before instruction 3 issues (40) to the
 * end of the run. */
Test(wavewin, a_window_without_to_lasts_to_the_end_of_the_run)
{
    cosim_options o = window(3, -1, -1, -1);
    cosim_wavewin w;
    cosim_wavewin_init(&w, &o, &prog, &timing);
    cosim_wavewin_end(&w, 3, 50);
    cr_assert_not(cosim_wavewin_has(&w, 37));
    cr_assert(cosim_wavewin_has(&w, 38));
    cr_assert(cosim_wavewin_has(&w, 1000000));
}
