// train.c — the training loop (dlc_train) and batch-wise evaluation
// (dlc_evaluate) over a dlc_dataset.
//
// Contract:
//  - Only orchestration: batches come from dlc_batcher, the math from the
//    generated entry points (info->train_step, info->infer). The runtime
//    averages the per-batch loss and metric scalars for on_epoch_end (a mean
//    of a few floats for reporting, in double) and computes nothing else.
//  - Which input gets what: the first f32 input the images, the first
//    integer input (which must be i64) the labels; a model without an
//    integer input (an autoencoder) is fed the images only. Shapes are checked
//    against the data set before the first step: [batch, ...] with
//    example_size elements per row, labels [batch].
//  - dlc_train resumes from the restored "optimizer.step": epoch = step /
//    batches_per_epoch, and the first step % batches_per_epoch batches of
//    that epoch are skipped, so the run continues exactly as an
//    uninterrupted one would (same batches in the same order).
//  - dlc_evaluate walks the split in order, the last batch padded with
//    example 0 (see dlc_batcher), and hands each batch's outputs to the
//    caller's callback with the count of real rows.
#include "internal.h"

#include <stdlib.h>
#include <string.h>

// The roles of a step's or an entry's inputs.
typedef struct input_roles {
  int32_t image;  // index of the examples' input (images or integer examples)
  int32_t label;  // index of the label input, or -1
  int64_t batch;  // rows per batch (the examples' first dimension)
} input_roles;

static dlc_status find_roles(const dlc_model_info *info, const char *entry,
                             const dlc_tensor_info *inputs, int32_t num_inputs,
                             const dlc_dataset *dataset, input_roles *roles) {
  const char *model = info->name ? info->name : "?";
  // Images go to the first floating-point input; integer examples (token
  // ids) to the first integer input. The labels go to the next integer one.
  const dlc_dtype example_dtype = dlc_dataset_example_dtype(dataset);
  const int integer_examples = example_dtype == DLC_DTYPE_I64;
  const char *noun = integer_examples ? "example" : "image";
  roles->image = -1;
  roles->label = -1;
  // The kind of the data set must be the kind of the model's examples.
  int32_t first_float = -1;
  for (int32_t i = num_inputs - 1; i >= 0; --i)
    if (dlcrt_dtype_is_float(inputs[i].dtype)) first_float = i;
  if (integer_examples && first_float >= 0)
    return dlc_status_make("model '%s': the %s takes %s input '%s', but the data set holds "
                           "integer examples",
                           model, entry, dlc_dtype_name(inputs[first_float].dtype),
                           inputs[first_float].name);
  if (!integer_examples && first_float < 0)
    return dlc_status_make("model '%s': the %s has no floating-point input for the images "
                           "(integer examples come from .npy files of i32 or i64)",
                           model, entry);
  for (int32_t i = 0; i < num_inputs; ++i) {
    const int is_float = dlcrt_dtype_is_float(inputs[i].dtype);
    const int is_integer = !is_float && inputs[i].dtype != DLC_DTYPE_BOOL;
    if (roles->image < 0 && (integer_examples ? is_integer : is_float)) {
      roles->image = i;
    } else if (is_integer && roles->label < 0) {
      roles->label = i;
    } else {
      return dlc_status_make("model '%s': the %s takes input '%s', which no data set field feeds "
                             "(only one %s and one label input are supported)",
                             model, entry, inputs[i].name, noun);
    }
  }
  if (roles->image < 0)
    return dlc_status_make("model '%s': the %s has no integer input for the examples", model,
                           entry);
  const dlc_tensor_info *image = &inputs[roles->image];
  if (image->dtype != example_dtype)
    return dlc_status_make("model '%s': %s input '%s' is %s; the data set provides %s", model,
                           noun, image->name, dlc_dtype_name(image->dtype),
                           dlc_dtype_name(example_dtype));
  const int64_t example_size = dlc_dataset_example_size(dataset);
  if (image->rank < 1 || image->shape[0] <= 0 || example_size <= 0 ||
      image->num_elements != image->shape[0] * example_size) {
    char *shape = dlcrt_shape_string(image->shape, image->rank);
    dlc_status status =
        shape ? dlc_status_make("model '%s': %s input '%s' has shape %s, which does not hold "
                                "a batch of examples of %lld elements",
                                model, noun, image->name, shape, (long long)example_size)
              : dlcrt_out_of_memory();
    free(shape);
    return status;
  }
  roles->batch = image->shape[0];
  if (roles->label >= 0) {
    const dlc_tensor_info *label = &inputs[roles->label];
    if (label->dtype != DLC_DTYPE_I64)
      return dlc_status_make("model '%s': label input '%s' is %s; labels are fed as i64", model,
                             label->name, dlc_dtype_name(label->dtype));
    if (label->rank != 1 || label->shape[0] != roles->batch)
      return dlc_status_make("model '%s': label input '%s' must have shape [%lld]", model,
                             label->name, (long long)roles->batch);
  }
  return NULL;
}

