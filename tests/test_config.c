/* test_config.c - accelerator configurations (docs/config.md): the shipped
 * files, defaults, derived values, and every error naming file, line and key. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

/* ------------------------------------------------------------ shipped */

/* Parameters are copied into the test process: no pointers. */
typedef struct shipped {
    char name[16];
    int rows, cols;
    uint32_t bytes;
    int banks, data_bits, lr, lw;
    int axi_bytes, line_bytes, fetch_depth; /* derived, by hand */
} shipped;

/* The table of docs/config.md, file by file. */
static const shipped shipped_table[] = {
    /* fetch_depth: smallest power of two >= max(4, Lr + 2) */
    {"default", 16, 16, 65536, 8, 64, 20, 20, 8, 16, 32},
    {"small", 4, 4, 4096, 8, 64, 10, 10, 8, 4, 16},
    {"large", 32, 32, 524288, 8, 128, 30, 30, 16, 32, 32},
    {"wide", 3, 16, 4096, 2, 32, 1, 1, 4, 16, 4},
    {"tall", 8, 4, 8192, 32, 128, 40, 33, 16, 8, 64},
};
#define SHIPPED_COUNT (sizeof(shipped_table) / sizeof(shipped_table[0]))

ParameterizedTestParameters(config, shipped_configurations_load_with_their_documented_values)
{
    static shipped params[SHIPPED_COUNT];
    memcpy(params, shipped_table, sizeof(params));
    return cr_make_param_array(shipped, params, SHIPPED_COUNT);
}

Test(config, every_file_under_configs_is_in_the_documented_table)
{
    DIR *d = opendir(acc_config_dir());
    cr_assert_not_null(d, "cannot open %s", acc_config_dir());
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0)
            continue;
        files++;
        int found = 0;
        for (size_t i = 0; i < SHIPPED_COUNT; i++)
            found |= strlen(shipped_table[i].name) == n - 4 &&
                     strncmp(shipped_table[i].name, e->d_name, n - 4) == 0;
        cr_assert(found, "%s/%s is not in this test's table (nor, probably, docs/config.md's)",
                  acc_config_dir(), e->d_name);
    }
    closedir(d);
    cr_assert_eq(files, (int)SHIPPED_COUNT, "%d files for %d table rows", files,
                 (int)SHIPPED_COUNT);
}

/* Issue 9: the shipped configurations break the symmetries a square array
 * with one bus width and one latency would hide: non-square both ways, the
 * narrowest bus and a 128-bit one, the fewest and the most banks, the
 * fastest memory and a slow one, read and write latencies apart. */
Test(config, shipped_configurations_break_the_symmetries)
{
    int taller = 0, wider = 0, bus32 = 0, bus128 = 0, banks2 = 0, banks32 = 0, lat1 = 0, lat40 = 0,
        lat_apart = 0;
    for (size_t i = 0; i < SHIPPED_COUNT; i++) {
        acc_config c;
        acc_error err;
        cr_assert_eq(acc_config_load(shipped_table[i].name, &c, &err), 0, "%s", err.msg);
        taller |= c.rows > c.cols;
        wider |= c.rows < c.cols;
        bus32 |= c.axi_data_bits == 32;
        bus128 |= c.axi_data_bits == 128;
        banks2 |= c.spad_banks == 2;
        banks32 |= c.spad_banks == 32;
        lat1 |= c.read_latency == 1 && c.write_latency == 1;
        lat40 |= c.read_latency >= 40;
        lat_apart |= c.read_latency != c.write_latency;
    }
    cr_assert(taller && wider, "non-square: taller %d, wider %d", taller, wider);
    cr_assert(bus32 && bus128, "bus widths: 32-bit %d, 128-bit %d", bus32, bus128);
    cr_assert(banks2 && banks32, "banks: 2 %d, 32 %d", banks2, banks32);
    cr_assert(lat1 && lat40 && lat_apart, "latencies: 1 %d, >= 40 %d, read != write %d", lat1,
              lat40, lat_apart);
}

