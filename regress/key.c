/* key.c - the key of a regression job (key.h). */
#include "regress/key.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/catalog.h"
#include "core/config.h"
#include "core/util.h"
#include "regress/job.h"

static uint64_t mix_str(uint64_t h, const char *s)
{
    return acc_fnv1a(h, s, strlen(s) + 1); /* with its NUL: "ab","c" differs from "a","bc" */
}

/* The cache of file hashes, by path. */
typedef struct file_hash {
    char *path;
    uint64_t h;
    struct file_hash *next;
} file_hash;
static file_hash *cache;

void regress_key_cache_clear(void)
{
    while (cache) {
        file_hash *n = cache->next;
        free(cache->path);
        free(cache);
        cache = n;
    }
}

/* The hash of a file's content (read in blocks: simulators are large). */
static int hash_file(const char *path, uint64_t *out, acc_error *err)
{
    for (file_hash *f = cache; f; f = f->next)
        if (strcmp(f->path, path) == 0) {
            *out = f->h;
            return 0;
        }
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return acc_fail(err, "%s: cannot read (is it built?)", path);
    uint64_t h = ACC_FNV1A_BASIS;
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        h = acc_fnv1a(h, buf, n);
    int bad = ferror(fp);
    fclose(fp);
    if (bad)
        return acc_fail(err, "%s: read error", path);
    file_hash *f = acc_malloc(sizeof(*f));
    f->path = acc_strdup(path);
    f->h = h;
    f->next = cache;
    cache = f;
    *out = h;
    return 0;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int regress_job_key(const regress_job *j, const char *sim, char key[17], acc_error *err)
{
    ACC_REQUIRE(j && sim && key);
    uint64_t h = mix_str(ACC_FNV1A_BASIS, "regress key 1");
    regress_argv av;
    regress_job_argv(j, &av);
    for (int i = 0; i < av.argc; i++) {
        h = mix_str(h, av.argv[i]);
        uint64_t fh;
        if (is_file(av.argv[i])) { /* an argument that names a file: its content */
            if (hash_file(av.argv[i], &fh, err) != 0)
                return -1;
            h = acc_fnv1a(h, &fh, sizeof(fh));
        }
    }
    uint64_t fh;
    if (hash_file(sim, &fh, err) != 0)
        return -1;
    h = acc_fnv1a(h, &fh, sizeof(fh));
    char cfg[1024];
    if (strchr(j->config, '/') || strstr(j->config, ".ini"))
        snprintf(cfg, sizeof(cfg), "%s", j->config);
    else
        snprintf(cfg, sizeof(cfg), "%s/%s.ini", acc_config_dir(), j->config);
    if (hash_file(cfg, &fh, err) != 0)
        return -1;
    h = acc_fnv1a(h, &fh, sizeof(fh));
    acc_layer l;
    if (acc_layer_lookup(j->layer, &l, err) != 0)
        return -1;
    const int shape[] = {l.ifmap_h,    l.ifmap_w,   l.filter_h, l.filter_w, l.channels,
                         l.num_filter, l.stride_h,  l.stride_w, l.pad_top,  l.pad_bottom,
                         l.pad_left,   l.pad_right, l.dil_h,    l.dil_w,    l.groups};
    char buf[32];
    for (size_t i = 0; i < sizeof(shape) / sizeof(shape[0]); i++) {
        snprintf(buf, sizeof(buf), "%d", shape[i]);
        h = mix_str(h, buf);
    }
    snprintf(key, 17, "%016" PRIx64, h);
    return 0;
}
