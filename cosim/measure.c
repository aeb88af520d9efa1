/* measure.c - the part of a measuring backend that does not depend on how
 * the RTL is simulated (measure.h): parameter check, engine description,
 * progress bar, the register sequences before and after a run, and the
 * result of a run's end. */
#include "cosim/measure.h"

#include <stdio.h>
#include <string.h>

#include "cosim/regmap.h"
#include "cosim/report.h"

int cosim_check_params(const acc_vm_params *built, const acc_config *cfg, const char *make_vars,
                       acc_error *err)
{
    ACC_REQUIRE(built && cfg && make_vars);
    if (built->rows != cfg->rows || built->cols != cfg->cols ||
        (uint32_t)built->spad_bytes != cfg->spad_bytes || built->spad_banks != cfg->spad_banks ||
        built->line_bytes != cfg->line_bytes || built->axi_data_bits != cfg->axi_data_bits ||
        built->fetch_depth != cfg->fetch_depth)
        return acc_fail(err,
                        "this simulator was built for a %dx%d array with %d scratchpad bytes, "
                        "%d-bit bus; configuration '%s' asks for %dx%d, %u bytes, %d-bit "
                        "(build it with make cosim %sCONFIG=%s)",
                        built->rows, built->cols, built->spad_bytes, built->axi_data_bits,
                        cfg->name, cfg->rows, cfg->cols, cfg->spad_bytes, cfg->axi_data_bits,
                        make_vars, cfg->name);
    return 0;
}

void cosim_describe_engines(const acc_program *p, const cosim_result *r, int next_issue, char *buf,
                            size_t size)
{
    static const char *const names[ACC_ENG_COUNT] = {"load", "compute", "store"};
    ACC_REQUIRE(p && r && buf && size > 0);
    size_t len = 0;
    buf[0] = '\0';
    for (int e = 0; e < ACC_ENG_COUNT; e++) {
        int running = -1;
        for (int i = 0; i < p->count && i < next_issue; i++)
            if (acc_op_engine(p->ins[i].op) == e && r->start[i] >= 0 && r->end[i] < 0)
                running = i;
        if (running >= 0)
            len += (size_t)snprintf(buf + len, size - len,
                                    "%s engine: running instruction %d since cycle %lld; ",
                                    names[e], running, (long long)r->start[running]);
        else
            len += (size_t)snprintf(buf + len, size - len, "%s engine: idle; ", names[e]);
        if (len >= size)
            return;
    }
    if (next_issue < p->count) {
        const acc_instr *in = &p->ins[next_issue];
        snprintf(buf + len, size - len,
                 "issue waits at instruction %d (%s, wait=ld:%u,cp:%u,st:%u)", next_issue,
                 acc_op_name(in->op), in->wait[0], in->wait[1], in->wait[2]);
    }
}

/* "\r  <what> [###...] done/total <unit>" without the end of the line. */
static void bar_line(const char *what, int64_t done, int64_t total, const char *unit)
{
    enum { width = 30 };
    int filled = total > 0 ? (int)(done * width / total) : width;
    char bar[width + 1];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r  %s [%s] %lld/%lld %s", what, bar, (long long)done, (long long)total, unit);
}

void cosim_rtl_error_line(const char *text, char *buf, size_t size)
{
    const char *line = strstr(text, "%Error");
    if (line)
        while (line > text && line[-1] != '\n')
            line--;
    else
        line = text;
    size_t n = strcspn(line, "\n");
    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), line);
}

void cosim_progress_draw(const char *backend, int issued, int total, int64_t cycle, int final)
{
    ACC_REQUIRE(backend);
    bar_line(backend, issued, total, "instructions");
    if (cycle >= 0)
        fprintf(stderr, ", cycle %lld", (long long)cycle);
    fprintf(stderr, "%s", final ? "\n" : "");
    fflush(stderr);
}

void cosim_progress_line(const char *what, int64_t done, int64_t total, const char *unit, int final)
{
    ACC_REQUIRE(what && unit);
    bar_line(what, done, total, unit);
    fprintf(stderr, "%s", final ? "\n" : "");
    fflush(stderr);
}

void cosim_meter_start(cosim_meter *m, const char *what, const char *unit, int show,
                       double max_seconds)
{
    ACC_REQUIRE(m && what && unit);
    memset(m, 0, sizeof(*m));
    m->what = what;
    m->unit = unit;
    m->show = show;
    m->t0 = m->last = acc_now_seconds();
    m->deadline = max_seconds > 0 ? m->t0 + max_seconds : 0;
}

int cosim_meter_tick(cosim_meter *m, int64_t done, int64_t total)
{
    ACC_REQUIRE(m);
    m->done = done;
    m->total = total;
    if (!m->show && m->deadline <= 0)
        return 0;
    double now = acc_now_seconds();
    if (m->deadline > 0 && now >= m->deadline)
        m->expired = 1;
    if (m->show && now - m->t0 >= 1.0 && (!m->drawn || now - m->last >= 0.2)) {
        cosim_progress_line(m->what, done, total, m->unit, 0);
        m->drawn = 1;
        m->last = now;
    }
    return m->expired;
}