ParameterizedTest(shipped *s, config, shipped_configurations_load_with_their_documented_values)
{
    acc_config c;
    acc_error err;
    cr_assert_eq(acc_config_load(s->name, &c, &err), 0, "%s: %s", s->name, err.msg);
    cr_assert_str_eq(c.name, s->name, "name '%s'", c.name);
    cr_assert_eq(c.rows, s->rows, "%s rows %d", s->name, c.rows);
    cr_assert_eq(c.cols, s->cols, "%s cols %d", s->name, c.cols);
    cr_assert_eq(c.spad_bytes, s->bytes, "%s bytes %u", s->name, c.spad_bytes);
    cr_assert_eq(c.spad_banks, s->banks, "%s banks %d", s->name, c.spad_banks);
    cr_assert_eq(c.axi_data_bits, s->data_bits, "%s data_bits %d", s->name, c.axi_data_bits);
    cr_assert_eq(c.read_latency, s->lr, "%s read_latency %d", s->name, c.read_latency);
    cr_assert_eq(c.write_latency, s->lw, "%s write_latency %d", s->name, c.write_latency);
    cr_assert_eq(c.axi_bytes, s->axi_bytes, "%s axi_bytes %d", s->name, c.axi_bytes);
    cr_assert_eq(c.line_bytes, s->line_bytes, "%s line_bytes %d", s->name, c.line_bytes);
    cr_assert_eq(c.fetch_depth, s->fetch_depth, "%s fetch_depth %d", s->name, c.fetch_depth);

    /* by path as well as by name, with the same result */
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.ini", acc_config_dir(), s->name);
    acc_config byp;
    cr_assert_eq(acc_config_load(path, &byp, &err), 0, "%s", err.msg);
    cr_assert(memcmp(&byp, &c, sizeof(c)) == 0, "%s loads differently by path", path);
}

/* ------------------------------------------------------------ defaults */

static void parse_ok(const char *text, acc_config *c)
{
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(acc_config_parse(text, "configs/t.ini", c, &err), 0, "rejected: %s\n%s", err.msg,
                 text);
}

Test(config, missing_keys_take_the_default_values)
{
    acc_config c;
    parse_ok("", &c);
    cr_assert_str_eq(c.name, "t", "name is the file stem, got '%s'", c.name);
    cr_assert(c.rows == 16 && c.cols == 16, "array %dx%d", c.rows, c.cols);
    cr_assert(c.spad_bytes == 65536 && c.spad_banks == 8, "scratchpad %u/%d", c.spad_bytes,
              c.spad_banks);
    cr_assert_eq(c.axi_data_bits, 64, "data_bits %d", c.axi_data_bits);
    cr_assert(c.read_latency == 20 && c.write_latency == 20, "latency %d/%d", c.read_latency,
              c.write_latency);

    parse_ok("[array]\nrows = 8\n[memory]\nwrite_latency = 3\n", &c);
    cr_assert(c.rows == 8 && c.cols == 16, "array %dx%d", c.rows, c.cols);
    cr_assert(c.read_latency == 20 && c.write_latency == 3, "latency %d/%d", c.read_latency,
              c.write_latency);
}

Test(config, syntax_variants_are_accepted)
{
    acc_config c;
    parse_ok("# hash comment\n"
             "; semicolon comment\n"
             "  [array]  \r\n"
             "    rows=0x20   ; hex, no blanks, indented\r\n"
             "\tcols : 8 # colon form, hash comment after the value\n"
             "[scratchpad]\n"
             "bytes = 1048576\n"
             "banks = 32\n"
             "[axi]\n"
             "data_bits = 512\n"
             "[memory]\n"
             "read_latency = 255\n"
             "write_latency = 1",
             &c);
    cr_assert(c.rows == 32 && c.cols == 8, "array %dx%d", c.rows, c.cols);
    cr_assert(c.spad_bytes == 1048576 && c.spad_banks == 32, "scratchpad");
    cr_assert(c.axi_data_bits == 512 && c.axi_bytes == 64, "bus");
    cr_assert(c.read_latency == 255 && c.write_latency == 1, "latency");
    cr_assert_eq(c.line_bytes, 32, "line_bytes %d", c.line_bytes);
    cr_assert_eq(c.fetch_depth, 512, "fetch_depth %d (Lr + 2 = 257)", c.fetch_depth);
}

Test(config, the_section_order_does_not_matter_and_sections_may_repeat)
{
    acc_config c;
    parse_ok("[memory]\nread_latency = 5\n[array]\nrows = 4\n[memory]\nwrite_latency = 6\n", &c);
    cr_assert(c.read_latency == 5 && c.write_latency == 6 && c.rows == 4, "values");
}

/* ------------------------------------------------------------ derived */

