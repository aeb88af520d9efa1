/* fuzz_ini.c - the accelerator configuration reader (acc_config_parse,
 * core/config.h: INI through libinih).  Properties: a rejection has a
 * message; an accepted configuration passes acc_config_derive again
 * unchanged (its derived fields are consistent). */
#include "core/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    acc_config c;
    acc_error err;
    err.msg[0] = '\0';
    if (acc_config_parse(text, "fuzz.ini", &c, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "rejected without a message");
    } else {
        acc_config d = c;
        FUZZ_CHECK(acc_config_derive(&d, &err) == 0, "accepted, then rejected: %s", err.msg);
        FUZZ_CHECK(!memcmp(&c, &d, sizeof(c)), "deriving again changed the configuration");
    }
    free(text);
    return 0;
}
