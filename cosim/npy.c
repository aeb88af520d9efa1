/* npy.c - NumPy .npy writer and reader for int8 and int32 arrays (npy.h). */
#include "cosim/npy.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

void cosim_npy_free(cosim_npy *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof(*a));
}

char *cosim_npy_shape_str(int ndim, const uint64_t *shape, char *buf, size_t size)
{
    ACC_REQUIRE(buf && size > 0);
    size_t n = 0;
    n += (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < ndim && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%" PRIu64, i ? ", " : "", shape[i]);
    if (n < size)
        snprintf(buf + n, size - n, "]");
    return buf;
}

/* The dict literal, exactly as NumPy writes it (keys sorted, Python reprs). */
static size_t header_dict(cosim_npy_dtype dtype, int ndim, const uint64_t *shape, char *buf,
                          size_t size)
{
    size_t n = 0;
    int w = snprintf(buf, size, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     dtype == COSIM_NPY_I8 ? "|i1" : "<i4");
    if (w < 0 || (size_t)w >= size)
        return 0;
    n = (size_t)w;
    for (int i = 0; i < ndim; i++) {
        w = snprintf(buf + n, size - n, "%s%" PRIu64, i ? ", " : "", shape[i]);
        if (w < 0 || (size_t)w >= size - n)
            return 0;
        n += (size_t)w;
    }
    w = snprintf(buf + n, size - n, "%s), }", ndim == 1 ? "," : "");
    if (w < 0 || (size_t)w >= size - n)
        return 0;
    return n + (size_t)w;
}

size_t cosim_npy_header(cosim_npy_dtype dtype, int ndim, const uint64_t *shape, char *buf,
                        size_t size)
{
    ACC_REQUIRE(dtype == COSIM_NPY_I8 || dtype == COSIM_NPY_I32);
    ACC_REQUIRE(ndim >= 0 && ndim <= COSIM_NPY_MAX_DIMS);
    ACC_REQUIRE(buf && (shape || ndim == 0));
    if (size < 10)
        return 0;
    size_t dict = header_dict(dtype, ndim, shape, buf + 10, size - 10);
    if (dict == 0)
        return 0;
    /* 10 bytes of preamble + dict + spaces + '\n' is a multiple of 64 */
    size_t total = acc_align_up(10 + dict + 1, 64);
    if (total > size || total - 10 > 0xffff)
        return 0;
    memset(buf + 10 + dict, ' ', total - 10 - dict - 1);
    buf[total - 1] = '\n';
    memcpy(buf, npy_magic, 6);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (char)((total - 10) & 0xff);
    buf[9] = (char)((total - 10) >> 8);
    return total;
}

int cosim_npy_save(const char *path, cosim_npy_dtype dtype, int ndim, const uint64_t *shape,
                   const void *data, acc_error *err)
{
    ACC_REQUIRE(path && (data || ndim > 0));
    char head[1024];
    size_t hlen = cosim_npy_header(dtype, ndim, shape, head, sizeof(head));
    if (hlen == 0)
        return acc_fail(err, "%s: field 'shape': header too long", path);
    uint64_t count = 1;
    for (int i = 0; i < ndim; i++)
        count *= shape[i];
    size_t item = (size_t)dtype;
    size_t len = hlen + (size_t)count * item;
    uint8_t *buf = acc_malloc(len);
    memcpy(buf, head, hlen);
    if (dtype == COSIM_NPY_I8) {
        memcpy(buf + hlen, data, (size_t)count);
    } else {
        const int32_t *v = data;
        uint8_t *o = buf + hlen;
        for (uint64_t i = 0; i < count; i++) {
            uint32_t u = (uint32_t)v[i];
            o[4 * i + 0] = (uint8_t)u;
            o[4 * i + 1] = (uint8_t)(u >> 8);
            o[4 * i + 2] = (uint8_t)(u >> 16);
            o[4 * i + 3] = (uint8_t)(u >> 24);
        }
    }
    int rc = acc_write_file(path, buf, len, err);
    free(buf);
    return rc;
}

/* ---------------------------------------------------------------- reader */

/* A cursor over the header dict. */
typedef struct dict_cursor {
    const char *s, *end;
    const char *start;
    const char *path;
} dict_cursor;

static void skip_ws(dict_cursor *c)
{
    while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
        c->s++;
}

static int expect_char(dict_cursor *c, char ch, const char *field, acc_error *err)
{
    skip_ws(c);
    if (c->s >= c->end || *c->s != ch)
        return acc_fail(err, "%s: field '%s': expected '%c' at header offset %td", c->path, field,
                        ch, c->s - c->start);
    c->s++;
    return 0;
}

/* A Python string literal in single or double quotes, no escapes. */
static int parse_string(dict_cursor *c, char *out, size_t size, const char *field, acc_error *err)
{
    ACC_REQUIRE(size > 0);
    out[0] = '\0';
    skip_ws(c);
    if (c->s >= c->end || (*c->s != '\'' && *c->s != '"'))
        return acc_fail(err, "%s: field '%s': expected a quoted string", c->path, field);
    char q = *c->s++;
    size_t n = 0;
    while (c->s < c->end && *c->s != q) {
        if (*c->s == '\\' || n + 1 >= size)
            return acc_fail(err, "%s: field '%s': unsupported or too long string", c->path, field);
        out[n++] = *c->s++;
    }
    if (c->s >= c->end)
        return acc_fail(err, "%s: field '%s': unterminated string", c->path, field);
    c->s++;
    out[n] = '\0';
    return 0;
}

static int parse_shape(dict_cursor *c, cosim_npy *a, acc_error *err)
{
    if (expect_char(c, '(', "shape", err))
        return -1;
    a->ndim = 0;
    for (;;) {
        skip_ws(c);
        if (c->s < c->end && *c->s == ')') {
            c->s++;
            return 0;
        }
        if (c->s >= c->end || !isdigit((unsigned char)*c->s))
            return acc_fail(err, "%s: field 'shape': expected a tuple of non-negative integers",
                            c->path);
        uint64_t v = 0;
        while (c->s < c->end && isdigit((unsigned char)*c->s)) {
            unsigned d = (unsigned)(*c->s++ - '0');
            if (v > (UINT64_MAX - d) / 10)
                return acc_fail(err, "%s: field 'shape': dimension too large", c->path);
            v = v * 10 + d;
        }
        if (c->s < c->end && *c->s == 'L') /* Python 2 long literal */
            c->s++;
        if (a->ndim >= COSIM_NPY_MAX_DIMS)
            return acc_fail(err, "%s: field 'shape': more than %d dimensions", c->path,
                            COSIM_NPY_MAX_DIMS);
        a->shape[a->ndim++] = v;
        skip_ws(c);
        if (c->s < c->end && *c->s == ',') {
            c->s++;
            continue;
        }
        if (c->s < c->end && *c->s == ')') {
            if (a->ndim == 1)
                return acc_fail(err,
                                "%s: field 'shape': a one-element tuple needs a trailing "
                                "comma, as in (5,)",
                                c->path);
            c->s++;
            return 0;
        }
        return acc_fail(err, "%s: field 'shape': expected ',' or ')'", c->path);
    }
}

static int parse_descr(const char *path, const char *d, cosim_npy_dtype *out, acc_error *err)
{
    if (!strcmp(d, "|i1") || !strcmp(d, "<i1") || !strcmp(d, "=i1") || !strcmp(d, "i1")) {
        *out = COSIM_NPY_I8;
        return 0;
    }
    if (!strcmp(d, "<i4")) {
        *out = COSIM_NPY_I32;
        return 0;
    }
    if (d[0] == '>')
        return acc_fail(err,
                        "%s: field 'descr': '%s' is big-endian; only little-endian int8 "
                        "('|i1') and int32 ('<i4') are read",
                        path, d);
    return acc_fail(err, "%s: field 'descr': '%s' is not int8 ('|i1') or int32 ('<i4')", path, d);
}

/* Parses the dict into a (dtype, shape); returns 0 or -1. */
static int parse_dict(dict_cursor *c, cosim_npy *a, acc_error *err)
{
    int have_descr = 0, have_fortran = 0, have_shape = 0;
    if (expect_char(c, '{', "header", err))
        return -1;
    for (;;) {
        skip_ws(c);
        if (c->s < c->end && *c->s == '}') {
            c->s++;
            break;
        }
        char key[32];
        if (parse_string(c, key, sizeof(key), "header", err))
            return -1;
        if (expect_char(c, ':', key, err))
            return -1;
        if (!strcmp(key, "descr")) {
            char d[32];
            if (have_descr++)
                return acc_fail(err, "%s: field 'descr': given twice", c->path);
            if (parse_string(c, d, sizeof(d), "descr", err) ||
                parse_descr(c->path, d, &a->dtype, err))
                return -1;
        } else if (!strcmp(key, "fortran_order")) {
            if (have_fortran++)
                return acc_fail(err, "%s: field 'fortran_order': given twice", c->path);
            skip_ws(c);
            size_t left = (size_t)(c->end - c->s);
            if (left >= 5 && !memcmp(c->s, "False", 5)) {
                c->s += 5;
            } else if (left >= 4 && !memcmp(c->s, "True", 4)) {
                return acc_fail(err,
                                "%s: field 'fortran_order': True is not supported; save "
                                "the array in C order",
                                c->path);
            } else {
                return acc_fail(err, "%s: field 'fortran_order': expected True or False", c->path);
            }
        } else if (!strcmp(key, "shape")) {
            if (have_shape++)
                return acc_fail(err, "%s: field 'shape': given twice", c->path);
            if (parse_shape(c, a, err))
                return -1;
        } else {
            return acc_fail(err, "%s: field '%s': unknown key in the header dict", c->path, key);
        }
        skip_ws(c);
        if (c->s < c->end && *c->s == ',') {
            c->s++;
            continue;
        }
        if (c->s < c->end && *c->s == '}') {
            c->s++;
            break;
        }
        return acc_fail(err, "%s: field 'header': expected ',' or '}' after key '%s'", c->path,
                        key);
    }
    skip_ws(c);
    if (c->s != c->end)
        return acc_fail(err, "%s: field 'header': unexpected text after the dict", c->path);
    if (!have_descr)
        return acc_fail(err, "%s: field 'descr': missing from the header", c->path);
    if (!have_fortran)
        return acc_fail(err, "%s: field 'fortran_order': missing from the header", c->path);
    if (!have_shape)
        return acc_fail(err, "%s: field 'shape': missing from the header", c->path);
    return 0;
}

int cosim_npy_parse(const uint8_t *buf, size_t len, const char *path, cosim_npy *out,
                    acc_error *err)
{
    ACC_REQUIRE(buf || len == 0);
    ACC_REQUIRE(path && out);
    if (len < 10 || memcmp(buf, npy_magic, 6) != 0)
        return acc_fail(err,
                        "%s: field 'magic': not a NumPy .npy file (it must start with "
                        "\\x93NUMPY)",
                        path);
    int major = buf[6], minor = buf[7];
    size_t hstart, hlen;
    if (major == 1 && minor == 0) {
        hstart = 10;
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
    } else if (major == 2 && minor == 0) {
        if (len < 12)
            return acc_fail(err, "%s: field 'header_len': file too short", path);
        hstart = 12;
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
    } else {
        return acc_fail(err,
                        "%s: field 'version': .npy format %d.%d is not supported (1.0 and "
                        "2.0 are)",
                        path, major, minor);
    }
    if (hlen > len - hstart)
        return acc_fail(err,
                        "%s: field 'header_len': a header of %zu bytes runs past the end "
                        "of the file (%zu bytes)",
                        path, hlen, len);
    for (size_t i = 0; i < hlen; i++) {
        unsigned char ch = buf[hstart + i];
        if (ch >= 0x80 || (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r'))
            return acc_fail(err, "%s: field 'header': byte %zu is not printable ASCII", path,
                            hstart + i);
    }
    cosim_npy a;
    memset(&a, 0, sizeof(a));
    const char *h = (const char *)buf + hstart;
    dict_cursor c = {h, h + hlen, h, path};
    if (parse_dict(&c, &a, err))
        return -1;
    uint64_t count = 1;
    for (int i = 0; i < a.ndim; i++) {
        if (a.shape[i] != 0 && count > UINT64_MAX / a.shape[i])
            return acc_fail(err, "%s: field 'shape': too many elements", path);
        count *= a.shape[i];
    }
    if (a.dtype != COSIM_NPY_I8 && a.dtype != COSIM_NPY_I32)
        return acc_fail(err, "%s: field 'descr': missing from the header dict", path);
    size_t item = (size_t)a.dtype;
    size_t have = len - hstart - hlen;
    if (count > (uint64_t)SIZE_MAX / item || (uint64_t)have != count * item) {
        char sh[256];
        return acc_fail(err,
                        "%s: field 'data': shape %s of %zu-byte items needs %" PRIu64
                        " data bytes, the file has %zu",
                        path, cosim_npy_shape_str(a.ndim, a.shape, sh, sizeof(sh)), item,
                        count * item, have);
    }
    const uint8_t *d = buf + hstart + hlen;
    a.count = count;
    if (a.dtype == COSIM_NPY_I8) {
        a.data = acc_malloc((size_t)count);
        memcpy(a.data, d, (size_t)count);
    } else {
        int32_t *v = acc_malloc((size_t)count * 4);
        for (uint64_t i = 0; i < count; i++)
            v[i] = (int32_t)((uint32_t)d[4 * i] | (uint32_t)d[4 * i + 1] << 8 |
                             (uint32_t)d[4 * i + 2] << 16 | (uint32_t)d[4 * i + 3] << 24);
        a.data = v;
    }
    *out = a;
    return 0;
}

int cosim_npy_load(const char *path, cosim_npy *out, acc_error *err)
{
    size_t len = 0;
    char *buf = acc_read_file_max(path, COSIM_NPY_FILE_MAX, &len, err);
    if (!buf)
        return -1;
    int rc = cosim_npy_parse((const uint8_t *)buf, len, path, out, err);
    free(buf);
    return rc;
}
