/* How fast fresh memory is written the first time, against the second time.
 * Maps MIB MiB (default 576, three 192 MiB bandwidth arrays), asks for transparent huge
 * pages ("huge", the default) or not ("small"), and times a first memset, then a second one
 * over the same, now backed, pages. Prints JSON with both rates in GB/s.
 * On a VM whose host takes free memory back, the first write is much the slower.
 * Build: gcc -O2 scripts/first_touch.c -o .cache/first_touch
 * Usage: .cache/first_touch [MIB] [huge|small] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 576;
  int huge = !(argc > 2 && strcmp(argv[2], "small") == 0);
  size_t bytes = mib << 20;
  char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  madvise(p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  double t0 = now();
  memset(p, 1, bytes);
  double t1 = now();
  memset(p, 2, bytes);
  double t2 = now();
  printf("{\"mib\": %zu, \"pages\": \"%s\", \"first_gb_s\": %.2f, \"second_gb_s\": %.2f}\n", mib,
         huge ? "huge" : "small", bytes / (t1 - t0) / 1e9, bytes / (t2 - t1) / 1e9);
  return p[bytes - 1] == 2 ? 0 : 1;
}