typedef struct derive_case {
    int rows, cols, lr;
    int line_bytes, fetch_depth; /* by hand */
} derive_case;

Test(config, derived_values_follow_the_documented_rules)
{
    static const derive_case cases[] = {
        {1, 1, 1, 1, 4},        {1, 1, 2, 1, 4},       {2, 1, 3, 2, 8},
        {3, 3, 6, 4, 8},        {5, 3, 7, 8, 16},      {3, 9, 14, 16, 16},
        {16, 16, 15, 16, 32},   {17, 2, 30, 32, 32},   {64, 64, 126, 64, 128},
        {33, 64, 127, 64, 256}, {8, 64, 254, 64, 256}, {1, 64, 255, 64, 512},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const derive_case *d = &cases[i];
        acc_config c;
        memset(&c, 0, sizeof(c));
        strcpy(c.name, "hand");
        c.rows = d->rows;
        c.cols = d->cols;
        c.spad_bytes = 1 << 20;
        c.spad_banks = 32;
        c.axi_data_bits = 256; /* 32 bytes: fits the port 31*line_bytes+1 */
        c.read_latency = d->lr;
        c.write_latency = 1;
        acc_error err;
        cr_assert_eq(acc_config_derive(&c, &err), 0, "case %zu: %s", i, err.msg);
        cr_assert_eq(c.line_bytes, d->line_bytes, "case %zu: line_bytes %d", i, c.line_bytes);
        cr_assert_eq(c.fetch_depth, d->fetch_depth, "case %zu: fetch_depth %d", i, c.fetch_depth);
        cr_assert_eq(c.axi_bytes, c.axi_data_bits / 8, "case %zu: axi_bytes", i);
    }
}

Test(config, derive_names_the_key_responsible)
{
    acc_config c;
    parse_ok("", &c);
    acc_error err;
    c.spad_banks = 2; /* port of 17 bytes, a drained column needs 64 */
    cr_assert_eq(acc_config_derive(&c, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "key 'rows'") != NULL, "%s", err.msg);

    parse_ok("", &c);
    c.spad_bytes = 65536 + 64; /* not a multiple of 8*16 */
    cr_assert_eq(acc_config_derive(&c, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "key 'bytes'") != NULL, "%s", err.msg);

    parse_ok("", &c);
    c.rows = c.cols = 4;
    c.axi_data_bits = 512; /* 64-byte beat, port of 7*4+1 = 29 */
    cr_assert_eq(acc_config_derive(&c, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "key 'data_bits'") != NULL, "%s", err.msg);
}

Test(config, accesses_exactly_as_wide_as_the_port_are_accepted)
{
    acc_config c;
    acc_error err;
    /* 1x1 array, 4 banks of 1 byte: port (4-1)*1+1 = 4 bytes, exactly a
     * drained int32 and a 32-bit beat */
    parse_ok("[array]\nrows = 1\ncols = 1\n[scratchpad]\nbanks = 4\n[axi]\ndata_bits = 32\n", &c);
    cr_assert_eq(c.line_bytes, 1, "line_bytes %d", c.line_bytes);
    /* one byte wider fails: a 64-bit beat, or only 2 banks */
    cr_assert_eq(acc_config_parse("[array]\nrows = 1\ncols = 1\n[scratchpad]\nbanks = 4\n"
                                  "[axi]\ndata_bits = 64\n",
                                  "c.ini", &c, &err),
                 -1, "an 8-byte beat on a 4-byte port accepted");
    cr_assert(strstr(err.msg, "c.ini:7: key 'data_bits'") != NULL, "%s", err.msg);
    cr_assert_eq(acc_config_parse("[array]\nrows = 1\ncols = 1\n[scratchpad]\nbanks = 2\n"
                                  "[axi]\ndata_bits = 32\n",
                                  "c.ini", &c, &err),
                 -1, "a 4-byte drain on a 2-byte port accepted");
    cr_assert(strstr(err.msg, "c.ini:2: key 'rows'") != NULL, "%s", err.msg);
    /* 4 banks of 16: port 49; a stride-7 window of 7 rows is 43 bytes, of 8
     * rows 50 bytes */
    parse_ok("[array]\nrows = 7\ncols = 16\n[scratchpad]\nbanks = 4\n", &c);
    cr_assert_eq(acc_config_parse("[array]\nrows = 8\ncols = 16\n[scratchpad]\nbanks = 4\n",
                                  "c.ini", &c, &err),
                 -1, "a 50-byte window on a 49-byte port accepted");
}

