/* dlc/runtime.h — the C API of libdlcrt, the dlc runtime.
 *
 * Contract:
 *  - The runtime holds no math kernels. It owns parameter storage and the
 *    initializers, reads and writes weights and checkpoints (safetensors)
 *    and arrays (.npy), loads data sets (IDX, plain or gzip'ed: libdlcrt
 *    links zlib) and cuts them into batches, drives the training loop, and
 *    reports errors. Every loop over tensor data that computes something
 *    (the training step, losses, metrics, arg-max) lives in code generated
 *    by `dlc compile`.
 *  - Every fallible call returns a dlc_status: NULL means success; anything
 *    else is an error object owned by the caller, read with
 *    dlc_status_message() and released with dlc_status_free(). Nothing here
 *    calls exit() or abort() on bad input.
 *  - Out-parameters come last and are named out_*. Each function says who
 *    owns what it returns.
 *  - A generated header (NAME.h) defines `const dlc_model_info NAME_info`,
 *    the description table of the model; the runtime works from it.
 */
#ifndef DLC_RUNTIME_H
#define DLC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes layout. Generated headers record the
 * version they were written for; dlc_params_create rejects a mismatch. */
#define DLC_ABI_VERSION 2

/* ---------------------------------------------------------------- status */

typedef struct dlc_status_s *dlc_status; /* NULL: OK */

