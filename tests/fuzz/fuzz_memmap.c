/* fuzz_memmap.c - the .memmap directive of the .sched format (its fields
 * x=, w=, y=, prog=, end=; core/sched.c).  The input is the directive's
 * argument: the target parses ".memmap <input>\nend\n".  Properties: a
 * rejection has a message; an accepted map is rendered and parsed back to
 * the same map. */
#include "core/sched.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *arg = fuzz_text(data, size);
    size_t n = strlen(arg);
    char *text = acc_malloc(n + 16);
    memcpy(text, ".memmap ", 8);
    memcpy(text + 8, arg, n);
    memcpy(text + 8 + n, "\nend\n", 6);
    acc_program p, q;
    acc_sched_meta m, again_meta;
    acc_error err;
    memset(&m, 0, sizeof(m));
    memset(&again_meta, 0, sizeof(again_meta));
    err.msg[0] = '\0';
    if (acc_sched_parse(text, "fuzz.sched", &p, &m, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "rejected without a message");
    } else {
        size_t len = 0;
        char *again = acc_sched_text(&p, &m, NULL, NULL, NULL, &len);
        FUZZ_CHECK(acc_sched_parse(again, "again.sched", &q, &again_meta, &err) == 0,
                   "the rendered text does not parse: %s\n%s", err.msg, again);
        FUZZ_CHECK(m.has_memmap == again_meta.has_memmap &&
                       (!m.has_memmap || !memcmp(&m.memmap, &again_meta.memmap, sizeof(m.memmap))),
                   "the round trip changed the map:\n%s", again);
        acc_program_free(&p);
        acc_program_free(&q);
        free(again);
    }
    free(text);
    free(arg);
    return 0;
}
