/* test_regmap.c - cosim/regmap.h against the RTL it describes: every register
 * offset, the ID value, the ERR_CODE values and the AXI response codes
 * against the `define lines of rtl/acc_defs.svh (both ways: a register the
 * RTL has and the header lacks fails too), the CTRL start bit and the STATUS
 * bits against the assignments of rtl/acc_regs.sv.  The RTL folder is
 * $ACC_RTL_DIR, else rtl/ (make unit-test runs from the repository root). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "cosim/regmap.h"

/* ---------------------------------------------------------------- parsing */

/* A `define whose value is a sized literal (8'h0C, 3'd2, 2'b10). */
typedef struct sv_define {
    char name[64];
    uint64_t value;
} sv_define;

typedef struct sv_defines {
    sv_define d[256];
    int n;
} sv_defines;

/* The value of a sized literal such as 32'hACC00001; -1 when `s` is not one. */
static int sized_literal(const char *s, uint64_t *v)
{
    const char *q = strchr(s, '\'');
    if (!q || q == s || !isdigit((unsigned char)s[0]))
        return -1;
    int base = q[1] == 'h' ? 16 : q[1] == 'd' ? 10 : q[1] == 'b' ? 2 : 0;
    if (!base)
        return -1;
    char digits[64];
    size_t n = 0;
    for (const char *c = q + 2; *c && !isspace((unsigned char)*c) && n + 1 < sizeof(digits); c++)
        if (*c != '_')
            digits[n++] = *c;
    digits[n] = '\0';
    char *end = NULL;
    *v = strtoull(digits, &end, base);
    return n > 0 && *end == '\0' ? 0 : -1;
}

/* Every `define NAME <sized literal> of an .svh text; bit ranges, plain
 * numbers and guards are skipped. */
static void parse_defines(const char *text, sv_defines *out)
{
    out->n = 0;
    for (const char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char name[64], value[64];
        uint64_t v;
        if (sscanf(line, " `define %63s %63s", name, value) != 2 || sized_literal(value, &v) != 0)
            continue;
        cr_assert_lt(out->n, (int)(sizeof(out->d) / sizeof(out->d[0])), "too many defines");
        snprintf(out->d[out->n].name, sizeof(out->d[0].name), "%s", name);
        out->d[out->n].value = v;
        out->n++;
    }
}

static const sv_define *find_define(const sv_defines *sv, const char *name)
{
    for (int i = 0; i < sv->n; i++)
        if (!strcmp(sv->d[i].name, name))
            return &sv->d[i];
    return NULL;
}

