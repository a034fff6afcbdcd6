// params_test.cc — dlc_params: validation of the model description,
// aligned allocation, initialization per spec, the "unset parameter" error,
// and dlc_infer's packed-argument convention with a fake generated function.
#include "internal.h"
#include "test_util.h"

#include <atomic>
#include <cstring>
#include <vector>

namespace {

const int64_t kShapeW[] = {2, 3};
const int64_t kShapeB[] = {3};
const int64_t kShapeX[] = {3};

dlc_param_info param(const char *name, dlc_dtype dtype, int32_t rank, const int64_t *shape,
                     int64_t n, dlc_init_kind kind, uint64_t seed = 0) {
  dlc_param_info p;
  std::memset(&p, 0, sizeof p);
  p.tensor = {name, dtype, rank, shape, n, n * static_cast<int64_t>(dlc_dtype_size(dtype))};
  p.trainable = 1;
  p.init.kind = kind;
  p.init.seed = seed;
  p.init.a = -1;
  p.init.b = 1;
  p.init.fan_in = 3;
  p.init.fan_out = 2;
  return p;
}

dlc_model_info model(const std::vector<dlc_param_info> &params) {
  dlc_model_info info;
  std::memset(&info, 0, sizeof info);
  info.abi_version = DLC_ABI_VERSION;
  info.name = "test";
  info.num_params = static_cast<int32_t>(params.size());
  info.params = params.data();
  return info;
}

// The fake "generated" inference: y = x + b, and it records what it saw.
struct Seen {
  void *args[8];
  int calls;
};
Seen g_seen;
const dlc_tensor_info kInputs[] = {{"x", DLC_DTYPE_F32, 1, kShapeX, 3, 12}};
const dlc_tensor_info kOutputs[] = {{"y", DLC_DTYPE_F32, 1, kShapeX, 3, 12}};

void fake_infer_packed(void **args) {
  // args: w, b, x, y, workspace
  std::memcpy(g_seen.args, args, 5 * sizeof(void *));
  ++g_seen.calls;
  const float *b = static_cast<const float *>(args[1]);
  const float *x = static_cast<const float *>(args[2]);
  float *y = static_cast<float *>(args[3]);
  float *workspace = static_cast<float *>(args[4]);
  for (int i = 0; i < 3; ++i) {
    workspace[i] = x[i] + b[i];  // the workspace must be writable
    y[i] = workspace[i];
  }
}

}  // namespace

TEST(Params, CreateInitializesAlignedStorage) {
  const std::vector<dlc_param_info> ps = {
      param("w", DLC_DTYPE_F32, 2, kShapeW, 6, DLC_INIT_UNIFORM, 9),
      param("b", DLC_DTYPE_F32, 1, kShapeB, 3, DLC_INIT_ONES),
  };
  const dlc_model_info info = model(ps);
  dlc_params *params = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  EXPECT_EQ(dlc_params_count(params), 2);
  EXPECT_EQ(dlc_params_find(params, "b"), 1);
  EXPECT_EQ(dlc_params_find(params, "nope"), -1);
  EXPECT_EQ(dlc_params_data(params, 2), nullptr);
  EXPECT_EQ(dlc_params_data(params, -1), nullptr);
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(reinterpret_cast<uintptr_t>(dlc_params_data(params, i)) % 64, 0u);

  float want[6];
  DLC_ASSERT_OK(dlc_init_fill(&ps[0].init, DLC_DTYPE_F32, 6, want));
  EXPECT_EQ(std::memcmp(dlc_params_data(params, 0), want, sizeof want), 0);
  const float *b = static_cast<const float *>(dlc_params_data(params, 1));
  EXPECT_EQ(b[0], 1.0f);
  EXPECT_EQ(b[2], 1.0f);
  DLC_ASSERT_OK(dlc_params_check_all_set(params));
  dlc_params_free(params);
}

TEST(Params, UnsetParameterIsNamed) {
  const std::vector<dlc_param_info> ps = {
      param("b", DLC_DTYPE_F32, 1, kShapeB, 3, DLC_INIT_ZEROS),
      param("w", DLC_DTYPE_F32, 2, kShapeW, 6, DLC_INIT_NONE),
  };
  const dlc_model_info info = model(ps);
  dlc_params *params = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  const float *w = static_cast<const float *>(dlc_params_data(params, 1));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(w[i], 0.0f);
  EXPECT_EQ(dlcrt_test::take_message(dlc_params_check_all_set(params)),
            "parameter 'w' has no initializer and was not loaded from a weights file");
  dlc_params_free(params);
}

