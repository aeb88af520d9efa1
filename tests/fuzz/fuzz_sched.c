/* fuzz_sched.c - the .sched assembler (acc_sched_parse, core/sched.h).
 * Properties: a rejection has a message; an accepted text, rendered again
 * by acc_sched_text and parsed, gives the same instructions (their binary
 * encodings are equal) and the same directives. */
#include "core/sched.h"
#include "tests/fuzz/fuzz.h"

/* Equal programs: the same count and the same 32-byte encodings. */
static int same_program(const acc_program *a, const acc_program *b)
{
    if (a->count != b->count)
        return 0;
    for (int i = 0; i < a->count; i++) {
        uint8_t x[ACC_INSTR_BYTES], y[ACC_INSTR_BYTES];
        acc_encode(&a->ins[i], x);
        acc_encode(&b->ins[i], y);
        if (memcmp(x, y, sizeof(x)) != 0)
            return 0;
    }
    return 1;
}

static int same_meta(const acc_sched_meta *a, const acc_sched_meta *b)
{
    return !strcmp(a->layer, b->layer) && !strcmp(a->config, b->config) &&
           !strcmp(a->planner, b->planner) && a->has_memmap == b->has_memmap &&
           (!a->has_memmap || !memcmp(&a->memmap, &b->memmap, sizeof(a->memmap)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    acc_program p, q;
    acc_sched_meta m, n;
    acc_error err;
    memset(&m, 0, sizeof(m));
    memset(&n, 0, sizeof(n));
    err.msg[0] = '\0';
    if (acc_sched_parse(text, "fuzz.sched", &p, &m, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "rejected without a message");
        free(text);
        return 0;
    }
    size_t len = 0;
    char *again = acc_sched_text(&p, &m, NULL, NULL, NULL, &len);
    FUZZ_CHECK(acc_sched_parse(again, "again.sched", &q, &n, &err) == 0,
               "the rendered text does not parse: %s\n%s", err.msg, again);
    FUZZ_CHECK(same_program(&p, &q), "the round trip changed the program:\n%s", again);
    FUZZ_CHECK(same_meta(&m, &n), "the round trip changed the directives:\n%s", again);
    acc_program_free(&p);
    acc_program_free(&q);
    free(again);
    free(text);
    return 0;
}
