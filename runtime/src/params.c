// params.c — parameter storage (dlc_params) and the inference call.
//
// Contract:
//  - dlc_params_create validates the model description (ABI version, dtypes,
//    shapes, sizes), allocates every parameter 64-byte aligned (at least 64
//    bytes, so even empty tensors have a unique valid pointer) and fills it
//    per its init spec. DLC_INIT_NONE parameters stay zero and unset until a
//    weights file provides them (safetensors.c).
//  - dlc_infer packs args as [parameters…, inputs…, outputs…, workspace] and
//    calls info->infer. The workspace and the args array are allocated once
//    per dlc_params, so steady-state inference allocates nothing.
//  - With a training step (info->train_step), create also validates the
//    training tables (train inputs, state, metric names; state names unique
//    and distinct from parameter names; "optimizer.step" an i64 scalar) and
//    allocates every state tensor zero-filled and 64-byte aligned.
//    dlc_train_step packs [parameters…, state…, train inputs…, loss,
//    metrics…, workspace] and calls info->train_step; the workspace, the
//    args array and the loss/metric scalars are allocated once.
#include "internal.h"

#include <stdlib.h>
#include <string.h>

// Checks one tensor description; `what` is "parameter", "input" or "output".
static dlc_status check_tensor_info(const dlc_tensor_info *t, const char *what, int32_t index) {
  if (!t->name) return dlc_status_make("%s %d has no name", what, (int)index);
  int dtype;  // read through its bytes: a caller may store any int there
  memcpy(&dtype, &t->dtype, sizeof dtype);
  if (dtype < 0 || !dlcrt_dtype_is_valid(t->dtype))
    return dlc_status_make("%s '%s': unknown dtype %d", what, t->name, dtype);
  if (t->rank < 0 || (t->rank > 0 && !t->shape))
    return dlc_status_make("%s '%s': invalid rank %d", what, t->name, (int)t->rank);
  int64_t count = 1;
  int bad_shape = 0;
  for (int32_t d = 0; d < t->rank && !bad_shape; ++d)
    bad_shape = t->shape[d] < 0 || __builtin_mul_overflow(count, t->shape[d], &count);
  int64_t bytes = 0;
  if (!bad_shape && count == t->num_elements &&
      !__builtin_mul_overflow(count, (int64_t)dlc_dtype_size(t->dtype), &bytes) &&
      bytes == t->size_bytes)
    return NULL;
  char *shape = dlcrt_shape_string(t->shape, t->rank);
  if (!shape) return dlcrt_out_of_memory();
  dlc_status status =
      bad_shape ? dlc_status_make("%s '%s': invalid shape %s", what, t->name, shape)
                : dlc_status_make("%s '%s': shape %s, %lld elements and %lld bytes disagree",
                                  what, t->name, shape, (long long)t->num_elements,
                                  (long long)t->size_bytes);
  free(shape);
  return status;
}

static const char kStepName[] = "optimizer.step";

static dlc_status ensure_workspace(const dlc_model_info *info, uint64_t size, void **block);

// The tables dlc_train_step and the checkpoints rely on.
static dlc_status check_training_info(const dlc_model_info *info) {
  const char *name = info->name ? info->name : "?";
  if (info->num_train_inputs < 0 || (info->num_train_inputs > 0 && !info->train_inputs) ||
      info->num_state < 0 || (info->num_state > 0 && !info->state) || info->num_metrics < 0 ||
      (info->num_metrics > 0 && !info->metric_names))
    return dlc_status_make("model '%s': invalid training description (counts or tables)", name);
  for (int32_t i = 0; i < info->num_train_inputs; ++i)
    DLC_RETURN_IF_ERROR(check_tensor_info(&info->train_inputs[i], "training input", i));
  for (int32_t i = 0; i < info->num_metrics; ++i) {
    if (!info->metric_names[i])
      return dlc_status_make("model '%s': metric %d has no name", name, (int)i);
  }
  for (int32_t i = 0; i < info->num_state; ++i) {
    const dlc_tensor_info *t = &info->state[i];
    DLC_RETURN_IF_ERROR(check_tensor_info(t, "state tensor", i));
    for (int32_t j = 0; j < i; ++j) {
      if (strcmp(t->name, info->state[j].name) == 0)
        return dlc_status_make("state tensor '%s' is declared twice", t->name);
    }
    for (int32_t j = 0; j < info->num_params; ++j) {
      if (strcmp(t->name, info->params[j].tensor.name) == 0)
        return dlc_status_make("state tensor '%s' has the name of a parameter", t->name);
    }
    if (strcmp(t->name, kStepName) == 0 && (t->dtype != DLC_DTYPE_I64 || t->num_elements != 1))
      return dlc_status_make("state tensor '%s' must be an i64 scalar, not %s with %lld elements",
                             kStepName, dlc_dtype_name(t->dtype), (long long)t->num_elements);
  }
  return NULL;
}