TEST(Params, CreateErrors) {
  std::vector<dlc_param_info> ps = {param("w", DLC_DTYPE_F32, 2, kShapeW, 6, DLC_INIT_ZEROS)};
  dlc_model_info info = model(ps);
  dlc_params *params = reinterpret_cast<dlc_params *>(1);
  info.abi_version = DLC_ABI_VERSION + 1;
  DLC_ASSERT_ERROR(dlc_params_create(&info, &params), "ABI version");
  EXPECT_EQ(params, nullptr);
  info.abi_version = DLC_ABI_VERSION;
  DLC_ASSERT_ERROR(dlc_params_create(nullptr, &params), "NULL");
  DLC_ASSERT_ERROR(dlc_params_create(&info, nullptr), "NULL");

  ps[0].tensor.size_bytes = 20;  // disagrees with 6 × 4
  info = model(ps);
  DLC_ASSERT_ERROR(dlc_params_create(&info, &params), "parameter 'w': shape [2, 3], 6 elements");
  ps[0].tensor.size_bytes = 24;

  ps[0].init.kind = DLC_INIT_HE_UNIFORM;
  ps[0].init.fan_in = 0;
  info = model(ps);
  DLC_ASSERT_ERROR(dlc_params_create(&info, &params), "parameter 'w': initializer 'he_uniform' needs fan_in > 0");

  ps = {param("w", DLC_DTYPE_F32, 2, kShapeW, 6, DLC_INIT_ZEROS)};
  const int bogus_dtype = 77;  // as a C caller could store it
  std::memcpy(&ps[0].tensor.dtype, &bogus_dtype, sizeof bogus_dtype);
  info = model(ps);
  DLC_ASSERT_ERROR(dlc_params_create(&info, &params), "parameter 'w': unknown dtype 77");

  ps = {param("w", DLC_DTYPE_I32, 2, kShapeW, 6, DLC_INIT_NORMAL)};
  info = model(ps);
  DLC_ASSERT_ERROR(dlc_params_create(&info, &params), "needs a floating-point dtype, got i32");

  ps = {param("w", DLC_DTYPE_F32, 1, kShapeB, 3, DLC_INIT_ZEROS),
        param("w", DLC_DTYPE_F32, 1, kShapeB, 3, DLC_INIT_ZEROS)};
  info = model(ps);
  DLC_ASSERT_ERROR(dlc_params_create(&info, &params), "declared twice");
}

TEST(Params, EmptyTensorGetsValidPointer) {
  const int64_t shape[] = {0, 4};
  const std::vector<dlc_param_info> ps = {param("e", DLC_DTYPE_F32, 2, shape, 0, DLC_INIT_NORMAL)};
  const dlc_model_info info = model(ps);
  dlc_params *params = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  EXPECT_NE(dlc_params_data(params, 0), nullptr);
  dlc_params_free(params);
}

TEST(Infer, PacksArgumentsAndReusesWorkspace) {
  const std::vector<dlc_param_info> ps = {
      param("w", DLC_DTYPE_F32, 2, kShapeW, 6, DLC_INIT_ZEROS),
      param("b", DLC_DTYPE_F32, 1, kShapeB, 3, DLC_INIT_CONSTANT),
  };
  dlc_model_info info = model(ps);
  info.num_inputs = 1;
  info.inputs = kInputs;
  info.num_outputs = 1;
  info.outputs = kOutputs;
  info.infer_workspace_size = 64;
  info.infer = fake_infer_packed;
  dlc_params *params = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));  // b = -1 (constant a)

  const float x[3] = {1, 2, 3};
  float y[3] = {0, 0, 0};
  const void *inputs[] = {x};
  void *outputs[] = {y};
  g_seen = {};
  DLC_ASSERT_OK(dlc_infer(params, inputs, outputs));
  EXPECT_EQ(g_seen.calls, 1);
  EXPECT_EQ(g_seen.args[0], dlc_params_data(params, 0));
  EXPECT_EQ(g_seen.args[1], dlc_params_data(params, 1));
  EXPECT_EQ(g_seen.args[2], static_cast<const void *>(x));
  EXPECT_EQ(g_seen.args[3], static_cast<void *>(y));
  void *workspace = g_seen.args[4];
  ASSERT_NE(workspace, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(workspace) % 64, 0u);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[2], 2.0f);

  DLC_ASSERT_OK(dlc_infer(params, inputs, outputs));
  EXPECT_EQ(g_seen.calls, 2);
  EXPECT_EQ(g_seen.args[4], workspace);  // allocated once, reused

  const void *null_inputs[] = {nullptr};
  DLC_ASSERT_ERROR(dlc_infer(params, null_inputs, outputs), "input 'x' is NULL");
  dlc_params_free(params);
}

