/* regress_html_main.c - `regress_html`: writes the HTML index of a
 * regression run from its merged result (regress/html.h).
 *
 *   regress_html DIR                   reads DIR/merged.json, writes DIR/index.html
 *   regress_html --merged FILE DIR     reads FILE instead
 *
 * The page and its copy of Chart.js go into DIR; docs/regress.md,
 * "Reading the index and the timelines", describes the page.
 * Exit status: 0 written, 1 bad input (the message names the file, the
 * line or the field), 2 usage. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"
#include "regress/html.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: regress_html [--merged FILE] DIR\n"
               "  writes DIR/index.html (and DIR/" REGRESS_CHARTJS_COPY ") from DIR/merged.json\n"
               "  --merged FILE   read the merged result from FILE\n");
}

/* The line of a position in text (from 1). */
static int line_of(const char *text, const char *at)
{
    int line = 1;
    for (const char *p = text; p < at && *p; p++)
        line += *p == '\n';
    return line;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"merged", required_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *merged = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            merged = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    const char *dir = argv[optind];
    char path[4096];
    if (!merged) {
        snprintf(path, sizeof(path), "%s/merged.json", dir);
        merged = path;
    }
    acc_error e;
    size_t len = 0;
    char *text = acc_read_file(merged, &len, &e);
    if (!text) {
        fprintf(stderr, "regress_html: error: %s\n", e.msg);
        return 1;
    }
    if (strlen(text) != len) {
        fprintf(stderr, "regress_html: error: %s:%d: a NUL byte in the text\n", merged,
                line_of(text, text + strlen(text)));
        free(text);
        return 1;
    }
    acc_json_init();
    const char *end = NULL;
    /* the length includes the NUL: cJSON wants the terminator inside it */
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        const char *at = end ? end : cJSON_GetErrorPtr();
        if (at && *at)
            fprintf(stderr, "regress_html: error: %s:%d: not valid JSON near '%.20s'\n", merged,
                    line_of(text, at), at);
        else
            fprintf(stderr, "regress_html: error: %s:%d: not valid JSON: the text ends early\n",
                    merged, line_of(text, text + len));
        free(text);
        return 1;
    }
    char err[1024];
    int rc = regress_html_write_from(dir, root, merged, err, sizeof(err));
    cJSON_Delete(root);
    free(text);
    if (rc) {
        fprintf(stderr, "regress_html: error: %s\n", err);
        return 1;
    }
    printf("index: %s/index.html\n", dir);
    return 0;
}