// The batch buffers of one loop.
typedef struct batch_buffers {
  void *images;        // f32 images or i64 integer examples
  int64_t *labels;
  float *metrics;      // per step
  double *sums;        // loss, then metrics
  float *means;        // metrics
} batch_buffers;

static void batch_buffers_free(batch_buffers *b) {
  free(b->images);
  free(b->labels);
  free(b->metrics);
  free(b->sums);
  free(b->means);
}

static dlc_status batch_buffers_init(batch_buffers *b, const dlc_dataset *dataset,
                                     int64_t batch, int32_t num_metrics) {
  memset(b, 0, sizeof *b);
  const size_t m = (size_t)num_metrics + 1;
  const int64_t example_size = dlc_dataset_example_size(dataset);
  const size_t element = dlc_dataset_example_dtype(dataset) == DLC_DTYPE_I64 ? sizeof(int64_t)
                                                                             : sizeof(float);
  if ((uint64_t)batch > SIZE_MAX / element / (uint64_t)example_size)
    return dlc_status_make("a batch of %lld examples of %lld elements is too large",
                           (long long)batch, (long long)example_size);
  b->images = dlcrt_aligned_zalloc((size_t)batch * (size_t)example_size * element);
  b->labels = dlcrt_aligned_zalloc((size_t)batch * sizeof(int64_t));
  b->metrics = calloc(m, sizeof(float));
  b->sums = calloc(m, sizeof(double));
  b->means = calloc(m, sizeof(float));
  if (!b->images || !b->labels || !b->metrics || !b->sums || !b->means) {
    batch_buffers_free(b);
    return dlcrt_out_of_memory();
  }
  return NULL;
}

static dlc_status train_loop(dlc_params *params, const dlc_dataset *dataset,
                             const dlc_train_options *opts, const input_roles *roles,
                             dlc_batcher *batcher, batch_buffers *buf, const void **inputs) {
  const dlc_model_info *info = params->info;
  const int64_t per_epoch = dlc_batcher_num_batches(batcher, 1);
  if (per_epoch == 0)
    return dlc_status_make("the training split has %lld examples, fewer than one batch of %lld",
                           (long long)dlc_dataset_count(dataset, DLC_SPLIT_TRAIN),
                           (long long)roles->batch);
  const int64_t step = dlc_params_step(params);
  if (step < 0) return dlc_status_make("the restored optimizer step %lld is negative", (long long)step);
  inputs[roles->image] = buf->images;
  if (roles->label >= 0) inputs[roles->label] = buf->labels;
  const int32_t num_metrics = info->num_metrics;
  for (int64_t epoch = step / per_epoch; epoch < opts->epochs; ++epoch) {
    DLC_RETURN_IF_ERROR(dlc_batcher_start_epoch(batcher, epoch));
    const int64_t first = epoch == step / per_epoch ? step % per_epoch : 0;
    DLC_RETURN_IF_ERROR(dlc_batcher_skip(batcher, first));
    for (int32_t k = 0; k <= num_metrics; ++k) buf->sums[k] = 0.0;
    for (int64_t b = first; b < per_epoch; ++b) {
      int64_t count = 0;
      DLC_RETURN_IF_ERROR(dlc_batcher_next(batcher, buf->images, buf->labels, &count));
      if (count != roles->batch)  // cannot happen: b < per_epoch
        return dlc_status_make("internal error: short training batch");
      float loss = 0.0f;
      DLC_RETURN_IF_ERROR(dlc_train_step(params, inputs, &loss, buf->metrics));
      buf->sums[0] += loss;
      for (int32_t k = 0; k < num_metrics; ++k) buf->sums[k + 1] += buf->metrics[k];
      if (opts->on_progress) opts->on_progress(opts->user, epoch, b, per_epoch, loss, buf->metrics);
    }
    const double ran = (double)(per_epoch - first);
    for (int32_t k = 0; k < num_metrics; ++k) buf->means[k] = (float)(buf->sums[k + 1] / ran);
    if (opts->on_epoch_end)
      opts->on_epoch_end(opts->user, epoch, (float)(buf->sums[0] / ran), buf->means);
    if (opts->checkpoint_path)
      DLC_RETURN_IF_ERROR(dlc_checkpoint_save(params, opts->checkpoint_path));
  }
  return NULL;
}

