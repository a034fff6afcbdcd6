/* threads_env_test.c — dlc_get_num_threads honors DLC_NUM_THREADS: ctest
 * runs this program under several values of the variable (set by the test,
 * read once by the pool on first use) and passes what the count must be.
 *
 * Usage: dlcrt_threads_env_test EXPECTED   (a number, or "cores": all the
 *        cores this process may run on)
 */
#include "dlc/runtime.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void count_body(void *ctx, int64_t begin, int64_t end) {
  (void)begin;
  (void)end;
  /* Chunks run concurrently: count them atomically. */
  __atomic_fetch_add((int *)ctx, 1, __ATOMIC_SEQ_CST);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s EXPECTED|cores\n", argv[0]);
    return 2;
  }
  int expected = strcmp(argv[1], "cores") == 0 ? dlcrt_available_cores() : atoi(argv[1]);
  int got = dlc_get_num_threads();
  int chunks = 0;
  dlc_parallel_for(count_body, &chunks, 1000);
  printf("threads %d, chunks %d\n", got, chunks);
  if (got != expected || chunks != expected) {
    fprintf(stderr, "expected %d threads\n", expected);
    return 1;
  }
  printf("ok\n");
  return 0;
}