/* Reads rtl/<file> (or $ACC_RTL_DIR/<file>); the caller frees. */
static char *read_rtl(const char *file)
{
    const char *dir = getenv("ACC_RTL_DIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "rtl", file);
    acc_error err;
    char *text = acc_read_file(path, NULL, &err);
    cr_assert_not_null(text, "%s (run from the repository root, or set ACC_RTL_DIR)", err.msg);
    return text;
}

static void load_defines(sv_defines *sv)
{
    char *text = read_rtl("acc_defs.svh");
    parse_defines(text, sv);
    free(text);
}

/* ---------------------------------------------------------------- the C side */

typedef struct c_value {
    const char *name;
    uint64_t value;
} c_value;

#define C_REG(name, offset) {"ACC_REG_" #name, ACC_REG_##name},
static const c_value c_regs[] = {ACC_REGMAP_REGS(C_REG)};
#undef C_REG
#define C_ERR(name, code) {"ACC_ERR_" #name, ACC_ERR_##name},
static const c_value c_errs[] = {ACC_REGMAP_ERRORS(C_ERR)};
#undef C_ERR
static const c_value c_resps[] = {{"ACC_RESP_OKAY", ACC_RESP_OKAY},
                                  {"ACC_RESP_SLVERR", ACC_RESP_SLVERR}};
static const c_value c_id[] = {{"ACC_ID_VALUE", ACC_ID_VALUE}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Counts the differences between n C values and the RTL's defines: a value
 * the RTL lacks or has with another value, and, with a prefix, a define of
 * the RTL with that prefix that the C side lacks.  The first difference is
 * described in msg. */
static int differences(const sv_defines *sv, const c_value *c, size_t n, const char *prefix,
                       char *msg, size_t size)
{
    int diffs = 0;
    msg[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const sv_define *d = find_define(sv, c[i].name);
        if (d && d->value == c[i].value)
            continue;
        if (!diffs++) {
            if (d)
                snprintf(msg, size, "%s is 0x%llx in cosim/regmap.h, 0x%llx in acc_defs.svh",
                         c[i].name, (unsigned long long)c[i].value, (unsigned long long)d->value);
            else
                snprintf(msg, size, "%s of cosim/regmap.h is not defined in acc_defs.svh",
                         c[i].name);
        }
    }
    for (int k = 0; prefix && k < sv->n; k++) {
        if (strncmp(sv->d[k].name, prefix, strlen(prefix)) != 0)
            continue;
        size_t i = 0;
        while (i < n && strcmp(c[i].name, sv->d[k].name) != 0)
            i++;
        if (i == n && !diffs++)
            snprintf(msg, size, "%s of acc_defs.svh is missing from cosim/regmap.h", sv->d[k].name);
    }
    return diffs;
}

/* The bit that `signal` occupies in the concatenation {..} on the line of
 * rtl/acc_regs.sv that starts with `label` (e.g. {29'd0, error_i, done_i,
 * busy_i}: busy_i is bit 0); -1 when there is no such line or signal. */
static int concat_bit(const char *text, const char *label, const char *signal)
{
    const char *at = strstr(text, label);
    if (!at)
        return -1;
    const char *eol = strchr(at, '\n');
    const char *open = strchr(at, '{'), *close = open ? strchr(open, '}') : NULL;
    if (!open || !close || (eol && close > eol))
        return -1;
    char list[256];
    size_t len = (size_t)(close - open - 1);
    if (len >= sizeof(list))
        return -1;
    memcpy(list, open + 1, len);
    list[len] = '\0';
    /* from the last element (bit 0) to the first */
    int bit = 0;
    for (;;) {
        char *comma = strrchr(list, ',');
        char *item = comma ? comma + 1 : list;
        while (isspace((unsigned char)*item))
            item++;
        size_t l = strlen(item);
        while (l > 0 && isspace((unsigned char)item[l - 1]))
            item[--l] = '\0';
        if (!strcmp(item, signal))
            return bit;
        bit += strchr(item, '\'') ? atoi(item) : 1;
        if (!comma)
            return -1;
        *comma = '\0';
    }
}

/* The N of `wdata_i[N]` in the assignment of `target` on a line of
 * rtl/acc_regs.sv that starts with `label`; -1 when there is none. */
static int written_bit(const char *text, const char *label, const char *target)
{
    for (const char *at = strstr(text, label); at; at = strstr(at + 1, label)) {
        const char *eol = strchr(at, '\n');
        const char *t = strstr(at, target);
        const char *w = t ? strstr(t, "wdata_i[") : NULL;
        if (!w || (eol && w > eol))
            continue;
        return atoi(w + strlen("wdata_i["));
    }
    return -1;
}

/* ---------------------------------------------------------------- tests */

/* Fails the test when the n C values differ from rtl/acc_defs.svh (see
 * differences()). */
static void expect_rtl_values(const c_value *c, size_t n, const char *prefix)
{
    sv_defines sv;
    load_defines(&sv);
    char msg[256];
    int diffs = differences(&sv, c, n, prefix, msg, sizeof(msg));
    cr_assert_eq(diffs, 0, "differences: %d; first: %s", diffs, msg);
}

Test(regmap, every_register_offset_equals_the_rtl_define)
{
    expect_rtl_values(c_regs, COUNT(c_regs), "ACC_REG_");
}

Test(regmap, the_id_value_equals_the_rtl_define)
{
    expect_rtl_values(c_id, COUNT(c_id), NULL);
}

Test(regmap, every_error_code_equals_the_rtl_define)
{
    expect_rtl_values(c_errs, COUNT(c_errs), "ACC_ERR_");
}

Test(regmap, the_response_codes_equal_the_rtl_defines)
{
    expect_rtl_values(c_resps, COUNT(c_resps), "ACC_RESP_");
}

Test(regmap, the_status_bits_are_where_acc_regs_puts_them)
{
    static const struct {
        const char *signal;
        unsigned mask;
    } bits[] = {
        {"busy_i", ACC_STATUS_BUSY}, {"done_i", ACC_STATUS_DONE}, {"error_i", ACC_STATUS_ERROR}};
    int found[COUNT(bits)];
    char *text = read_rtl("acc_regs.sv");
    for (size_t i = 0; i < COUNT(bits); i++)
        found[i] = concat_bit(text, "`ACC_REG_STATUS:", bits[i].signal);
    free(text);
    for (size_t i = 0; i < COUNT(bits); i++) {
        cr_assert_geq(found[i], 0, "no %s in the STATUS line of acc_regs.sv", bits[i].signal);
        cr_assert_eq(1u << found[i], bits[i].mask,
                     "%s is STATUS bit %d in acc_regs.sv, mask 0x%x in cosim/regmap.h",
                     bits[i].signal, found[i], bits[i].mask);
    }
}

Test(regmap, the_start_bit_is_the_ctrl_bit_acc_regs_reads)
{
    char *text = read_rtl("acc_regs.sv");
    int bit = written_bit(text, "`ACC_REG_CTRL:", "start_o");
    free(text);
    cr_assert_geq(bit, 0, "no start_o = ... wdata_i[N] on a CTRL line of acc_regs.sv");
    cr_assert_eq(1u << bit, ACC_CTRL_START,
                 "start is CTRL bit %d in acc_regs.sv, not ACC_CTRL_START", bit);
}

/* The checks above can fail: the same comparison on an acc_defs.svh with one
 * offset changed, one register removed and one added finds all three. */
Test(regmap, a_changed_removed_or_added_rtl_register_is_reported)
{
    char *text = read_rtl("acc_defs.svh");
    char *busy = strstr(text, "`define ACC_REG_BUSY_ST");
    cr_assert_not_null(busy);
    char *lit = strstr(busy, "8'h28");
    cr_assert_not_null(lit, "ACC_REG_BUSY_ST is not 8'h28 in acc_defs.svh");
    lit[4] = '9'; /* 8'h29 */
    char *id = strstr(text, "`define ACC_REG_HWCFG");
    cr_assert_not_null(id);
    memcpy(id + strlen("`define ACC_REG_"), "XXXXX", 5); /* ACC_REG_XXXXX: HWCFG gone, one added */
    sv_defines sv;
    parse_defines(text, &sv);
    free(text);
    char msg[256];
    int n = differences(&sv, c_regs, COUNT(c_regs), "ACC_REG_", msg, sizeof(msg));
    cr_assert_eq(n, 3, "%d differences, expected 3; first: %s", n, msg);
    cr_assert(strstr(msg, "ACC_REG_BUSY_ST is 0x28 in cosim/regmap.h, 0x29 in acc_defs.svh"), "%s",
              msg);
}

Test(regmap, the_parser_reads_hex_decimal_and_binary_literals)
{
    sv_defines sv;
    parse_defines("`define A 8'h3C\n`define B 3'd5  // five\n  `define C 2'b10\n"
                  "`define F 143:132\n`define G 24\n`ifndef X\n",
                  &sv);
    cr_assert_eq(sv.n, 3);
    cr_assert_eq(find_define(&sv, "A")->value, 0x3c);
    cr_assert_eq(find_define(&sv, "B")->value, 5);
    cr_assert_eq(find_define(&sv, "C")->value, 2);
    cr_assert_null(find_define(&sv, "F"));
}
