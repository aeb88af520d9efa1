/* html.h - the HTML index of a regression run: DIR/index.html, a static
 * page (no server) with the summary counts, per-network charts of cycles per
 * layer against the compute bound (Chart.js, Debian's libjs-chart.js, copied
 * beside the page), and a table of the jobs with their status, message,
 * links to each run's report.json and timeline.svg and the waveform
 * command.  It reads the merged result, DIR/merged.json, whose fields are
 * in docs/regress.md; how to read the page: docs/regress.md, "Reading the
 * index and the timelines". */
#ifndef ACC_REGRESS_HTML_H
#define ACC_REGRESS_HTML_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The Chart.js file the page loads, as Debian's libjs-chart.js installs it;
 * the environment variable ACC_CHARTJS names another. */
#define REGRESS_CHARTJS "/usr/share/javascript/chart.js/chart.min.js"

/* The name of the copy beside index.html. */
#define REGRESS_CHARTJS_COPY "chart.min.js"

/* Checks `merged` (the merged result of a run in `dir`) field by field,
 * then writes DIR/chart.min.js (a copy of REGRESS_CHARTJS) and
 * DIR/index.html, each atomically.  Returns 0, or -1 with a message in err
 * (errlen bytes) naming the file (DIR/merged.json) and the field
 * ("jobs[3].status") or the Chart.js file that is missing; then nothing is
 * written.  The page's links are the jobs' `report` and `timeline` paths,
 * relative to DIR. */
int regress_html_write(const char *dir, const cJSON *merged, char *err, size_t errlen);

/* regress_html_write with the merged result read from `source` (messages
 * name it instead of DIR/merged.json). */
int regress_html_write_from(const char *dir, const cJSON *merged, const char *source, char *err,
                            size_t errlen);

#endif
