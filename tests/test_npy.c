/* test_npy.c - the .npy writer and reader (cosim/npy.h): headers byte for
 * byte against the NumPy format specification (version 1.0), round trips
 * over shapes and both element types, and rejection of malformed images. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cosim/npy.h"

/* 58 spaces, counted in tens. */
#define SP10 "          "

/* The header of an int32 array of shape (2, 3), written out from the spec:
 * magic, version 1.0, HEADER_LEN = 118 (0x76) little-endian, the dict
 * (59 characters), 58 spaces and a newline: 10 + 59 + 58 + 1 = 128. */
static const char hdr_i32_2x3[] =
    "\x93NUMPY\x01\x00\x76\x00"
    "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }" SP10 SP10 SP10 SP10 SP10
    "        "
    "\n";

/* int8, shape (5,): the dict is 57 characters, 60 spaces follow. */
static const char hdr_i8_5[] =
    "\x93NUMPY\x01\x00\x76\x00"
    "{'descr': '|i1', 'fortran_order': False, 'shape': (5,), }" SP10 SP10 SP10 SP10 SP10 SP10 "\n";

/* int8, rank 0: the dict is 55 characters, 62 spaces follow. */
static const char hdr_i8_scalar[] =
    "\x93NUMPY\x01\x00\x76\x00"
    "{'descr': '|i1', 'fortran_order': False, 'shape': (), }" SP10 SP10 SP10 SP10 SP10 SP10 "  \n";

