/* fuzz_bin.c - the binary program decoder (acc_program_decode,
 * core/isa.h): the instruction stream the accelerator fetches.  Properties:
 * a rejection has a message; every accepted instruction passes
 * acc_instr_check, and encoding the program gives back the input bytes
 * (one encoding per instruction: reserved bits and flags must be zero). */
#include "core/isa.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    acc_program p;
    acc_error err;
    err.msg[0] = '\0';
    if (acc_program_decode(data, size, "fuzz.bin", &p, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "rejected without a message");
        return 0;
    }
    for (int i = 0; i < p.count; i++)
        FUZZ_CHECK(acc_instr_check(&p.ins[i], &err) == 0, "instruction %d: %s", i, err.msg);
    size_t len = 0;
    uint8_t *again = acc_program_encode(&p, &len);
    FUZZ_CHECK(len == size && (size == 0 || !memcmp(again, data, size)),
               "encoding the decoded program changed the bytes");
    free(again);
    acc_program_free(&p);
    return 0;
}
