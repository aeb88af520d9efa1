/* wavewin.c - the trace window of a waveform (see wavewin.h). */
#include "cosim/wavewin.h"

#include "core/util.h"

int cosim_wavewin_given(const cosim_options *o)
{
    ACC_REQUIRE(o);
    return o->wave_from_instr >= 0 || o->wave_to_instr >= 0 || o->wave_from_cycle >= 0 ||
           o->wave_to_cycle >= 0;
}

void cosim_wavewin_init(cosim_wavewin *w, const cosim_options *o, const acc_program *p,
                        const model_timing *t)
{
    ACC_REQUIRE(w && o && p && (!t || t->count == p->count));
    w->from = INT64_MIN;
    w->stop = INT64_MAX;
    w->first = w->last = -1;
    w->pending = 0;
    if (o->wave_from_cycle >= 0 || o->wave_to_cycle >= 0) {
        if (o->wave_from_cycle >= 0)
            w->from = o->wave_from_cycle;
        if (o->wave_to_cycle >= 0)
            w->stop = o->wave_to_cycle + 1;
        return;
    }
    if (o->wave_from_instr >= 0) {
        w->first = o->wave_from_instr;
        /* opens at the model's issue, or at the measured one if earlier */
        w->from = t && w->first < t->count ? t->start[w->first] - COSIM_WAVE_MARGIN : INT64_MAX;
    }
    if (o->wave_to_instr >= 0) {
        int64_t lo = w->first >= 0 ? w->first : 0;
        w->last = o->wave_to_instr < p->count ? o->wave_to_instr : p->count - 1;
        /* lasts to the model's last end, or until every one of them ended */
        w->stop = INT64_MIN;
        for (int64_t k = lo; k <= w->last; k++) {
            w->pending++;
            if (t && t->end[k] + COSIM_WAVE_MARGIN > w->stop)
                w->stop = t->end[k] + COSIM_WAVE_MARGIN;
        }
    }
}

void cosim_wavewin_issue(cosim_wavewin *w, int64_t idx, int64_t n)
{
    ACC_REQUIRE(w);
    if (idx == w->first && n < w->from)
        w->from = n;
}

void cosim_wavewin_end(cosim_wavewin *w, int64_t idx, int64_t end)
{
    ACC_REQUIRE(w);
    if (w->last < 0 || idx > w->last || idx < (w->first >= 0 ? w->first : 0))
        return;
    w->pending--;
    if (end + COSIM_WAVE_MARGIN > w->stop)
        w->stop = end + COSIM_WAVE_MARGIN;
}

int cosim_wavewin_has(const cosim_wavewin *w, int64_t n)
{
    ACC_REQUIRE(w);
    return n >= w->from && (n < w->stop || w->pending > 0);
}
