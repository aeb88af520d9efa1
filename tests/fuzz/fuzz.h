/* fuzz.h - what the libFuzzer targets of tests/fuzz/ share (make fuzz,
 * mk/fuzz.sh).  Each fuzz_<parser>.c defines LLVMFuzzerTestOneInput for one
 * input parser of the project: it must return without a crash, a sanitizer
 * report, a leak or a hang for any input, and the properties each target
 * states (a round trip, a message on every rejection) must hold; a broken
 * property aborts, which libFuzzer reports like a crash. */
#ifndef ACC_TESTS_FUZZ_H
#define ACC_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* libFuzzer's entry point: one input, data[0..size). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (a NUL inside ends it early, as it
 * does for text read from a file); the caller frees. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = acc_malloc(size + 1);
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Aborts with a message when a target's property does not hold. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz property failed: %s: ", #cond);                                  \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
