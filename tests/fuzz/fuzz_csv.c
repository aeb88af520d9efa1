/* fuzz_csv.c - the SCALE-Sim topology CSV reader (acc_layer_csv_parse,
 * core/catalog.h), with and without a name prefix.  Properties: a
 * rejection has a message; an accepted file gives at least one layer, each
 * with a name. */
#include "core/catalog.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    for (int prefixed = 0; prefixed < 2; prefixed++) {
        acc_layer_list list;
        acc_error err;
        err.msg[0] = '\0';
        if (acc_layer_csv_parse(text, "fuzz.csv", prefixed ? "net" : NULL, &list, &err) != 0) {
            FUZZ_CHECK(err.msg[0] != '\0', "rejected without a message");
            continue;
        }
        FUZZ_CHECK(list.count >= 0, "a negative layer count");
        for (int i = 0; i < list.count; i++)
            FUZZ_CHECK(list.items[i].name[0] != '\0', "layer %d has no name", i);
        acc_layer_list_free(&list);
    }
    free(text);
    return 0;
}
