/* bench - the in-process speed figures of `make bench`: golden convolution
 * and iss throughput, the timing model and the validator over every
 * ResNet-18 layer.  Each figure is printed with what was measured and the
 * configuration; the RTL figures come from mk/bench.sh.
 *
 *   bench [CONFIG]     (default: default)
 *
 * Exit status: 0, 1 when a layer or the configuration cannot be loaded,
 * 2 usage error. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "golden/golden.h"
#include "golden/iss.h"
#include "planner/baseline.h"
#include "model/model.h"
#include "model/validate.h"

#include "core/catalog.h"

static void die(const char *what, const acc_error *err)
{
    fprintf(stderr, "bench: %s: %s\n", what, err->msg);
    exit(1);
}

/* golden and iss on one layer; returns 0. */
static void bench_layer(const char *spec, const acc_config *cfg)
{
    acc_layer l;
    acc_error err;
    if (acc_layer_lookup(spec, &l, &err) != 0)
        die(spec, &err);
    int8_t *x, *w;
    golden_random_operands(&l, 1, &x, &w);
    size_t ny = layer_y_bytes(&l) / 4;
    int32_t *y = acc_malloc(ny * sizeof(int32_t));
    double t = acc_now_seconds();
    int reps = 0;
    do {
        golden_conv(&l, x, w, y);
        reps++;
    } while (acc_now_seconds() - t < 1.0);
    double golden_s = (acc_now_seconds() - t) / reps;
    double macs = (double)layer_macs(&l);

    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_program p;
    if (acc_baseline_plan("double", &l, cfg, &mm, NULL, &p, &err) != 0)
        die(spec, &err);
    size_t plen;
    uint8_t *bin = acc_program_encode(&p, &plen);
    acc_dram mem;
    acc_dram_init(&mem, acc_align_up(mm.prog + plen, 4096));
    memcpy(mem.bytes + mm.x, x, layer_x_bytes(&l));
    memcpy(mem.bytes + mm.w, w, layer_w_bytes(&l));
    memcpy(mem.bytes + mm.prog, bin, plen);
    iss_stats st;
    t = acc_now_seconds();
    reps = 0;
    do {
        if (iss_run(&p, cfg, &mem, &st, &err) != 0)
            die(spec, &err);
        reps++;
    } while (acc_now_seconds() - t < 1.0);
    double iss_s = (acc_now_seconds() - t) / reps;
    printf("  %-10s %9.0f MMAC  golden %6.2f GMAC/s (%7.1f ms)   iss %6.2f GMAC/s (%7.1f ms, "
           "%d instructions)\n",
           spec, macs / 1e6, macs / golden_s / 1e9, golden_s * 1e3, (double)st.macs / iss_s / 1e9,
           iss_s * 1e3, p.count);
    acc_dram_free(&mem);
    free(bin);
    acc_program_free(&p);
    free(x);
    free(w);
    free(y);
}

static void usage(FILE *f)
{
    fputs("usage: bench [CONFIG]   golden, iss, model and validator speed on the\n"
          "                        configuration (default: default)\n"
          "       bench -h|--help  this text\n",
          f);
}

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        if (ch == 'h') {
            usage(stdout);
            return 0;
        }
        fprintf(stderr, "bench: unknown option '%s'\n", argv[optind - 1]);
        usage(stderr);
        return 2;
    }
    if (argc - optind > 1) {
        fprintf(stderr, "bench: unexpected argument '%s'\n", argv[optind + 1]);
        usage(stderr);
        return 2;
    }
    const char *cfgname = optind < argc ? argv[optind] : "default";
    acc_config cfg;
    acc_error err;
    if (acc_config_load(cfgname, &cfg, &err) != 0)
        die(cfgname, &err);
    printf("golden and iss throughput (configuration %s, %dx%d, %u bytes; planner double; "
           "one thread; mean over >= 1 s of repetitions)\n",
           cfg.name, cfg.rows, cfg.cols, cfg.spad_bytes);
    const char *layers[] = {"resnet_3", "resnet_8", "resnet_15", "mobilenet_2", "vgg_2"};
    for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
        bench_layer(layers[i], &cfg);

    acc_layer_list net;
    if (acc_catalog_net("resnet", &net, &err) != 0)
        die("resnet", &err);
    double t_plan = 0, t_model = 0, t_val = 0;
    long instrs = 0;
    for (int i = 0; i < net.count; i++) {
        acc_memmap mm;
        acc_memmap_default(&net.items[i], &mm);
        acc_program p;
        double t = acc_now_seconds();
        if (acc_baseline_plan("double", &net.items[i], &cfg, &mm, NULL, &p, &err) != 0)
            die(net.items[i].name, &err);
        t_plan += acc_now_seconds() - t;
        t = acc_now_seconds();
        model_timing mt;
        for (int r = 0; r < 10; r++) {
            if (model_run(&p, &cfg, &mt, &err) != 0)
                die(net.items[i].name, &err);
            model_timing_free(&mt);
        }
        t_model += (acc_now_seconds() - t) / 10;
        t = acc_now_seconds();
        acc_validation v;
        if (acc_validate(&p, &net.items[i], &cfg, &mm, &v, NULL, &err) != 0)
            die(net.items[i].name, &err);
        acc_validation_free(&v);
        t_val += acc_now_seconds() - t;
        instrs += p.count;
        acc_program_free(&p);
    }
    printf("ResNet-18, all %d layers, configuration %s, planner double (%ld instructions):\n",
           net.count, cfg.name, instrs);
    printf("  timing model (model_run)   %8.3f ms for all layers  (%.1f ns per instruction)\n",
           t_model * 1e3, t_model * 1e9 / (double)instrs);
    printf("  baseline planner (double)  %8.3f ms for all layers\n", t_plan * 1e3);
    printf("  validator                  %8.3f ms for all layers\n", t_val * 1e3);
    acc_layer_list_free(&net);
    return 0;
}