/* ------------------------------------------------------------ errors */

typedef struct bad_case {
    const char *text;
    const char *needle;
} bad_case;

static const bad_case bad_cases[] = {
    {"[arrays]\nrows = 4\n", "c.ini:1: section 'arrays': unknown section"},
    {"[array]\nrows = 4\n\n[cache]\n", "c.ini:4: section 'cache': unknown section"},
    {"rows = 4\n[array]\n", "c.ini:1: key 'rows': outside any section"},
    {"[array]\nrow = 4\n", "c.ini:2: key 'row': unknown key in section [array]"},
    {"[axi]\nrows = 4\n", "c.ini:2: key 'rows': unknown key in section [axi]"},
    {"[array]\nrows = 4\ncols = 4\nrows = 5\n",
     "c.ini:4: key 'rows': duplicate key (first set on line 2)"},
    {"[array]\nrows = 4\n[array]\nrows = 4\n", "c.ini:4: key 'rows': duplicate key"},
    {"[array]\nrows = four\n", "c.ini:2: key 'rows': expected an integer, got 'four'"},
    {"[array]\nrows = 4x\n", "c.ini:2: key 'rows': expected an integer, got '4x'"},
    {"[array]\nrows = 4.0\n", "c.ini:2: key 'rows': expected an integer"},
    {"[array]\nrows = 99999999999999999999999\n", "c.ini:2: key 'rows': expected an integer"},
    {"[array]\nrows =\n", "c.ini:2: key 'rows': missing value"},
    {"[array]\nrows = # nothing\n", "c.ini:2: key 'rows': missing value"},
    {"[array]\nrows = -1\n", "c.ini:2: key 'rows': -1 is outside 1..64"},
    {"[array]\nrows = 0\n", "c.ini:2: key 'rows': 0 is outside 1..64"},
    {"[array]\ncols = 65\n", "c.ini:2: key 'cols': 65 is outside 1..64"},
    {"[scratchpad]\nbytes = 1023\n", "c.ini:2: key 'bytes': 1023 is outside 1024..1048576"},
    {"[scratchpad]\nbytes = 1048577\n", "c.ini:2: key 'bytes': 1048577 is outside 1024..1048576"},
    {"[scratchpad]\nbytes = 1000000\n", "c.ini:2: key 'bytes': 1000000 bytes is not a multiple"},
    {"[scratchpad]\nbanks = 3\n", "c.ini:2: key 'banks': 3 is not a power of two"},
    {"[scratchpad]\nbanks = 1\n", "c.ini:2: key 'banks': 1 is outside 2..32"},
    {"[scratchpad]\nbanks = 64\n", "c.ini:2: key 'banks': 64 is outside 2..32"},
    {"[axi]\ndata_bits = 16\n", "c.ini:2: key 'data_bits': 16 is outside 32..512"},
    {"[axi]\ndata_bits = 1024\n", "c.ini:2: key 'data_bits': 1024 is outside 32..512"},
    {"[axi]\ndata_bits = 48\n", "c.ini:2: key 'data_bits': 48 is not a power of two"},
    {"[memory]\nread_latency = 0\n", "c.ini:2: key 'read_latency': 0 is outside 1..255"},
    {"[memory]\nwrite_latency = 256\n", "c.ini:2: key 'write_latency': 256 is outside 1..255"},
    {"[array]\nrows 4\n", "c.ini:2: malformed line 'rows 4'"},
    {"[array\nrows = 4\n", "c.ini:1: malformed line '[array'"},
    /* cross-field checks at the line of the key responsible */
    {"[array]\nrows = 16\n[scratchpad]\nbanks = 2\n", "c.ini:2: key 'rows': a drained column"},
    {"[array]\nrows = 8\ncols = 16\n[scratchpad]\nbanks = 4\n",
     "c.ini:2: key 'rows': a stride-7 activation window"},
    {"[array]\nrows = 8\ncols = 8\n[axi]\ndata_bits = 512\n",
     "c.ini:5: key 'data_bits': a bus beat"},
    {"[scratchpad]\nbytes = 1024\nbanks = 32\n[array]\ncols = 64\n",
     "c.ini:2: key 'bytes': 1024 bytes is not a multiple of banks*line_bytes = 32*64 = 2048"},
    /* ...or, when that key took its default, at the line that made it fail */
    {"; only banks\n[scratchpad]\nbanks = 2\n",
     "c.ini:3: key 'banks': a drained column of 16 int32"},
    /* the first error wins */
    {"[array]\nrows = 0\ncols = 0\n", "c.ini:2: key 'rows'"},
    {"[array]\nrows 4\ncols = 0\n", "c.ini:2: malformed line"},
    {"[array]\nrows = 0\ncols 4\n", "c.ini:2: key 'rows'"},
};

