/* fuzz_npy.c - the NumPy .npy reader (cosim_npy_parse, cosim/npy.h).
 * Properties: a rejection has a message; an accepted array, written again
 * with cosim_npy_header and its data, parses to the same type, shape and
 * data. */
#include "cosim/npy.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cosim_npy a, b;
    acc_error err;
    err.msg[0] = '\0';
    if (cosim_npy_parse(data, size, "fuzz.npy", &a, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "rejected without a message");
        return 0;
    }
    char head[512];
    size_t hlen = cosim_npy_header(a.dtype, a.ndim, a.shape, head, sizeof(head));
    FUZZ_CHECK(hlen > 0, "no header for an accepted array of rank %d", a.ndim);
    size_t dlen = (size_t)a.count * (size_t)a.dtype;
    uint8_t *img = acc_malloc(hlen + dlen + 1);
    memcpy(img, head, hlen);
    if (dlen)
        memcpy(img + hlen, a.data, dlen);
    FUZZ_CHECK(cosim_npy_parse(img, hlen + dlen, "again.npy", &b, &err) == 0,
               "the array written again does not parse: %s", err.msg);
    FUZZ_CHECK(a.dtype == b.dtype && a.ndim == b.ndim && a.count == b.count &&
                   !memcmp(a.shape, b.shape, sizeof(a.shape[0]) * (size_t)a.ndim) &&
                   (dlen == 0 || !memcmp(a.data, b.data, dlen)),
               "the round trip changed the array");
    cosim_npy_free(&a);
    cosim_npy_free(&b);
    free(img);
    return 0;
}
