/* c_link_test.c — the C API used from plain C11 and linked by the C driver
 * with only libdlcrt, libm, pthreads and zlib (no libstdc++): parameters created
 * and initialized, saved to and loaded from safetensors, a .npy round trip,
 * dlc_infer with a hand-written packed entry, error statuses, and training:
 * a .npy data set, a batcher, dlc_train with a hand-written step, and a
 * checkpoint round trip. Exits 0
 * on success; prints what failed otherwise.
 *
 * Usage: dlcrt_c_link_test DIR   (DIR: a writable directory for the files)
 */
#define _POSIX_C_SOURCE 200809L
#include "dlc/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                            \
    }                                                                          \
  } while (0)

/* Succeeds or reports the status message (and releases it). */
static int ok(dlc_status status, const char *what) {
  if (!status) return 1;
  fprintf(stderr, "%s failed: %s\n", what, dlc_status_message(status));
  dlc_status_free(status);
  ++g_failures;
  return 0;
}

/* A failure whose message contains `phrase`. */
static void expect_error(dlc_status status, const char *phrase) {
  if (!status) {
    fprintf(stderr, "expected an error containing '%s', got success\n", phrase);
    ++g_failures;
    return;
  }
  if (!strstr(dlc_status_message(status), phrase)) {
    fprintf(stderr, "message '%s' lacks '%s'\n", dlc_status_message(status), phrase);
    ++g_failures;
  }
  dlc_status_free(status);
}

static const int64_t kShapeW[] = {2, 3};
static const int64_t kShapeB[] = {3};
static const float kBias[] = {0.5f, -1.0f, 2.0f};

/* y = x + b (elementwise, 3 floats); args: w, b, x, y, workspace. */
static void fake_infer(void **args) {
  const float *b = args[1];
  const float *x = args[2];
  float *y = args[3];
  for (int i = 0; i < 3; ++i) y[i] = x[i] + b[i];
}

static dlc_model_info make_info(dlc_param_info params[2], dlc_tensor_info io[2]) {
  memset(params, 0, 2 * sizeof *params);
  params[0].tensor.name = "w";
  params[0].tensor.dtype = DLC_DTYPE_F32;
  params[0].tensor.rank = 2;
  params[0].tensor.shape = kShapeW;
  params[0].tensor.num_elements = 6;
  params[0].tensor.size_bytes = 24;
  params[0].trainable = 1;
  params[0].init.kind = DLC_INIT_GLOROT_UNIFORM;
  params[0].init.seed = 42;
  params[0].init.fan_in = 2;
  params[0].init.fan_out = 3;
  params[1].tensor.name = "b";
  params[1].tensor.dtype = DLC_DTYPE_F32;
  params[1].tensor.rank = 1;
  params[1].tensor.shape = kShapeB;
  params[1].tensor.num_elements = 3;
  params[1].tensor.size_bytes = 12;
  params[1].init.kind = DLC_INIT_DATA;
  params[1].init.data = kBias;
  memset(io, 0, 2 * sizeof *io);
  io[0].name = "x";
  io[0].dtype = DLC_DTYPE_F32;
  io[0].rank = 1;
  io[0].shape = kShapeB;
  io[0].num_elements = 3;
  io[0].size_bytes = 12;
  io[1] = io[0];
  io[1].name = "y";
  dlc_model_info info;
  memset(&info, 0, sizeof info);
  info.abi_version = DLC_ABI_VERSION;
  info.name = "c_link";
  info.num_inputs = 1;
  info.inputs = &io[0];
  info.num_outputs = 1;
  info.outputs = &io[1];
  info.num_params = 2;
  info.params = params;
  info.infer_workspace_size = 0;
  info.infer = fake_infer;
  return info;
}

/* Training: 2 examples of 3 floats per batch, labels i64. The "step" adds
 * the batch's mean input to b and counts steps; args: w, b, step, x, y,
 * loss, workspace. */
static const int64_t kShapeX2[] = {2, 3};
static const int64_t kShapeY2[] = {2};
static void fake_step(void **args) {
  float *b = args[1];
  int64_t *step = args[2];
  const float *x = args[3];
  const int64_t *y = args[4];
  float *loss = args[5];
  for (int i = 0; i < 3; ++i) b[i] += (x[i] + x[3 + i]) / 2;
  *loss = (float)(y[0] + y[1]);
  ++*step;
}