void dlc_params_free(dlc_params *params) {
  if (!params) return;
  if (params->data) {
    for (int32_t i = 0; i < params->info->num_params; ++i) free(params->data[i]);
  }
  free(params->data);
  free(params->is_set);
  free(params->workspace);
  free(params->args);
  if (params->state) {
    for (int32_t i = 0; i < params->info->num_state; ++i) free(params->state[i]);
  }
  free(params->state);
  free(params->train_workspace);
  free(params->train_args);
  free(params->eval_workspace);
  free(params->eval_args);
  free(params->train_scalars);
  free(params);
}

dlc_status dlc_params_create(const dlc_model_info *info, dlc_params **out_params) {
  if (!out_params) return dlc_status_make("dlc_params_create: out_params is NULL");
  *out_params = NULL;
  if (!info) return dlc_status_make("dlc_params_create: model info is NULL");
  if (info->abi_version != DLC_ABI_VERSION)
    return dlc_status_make("model '%s' was generated for runtime ABI version %u, this runtime "
                           "has version %d: recompile the model",
                           info->name ? info->name : "?", info->abi_version, DLC_ABI_VERSION);
  if (info->num_params < 0 || (info->num_params > 0 && !info->params) ||
      info->num_inputs < 0 || (info->num_inputs > 0 && !info->inputs) ||
      info->num_outputs < 0 || (info->num_outputs > 0 && !info->outputs))
    return dlc_status_make("model '%s': invalid description (counts or tables)",
                           info->name ? info->name : "?");
  for (int32_t i = 0; i < info->num_params; ++i) {
    DLC_RETURN_IF_ERROR(check_tensor_info(&info->params[i].tensor, "parameter", i));
    for (int32_t j = 0; j < i; ++j) {
      if (strcmp(info->params[i].tensor.name, info->params[j].tensor.name) == 0)
        return dlc_status_make("parameter '%s' is declared twice", info->params[i].tensor.name);
    }
  }

  const int training = info->train_step != NULL;
  if (training) DLC_RETURN_IF_ERROR(check_training_info(info));

  // dlc_params_free releases whatever got allocated.
  dlc_params *params = calloc(1, sizeof *params);
  if (!params) return dlcrt_out_of_memory();
  params->info = info;
  const size_t num_params = (size_t)info->num_params;
  const size_t num_args =
      num_params + (size_t)info->num_inputs + (size_t)info->num_outputs + 1;
  params->data = calloc(num_params ? num_params : 1, sizeof(void *));
  params->is_set = calloc(num_params ? num_params : 1, 1);
  params->args = calloc(num_args, sizeof(void *));
  if (!params->data || !params->is_set || !params->args) {
    dlc_params_free(params);
    return dlcrt_out_of_memory();
  }
  for (int32_t i = 0; i < info->num_params; ++i) {
    const dlc_param_info *p = &info->params[i];
    params->data[i] = dlcrt_aligned_zalloc((size_t)p->tensor.size_bytes);
    if (!params->data[i]) {
      dlc_params_free(params);
      return dlc_status_make("parameter '%s': out of memory allocating %lld bytes", p->tensor.name,
                             (long long)p->tensor.size_bytes);
    }
    if (p->init.kind == DLC_INIT_NONE) continue;  // zero, unset: a weights file must supply it
    dlc_status status = dlc_init_fill(&p->init, p->tensor.dtype, p->tensor.num_elements,
                                      params->data[i]);
    if (status) {
      dlc_status named = dlc_status_make("parameter '%s': %s", p->tensor.name,
                                         dlc_status_message(status));
      dlc_status_free(status);
      dlc_params_free(params);
      return named;
    }
    params->is_set[i] = 1;
  }
  params->step_index = -1;
  if (training) {
    const size_t num_state = (size_t)info->num_state;
    params->state = calloc(num_state ? num_state : 1, sizeof(void *));
    if (!params->state) {
      dlc_params_free(params);
      return dlcrt_out_of_memory();
    }
    for (int32_t i = 0; i < info->num_state; ++i) {
      const dlc_tensor_info *t = &info->state[i];
      params->state[i] = dlcrt_aligned_zalloc((size_t)t->size_bytes);
      if (!params->state[i]) {
        dlc_params_free(params);
        return dlc_status_make("state tensor '%s': out of memory allocating %lld bytes", t->name,
                               (long long)t->size_bytes);
      }
      if (strcmp(t->name, kStepName) == 0) params->step_index = i;
    }
  }
  *out_params = params;
  return NULL;
}