dlc_status dlc_train(dlc_params *params, const dlc_dataset *dataset,
                     const dlc_train_options *opts) {
  if (!params) return dlc_status_make("dlc_train: params is NULL");
  if (!dataset) return dlc_status_make("dlc_train: dataset is NULL");
  if (!opts) return dlc_status_make("dlc_train: options are NULL");
  const dlc_model_info *info = params->info;
  if (!info->train_step || !params->state)
    return dlc_status_make("model '%s' has no training step: compile it with --train",
                           info->name ? info->name : "?");
  if (opts->epochs < 0)
    return dlc_status_make("dlc_train: %lld epochs", (long long)opts->epochs);
  input_roles roles;
  DLC_RETURN_IF_ERROR(find_roles(info, "training step", info->train_inputs,
                                 info->num_train_inputs, dataset, &roles));
  if (opts->batch_size != 0 && opts->batch_size != roles.batch)
    return dlc_status_make("model '%s': the training step was compiled for batches of %lld, "
                           "not %lld",
                           info->name ? info->name : "?", (long long)roles.batch,
                           (long long)opts->batch_size);
  DLC_RETURN_IF_ERROR(dlc_params_check_all_set(params));
  batch_buffers buf;
  DLC_RETURN_IF_ERROR(
      batch_buffers_init(&buf, dataset, roles.batch, info->num_metrics));
  const void **inputs = calloc((size_t)info->num_train_inputs, sizeof *inputs);
  dlc_batcher *batcher = NULL;
  dlc_status status = inputs ? NULL : dlcrt_out_of_memory();
  if (!status)
    status = dlc_batcher_create(dataset, DLC_SPLIT_TRAIN, roles.batch, opts->seed, 1, 0, &batcher);
  if (!status) status = train_loop(params, dataset, opts, &roles, batcher, &buf, inputs);
  dlc_batcher_free(batcher);
  free(inputs);
  batch_buffers_free(&buf);
  return status;
}