int cosim_meter_progress(void *ctx, int64_t done, int64_t total)
{
    return cosim_meter_tick(ctx, done, total);
}

void cosim_meter_end(cosim_meter *m)
{
    ACC_REQUIRE(m);
    if (m->drawn)
        cosim_progress_line(m->what, m->done, m->total, m->unit, 1);
    m->drawn = 0;
}

int cosim_host_program(const cosim_host *h, uint32_t prog_addr, uint32_t count, uint32_t *id,
                       uint32_t *spad)
{
    ACC_REQUIRE(h && h->read && h->write && id && spad);
    if (h->read(h->ctx, ACC_REG_ID, id) != 0 || h->read(h->ctx, ACC_REG_SPAD_BYTES, spad) != 0 ||
        h->write(h->ctx, ACC_REG_PROG_ADDR, prog_addr) < 0 ||
        h->write(h->ctx, ACC_REG_PROG_LEN, count) < 0)
        return -1;
    return 0;
}

int cosim_host_read_out(const cosim_host *h, cosim_readout *ro)
{
    ACC_REQUIRE(h && h->read && ro);
    const struct {
        enum acc_reg reg;
        uint32_t *value;
    } seq[] = {{ACC_REG_STATUS, &ro->status},
               {ACC_REG_ERR_CODE, &ro->err_code},
               {ACC_REG_ERR_INDEX, &ro->err_index},
               {ACC_REG_CYCLES_LO, &ro->cycles_lo},
               {ACC_REG_CYCLES_HI, &ro->cycles_hi},
               {ACC_REG_BUSY_LD, &ro->busy[ACC_ENG_LD]},
               {ACC_REG_BUSY_CP, &ro->busy[ACC_ENG_CP]},
               {ACC_REG_BUSY_ST, &ro->busy[ACC_ENG_ST]}};
    for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
        if (h->read(h->ctx, seq[i].reg, seq[i].value) != 0)
            return -1;
    return 0;
}

const char *cosim_axi_violation(const axi_rport *rd, const axi_rport *ird, const axi_wport *wr)
{
    ACC_REQUIRE(rd && ird && wr);
    if (rd->violations)
        return rd->violation;
    if (ird->violations)
        return ird->violation;
    if (wr->violations)
        return wr->violation;
    return NULL;
}

int cosim_run_finish(const acc_program *p, const cosim_run_end *e, int rc, cosim_result *res,
                     acc_error *err)
{
    ACC_REQUIRE(p && e && res);
    if (e->violation && rc == 0)
        rc = acc_fail(err, "AXI protocol violation by the accelerator: %s", e->violation);
    res->timed_out = e->timed_out;
    res->wall_timeout = e->wall_timeout;
    if (e->timed_out) {
        cosim_describe_engines(p, res, e->issued, res->engine_state, sizeof(res->engine_state));
        if (rc == 0)
            rc = acc_fail(err, "no END after %lld cycles (the budget): %s", (long long)e->budget,
                          res->engine_state);
        return rc;
    }
    if (e->wall_timeout) {
        cosim_describe_engines(p, res, e->issued, res->engine_state, sizeof(res->engine_state));
        if (rc == 0)
            rc = acc_fail(err,
                          "stopped at the wall-time limit of %g s (--max-seconds to raise it) in "
                          "cycle %lld: %s",
                          e->max_seconds, (long long)e->cycle, res->engine_state);
        return rc;
    }
    if (!e->irq_seen)
        return rc;
    if (!e->readout_ok) {
        if (rc == 0)
            rc = acc_fail(err, "the accelerator's registers could not be read after the run");
        return rc;
    }
    const cosim_readout *ro = &e->regs;
    res->cycles = (int64_t)(((uint64_t)ro->cycles_hi << 32) | ro->cycles_lo);
    for (int k = 0; k < ACC_ENG_COUNT; k++)
        res->busy[k] = ro->busy[k];
    if (ro->status & ACC_STATUS_ERROR) {
        res->hw_error = (int)ro->err_code;
        res->hw_error_index = ro->err_index;
        cosim_describe_engines(p, res, e->issued, res->engine_state, sizeof(res->engine_state));
        if (rc == 0)
            rc = acc_fail(err, "the accelerator stopped with error code %u (%s) at instruction %u",
                          ro->err_code, cosim_hw_error_name((int)ro->err_code), ro->err_index);
    } else if (!(ro->status & ACC_STATUS_DONE) && rc == 0) {
        rc = acc_fail(err, "interrupt without done or error (status 0x%x)", ro->status);
    }
    return rc;
}