/* The message of a non-OK status ("" for NULL). Owned by the status. */
const char *dlc_status_message(dlc_status status);
/* Releases a status; NULL is allowed. */
void dlc_status_free(dlc_status status);
/* Makes an error status with a printf-style message. Caller owns it. */
dlc_status dlc_status_make(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#define DLC_RETURN_IF_ERROR(expr)                                              \
  do {                                                                         \
    dlc_status dlc_status_tmp_ = (expr);                                       \
    if (dlc_status_tmp_) return dlc_status_tmp_;                               \
  } while (0)

/* ------------------------------------------------------- model description */

typedef enum dlc_dtype {
  DLC_DTYPE_F32 = 0,
  DLC_DTYPE_F16 = 1,
  DLC_DTYPE_BF16 = 2,
  DLC_DTYPE_F64 = 3,
  DLC_DTYPE_I64 = 4,
  DLC_DTYPE_I32 = 5,
  DLC_DTYPE_I8 = 6,
  DLC_DTYPE_U8 = 7,
  DLC_DTYPE_BOOL = 8,
} dlc_dtype;

/* Size in bytes of one element (0 for an unknown dtype). */
size_t dlc_dtype_size(dlc_dtype dtype);
/* The model-format spelling: "f32", "i64", … ("?" for an unknown dtype). */
const char *dlc_dtype_name(dlc_dtype dtype);

typedef enum dlc_init_kind {
  DLC_INIT_NONE = 0, /* no initializer: must come from a weights file */
  DLC_INIT_DATA = 1, /* explicit values: dlc_init_spec.data */
  DLC_INIT_ZEROS = 2,
  DLC_INIT_ONES = 3,
  DLC_INIT_CONSTANT = 4,       /* a = value */
  DLC_INIT_UNIFORM = 5,        /* U(a = low, b = high) */
  DLC_INIT_NORMAL = 6,         /* N(a = mean, b = std), b the standard deviation */
  DLC_INIT_GLOROT_UNIFORM = 7, /* U(-l, l), l = sqrt(6 / (fan_in + fan_out)) */
  DLC_INIT_GLOROT_NORMAL = 8,  /* N(0, 2 / (fan_in + fan_out)) */
  DLC_INIT_HE_UNIFORM = 9,     /* U(-l, l), l = sqrt(6 / fan_in) */
  DLC_INIT_HE_NORMAL = 10,     /* N(0, 2 / fan_in) */
} dlc_init_kind;

typedef struct dlc_init_spec {
  dlc_init_kind kind;
  uint64_t seed;
  double a, b;     /* see dlc_init_kind */
  int64_t fan_in;  /* resolved by the compiler (model defaults or overrides) */
  int64_t fan_out;
  const void *data; /* DLC_INIT_DATA: num_elements values of the tensor's dtype */
} dlc_init_spec;

typedef struct dlc_tensor_info {
  const char *name;
  dlc_dtype dtype;
  int32_t rank;
  const int64_t *shape; /* rank entries, all static */
  int64_t num_elements;
  int64_t size_bytes;
} dlc_tensor_info;

typedef struct dlc_param_info {
  dlc_tensor_info tensor;
  int32_t trainable;
  dlc_init_spec init;
} dlc_param_info;

/* The packed entry point every generated function also exports: args points
 * to the buffers in the order the entry's comment in the generated header
 * states (parameters, inputs, outputs, workspace). */
typedef void (*dlc_packed_fn)(void **args);

typedef struct dlc_model_info {
  uint32_t abi_version; /* DLC_ABI_VERSION of the generator */
  const char *name;
  int32_t num_inputs; /* the inference entry's inputs, in argument order */
  const dlc_tensor_info *inputs;
  int32_t num_outputs;
  const dlc_tensor_info *outputs;
  int32_t num_params;
  const dlc_param_info *params;
  uint64_t infer_workspace_size; /* bytes, 64-byte aligned */
  dlc_packed_fn infer;           /* NAME_infer_packed */

  /* Training (all zero/NULL unless compiled with --train). The step takes
   * args = {params..., state..., train_inputs..., loss (f32 scalar),
   * metrics (one f32 scalar each)..., workspace}; it updates params and
   * state in place. state holds the optimizer's tensors (for example
   * "fc1.weight.adam_m") and one i64 scalar named "optimizer.step", the
   * number of updates done so far; every state tensor starts at zero. */
  int32_t num_train_inputs; /* e.g. image, label */
  const dlc_tensor_info *train_inputs;
  int32_t num_state;
  const dlc_tensor_info *state;
  int32_t num_metrics;
  const char *const *metric_names; /* e.g. "accuracy" */
  uint64_t train_workspace_size;
  dlc_packed_fn train_step; /* NAME_train_step_packed */
  /* The evaluation step (with --train): the loss and metrics of a batch
   * without any update; args = {params..., train_inputs..., loss,
   * metrics..., workspace}. */
  uint64_t eval_workspace_size;
  dlc_packed_fn eval_step; /* NAME_eval_step_packed */
} dlc_model_info;

/* -------------------------------------------------------------- parameters */

typedef struct dlc_params dlc_params;

/* Allocates storage for every parameter of `info` (64-byte aligned) and
 * initializes each per its init spec. Parameters with DLC_INIT_NONE are left
 * zero and marked unset until loaded. Deterministic: the same seed gives the
 * same bits on every machine. `info` must outlive the result. Caller owns
 * *out_params (dlc_params_free). */
dlc_status dlc_params_create(const dlc_model_info *info,
                             dlc_params **out_params);
void dlc_params_free(dlc_params *params);

int32_t dlc_params_count(const dlc_params *params);
/* Index of the parameter named `name`, or -1. */
int32_t dlc_params_find(const dlc_params *params, const char *name);
/* The storage of parameter `index` (owned by params), or NULL if out of range. */
void *dlc_params_data(dlc_params *params, int32_t index);
/* An error naming the first parameter that has no initializer and was not
 * loaded from a weights file; NULL when all are set. */
dlc_status dlc_params_check_all_set(const dlc_params *params);

/* Loads every tensor of a safetensors file whose name is a parameter;
 * dtype and shape must match exactly. With `require_all`, every parameter
 * must be present in the file. Validates the whole file first (header length,
 * JSON, dtypes, shapes, offsets in range and non-overlapping): on error
 * nothing is modified. */
dlc_status dlc_params_load(dlc_params *params, const char *path,
                           int require_all);
/* Writes every parameter to a safetensors file (to a temporary name, then
 * renamed). */
dlc_status dlc_params_save(const dlc_params *params, const char *path);

/* Fills `data` (num_elements values of `dtype`) per `spec`. Exposed for tests
 * and tools; dlc_params_create uses it. Only floating dtypes take random
 * kinds. */
dlc_status dlc_init_fill(const dlc_init_spec *spec, dlc_dtype dtype,
                         int64_t num_elements, void *data);

/* --------------------------------------------------------------- inference */

/* Runs the model's inference entry: inputs[i] and outputs[i] follow
 * info->inputs and info->outputs. Allocates the workspace once per params
 * object and reuses it. */
dlc_status dlc_infer(dlc_params *params, const void *const *inputs,
                     void *const *outputs);

/* --------------------------------------------------------------------- npy */

typedef struct dlc_array {
  dlc_dtype dtype;
  int32_t rank;
  int64_t shape[8];
  int64_t num_elements;
  void *data; /* 64-byte aligned, owned by the array */
} dlc_array;

/* Reads a .npy file (version 1.0/2.0/3.0, C order, little-endian f32, f64,
 * i32, i64, and also u8/i8/bool). Caller owns *out_array (dlc_array_free). */
dlc_status dlc_npy_read(const char *path, dlc_array **out_array);
/* Writes a C-order little-endian .npy file (temporary name, then renamed). */
dlc_status dlc_npy_write(const char *path, dlc_dtype dtype, int32_t rank,
                         const int64_t *shape, const void *data);
/* Allocates a zeroed array. Caller owns *out_array. */
dlc_status dlc_array_create(dlc_dtype dtype, int32_t rank, const int64_t *shape,
                            dlc_array **out_array);
void dlc_array_free(dlc_array *array);

/* ---------------------------------------------------------------- training
 *
 * For a model compiled with --train (info->train_step non-NULL),
 * dlc_params_create also allocates every optimizer state tensor of
 * info->state, 64-byte aligned and zero-filled. The state lives and dies
 * with the dlc_params object. */

/* The storage of state tensor `index` (info->state[index]), owned by params;
 * NULL if out of range or the model has no training step. */
void *dlc_params_state_data(dlc_params *params, int32_t index);
/* The number of updates done so far: the value of the i64 scalar state
 * tensor "optimizer.step"; 0 if the model has none. */
int64_t dlc_params_step(const dlc_params *params);

/* Runs one training step: calls info->train_step with args = {params...,
 * state..., train_inputs..., &loss, &metric_0..., workspace}. train_inputs[i]
 * follows info->train_inputs. The training workspace (train_workspace_size
 * bytes) is allocated once per params object. *out_loss gets the loss and
 * out_metrics[0..num_metrics) the metrics; either may be NULL. An error if
 * the model has no training step. */
dlc_status dlc_train_step(dlc_params *params, const void *const *train_inputs,
                          float *out_loss, float *out_metrics);

/* Loss and metrics of one batch with the compiled evaluation step: the
 * same inputs as dlc_train_step, nothing is updated. */
dlc_status dlc_eval_step(dlc_params *params, const void *const *train_inputs,
                         float *out_loss, float *out_metrics);

/* A training checkpoint: every parameter and every state tensor (the step
 * included) in one safetensors file, written to a temporary name, fsync()ed
 * and renamed. */
dlc_status dlc_checkpoint_save(const dlc_params *params, const char *path);
/* Restores a checkpoint: every parameter and every state tensor must be in
 * the file with the exact dtype and shape (other tensors are ignored). The
 * whole file is validated first: on error nothing is modified. */
dlc_status dlc_checkpoint_load(dlc_params *params, const char *path);

/* ---------------------------------------------------------------- data sets
 *
 * A data set holds a train split and an optional test split of examples
 * (images) and integer labels. Images are kept as read (u8 or f32) and
 * become f32 at batch time: u8 values are divided by 255, f32 values are
 * copied as they are. Labels are kept as i64. */

typedef struct dlc_dataset dlc_dataset;

typedef enum dlc_split { DLC_SPLIT_TRAIN = 0, DLC_SPLIT_TEST = 1 } dlc_split;

/* Loads the four IDX files of MNIST / Fashion-MNIST from `dir`:
 * train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
 * t10k-labels-idx1-ubyte, each plain or gzip'ed with a ".gz" suffix (the plain
 * file is used when both exist). Validates magic numbers (0x00000803 images,
 * 0x00000801 labels), dimensions, that image and label counts agree, that
 * train and test images have the same size, truncated and over-long files,
 * and gzip errors; each message names the file. Caller owns *out_dataset
 * (dlc_dataset_free). */
dlc_status dlc_dataset_open_idx(const char *dir, dlc_dataset **out_dataset);
/* Loads .npy arrays: x is f32 or u8 (images) or i32/i64 (integer examples,
 * e.g. token ids, kept as i64) shaped [N, ...], y an integer array
 * (u8, i8, i32, i64) shaped [N] with non-negative values. test_x and test_y
 * may both be NULL (no test split); the test examples must have the train
 * examples' shape. The labels may be left out (train_y and test_y NULL) for
 * models that read only the examples, such as autoencoders: every label is
 * then 0. Caller owns *out_dataset. */
dlc_status dlc_dataset_open_npy(const char *train_x, const char *train_y,
                                const char *test_x, const char *test_y,
                                dlc_dataset **out_dataset);
/* Number of examples in a split (0 for an absent split or a NULL dataset). */
int64_t dlc_dataset_count(const dlc_dataset *dataset, dlc_split split);
/* Elements per example (784 for MNIST); 0 for NULL. */
int64_t dlc_dataset_example_size(const dlc_dataset *dataset);
/* What a batch of examples holds: DLC_DTYPE_F32 for images (u8 data is
 * scaled to [0, 1]), DLC_DTYPE_I64 for integer examples. */
dlc_dtype dlc_dataset_example_dtype(const dlc_dataset *dataset);
void dlc_dataset_free(dlc_dataset *dataset);

/* ----------------------------------------------------------------- batching
 *
 * A batcher walks one split in batches. The order of an epoch is a
 * permutation of [0, N) that depends only on (seed, epoch): a Fisher-Yates
 * shuffle driven by the counter-based Philox4x32-10 generator, so a resumed
 * run sees exactly the order an uninterrupted run sees. Without `shuffle`
 * the order is 0, 1, ..., N-1.
 *
 * Policy for the last, partial batch (N not a multiple of batch_size):
 *  - training drops it (the compiled step has a fixed batch size): the
 *    caller stops after dlc_batcher_num_batches(b, 1) batches, or creates
 *    the batcher without pad_last and ignores a short count;
 *  - evaluation creates the batcher with pad_last: the last batch is filled
 *    up to batch_size with copies of example 0 of the split (image and
 *    label), and *out_count tells how many rows are real; the caller ignores
 *    the rest. */

typedef struct dlc_batcher dlc_batcher;

/* Makes a batcher over `split` of `dataset` (which must outlive it),
 * positioned at the start of epoch 0. Caller owns *out_batcher
 * (dlc_batcher_free). */
dlc_status dlc_batcher_create(const dlc_dataset *dataset, dlc_split split,
                              int64_t batch_size, uint64_t seed, int shuffle,
                              int pad_last, dlc_batcher **out_batcher);
/* Rewinds to the first batch of `epoch` (>= 0) in that epoch's order. */
dlc_status dlc_batcher_start_epoch(dlc_batcher *batcher, int64_t epoch);
/* Skips the next num_batches batches of the current epoch (for a resumed
 * run); skipping past the end leaves the batcher at the end. */
dlc_status dlc_batcher_skip(dlc_batcher *batcher, int64_t num_batches);
/* Fills the next batch: examples gets count x example_size values of
 * dlc_dataset_example_dtype (f32 images or i64 integer examples), labels
 * (may be NULL) count i64 labels, where count = min(batch_size, examples
 * left), or batch_size rows (padded as above) with pad_last. *out_count is
 * the number of real examples: 0 at the end of the epoch. */
dlc_status dlc_batcher_next(dlc_batcher *batcher, void *examples,
                            int64_t *labels, int64_t *out_count);
/* Batches per epoch: floor(N / batch_size) with drop_last, otherwise
 * ceil(N / batch_size). */
int64_t dlc_batcher_num_batches(const dlc_batcher *batcher, int drop_last);
/* The permutation of the current epoch (N entries, owned by the batcher). */
const int64_t *dlc_batcher_order(const dlc_batcher *batcher);
void dlc_batcher_free(dlc_batcher *batcher);

/* ------------------------------------------------------------ training loop */

typedef struct dlc_train_options {
  int64_t epochs;     /* total epochs, counting those done before a resume */
  int64_t batch_size; /* 0: the batch size the training step was compiled for */
  uint64_t seed;      /* shuffling seed */
  const char *checkpoint_path; /* may be NULL: no checkpoints */
  /* Each may be NULL. metrics has info->num_metrics entries. */
  void (*on_progress)(void *user, int64_t epoch, int64_t batch,
                      int64_t num_batches, float loss, const float *metrics);
  void (*on_epoch_end)(void *user, int64_t epoch, float mean_loss,
                       const float *mean_metrics);
  void *user;
} dlc_train_options;

/* Trains on the train split. The step's first f32 input gets the images
 * (shape [batch, ...] with example_size elements per row), its first integer
 * input (i64, shape [batch]) the labels; any other training input is an
 * error. Each epoch has floor(N / batch) batches (the last partial batch is
 * dropped) in the order of dlc_batcher for (opts->seed, epoch). Training
 * starts at the position the restored step implies (epoch = step / batches
 * per epoch, skipping the step % batches per epoch batches already done), so
 * checkpoint + dlc_checkpoint_load + dlc_train continues exactly as an
 * uninterrupted run. After each epoch: on_epoch_end with the means over the
 * batches this call ran, then a checkpoint if checkpoint_path is set.
 * A model without an "optimizer.step" state tensor always starts at epoch 0.
 * Errors from the step or the checkpoint stop training and are returned. */
dlc_status dlc_train(dlc_params *params, const dlc_dataset *dataset,
                     const dlc_train_options *opts);

/* Mean loss and metrics of a split with the compiled evaluation step, over
 * its full batches in order (a last partial batch is left out, since the
 * step's values are means over a whole batch); *out_examples says how many
 * examples that covers. out_metrics has info->num_metrics entries; any out
 * pointer may be NULL. */
dlc_status dlc_eval_split(dlc_params *params, const dlc_dataset *dataset,
                          dlc_split split, float *out_loss, float *out_metrics,
                          int64_t *out_examples);

/* Receives one evaluation batch: outputs[i] follows info->outputs (batch
 * rows of each), labels the batch's labels; only the first `count` rows are
 * real (the rest pad the last batch). */
typedef void (*dlc_eval_batch_fn)(void *user, const void *const *outputs,
                                  const int64_t *labels, int64_t count);

/* Runs inference over a split in order, batch by batch, and hands every
 * batch to on_batch. The inference entry's first f32 input gets the images
 * (its first dimension is the batch size); an integer input, if any, gets
 * the labels (i64). The runtime computes no metric itself: accuracy and loss
 * come from the callback or from generated code. */
dlc_status dlc_evaluate(dlc_params *params, const dlc_dataset *dataset,
                        dlc_split split, dlc_eval_batch_fn on_batch,
                        void *user);

/* ------------------------------------------------------------------ threads
 *
 * Generated code runs its large parallel loops on one process-wide pool of
 * threads, started on the first loop that needs it. The number of threads
 * (the calling thread included) is, in order of precedence: the last
 * dlc_set_num_threads, the environment variable DLC_NUM_THREADS (read once,
 * at the first use of the pool; a value that is not a positive decimal
 * integer is ignored with a warning on stderr), or the number of cores this
 * process may run on (sched_getaffinity). At most DLC_MAX_THREADS; larger
 * requests are clamped.
 *
 * Results do not depend on the number of threads: the compiler gives each
 * output element to exactly one thread, which computes it in the same order
 * as a single thread would (docs/design.md). */

#define DLC_MAX_THREADS 1024

/* Sets the number of threads of later parallel loops (a loop already
 * running keeps its own). An error if num_threads < 1; nothing changes. */
dlc_status dlc_set_num_threads(int num_threads);
/* The number of threads parallel loops use now (>= 1). */
int dlc_get_num_threads(void);

/* Subnormal floats. Generated code runs with subnormals flushed to zero
 * (x86 FTZ and DAZ, aarch64 FZ): a result that would be subnormal is ±0 and
 * a subnormal operand reads as ±0, because on x86 each operation that meets
 * one costs 10–100× a normal one, and training drives gradients and
 * optimizer moments into that range. dlc_infer, dlc_train_step and
 * dlc_eval_step set the mode on the calling thread for the call and restore
 * the caller's on return; pool threads take the caller's. Pass 0 for IEEE
 * gradual underflow in later calls (the default is 1). */
void dlc_set_flush_denormals(int flush);
int dlc_get_flush_denormals(void);

/* The entry point generated code calls for a parallel loop of n iterations:
 * splits [0, n) into T = min(threads, n) contiguous chunks whose sizes
 * differ by at most one, in order, and calls body(ctx, begin, end) once per
 * chunk, on the calling thread and T - 1 pool threads (each takes the next
 * chunk nobody has started, so a thread slow to start holds nothing up).
 * Returns when every chunk is done. n <= 0 calls nothing. A call made from
 * inside a body (a nested loop), or while another thread's loop holds the
 * pool, runs body(ctx, 0, n) on the calling thread. Pool threads have
 * 64 MiB stacks. */
typedef void (*dlc_parallel_body)(void *ctx, int64_t begin, int64_t end);
void dlc_parallel_for(dlc_parallel_body body, void *ctx, int64_t n);

#ifdef __cplusplus
}
#endif

#endif /* DLC_RUNTIME_H */