int32_t dlc_params_count(const dlc_params *params) {
  return params ? params->info->num_params : 0;
}

int32_t dlc_params_find(const dlc_params *params, const char *name) {
  if (!params || !name) return -1;
  for (int32_t i = 0; i < params->info->num_params; ++i) {
    if (strcmp(params->info->params[i].tensor.name, name) == 0) return i;
  }
  return -1;
}

void *dlc_params_data(dlc_params *params, int32_t index) {
  if (!params || index < 0 || index >= params->info->num_params) return NULL;
  return params->data[index];
}

dlc_status dlc_params_check_all_set(const dlc_params *params) {
  if (!params) return dlc_status_make("dlc_params_check_all_set: params is NULL");
  for (int32_t i = 0; i < params->info->num_params; ++i) {
    if (!params->is_set[i])
      return dlc_status_make(
          "parameter '%s' has no initializer and was not loaded from a weights file",
          params->info->params[i].tensor.name);
  }
  return NULL;
}

dlc_status dlc_infer(dlc_params *params, const void *const *inputs, void *const *outputs) {
  if (!params) return dlc_status_make("dlc_infer: params is NULL");
  const dlc_model_info *info = params->info;
  if (!info->infer)
    return dlc_status_make("model '%s' has no inference entry point",
                           info->name ? info->name : "?");
  DLC_RETURN_IF_ERROR(dlc_params_check_all_set(params));
  if (info->num_inputs > 0 && !inputs) return dlc_status_make("dlc_infer: inputs is NULL");
  if (info->num_outputs > 0 && !outputs) return dlc_status_make("dlc_infer: outputs is NULL");
  DLC_RETURN_IF_ERROR(ensure_workspace(info, info->infer_workspace_size, &params->workspace));
  void **args = params->args;
  size_t k = 0;
  for (int32_t i = 0; i < info->num_params; ++i) args[k++] = params->data[i];
  for (int32_t i = 0; i < info->num_inputs; ++i) {
    if (!inputs[i])
      return dlc_status_make("dlc_infer: input '%s' is NULL",
                             info->inputs[i].name ? info->inputs[i].name : "?");
    // Generated code only reads inputs; the packed convention has no const.
    memcpy(&args[k++], &inputs[i], sizeof(void *));
  }
  for (int32_t i = 0; i < info->num_outputs; ++i) {
    if (!outputs[i])
      return dlc_status_make("dlc_infer: output '%s' is NULL",
                             info->outputs[i].name ? info->outputs[i].name : "?");
    args[k++] = outputs[i];
  }
  args[k] = params->workspace;
  uint64_t fp = dlcrt_fp_enter();
  info->infer(args);
  dlcrt_fp_leave(fp);
  return NULL;
}

void *dlc_params_state_data(dlc_params *params, int32_t index) {
  if (!params || !params->state || index < 0 || index >= params->info->num_state) return NULL;
  return params->state[index];
}

int64_t dlc_params_step(const dlc_params *params) {
  if (!params || params->step_index < 0) return 0;
  int64_t step;
  memcpy(&step, params->state[params->step_index], sizeof step);
  return step;
}

