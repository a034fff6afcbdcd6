/* count_allocs.c — checks that the steady state of training allocates
 * nothing: after one warm-up call of each entry, STEPS training steps and
 * STEPS / 4 evaluation steps through the runtime must not call malloc,
 * calloc, realloc or an aligned allocator even once.
 *
 *   count_allocs STEPS
 *
 * The allocation functions are interposed here (this executable defines
 * them and forwards to glibc's __libc_* entry points) and counted while
 * `counting` is set. Inputs are zeros (labels 0). The model header is
 * "model.h" and MODEL_INFO names its dlc_model_info. */
#include "model.h"

#include <dlc/runtime.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "check_status.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static int counting;
static long allocations;

void *malloc(size_t size) {
  allocations += counting;
  return __libc_malloc(size);
}
void *calloc(size_t count, size_t size) {
  allocations += counting;
  return __libc_calloc(count, size);
}
void *realloc(void *ptr, size_t size) {
  allocations += counting;
  return __libc_realloc(ptr, size);
}
void *aligned_alloc(size_t alignment, size_t size) {
  allocations += counting;
  return __libc_memalign(alignment, size);
}
void *memalign(size_t alignment, size_t size) {
  allocations += counting;
  return __libc_memalign(alignment, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
  allocations += counting;
  *out = __libc_memalign(alignment, size);
  return *out ? 0 : ENOMEM;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  const long steps = strtol(argv[1], NULL, 10);
  const dlc_model_info *info = &MODEL_INFO;
  dlc_params *params = NULL;
  if (check(dlc_params_create(info, &params))) return 1;
  const void *inputs[16] = {0};
  if (info->num_train_inputs > 16) return 2;
  for (int32_t i = 0; i < info->num_train_inputs; ++i)
    inputs[i] = calloc(1, (size_t)info->train_inputs[i].size_bytes + 64);
  float loss = 0.0f, metrics[16] = {0};
  if (info->num_metrics > 16) return 2;
  /* Warm-up: the runtime sets up each entry's workspace on its first call. */
  if (check(dlc_train_step(params, inputs, &loss, metrics)) ||
      check(dlc_eval_step(params, inputs, &loss, metrics)))
    return 1;
  counting = 1;
  for (long s = 0; s < steps; ++s)
    if (check(dlc_train_step(params, inputs, &loss, metrics))) return 1;
  for (long s = 0; s < steps / 4; ++s)
    if (check(dlc_eval_step(params, inputs, &loss, metrics))) return 1;
  counting = 0;
  printf("%ld training steps, %ld evaluation steps: %ld allocations, step %lld\n", steps,
         steps / 4, allocations, (long long)dlc_params_step(params));
  dlc_params_free(params);
  return allocations == 0 ? 0 : 1;
}
