/* train_steps.c — runs a compiled training step over given batches.
 *
 *   train_steps DIR STEPS
 *
 * Loads DIR/init.safetensors as a checkpoint (parameters and optimizer
 * state), then for step s feeds every training input NAME row s of
 * DIR/NAME.npy (shaped [STEPS, ...]) to MODEL_train_step through the
 * runtime, and writes DIR/losses.npy ([STEPS] f32), DIR/metrics.npy
 * ([STEPS, num_metrics]) and DIR/final.safetensors (checkpoint). The model
 * header is included as "model.h" and must define MODEL_INFO. */
#include "model.h"

#include <dlc/runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_status.h"

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  const char *dir = argv[1];
  long steps = strtol(argv[2], NULL, 10);
  const dlc_model_info *info = &MODEL_INFO;
  char path[4096];
  dlc_params *p = NULL;
  if (check(dlc_params_create(info, &p))) return 1;
  snprintf(path, sizeof path, "%s/init.safetensors", dir);
  if (check(dlc_checkpoint_load(p, path))) return 1;

  dlc_array *data[8] = {0};
  const void *inputs[8];
  for (int i = 0; i < info->num_train_inputs; ++i) {
    snprintf(path, sizeof path, "%s/%s.npy", dir, info->train_inputs[i].name);
    if (check(dlc_npy_read(path, &data[i]))) return 1;
  }
  float *losses = calloc((size_t)steps, sizeof(float));
  float *metrics = calloc((size_t)steps * (size_t)(info->num_metrics + 1), sizeof(float));
  for (long s = 0; s < steps; ++s) {
    for (int i = 0; i < info->num_train_inputs; ++i)
      inputs[i] = (const char *)data[i]->data + s * info->train_inputs[i].size_bytes;
    if (check(dlc_train_step(p, inputs, &losses[s], &metrics[s * info->num_metrics]))) return 1;
  }
  int64_t shape[2] = {steps, info->num_metrics};
  snprintf(path, sizeof path, "%s/losses.npy", dir);
  if (check(dlc_npy_write(path, DLC_DTYPE_F32, 1, shape, losses))) return 1;
  snprintf(path, sizeof path, "%s/metrics.npy", dir);
  if (check(dlc_npy_write(path, DLC_DTYPE_F32, 2, shape, metrics))) return 1;
  snprintf(path, sizeof path, "%s/final.safetensors", dir);
  if (check(dlc_checkpoint_save(p, path))) return 1;
  printf("step %lld after %ld updates\n", (long long)dlc_params_step(p), steps);
  for (int i = 0; i < info->num_train_inputs; ++i) dlc_array_free(data[i]);
  free(losses);
  free(metrics);
  dlc_params_free(p);
  return 0;
}
