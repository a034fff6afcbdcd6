// params.cc — parameter storage (dlc_params) and the inference call.
//
// Contract:
//  - dlc_params_create validates the model description (ABI version, dtypes,
//    shapes, sizes), allocates every parameter 64-byte aligned (at least 64
//    bytes, so even empty tensors have a unique valid pointer) and fills it
//    per its init spec. DLC_INIT_NONE parameters stay zero and unset until a
//    weights file provides them (safetensors.cc).
//  - dlc_infer packs args as [parameters…, inputs…, outputs…, workspace] and
//    calls info->infer. The workspace and the args array are allocated once
//    per dlc_params, so steady-state inference allocates nothing.
#include "internal.h"

#include <cstdlib>
#include <cstring>
#include <string>

dlc_params::~dlc_params() {
  for (void *block : data) std::free(block);
  std::free(workspace);
}

namespace {

// Checks one tensor description; `what` is "parameter", "input" or "output".
dlc_status check_tensor_info(const dlc_tensor_info &t, const char *what, int32_t index) {
  if (!t.name) return dlc_status_make("%s %d has no name", what, static_cast<int>(index));
  const int dtype = dlcrt::enum_int(t.dtype);
  if (dtype < 0 || !dlcrt::dtype_is_valid(static_cast<dlc_dtype>(dtype)))
    return dlc_status_make("%s '%s': unknown dtype %d", what, t.name, dtype);
  if (t.rank < 0 || (t.rank > 0 && !t.shape))
    return dlc_status_make("%s '%s': invalid rank %d", what, t.name, static_cast<int>(t.rank));
  int64_t count = 1;
  for (int32_t d = 0; d < t.rank; ++d) {
    if (t.shape[d] < 0 || __builtin_mul_overflow(count, t.shape[d], &count))
      return dlc_status_make("%s '%s': invalid shape %s", what, t.name,
                             dlcrt::shape_string(t.shape, t.rank).c_str());
  }
  int64_t bytes;
  if (count != t.num_elements ||
      __builtin_mul_overflow(count, static_cast<int64_t>(dlc_dtype_size(t.dtype)), &bytes) ||
      bytes != t.size_bytes)
    return dlc_status_make("%s '%s': shape %s, %lld elements and %lld bytes disagree", what,
                           t.name, dlcrt::shape_string(t.shape, t.rank).c_str(),
                           static_cast<long long>(t.num_elements),
                           static_cast<long long>(t.size_bytes));
  return nullptr;
}

dlc_status params_create(const dlc_model_info *info, dlc_params **out_params) {
  if (!out_params) return dlc_status_make("dlc_params_create: out_params is NULL");
  *out_params = nullptr;
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
    DLC_RETURN_IF_ERROR(check_tensor_info(info->params[i].tensor, "parameter", i));
    for (int32_t j = 0; j < i; ++j) {
      if (std::strcmp(info->params[i].tensor.name, info->params[j].tensor.name) == 0)
        return dlc_status_make("parameter '%s' is declared twice", info->params[i].tensor.name);
    }
  }

  // unique_ptr-free ownership: the destructor frees whatever got allocated.
  auto *params = new dlc_params;
  params->info = info;
  params->data.assign(info->num_params, nullptr);
  params->is_set.assign(info->num_params, 0);
  params->args.assign(static_cast<size_t>(info->num_params) + info->num_inputs +
                          info->num_outputs + 1,
                      nullptr);
  for (int32_t i = 0; i < info->num_params; ++i) {
    const dlc_param_info &p = info->params[i];
    params->data[i] = dlcrt::aligned_zalloc(static_cast<size_t>(p.tensor.size_bytes));
    if (!params->data[i]) {
      delete params;
      return dlc_status_make("parameter '%s': out of memory allocating %lld bytes", p.tensor.name,
                             static_cast<long long>(p.tensor.size_bytes));
    }
    if (p.init.kind == DLC_INIT_NONE) continue;  // zero, unset: a weights file must supply it
    dlc_status status = dlc_init_fill(&p.init, p.tensor.dtype, p.tensor.num_elements,
                                      params->data[i]);
    if (status) {
      dlc_status named = dlc_status_make("parameter '%s': %s", p.tensor.name,
                                         dlc_status_message(status));
      dlc_status_free(status);
      delete params;
      return named;
    }
    params->is_set[i] = 1;
  }
  *out_params = params;
  return nullptr;
}

