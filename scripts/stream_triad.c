/* STREAM's copy and triad kernels (McCalpin's STREAM, reduced to the two llmcap reports),
 * for comparing llmcap's bandwidth measurement with C compiled by gcc -O3 -fopenmp.
 *
 * Usage: stream_triad MIB_PER_ARRAY REPETITIONS [huge]   (threads: OMP_NUM_THREADS)
 * With `huge` the arrays are 2 MiB-aligned and advised onto transparent huge pages
 * (madvise MADV_HUGEPAGE), as llmcap's are; without it they come from malloc, which on a
 * kernel whose THP setting is `madvise` gets 4 KiB pages.
 * Prints one JSON line: {"threads":T,"array_mib":M,"pages":P,"copy_gb_s":C,"triad_gb_s":X},
 * the best repetition of each kernel as STREAM reports it, counting 16 bytes per element for
 * copy and 24 for triad (STREAM's convention).
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static double *array(long bytes, int huge) {
    if (!huge) return malloc(bytes);
    void *p = NULL;
    if (posix_memalign(&p, 2L << 20, bytes) != 0) return NULL;
    madvise(p, bytes, MADV_HUGEPAGE); /* advice: ignored where the kernel has no THP */
    return p;
}

static double best_of(double *a, double *b, double *c, long n, int reps, int triad) {
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t = omp_get_wtime();
        if (triad) {
#pragma omp parallel for schedule(static)
            for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
        } else {
#pragma omp parallel for schedule(static)
            for (long i = 0; i < n; i++) a[i] = b[i];
        }
        t = omp_get_wtime() - t;
        if (t < best) best = t;
    }
    return best;
}

int main(int argc, char **argv) {
    int huge = argc == 4 && strcmp(argv[3], "huge") == 0;
    if (argc != 3 && !huge) {
        fprintf(stderr, "usage: %s MIB_PER_ARRAY REPETITIONS [huge]\n", argv[0]);
        return 2;
    }
    long mib = atol(argv[1]);
    int reps = atoi(argv[2]);
    long n = mib * 1024 * 1024 / (long)sizeof(double);
    double *a = array(n * sizeof(double), huge);
    double *b = array(n * sizeof(double), huge);
    double *c = array(n * sizeof(double), huge);
    if (!a || !b || !c || n <= 0 || reps <= 0) {
        fprintf(stderr, "cannot allocate 3 x %ld MiB\n", mib);
        return 1;
    }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        a[i] = 1.0;
        b[i] = 2.0;
        c[i] = 0.5;
    }
    double copy = best_of(a, b, c, n, reps, 0);
    double triad = best_of(a, b, c, n, reps, 1);
    if (a[n / 2] != 2.0 + 3.0 * 0.5) {
        fprintf(stderr, "triad result wrong: %f\n", a[n / 2]);
        return 1;
    }
    printf("{\"threads\":%d,\"array_mib\":%ld,\"pages\":\"%s\",\"copy_gb_s\":%.1f,"
           "\"triad_gb_s\":%.1f}\n",
           omp_get_max_threads(), mib, huge ? "huge" : "normal", 16.0 * n / copy / 1e9,
           24.0 * n / triad / 1e9);
    free(a);
    free(b);
    free(c);
    return 0;
}