static void check_training(const char *dir, dlc_param_info params_info[2],
                           dlc_tensor_info io[2]) {
  char x_path[4096], y_path[4096], ckpt[4096];
  snprintf(x_path, sizeof x_path, "%s/c_link_x.%ld.npy", dir, (long)getpid());
  snprintf(y_path, sizeof y_path, "%s/c_link_y.%ld.npy", dir, (long)getpid());
  snprintf(ckpt, sizeof ckpt, "%s/c_link_ckpt.%ld.safetensors", dir, (long)getpid());
  const int64_t xs[2] = {5, 3}, ys[1] = {5};
  const uint8_t x[15] = {0, 255, 51, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const int64_t y[5] = {0, 1, 2, 3, 4};
  if (!ok(dlc_npy_write(x_path, DLC_DTYPE_U8, 2, xs, x), "dlc_npy_write x") ||
      !ok(dlc_npy_write(y_path, DLC_DTYPE_I64, 1, ys, y), "dlc_npy_write y"))
    return;
  dlc_dataset *ds = NULL;
  if (ok(dlc_dataset_open_npy(x_path, y_path, NULL, NULL, &ds), "dlc_dataset_open_npy")) {
    CHECK(dlc_dataset_count(ds, DLC_SPLIT_TRAIN) == 5);
    CHECK(dlc_dataset_count(ds, DLC_SPLIT_TEST) == 0);
    CHECK(dlc_dataset_example_size(ds) == 3);
    dlc_batcher *b = NULL;
    if (ok(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 2, 0, 0, 1, &b), "dlc_batcher_create")) {
      float images[6];
      int64_t labels[2], count = 0;
      CHECK(dlc_batcher_num_batches(b, 1) == 2 && dlc_batcher_num_batches(b, 0) == 3);
      ok(dlc_batcher_next(b, images, labels, &count), "dlc_batcher_next");
      CHECK(count == 2 && images[1] == 1.0f && images[2] == 0.2f && labels[1] == 1);
      dlc_batcher_free(b);
    }
    dlc_tensor_info train_inputs[2], state[1];
    memset(train_inputs, 0, sizeof train_inputs);
    memset(state, 0, sizeof state);
    train_inputs[0].name = "x";
    train_inputs[0].dtype = DLC_DTYPE_F32;
    train_inputs[0].rank = 2;
    train_inputs[0].shape = kShapeX2;
    train_inputs[0].num_elements = 6;
    train_inputs[0].size_bytes = 24;
    train_inputs[1].name = "y";
    train_inputs[1].dtype = DLC_DTYPE_I64;
    train_inputs[1].rank = 1;
    train_inputs[1].shape = kShapeY2;
    train_inputs[1].num_elements = 2;
    train_inputs[1].size_bytes = 16;
    state[0].name = "optimizer.step";
    state[0].dtype = DLC_DTYPE_I64;
    state[0].num_elements = 1;
    state[0].size_bytes = 8;
    dlc_model_info info = make_info(params_info, io);
    info.num_train_inputs = 2;
    info.train_inputs = train_inputs;
    info.num_state = 1;
    info.state = state;
    info.train_step = fake_step;
    dlc_params *params = NULL;
    if (ok(dlc_params_create(&info, &params), "dlc_params_create (training)")) {
      dlc_train_options opts;
      memset(&opts, 0, sizeof opts);
      opts.epochs = 3;
      opts.seed = 11;
      opts.checkpoint_path = ckpt;
      if (ok(dlc_train(params, ds, &opts), "dlc_train")) {
        CHECK(dlc_params_step(params) == 6);
        dlc_params *loaded = NULL;
        if (ok(dlc_params_create(&info, &loaded), "dlc_params_create (resume)")) {
          if (ok(dlc_checkpoint_load(loaded, ckpt), "dlc_checkpoint_load")) {
            CHECK(dlc_params_step(loaded) == 6);
            CHECK(memcmp(dlc_params_data(loaded, 1), dlc_params_data(params, 1), 12) == 0);
          }
          dlc_params_free(loaded);
        }
      }
      dlc_params_free(params);
    }
    dlc_dataset_free(ds);
  }
  remove(x_path);
  remove(y_path);
  remove(ckpt);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  char weights[4096], array_path[4096];
  snprintf(weights, sizeof weights, "%s/c_link_test.%ld.safetensors", dir, (long)getpid());
  snprintf(array_path, sizeof array_path, "%s/c_link_test.%ld.npy", dir, (long)getpid());

  /* Statuses and dtypes. */
  dlc_status status = dlc_status_make("value %d of %s", 7, "x");
  CHECK(strcmp(dlc_status_message(status), "value 7 of x") == 0);
  dlc_status_free(status);
  CHECK(strcmp(dlc_status_message(NULL), "") == 0);
  CHECK(dlc_dtype_size(DLC_DTYPE_BF16) == 2);
  CHECK(strcmp(dlc_dtype_name(DLC_DTYPE_I64), "i64") == 0);

  /* Parameters: create, initialize, infer. */
  dlc_param_info params_info[2];
  dlc_tensor_info io[2];
  dlc_model_info info = make_info(params_info, io);
  dlc_params *params = NULL;
  if (!ok(dlc_params_create(&info, &params), "dlc_params_create")) return 1;
  CHECK(dlc_params_count(params) == 2);
  CHECK(dlc_params_find(params, "b") == 1);
  CHECK(dlc_params_find(params, "nope") == -1);
  const float *w = dlc_params_data(params, 0);
  const float limit = 1.0954452f; /* sqrt(6 / 5) */
  for (int i = 0; i < 6; ++i) CHECK(w[i] >= -limit && w[i] <= limit);
  CHECK(memcmp(dlc_params_data(params, 1), kBias, sizeof kBias) == 0);
  const float x[3] = {1, 2, 3};
  float y[3] = {0, 0, 0};
  const void *inputs[1] = {x};
  void *outputs[1] = {y};
  ok(dlc_infer(params, inputs, outputs), "dlc_infer");
  CHECK(y[0] == 1.5f && y[1] == 1.0f && y[2] == 5.0f);

  /* Initializers are deterministic. */
  float a[16], b[16];
  dlc_init_spec spec;
  memset(&spec, 0, sizeof spec);
  spec.kind = DLC_INIT_NORMAL;
  spec.seed = 7;
  spec.a = 0.0;
  spec.b = 1.0;
  ok(dlc_init_fill(&spec, DLC_DTYPE_F32, 16, a), "dlc_init_fill");
  ok(dlc_init_fill(&spec, DLC_DTYPE_F32, 16, b), "dlc_init_fill");
  CHECK(memcmp(a, b, sizeof a) == 0);
  spec.kind = DLC_INIT_UNIFORM;
  expect_error(dlc_init_fill(&spec, DLC_DTYPE_I32, 16, a), "needs a floating-point dtype");

  /* safetensors: save, then load into a fresh object. */
  if (ok(dlc_params_save(params, weights), "dlc_params_save")) {
    params_info[0].init.kind = DLC_INIT_NONE;
    params_info[1].init.kind = DLC_INIT_NONE;
    dlc_params *loaded = NULL;
    if (ok(dlc_params_create(&info, &loaded), "dlc_params_create (unset)")) {
      expect_error(dlc_params_check_all_set(loaded), "was not loaded from a weights file");
      if (ok(dlc_params_load(loaded, weights, 1), "dlc_params_load")) {
        ok(dlc_params_check_all_set(loaded), "dlc_params_check_all_set");
        CHECK(memcmp(dlc_params_data(loaded, 0), dlc_params_data(params, 0), 24) == 0);
        CHECK(memcmp(dlc_params_data(loaded, 1), kBias, sizeof kBias) == 0);
      }
      dlc_params_free(loaded);
    }
    remove(weights);
  }
  expect_error(dlc_params_load(params, array_path, 0), "cannot open");
  dlc_params_free(params);

  /* .npy round trip. */
  const int64_t shape[2] = {2, 3};
  const double values[6] = {0.0, -1.5, 2.25, 1e300, -0.0, 3.0};
  if (ok(dlc_npy_write(array_path, DLC_DTYPE_F64, 2, shape, values), "dlc_npy_write")) {
    dlc_array *array = NULL;
    if (ok(dlc_npy_read(array_path, &array), "dlc_npy_read")) {
      CHECK(array->dtype == DLC_DTYPE_F64);
      CHECK(array->rank == 2 && array->shape[0] == 2 && array->shape[1] == 3);
      CHECK(array->num_elements == 6);
      CHECK(((uintptr_t)array->data & 63) == 0);
      CHECK(memcmp(array->data, values, sizeof values) == 0);
      dlc_array_free(array);
    }
    remove(array_path);
  }
  expect_error(dlc_npy_write(array_path, DLC_DTYPE_BF16, 2, shape, values),
               "has no .npy representation");
  dlc_array *array = NULL;
  ok(dlc_array_create(DLC_DTYPE_I8, 0, NULL, &array), "dlc_array_create");
  CHECK(array && array->num_elements == 1);
  dlc_array_free(array);

  /* Training. */
  {
    dlc_param_info train_params[2];
    dlc_tensor_info train_io[2];
    check_training(dir, train_params, train_io);
  }

  if (g_failures) {
    fprintf(stderr, "%d check(s) failed\n", g_failures);
    return 1;
  }
  printf("c_link_test: OK\n");
  return 0;
}