Test(config, every_malformed_configuration_names_line_and_key)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        acc_config c;
        memset(&c, 0x5a, sizeof(c));
        acc_error err;
        err.msg[0] = '\0';
        int rc = acc_config_parse(bad_cases[i].text, "dir/c.ini", &c, &err);
        cr_assert_eq(rc, -1, "case %zu accepted:\n%s", i, bad_cases[i].text);
        cr_assert(strstr(err.msg, bad_cases[i].needle) != NULL, "case %zu: '%s' lacks '%s'", i,
                  err.msg, bad_cases[i].needle);
        cr_assert(strncmp(err.msg, "dir/c.ini:", 10) == 0, "case %zu: path missing: %s", i,
                  err.msg);
        cr_assert_eq(c.rows, 0x5a5a5a5a, "case %zu: output written on error", i);
    }
}

Test(config, a_line_longer_than_the_parser_buffer_is_an_error)
{
    char text[1200];
    snprintf(text, sizeof(text), "[array]\nrows = 4%*s\ncols = 4\n", 1000, "; long");
    acc_config c;
    acc_error err;
    cr_assert_eq(acc_config_parse(text, "c.ini", &c, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "c.ini:2: line is longer") != NULL, "%s", err.msg);
}

Test(config, load_reports_missing_files_and_names)
{
    acc_config c;
    acc_error err;
    cr_assert_eq(acc_config_load("no_such_config", &c, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "no_such_config.ini") != NULL, "%s", err.msg);
    cr_assert_eq(acc_config_load("/nonexistent/x.ini", &c, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "/nonexistent/x.ini") != NULL, "%s", err.msg);
    cr_assert_eq(acc_config_load("", &c, &err), -1, "accepted an empty name");
}

Test(config, config_dir_follows_the_environment)
{
    const char *old = getenv("ACC_CONFIGS_DIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("ACC_CONFIGS_DIR", "/some/where", 1);
    cr_assert_str_eq(acc_config_dir(), "/some/where", "dir");
    unsetenv("ACC_CONFIGS_DIR");
    cr_assert_str_eq(acc_config_dir(), "configs", "default dir");
    if (saved) {
        setenv("ACC_CONFIGS_DIR", saved, 1);
        free(saved);
    }
}

/* ------------------------------------------------------------ data files */

static const char *data_dir(void)
{
    const char *d = getenv("ACC_TEST_DATA");
    return d && *d ? d : "tests/data";
}

Test(config, every_malformed_config_file_fails_with_its_documented_message)
{
    DIR *d = opendir(data_dir());
    cr_assert(d != NULL, "cannot open %s", data_dir());
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "config_", 7) != 0 || len < 5 ||
            strcmp(e->d_name + len - 4, ".ini") != 0)
            continue;
        char path[1024], errpath[1100], want[512];
        snprintf(path, sizeof(path), "%s/%s", data_dir(), e->d_name);
        snprintf(errpath, sizeof(errpath), "%s.err", path);
        FILE *f = fopen(errpath, "r");
        cr_assert(f != NULL, "%s is missing", errpath);
        cr_assert(fgets(want, sizeof(want), f) != NULL, "%s is empty", errpath);
        fclose(f);
        want[strcspn(want, "\r\n")] = '\0';
        acc_config c;
        acc_error err;
        err.msg[0] = '\0';
        cr_assert_eq(acc_config_load(path, &c, &err), -1, "%s accepted", path);
        cr_assert(strstr(err.msg, want) != NULL, "%s: '%s' lacks '%s'", path, err.msg, want);
        /* every message names the file and a line */
        char prefix[1100];
        snprintf(prefix, sizeof(prefix), "%s:", path);
        cr_assert(strncmp(err.msg, prefix, strlen(prefix)) == 0 && err.msg[strlen(prefix)] >= '1' &&
                      err.msg[strlen(prefix)] <= '9',
                  "%s: no file:line in '%s'", path, err.msg);
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 20, "only %d config_*.ini files", n);
}