Test(npy, header_matches_the_numpy_specification_byte_for_byte)
{
    struct {
        cosim_npy_dtype t;
        int nd;
        uint64_t shape[2];
        const char *want;
        size_t len;
    } cases[] = {
        {COSIM_NPY_I32, 2, {2, 3}, hdr_i32_2x3, sizeof(hdr_i32_2x3) - 1},
        {COSIM_NPY_I8, 1, {5, 0}, hdr_i8_5, sizeof(hdr_i8_5) - 1},
        {COSIM_NPY_I8, 0, {0, 0}, hdr_i8_scalar, sizeof(hdr_i8_scalar) - 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(cases[i].len, 128, "case %zu: the hand-written header is %zu bytes", i,
                     cases[i].len);
        char buf[512];
        size_t n = cosim_npy_header(cases[i].t, cases[i].nd, cases[i].shape, buf, sizeof(buf));
        cr_assert_eq(n, cases[i].len, "case %zu: header length %zu, expected %zu", i, n,
                     cases[i].len);
        cr_assert(memcmp(buf, cases[i].want, n) == 0, "case %zu: header differs:\n%.*s", i,
                  (int)n - 10, buf + 10);
    }
}

Test(npy, header_length_is_a_multiple_of_64_at_every_rank)
{
    uint64_t shape[COSIM_NPY_MAX_DIMS];
    for (int nd = 0; nd <= COSIM_NPY_MAX_DIMS; nd++) {
        for (int i = 0; i < nd; i++)
            shape[i] = (uint64_t)1 << (i % 40);
        char buf[2048];
        size_t n = cosim_npy_header(COSIM_NPY_I32, nd, shape, buf, sizeof(buf));
        cr_assert(n > 0 && n % 64 == 0, "rank %d: header of %zu bytes", nd, n);
        cr_assert_eq(buf[n - 1], '\n', "rank %d: header does not end with a newline", nd);
        size_t hlen = (size_t)(unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8;
        cr_assert_eq(hlen + 10, n, "rank %d: HEADER_LEN %zu for a %zu-byte header", nd, hlen, n);
    }
}

Test(npy, header_that_does_not_fit_the_buffer_is_refused)
{
    uint64_t shape[2] = {2, 3};
    char buf[100];
    cr_assert_eq(cosim_npy_header(COSIM_NPY_I8, 2, shape, buf, sizeof(buf)), 0);
}

/* ---------------------------------------------------------------- round trips */

typedef struct rt_case {
    cosim_npy_dtype t;
    int nd;
    uint64_t shape[5];
} rt_case;

ParameterizedTestParameters(npy, saved_array_reads_back_identically)
{
    static rt_case cases[] = {
        {COSIM_NPY_I8, 0, {0}},        {COSIM_NPY_I8, 1, {7}},
        {COSIM_NPY_I8, 3, {3, 5, 4}},  {COSIM_NPY_I8, 4, {2, 3, 3, 8}},
        {COSIM_NPY_I8, 2, {0, 5}},     {COSIM_NPY_I32, 1, {1}},
        {COSIM_NPY_I32, 3, {4, 6, 7}}, {COSIM_NPY_I32, 5, {2, 1, 3, 1, 2}},
    };
    return cr_make_param_array(rt_case, cases, sizeof(cases) / sizeof(cases[0]));
}

static char *tmp_path(const char *stem)
{
    static char path[256];
    snprintf(path, sizeof(path), "/tmp/test_npy_%d_%s.npy", (int)getpid(), stem);
    return path;
}

ParameterizedTest(rt_case *c, npy, saved_array_reads_back_identically)
{
    uint64_t count = 1;
    for (int i = 0; i < c->nd; i++)
        count *= c->shape[i];
    size_t item = c->t == COSIM_NPY_I8 ? 1 : 4;
    void *data = malloc(count * item + 1);
    for (uint64_t i = 0; i < count; i++) {
        /* covers both extremes and sign changes */
        if (c->t == COSIM_NPY_I8)
            ((int8_t *)data)[i] = (int8_t)(i * 37 + 128);
        else
            ((int32_t *)data)[i] = (int32_t)(i % 3 == 0   ? INT32_MIN + (int32_t)i
                                             : i % 3 == 1 ? INT32_MAX - (int32_t)i
                                                          : -(int32_t)i * 65599);
    }
    char *path = tmp_path("rt");
    acc_error err;
    cr_assert_eq(cosim_npy_save(path, c->t, c->nd, c->shape, data, &err), 0, "%s", err.msg);
    cosim_npy a;
    cr_assert_eq(cosim_npy_load(path, &a, &err), 0, "%s", err.msg);
    remove(path);
    cr_assert_eq(a.dtype, c->t);
    cr_assert_eq(a.ndim, c->nd);
    for (int i = 0; i < c->nd; i++)
        cr_assert_eq(a.shape[i], c->shape[i], "dimension %d", i);
    cr_assert_eq(a.count, count);
    cr_assert(count == 0 || memcmp(a.data, data, count * item) == 0, "data differs");
    cosim_npy_free(&a);
    free(data);
}

Test(npy, int32_data_is_stored_little_endian)
{
    uint64_t shape[1] = {2};
    int32_t v[2] = {0x01020304, -2};
    char *path = tmp_path("le");
    acc_error err;
    cr_assert_eq(cosim_npy_save(path, COSIM_NPY_I32, 1, shape, v, &err), 0, "%s", err.msg);
    size_t len;
    char *buf = acc_read_file(path, &len, &err);
    remove(path);
    cr_assert_not_null(buf, "%s", err.msg);
    cr_assert_eq(len, 128 + 8);
    const unsigned char want[8] = {4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff};
    cr_assert(memcmp(buf + 128, want, 8) == 0);
    free(buf);
}

/* ---------------------------------------------------------------- reader */

/* Builds an image: magic, version, a header (padded to 64) and n data bytes. */
static size_t image(uint8_t *out, int major, const char *dict, size_t data_bytes)
{
    size_t pre = major == 1 ? 10 : 12;
    size_t dl = strlen(dict);
    size_t total = (pre + dl + 1 + 63) / 64 * 64;
    size_t hlen = total - pre;
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (uint8_t)major;
    out[7] = 0;
    out[8] = (uint8_t)hlen;
    out[9] = (uint8_t)(hlen >> 8);
    if (major != 1) {
        out[10] = 0;
        out[11] = 0;
    }
    memcpy(out + pre, dict, dl);
    memset(out + pre + dl, ' ', hlen - dl - 1);
    out[total - 1] = '\n';
    for (size_t i = 0; i < data_bytes; i++)
        out[total + i] = (uint8_t)(i + 1);
    return total + data_bytes;
}

Test(npy, reader_accepts_version_2_and_other_spellings)
{
    uint8_t buf[512];
    cosim_npy a;
    acc_error err;
    size_t n = image(buf, 2, "{'descr': '<i1', 'fortran_order': False, 'shape': (2, 2), }", 4);
    cr_assert_eq(cosim_npy_parse(buf, n, "v2.npy", &a, &err), 0, "%s", err.msg);
    cr_assert_eq(a.dtype, COSIM_NPY_I8);
    cr_assert_eq(((int8_t *)a.data)[3], 4);
    cosim_npy_free(&a);
    /* keys in another order, no trailing comma, Python 2 long */
    n = image(buf, 1, "{'shape': (3L,), 'fortran_order': False, 'descr': '<i4'}", 12);
    cr_assert_eq(cosim_npy_parse(buf, n, "order.npy", &a, &err), 0, "%s", err.msg);
    cr_assert_eq(a.dtype, COSIM_NPY_I32);
    cr_assert_eq(a.ndim, 1);
    cr_assert_eq(a.shape[0], 3);
    cr_assert_eq(((int32_t *)a.data)[0], 0x04030201);
    cosim_npy_free(&a);
}

typedef struct bad_case {
    char what[48];
    int major;
    char dict[128];
    size_t data;
    char expect[64];
} bad_case;

ParameterizedTestParameters(npy, malformed_image_is_rejected_naming_the_field)
{
    static bad_case cases[] = {
        {"float", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8,
         "field 'descr'"},
        {"big endian", 1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", 8,
         "big-endian"},
        {"fortran", 1, "{'descr': '|i1', 'fortran_order': True, 'shape': (2, 2), }", 4,
         "field 'fortran_order'"},
        {"no shape", 1, "{'descr': '|i1', 'fortran_order': False, }", 1, "field 'shape'"},
        {"no descr", 1, "{'fortran_order': False, 'shape': (1,), }", 1, "field 'descr'"},
        {"unknown key", 1, "{'descr': '|i1', 'fortran_order': False, 'shape': (1,), 'x': 1}", 1,
         "field 'x'"},
        {"short data", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 23,
         "field 'data'"},
        {"long data", 1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }", 7,
         "field 'data'"},
        {"one-tuple", 1, "{'descr': '|i1', 'fortran_order': False, 'shape': (5), }", 5,
         "field 'shape'"},
        {"negative", 1, "{'descr': '|i1', 'fortran_order': False, 'shape': (-1,), }", 0,
         "field 'shape'"},
        {"not a dict", 1, "['descr', '|i1']", 0, "field 'header'"},
        {"version 3", 3, "{'descr': '|i1', 'fortran_order': False, 'shape': (1,), }", 1,
         "field 'version'"},
        {"huge shape", 1,
         "{'descr': '<i4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0,
         "field 'shape'"},
    };
    return cr_make_param_array(bad_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(bad_case *c, npy, malformed_image_is_rejected_naming_the_field)
{
    uint8_t buf[512];
    size_t n = image(buf, c->major, c->dict, c->data);
    cosim_npy a;
    memset(&a, 0x5a, sizeof(a));
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(cosim_npy_parse(buf, n, "bad.npy", &a, &err), -1, "%s: accepted", c->what);
    cr_assert(strstr(err.msg, c->expect) != NULL, "%s: message '%s' lacks '%s'", c->what, err.msg,
              c->expect);
    cr_assert(strncmp(err.msg, "bad.npy: ", 9) == 0, "%s: message '%s' does not name the file",
              c->what, err.msg);
}

Test(npy, truncated_images_are_rejected_at_every_length)
{
    uint8_t buf[512];
    size_t n = image(buf, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", 8);
    for (size_t len = 0; len < n; len++) {
        cosim_npy a;
        acc_error err;
        cr_assert_eq(cosim_npy_parse(buf, len, "cut.npy", &a, &err), -1, "length %zu accepted",
                     len);
        cr_assert(strstr(err.msg, "cut.npy: field '") != NULL, "length %zu: '%s'", len, err.msg);
    }
}

Test(npy, missing_file_is_reported_with_its_path)
{
    cosim_npy a;
    acc_error err;
    cr_assert_eq(cosim_npy_load("/nonexistent/dir/x.npy", &a, &err), -1);
    cr_assert(strstr(err.msg, "/nonexistent/dir/x.npy") != NULL, "%s", err.msg);
}

Test(npy, file_without_the_magic_string_is_not_an_npy_file)
{
    uint8_t buf[512];
    size_t n = image(buf, 1, "{'descr': '|i1', 'fortran_order': False, 'shape': (1,), }", 1);
    buf[1] = 'n';
    cosim_npy a;
    acc_error err;
    cr_assert_eq(cosim_npy_parse(buf, n, "magic.npy", &a, &err), -1);
    cr_assert(strstr(err.msg, "field 'magic'") != NULL, "%s", err.msg);
}
