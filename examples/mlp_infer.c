/* mlp_infer.c — runs inference with a model compiled by dlc.
 *
 *   dlc compile examples/mlp.json -o mlp.o      (writes mlp.o and mlp.h)
 *   cc -Iruntime/include -I. examples/mlp_infer.c mlp.o libdlcrt.a \
 *      -lz -lm -lpthread -o mlp_infer
 *
 * Parameters come from the model's init specs (dlc_params_create); the two
 * input images are synthetic patterns. Prints the logits and probabilities.
 * Shapes: B = batch (2), D = 784 pixels, K = 10 classes.
 */
#include "mlp.h"

#include <dlc/runtime.h>
#include <stdio.h>
#include <stdlib.h>

static int check(dlc_status status) {
  if (!status) return 0;
  fprintf(stderr, "error: %s\n", dlc_status_message(status));
  dlc_status_free(status);
  return 1;
}

int main(void) {
  dlc_params *params = NULL;
  if (check(dlc_params_create(&mlp_info, &params))) return 1;

  /* image[B][D]: a bright square on a dark background, and a gradient. */
  static float image[2][784];
  for (int p = 0; p < 784; ++p) {
    int row = p / 28, col = p % 28;
    image[0][p] = (row >= 8 && row < 20 && col >= 8 && col < 20) ? 1.0f : 0.0f;
    image[1][p] = (float)(row + col) / 54.0f;
  }

  float logits[2][10], probabilities[2][10]; /* [B][K] */
  void *workspace = aligned_alloc(64, mlp_INFER_WORKSPACE_SIZE ? mlp_INFER_WORKSPACE_SIZE : 64);
  if (!workspace) return 1;

  /* The typed entry point: parameters in the order of mlp_info.params. */
  mlp_infer(dlc_params_data(params, 0), dlc_params_data(params, 1),
            dlc_params_data(params, 2), dlc_params_data(params, 3),
            dlc_params_data(params, 4), dlc_params_data(params, 5),
            &image[0][0], &logits[0][0], &probabilities[0][0], workspace);

  for (int b = 0; b < 2; ++b) {
    int best = 0;
    printf("image %d\n  logits:       ", b);
    for (int k = 0; k < 10; ++k) printf(" %8.4f", logits[b][k]);
    printf("\n  probabilities:");
    for (int k = 0; k < 10; ++k) {
      printf(" %8.4f", probabilities[b][k]);
      if (probabilities[b][k] > probabilities[b][best]) best = k;
    }
    printf("\n  class: %d\n", best);
  }

  /* The same through the runtime's generic entry, which must agree. */
  float logits2[2][10], probabilities2[2][10];
  const void *inputs[] = {image};
  void *outputs[] = {logits2, probabilities2};
  if (check(dlc_infer(params, inputs, outputs))) return 1;
  for (int i = 0; i < 20; ++i)
    if ((&logits2[0][0])[i] != (&logits[0][0])[i]) {
      fprintf(stderr, "error: dlc_infer and mlp_infer disagree\n");
      return 1;
    }
  printf("dlc_infer agrees with mlp_infer\n");

  free(workspace);
  dlc_params_free(params);
  return 0;
}
