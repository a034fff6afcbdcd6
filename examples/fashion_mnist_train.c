/* fashion_mnist_train.c — trains a model compiled by `dlc compile --train`
 * on Fashion-MNIST through its generated header, and prints the test
 * accuracy after each epoch.
 *
 *   dlc compile examples/fashion_mnist_mlp.json --train -o fashion_mlp.o
 *   cc -Iruntime/include -I. examples/fashion_mnist_train.c fashion_mlp.o \
 *      libdlcrt.a -lz -lm -lpthread -o fashion_mnist_train
 *   ./fashion_mnist_train [DATA_DIR] [EPOCHS] [MAX_STEPS_PER_EPOCH]
 *
 * Everything that touches tensor data (forward, loss, gradients, the Adam
 * update, the loss and accuracy of a test batch) is the generated code; the
 * runtime supplies the data set, the batches and the parameter storage.
 * Shapes: B = batch (64), D = 784 pixels.
 */
#include "fashion_mlp.h"

#include <dlc/runtime.h>
#include <stdio.h>
#include <stdlib.h>

static int check(dlc_status status) {
  if (!status) return 0;
  fprintf(stderr, "error: %s\n", dlc_status_message(status));
  dlc_status_free(status);
  return 1;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  long epochs = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
  long max_steps = argc > 3 ? strtol(argv[3], NULL, 10) : 0; /* 0: whole epoch */

  dlc_params *params = NULL;   /* initialized per the model's init specs */
  dlc_dataset *data = NULL;
  dlc_batcher *batches = NULL;
  if (check(dlc_params_create(&fashion_mlp_info, &params)) ||
      check(dlc_dataset_open_idx(dir, &data)))
    return 1;
  const int64_t batch = fashion_mlp_train_inputs[0].shape[0];
  if (check(dlc_batcher_create(data, DLC_SPLIT_TRAIN, batch, /*seed=*/42, /*shuffle=*/1,
                               /*pad_last=*/0, &batches)))
    return 1;
  float *images = malloc((size_t)fashion_mlp_train_inputs[0].size_bytes); /* [B][D] */
  int64_t *labels = malloc((size_t)fashion_mlp_train_inputs[1].size_bytes); /* [B] */
  if (!images || !labels) return 1;
  const void *inputs[] = {images, labels};

  int64_t per_epoch = dlc_batcher_num_batches(batches, /*drop_last=*/1);
  if (max_steps > 0 && max_steps < per_epoch) per_epoch = max_steps;
  for (long epoch = 0; epoch < epochs; ++epoch) {
    if (check(dlc_batcher_start_epoch(batches, epoch))) return 1;
    double loss_sum = 0.0;
    for (int64_t step = 0; step < per_epoch; ++step) {
      int64_t count = 0;
      float loss = 0.0f, accuracy = 0.0f;
      if (check(dlc_batcher_next(batches, images, labels, &count)) ||
          check(dlc_train_step(params, inputs, &loss, &accuracy)))
        return 1;
      loss_sum += loss;
    }
    float test_loss = 0.0f, test_accuracy = 0.0f;
    int64_t examples = 0;
    if (check(dlc_eval_split(params, data, DLC_SPLIT_TEST, &test_loss, &test_accuracy,
                             &examples)))
      return 1;
    printf("epoch %ld: train loss %.4f, test loss %.4f, test accuracy %.4f (%lld images)\n",
           epoch + 1, loss_sum / (double)per_epoch, test_loss, test_accuracy,
           (long long)examples);
    fflush(stdout);
  }
  if (check(dlc_params_save(params, "fashion_mlp.safetensors"))) return 1;
  printf("weights saved to fashion_mlp.safetensors (%lld updates)\n",
         (long long)dlc_params_step(params));
  free(images);
  free(labels);
  dlc_batcher_free(batches);
  dlc_dataset_free(data);
  dlc_params_free(params);
  return 0;
}