// A 64-byte aligned block of `size` bytes (a real block even for 0), once.
static dlc_status ensure_workspace(const dlc_model_info *info, uint64_t size, void **block) {
  if (*block) return NULL;
  if (size > SIZE_MAX - 64)
    return dlc_status_make("model '%s': workspace of %llu bytes is too large",
                           info->name ? info->name : "?", (unsigned long long)size);
  // Even a zero-byte workspace gets a real 64-byte block: generated code
  // may take its address unconditionally.
  *block = dlcrt_aligned_zalloc((size_t)size);
  if (!*block)
    return dlc_status_make("model '%s': out of memory allocating a %llu-byte workspace",
                           info->name ? info->name : "?", (unsigned long long)size);
  return NULL;
}

/* Calls a step entry (training or evaluation) with args = {params...,
 * [state...], train_inputs..., loss, metrics..., workspace}; the workspace
 * and argument array are allocated on the first call and reused. */
static dlc_status run_step(dlc_params *params, const char *what, dlc_packed_fn entry,
                           int with_state, uint64_t workspace_size, void **workspace,
                           void ***args_slot, const void *const *train_inputs,
                           float *out_loss, float *out_metrics) {
  const dlc_model_info *info = params->info;
  if (!entry || !params->state)
    return dlc_status_make("model '%s' has no %s step: compile it with --train",
                           info->name ? info->name : "?", what);
  DLC_RETURN_IF_ERROR(dlc_params_check_all_set(params));
  if (info->num_train_inputs > 0 && !train_inputs)
    return dlc_status_make("dlc_%s_step: train_inputs is NULL", what);
  for (int32_t i = 0; i < info->num_train_inputs; ++i) {
    if (!train_inputs[i])
      return dlc_status_make("dlc_%s_step: training input '%s' is NULL", what,
                             info->train_inputs[i].name);
  }
  DLC_RETURN_IF_ERROR(ensure_workspace(info, workspace_size, workspace));
  const size_t num_scalars = 1 + (size_t)info->num_metrics;
  const size_t num_state = with_state ? (size_t)info->num_state : 0;
  const size_t num_args = (size_t)info->num_params + num_state +
                          (size_t)info->num_train_inputs + num_scalars + 1;
  if (!*args_slot) *args_slot = calloc(num_args, sizeof(void *));
  if (!params->train_scalars) params->train_scalars = dlcrt_aligned_zalloc(num_scalars * sizeof(float));
  if (!*args_slot || !params->train_scalars) return dlcrt_out_of_memory();
  void **args = *args_slot;
  size_t k = 0;
  for (int32_t i = 0; i < info->num_params; ++i) args[k++] = params->data[i];
  for (size_t i = 0; i < num_state; ++i) args[k++] = params->state[i];
  // Generated code only reads inputs; the packed convention has no const.
  for (int32_t i = 0; i < info->num_train_inputs; ++i)
    memcpy(&args[k++], &train_inputs[i], sizeof(void *));
  for (size_t i = 0; i < num_scalars; ++i) {
    params->train_scalars[i] = 0.0f;
    args[k++] = &params->train_scalars[i];
  }
  args[k] = *workspace;
  uint64_t fp = dlcrt_fp_enter();
  entry(args);
  dlcrt_fp_leave(fp);
  if (out_loss) *out_loss = params->train_scalars[0];
  if (out_metrics && info->num_metrics > 0)
    memcpy(out_metrics, params->train_scalars + 1, (size_t)info->num_metrics * sizeof(float));
  return NULL;
}

dlc_status dlc_train_step(dlc_params *params, const void *const *train_inputs, float *out_loss,
                          float *out_metrics) {
  if (!params) return dlc_status_make("dlc_train_step: params is NULL");
  return run_step(params, "training", params->info->train_step, /*with_state=*/1,
                  params->info->train_workspace_size, &params->train_workspace,
                  &params->train_args, train_inputs, out_loss, out_metrics);
}

dlc_status dlc_eval_step(dlc_params *params, const void *const *train_inputs, float *out_loss,
                         float *out_metrics) {
  if (!params) return dlc_status_make("dlc_eval_step: params is NULL");
  return run_step(params, "evaluation", params->info->eval_step, /*with_state=*/0,
                  params->info->eval_workspace_size, &params->eval_workspace,
                  &params->eval_args, train_inputs, out_loss, out_metrics);
}