#if defined(__x86_64__) || defined(__aarch64__)
// A fake inference whose parallel loop computes, on every thread, a product
// whose exact value is subnormal (1e-20²) and reads a subnormal operand:
// flushed, both are 0.
struct SubnormalSeen {
  std::atomic<int> chunks{0}, flushed{0}, kept{0};
};
SubnormalSeen g_subnormal;

void subnormal_chunk(void *, int64_t, int64_t) {
  volatile float tiny = 1e-20f, subnormal = 1e-40f;
  const float product = tiny * tiny, operand = subnormal * 1.0f;
  ++g_subnormal.chunks;
  if (product == 0.0f && operand == 0.0f) ++g_subnormal.flushed;
  if (product != 0.0f && operand != 0.0f) ++g_subnormal.kept;
}

void fake_infer_subnormal(void **) { dlc_parallel_for(subnormal_chunk, nullptr, 64); }

float subnormal_product_here() {
  volatile float tiny = 1e-20f;
  return tiny * tiny;
}

TEST(Infer, FlushesSubnormalsOnEveryThreadAndRestoresTheCallers) {
  dlc_model_info info = model({});
  info.infer = fake_infer_subnormal;
  dlc_params *params = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  const int threads = dlc_get_num_threads();
  DLC_ASSERT_OK(dlc_set_num_threads(4));
  ASSERT_NE(subnormal_product_here(), 0.0f);  // the test thread keeps IEEE underflow

  EXPECT_EQ(dlc_get_flush_denormals(), 1);  // the default
  g_subnormal.chunks = g_subnormal.flushed = g_subnormal.kept = 0;
  DLC_ASSERT_OK(dlc_infer(params, nullptr, nullptr));
  EXPECT_EQ(g_subnormal.chunks, 4);
  EXPECT_EQ(g_subnormal.flushed, 4);  // pool threads too
  EXPECT_NE(subnormal_product_here(), 0.0f);  // the caller's mode is back

  dlc_set_flush_denormals(0);
  g_subnormal.chunks = g_subnormal.flushed = g_subnormal.kept = 0;
  DLC_ASSERT_OK(dlc_infer(params, nullptr, nullptr));
  EXPECT_EQ(g_subnormal.kept, 4);  // and pool threads that flushed before no longer do

  dlc_set_flush_denormals(1);
  DLC_ASSERT_OK(dlc_set_num_threads(threads));
  dlc_params_free(params);
}
#endif

TEST(Infer, ZeroWorkspaceStillPassesValidPointer) {
  const std::vector<dlc_param_info> ps = {
      param("w", DLC_DTYPE_F32, 2, kShapeW, 6, DLC_INIT_ZEROS),
      param("b", DLC_DTYPE_F32, 1, kShapeB, 3, DLC_INIT_ZEROS),
  };
  dlc_model_info info = model(ps);
  info.num_inputs = 1;
  info.inputs = kInputs;
  info.num_outputs = 1;
  info.outputs = kOutputs;
  info.infer_workspace_size = 0;
  info.infer = fake_infer_packed;  // writes 12 bytes: fits the 64-byte minimum
  dlc_params *params = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  const float x[3] = {1, 2, 3};
  float y[3];
  const void *inputs[] = {x};
  void *outputs[] = {y};
  DLC_ASSERT_OK(dlc_infer(params, inputs, outputs));
  EXPECT_NE(g_seen.args[4], nullptr);
  dlc_params_free(params);
}

TEST(Infer, Errors) {
  std::vector<dlc_param_info> ps = {param("w", DLC_DTYPE_F32, 2, kShapeW, 6, DLC_INIT_NONE)};
  dlc_model_info info = model(ps);
  dlc_params *params = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  DLC_ASSERT_ERROR(dlc_infer(params, nullptr, nullptr), "has no inference entry point");
  dlc_params_free(params);

  info.infer = fake_infer_packed;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  g_seen = {};
  DLC_ASSERT_ERROR(dlc_infer(params, nullptr, nullptr), "parameter 'w' has no initializer");
  EXPECT_EQ(g_seen.calls, 0);
  dlc_params_free(params);
  DLC_ASSERT_ERROR(dlc_infer(nullptr, nullptr, nullptr), "NULL");
}