dlc_status infer(dlc_params *params, const void *const *inputs, void *const *outputs) {
  if (!params) return dlc_status_make("dlc_infer: params is NULL");
  const dlc_model_info *info = params->info;
  if (!info->infer)
    return dlc_status_make("model '%s' has no inference entry point",
                           info->name ? info->name : "?");
  DLC_RETURN_IF_ERROR(dlc_params_check_all_set(params));
  if (info->num_inputs > 0 && !inputs) return dlc_status_make("dlc_infer: inputs is NULL");
  if (info->num_outputs > 0 && !outputs) return dlc_status_make("dlc_infer: outputs is NULL");
  if (!params->workspace) {
    if (info->infer_workspace_size > SIZE_MAX - 64)
      return dlc_status_make("model '%s': workspace of %llu bytes is too large",
                             info->name ? info->name : "?",
                             static_cast<unsigned long long>(info->infer_workspace_size));
    // Even a zero-byte workspace gets a real 64-byte block: generated code
    // may take its address unconditionally.
    params->workspace = dlcrt::aligned_zalloc(static_cast<size_t>(info->infer_workspace_size));
    if (!params->workspace)
      return dlc_status_make("model '%s': out of memory allocating a %llu-byte workspace",
                             info->name ? info->name : "?",
                             static_cast<unsigned long long>(info->infer_workspace_size));
  }
  void **args = params->args.data();
  size_t k = 0;
  for (int32_t i = 0; i < info->num_params; ++i) args[k++] = params->data[i];
  for (int32_t i = 0; i < info->num_inputs; ++i) {
    if (!inputs[i])
      return dlc_status_make("dlc_infer: input '%s' is NULL",
                             info->inputs[i].name ? info->inputs[i].name : "?");
    args[k++] = const_cast<void *>(inputs[i]);  // generated code only reads inputs
  }
  for (int32_t i = 0; i < info->num_outputs; ++i) {
    if (!outputs[i])
      return dlc_status_make("dlc_infer: output '%s' is NULL",
                             info->outputs[i].name ? info->outputs[i].name : "?");
    args[k++] = outputs[i];
  }
  args[k] = params->workspace;
  info->infer(args);
  return nullptr;
}

}  // namespace

extern "C" dlc_status dlc_params_create(const dlc_model_info *info, dlc_params **out_params) {
  return dlcrt::guard([&] { return params_create(info, out_params); });
}

extern "C" void dlc_params_free(dlc_params *params) { delete params; }

extern "C" int32_t dlc_params_count(const dlc_params *params) {
  return params ? params->info->num_params : 0;
}

extern "C" int32_t dlc_params_find(const dlc_params *params, const char *name) {
  if (!params || !name) return -1;
  for (int32_t i = 0; i < params->info->num_params; ++i) {
    if (std::strcmp(params->info->params[i].tensor.name, name) == 0) return i;
  }
  return -1;
}

extern "C" void *dlc_params_data(dlc_params *params, int32_t index) {
  if (!params || index < 0 || index >= params->info->num_params) return nullptr;
  return params->data[index];
}

extern "C" dlc_status dlc_params_check_all_set(const dlc_params *params) {
  if (!params) return dlc_status_make("dlc_params_check_all_set: params is NULL");
  for (int32_t i = 0; i < params->info->num_params; ++i) {
    if (!params->is_set[i])
      return dlc_status_make(
          "parameter '%s' has no initializer and was not loaded from a weights file",
          params->info->params[i].tensor.name);
  }
  return nullptr;
}

extern "C" dlc_status dlc_infer(dlc_params *params, const void *const *inputs,
                                void *const *outputs) {
  return dlcrt::guard([&] { return infer(params, inputs, outputs); });
}
