/* main_infer.c — the C program of c-link.test, linked against the object and
 * header that `dlc compile Inputs/clink.json -o DIR/model.o` writes.
 *
 *   main_infer WEIGHTS.safetensors X.npy Z.npy OUTDIR
 *
 * Creates the parameters from clink_info (init specs), loads the weights
 * file, reads the inputs, then runs inference twice: through the typed entry
 * clink_infer (workspace from aligned_alloc) and through the runtime's
 * dlc_infer. Writes OUTDIR/typed_<output>.npy and OUTDIR/packed_<output>.npy.
 */
#include "model.h"

#include <dlc/runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed(dlc_status status, const char *what) {
  if (!status) return 0;
  fprintf(stderr, "error: %s: %s\n", what, dlc_status_message(status));
  dlc_status_free(status);
  return 1;
}

/* Reads an input .npy and checks it against the model's description. */
static dlc_array *read_input(const char *path, const dlc_tensor_info *info) {
  dlc_array *a = NULL;
  if (failed(dlc_npy_read(path, &a), path)) return NULL;
  int ok = a->dtype == info->dtype && a->rank == info->rank &&
           a->num_elements == info->num_elements;
  for (int i = 0; ok && i < info->rank; ++i) ok = a->shape[i] == info->shape[i];
  if (!ok) {
    fprintf(stderr, "error: %s does not match input '%s'\n", path, info->name);
    dlc_array_free(a);
    return NULL;
  }
  return a;
}

static void *alloc64(size_t bytes) {
  size_t n = (bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, n ? n : 64);
  if (p) memset(p, 0xff, n ? n : 64); /* garbage: outputs must be written */
  return p;
}

static int write_outputs(const char *dir, const char *prefix, void **outs) {
  for (int i = 0; i < clink_info.num_outputs; ++i) {
    const dlc_tensor_info *o = &clink_info.outputs[i];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_%s.npy", dir, prefix, o->name);
    if (failed(dlc_npy_write(path, o->dtype, o->rank, o->shape, outs[i]), path))
      return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s WEIGHTS X.npy Z.npy OUTDIR\n", argv[0]);
    return 2;
  }
  if (clink_info.num_inputs != 2 || clink_info.num_outputs != 3 ||
      clink_info.num_params != 4 || clink_NUM_PARAMS != 4 ||
      clink_info.infer_workspace_size != clink_INFER_WORKSPACE_SIZE) {
    fprintf(stderr, "error: unexpected model description\n");
    return 1;
  }

  dlc_params *params = NULL;
  if (failed(dlc_params_create(&clink_info, &params), "dlc_params_create"))
    return 1;
  /* Before loading, the two weight matrices (no init spec) are unset. */
  dlc_status unset = dlc_params_check_all_set(params);
  if (!unset) {
    fprintf(stderr, "error: parameters without init reported as set\n");
    return 1;
  }
  dlc_status_free(unset);
  if (failed(dlc_params_load(params, argv[1], 0), "dlc_params_load")) return 1;
  if (failed(dlc_params_check_all_set(params), "dlc_params_check_all_set"))
    return 1;

  dlc_array *x = read_input(argv[2], &clink_info.inputs[0]);
  dlc_array *z = read_input(argv[3], &clink_info.inputs[1]);
  if (!x || !z) return 1;

  /* The typed entry: parameters in the order of clink_info.params. */
  void *outs[3];
  for (int i = 0; i < 3; ++i) outs[i] = alloc64(clink_info.outputs[i].size_bytes);
  void *workspace = alloc64(clink_INFER_WORKSPACE_SIZE);
  if (!outs[0] || !outs[1] || !outs[2] || !workspace) return 1;
  clink_infer(dlc_params_data(params, dlc_params_find(params, "fc1.weight")),
              dlc_params_data(params, dlc_params_find(params, "fc1.bias")),
              dlc_params_data(params, dlc_params_find(params, "fc2.weight")),
              dlc_params_data(params, dlc_params_find(params, "fc2.bias")),
              (const float *)x->data, (const double *)z->data, (float *)outs[0],
              (float *)outs[1], (double *)outs[2], workspace);
  if (write_outputs(argv[4], "typed", outs)) return 1;

  /* The runtime's generic entry, with fresh output buffers. */
  void *outs2[3];
  for (int i = 0; i < 3; ++i) {
    outs2[i] = alloc64(clink_info.outputs[i].size_bytes);
    if (!outs2[i]) return 1;
  }
  const void *ins[2] = {x->data, z->data};
  if (failed(dlc_infer(params, ins, outs2), "dlc_infer")) return 1;
  /* A second call reuses the runtime's workspace. */
  if (failed(dlc_infer(params, ins, outs2), "dlc_infer (second call)")) return 1;
  if (write_outputs(argv[4], "packed", outs2)) return 1;

  for (int i = 0; i < 3; ++i) {
    free(outs[i]);
    free(outs2[i]);
  }
  free(workspace);
  dlc_array_free(x);
  dlc_array_free(z);
  dlc_params_free(params);
  printf("main_infer: done\n");
  return 0;
}