dlc_status dlc_evaluate(dlc_params *params, const dlc_dataset *dataset, dlc_split split,
                        dlc_eval_batch_fn on_batch, void *user) {
  if (!params) return dlc_status_make("dlc_evaluate: params is NULL");
  if (!dataset) return dlc_status_make("dlc_evaluate: dataset is NULL");
  if (!on_batch) return dlc_status_make("dlc_evaluate: on_batch is NULL");
  const dlc_model_info *info = params->info;
  input_roles roles;
  DLC_RETURN_IF_ERROR(
      find_roles(info, "inference entry", info->inputs, info->num_inputs, dataset, &roles));
  DLC_RETURN_IF_ERROR(dlc_params_check_all_set(params));
  batch_buffers buf;
  DLC_RETURN_IF_ERROR(batch_buffers_init(&buf, dataset, roles.batch, 0));
  const size_t num_outputs = (size_t)info->num_outputs;
  const void **inputs = calloc((size_t)info->num_inputs, sizeof *inputs);
  void **outputs = calloc(num_outputs ? num_outputs : 1, sizeof *outputs);
  dlc_batcher *batcher = NULL;
  dlc_status status = inputs && outputs ? NULL : dlcrt_out_of_memory();
  for (size_t i = 0; !status && i < num_outputs; ++i) {
    outputs[i] = dlcrt_aligned_zalloc((size_t)info->outputs[i].size_bytes);
    if (!outputs[i]) status = dlcrt_out_of_memory();
  }
  if (!status) status = dlc_batcher_create(dataset, split, roles.batch, 0, 0, 1, &batcher);
  if (!status) {
    inputs[roles.image] = buf.images;
    if (roles.label >= 0) inputs[roles.label] = buf.labels;
  }
  while (!status) {
    int64_t count = 0;
    status = dlc_batcher_next(batcher, buf.images, buf.labels, &count);
    if (status || count == 0) break;
    status = dlc_infer(params, inputs, outputs);
    if (!status) on_batch(user, (const void *const *)outputs, buf.labels, count);
  }
  dlc_batcher_free(batcher);
  for (size_t i = 0; outputs && i < num_outputs; ++i) free(outputs[i]);
  free(outputs);
  free(inputs);
  batch_buffers_free(&buf);
  return status;
}

dlc_status dlc_eval_split(dlc_params *params, const dlc_dataset *dataset, dlc_split split,
                          float *out_loss, float *out_metrics, int64_t *out_examples) {
  if (!params) return dlc_status_make("dlc_eval_split: params is NULL");
  if (!dataset) return dlc_status_make("dlc_eval_split: dataset is NULL");
  const dlc_model_info *info = params->info;
  if (!info->eval_step || !params->state)
    return dlc_status_make("model '%s' has no evaluation step: compile it with --train",
                           info->name ? info->name : "?");
  input_roles roles;
  DLC_RETURN_IF_ERROR(find_roles(info, "evaluation step", info->train_inputs,
                                 info->num_train_inputs, dataset, &roles));
  dlc_batcher *batcher = NULL;
  DLC_RETURN_IF_ERROR(dlc_batcher_create(dataset, split, roles.batch, 0, /*shuffle=*/0,
                                         /*pad_last=*/0, &batcher));
  batch_buffers buf;
  dlc_status status =
      batch_buffers_init(&buf, dataset, roles.batch, info->num_metrics);
  const int buffers_ready = status == NULL; // init frees what it made on failure
  const void **inputs = status ? NULL : calloc((size_t)info->num_train_inputs, sizeof(void *));
  if (!status && !inputs) status = dlcrt_out_of_memory();
  int64_t batches = 0;
  if (!status) {
    inputs[roles.image] = buf.images;
    if (roles.label >= 0) inputs[roles.label] = buf.labels;
    const int64_t total = dlc_batcher_num_batches(batcher, /*drop_last=*/1);
    status = dlc_batcher_start_epoch(batcher, 0);
    // Full batches only: the step's loss and metrics are means over a whole
    // batch, and a padded batch would bias them.
    for (; !status && batches < total; ++batches) {
      int64_t count = 0;
      float loss = 0.0f;
      status = dlc_batcher_next(batcher, buf.images, buf.labels, &count);
      if (!status) status = dlc_eval_step(params, inputs, &loss, buf.metrics);
      if (status) break;
      buf.sums[0] += loss;
      for (int32_t k = 0; k < info->num_metrics; ++k) buf.sums[k + 1] += buf.metrics[k];
    }
  }
  if (!status && batches == 0)
    status = dlc_status_make("the %s split has fewer examples than one batch of %lld",
                             split == DLC_SPLIT_TRAIN ? "train" : "test", (long long)roles.batch);
  if (!status) {
    if (out_loss) *out_loss = (float)(buf.sums[0] / (double)batches);
    for (int32_t k = 0; out_metrics && k < info->num_metrics; ++k)
      out_metrics[k] = (float)(buf.sums[k + 1] / (double)batches);
    if (out_examples) *out_examples = batches * roles.batch;
  }
  free(inputs);
  if (buffers_ready) batch_buffers_free(&buf);
  dlc_batcher_free(batcher);
  return status;
}
