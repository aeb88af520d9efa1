/* test_util.c - the shared helpers of core/util.h: integer parsing at every
 * bound, and atomic file writes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

Test(util, parse_u64_accepts_values_up_to_the_maximum)
{
    uint64_t v = 0;
    cr_assert_eq(acc_parse_u64("5", 5, &v), 0);
    cr_assert_eq(v, 5);
    cr_assert_eq(acc_parse_u64("0x1f", 31, &v), 0);
    cr_assert_eq(v, 31);
    cr_assert_eq(acc_parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
    cr_assert_eq(v, UINT64_MAX);
}

/* A digit larger than a small maximum once made `max - digit` wrap around,
 * so any single digit passed the bound check. */
Test(util, parse_u64_rejects_a_single_digit_above_a_small_maximum)
{
    uint64_t v = 0;
    cr_assert_eq(acc_parse_u64("9", 5, &v), -1, "9 > 5 accepted as %llu", (unsigned long long)v);
    cr_assert_eq(acc_parse_u64("0xf", 3, &v), -1);
    cr_assert_eq(acc_parse_u64("1", 0, &v), -1);
    cr_assert_eq(acc_parse_u64("6", 5, &v), -1);
    cr_assert_eq(acc_parse_u64("16", 15, &v), -1);
}

Test(util, parse_u64_rejects_junk_signs_and_overflow)
{
    uint64_t v = 0;
    const char *bad[] = {"", "-1", "+1", " 1", "1 ", "0x", "12a", "0xg", "18446744073709551616"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(acc_parse_u64(bad[i], UINT64_MAX, &v), -1, "'%s' accepted", bad[i]);
}

/* Writes land whole under the final name and leave no temporary file. */
Test(util, write_file_replaces_the_file_and_leaves_no_temporary)
{
    char dir[] = "/tmp/acc_util_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/out.bin", dir);
    acc_error err;
    cr_assert_eq(acc_write_file(path, "first", 5, &err), 0, "%s", err.msg);
    cr_assert_eq(acc_write_file(path, "second", 6, &err), 0, "%s", err.msg);
    size_t len = 0;
    char *text = acc_read_file(path, &len, &err);
    cr_assert_not_null(text, "%s", err.msg);
    cr_assert_str_eq(text, "second");
    free(text);
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        entries++;
        cr_assert_str_eq(e->d_name, "out.bin", "left behind: %s", e->d_name);
    }
    closedir(d);
    cr_assert_eq(entries, 1);
    remove(path);
    rmdir(dir);
}

Test(util, write_file_into_a_missing_directory_fails_naming_the_path)
{
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(acc_write_file("/nonexistent-dir/x.bin", "x", 1, &err), -1);
    cr_assert(strstr(err.msg, "/nonexistent-dir/x.bin") != NULL, "message: %s", err.msg);
}
