// train_test.cc — training state, dlc_train_step, checkpoints, dlc_train
// (resume bit for bit) and dlc_evaluate, with a fake "generated" model
// written here: a linear softmax classifier trained by SGD with momentum.
// The math lives in this test; the runtime only moves buffers around.
#include "internal.h"
#include "test_util.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace {

using dlcrt_test::TempDir;

constexpr int64_t kBatch = 4;
constexpr int64_t kFeatures = 4;
constexpr int64_t kClasses = 3;

const int64_t kShapeW[] = {kFeatures, kClasses};
const int64_t kShapeB[] = {kClasses};
const int64_t kShapeX[] = {kBatch, kFeatures};
const int64_t kShapeY[] = {kBatch};
const int64_t kShapeLogits[] = {kBatch, kClasses};
const char *const kMetricNames[] = {"accuracy"};

struct Seen {
  void *args[16];
  int calls;
};
Seen g_seen;

// args: W, b, W.momentum, b.momentum, optimizer.step, x, y, loss, accuracy,
// workspace.
void fake_train_step(void **args) {
  std::memcpy(g_seen.args, args, 10 * sizeof(void *));
  ++g_seen.calls;
  float *w = static_cast<float *>(args[0]);
  float *b = static_cast<float *>(args[1]);
  float *mw = static_cast<float *>(args[2]);
  float *mb = static_cast<float *>(args[3]);
  int64_t *step = static_cast<int64_t *>(args[4]);
  const float *x = static_cast<const float *>(args[5]);
  const int64_t *y = static_cast<const int64_t *>(args[6]);
  float *loss = static_cast<float *>(args[7]);
  float *accuracy = static_cast<float *>(args[8]);
  float *gw = static_cast<float *>(args[9]);  // the workspace: gradients
  float *gb = gw + kFeatures * kClasses;
  std::memset(gw, 0, (kFeatures + 1) * kClasses * sizeof(float));
  float total = 0.0f, correct = 0.0f;
  for (int64_t r = 0; r < kBatch; ++r) {
    float logits[kClasses], maximum = -1e30f;
    int64_t best = 0;
    for (int64_t c = 0; c < kClasses; ++c) {
      logits[c] = b[c];
      for (int64_t f = 0; f < kFeatures; ++f) logits[c] += x[r * kFeatures + f] * w[f * kClasses + c];
      if (logits[c] > maximum) maximum = logits[c], best = c;
    }
    float sum = 0.0f;
    for (int64_t c = 0; c < kClasses; ++c) sum += std::exp(logits[c] - maximum);
    total += std::log(sum) + maximum - logits[y[r]];
    correct += best == y[r] ? 1.0f : 0.0f;
    for (int64_t c = 0; c < kClasses; ++c) {
      const float g = (std::exp(logits[c] - maximum) / sum - (c == y[r] ? 1.0f : 0.0f)) / kBatch;
      gb[c] += g;
      for (int64_t f = 0; f < kFeatures; ++f) gw[f * kClasses + c] += g * x[r * kFeatures + f];
    }
  }
  for (int64_t k = 0; k < kFeatures * kClasses; ++k) {
    mw[k] = 0.9f * mw[k] + gw[k];
    w[k] -= 0.1f * mw[k];
  }
  for (int64_t c = 0; c < kClasses; ++c) {
    mb[c] = 0.9f * mb[c] + gb[c];
    b[c] -= 0.1f * mb[c];
  }
  *loss = total / kBatch;
  *accuracy = correct / kBatch;
  ++*step;
}

// args: W, b, x, logits, workspace.
void fake_infer(void **args) {
  const float *w = static_cast<const float *>(args[0]);
  const float *b = static_cast<const float *>(args[1]);
  const float *x = static_cast<const float *>(args[2]);
  float *logits = static_cast<float *>(args[3]);
  for (int64_t r = 0; r < kBatch; ++r)
    for (int64_t c = 0; c < kClasses; ++c) {
      float v = b[c];
      for (int64_t f = 0; f < kFeatures; ++f) v += x[r * kFeatures + f] * w[f * kClasses + c];
      logits[r * kClasses + c] = v;
    }
}

// The description a generated header would hold.
struct Model {
  dlc_param_info params[2];
  dlc_tensor_info inputs[1];
  dlc_tensor_info outputs[1];
  dlc_tensor_info train_inputs[2];
  dlc_tensor_info state[3];
  dlc_model_info info;

  Model() {
    std::memset(this, 0, sizeof *this);
    params[0].tensor = {"W", DLC_DTYPE_F32, 2, kShapeW, 12, 48};
    params[0].trainable = 1;
    params[0].init.kind = DLC_INIT_GLOROT_UNIFORM;
    params[0].init.seed = 3;
    params[0].init.fan_in = kFeatures;
    params[0].init.fan_out = kClasses;
    params[1].tensor = {"b", DLC_DTYPE_F32, 1, kShapeB, 3, 12};
    params[1].trainable = 1;
    params[1].init.kind = DLC_INIT_ZEROS;
    inputs[0] = {"x", DLC_DTYPE_F32, 2, kShapeX, 16, 64};
    outputs[0] = {"logits", DLC_DTYPE_F32, 2, kShapeLogits, 12, 48};
    train_inputs[0] = inputs[0];
    train_inputs[1] = {"y", DLC_DTYPE_I64, 1, kShapeY, 4, 32};
    state[0] = {"W.momentum", DLC_DTYPE_F32, 2, kShapeW, 12, 48};
    state[1] = {"b.momentum", DLC_DTYPE_F32, 1, kShapeB, 3, 12};
    state[2] = {"optimizer.step", DLC_DTYPE_I64, 0, nullptr, 1, 8};
    info.abi_version = DLC_ABI_VERSION;
    info.name = "linear";
    info.num_inputs = 1;
    info.inputs = inputs;
    info.num_outputs = 1;
    info.outputs = outputs;
    info.num_params = 2;
    info.params = params;
    info.infer = fake_infer;
    info.num_train_inputs = 2;
    info.train_inputs = train_inputs;
    info.num_state = 3;
    info.state = state;
    info.num_metrics = 1;
    info.metric_names = kMetricNames;
    info.train_workspace_size = (kFeatures + 1) * kClasses * sizeof(float);
    info.train_step = fake_train_step;
  }
};

// n examples of 4 features, 3 classes; the class decides the feature means.
dlc_dataset *make_dataset(const TempDir &dir, int64_t n, int64_t n_test = 10) {
  auto write = [&](const std::string &stem, int64_t count, int64_t salt) {
    std::vector<float> x(static_cast<size_t>(count * kFeatures));
    std::vector<int64_t> y(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
      y[i] = (i * 7 + salt) % kClasses;
      for (int64_t f = 0; f < kFeatures; ++f)
        x[i * kFeatures + f] = static_cast<float>((f == y[i] ? 1.0 : 0.0) +
                                                  0.1 * ((i * 13 + f * 5 + salt) % 7));
    }
    const int64_t xs[] = {count, kFeatures};
    const int64_t ys[] = {count};
    EXPECT_EQ(dlc_npy_write(dir.file(stem + "x.npy").c_str(), DLC_DTYPE_F32, 2, xs, x.data()),
              nullptr);
    EXPECT_EQ(dlc_npy_write(dir.file(stem + "y.npy").c_str(), DLC_DTYPE_I64, 1, ys, y.data()),
              nullptr);
  };
  write("train_", n, 0);
  write("test_", n_test, 1);
  dlc_dataset *ds = nullptr;
  dlc_status status = dlc_dataset_open_npy(
      dir.file("train_x.npy").c_str(), dir.file("train_y.npy").c_str(),
      dir.file("test_x.npy").c_str(), dir.file("test_y.npy").c_str(), &ds);
  EXPECT_EQ(status, nullptr) << dlc_status_message(status);
  dlc_status_free(status);
  return ds;
}

std::vector<uint8_t> snapshot(dlc_params *p, const dlc_model_info &info) {
  std::vector<uint8_t> bytes;
  for (int32_t i = 0; i < info.num_params; ++i) {
    const uint8_t *d = static_cast<const uint8_t *>(dlc_params_data(p, i));
    bytes.insert(bytes.end(), d, d + info.params[i].tensor.size_bytes);
  }
  for (int32_t i = 0; i < info.num_state; ++i) {
    const uint8_t *d = static_cast<const uint8_t *>(dlc_params_state_data(p, i));
    bytes.insert(bytes.end(), d, d + info.state[i].size_bytes);
  }
  return bytes;
}

struct Log {
  int progress = 0;
  std::vector<int64_t> batches;  // epoch * 100 + batch
  std::vector<float> losses;
  std::vector<float> epoch_losses;
  std::vector<float> epoch_accuracies;
  // Optional: save a checkpoint of `params` after this epoch/batch.
  dlc_params *params = nullptr;
  int64_t save_epoch = -1, save_batch = -1;
  std::string save_path;
};

void on_progress(void *user, int64_t epoch, int64_t batch, int64_t num_batches, float loss,
                 const float *metrics) {
  Log *log = static_cast<Log *>(user);
  ++log->progress;
  log->batches.push_back(epoch * 100 + batch);
  log->losses.push_back(loss);
  EXPECT_EQ(num_batches, 5);
  EXPECT_GE(metrics[0], 0.0f);
  EXPECT_LE(metrics[0], 1.0f);
  if (log->params && epoch == log->save_epoch && batch == log->save_batch) {
    dlc_status status = dlc_checkpoint_save(log->params, log->save_path.c_str());
    EXPECT_EQ(status, nullptr) << dlc_status_message(status);
    dlc_status_free(status);
  }
}

void on_epoch_end(void *user, int64_t, float mean_loss, const float *mean_metrics) {
  Log *log = static_cast<Log *>(user);
  log->epoch_losses.push_back(mean_loss);
  log->epoch_accuracies.push_back(mean_metrics[0]);
}

dlc_train_options options(Log *log, const char *checkpoint, int64_t epochs) {
  dlc_train_options o;
  std::memset(&o, 0, sizeof o);
  o.epochs = epochs;
  o.batch_size = kBatch;
  o.seed = 1234;
  o.checkpoint_path = checkpoint;
  o.on_progress = on_progress;
  o.on_epoch_end = on_epoch_end;
  o.user = log;
  return o;
}

}  // namespace

TEST(Train, CreateAllocatesZeroedAlignedState) {
  Model m;
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  for (int32_t i = 0; i < 3; ++i) {
    const uint8_t *d = static_cast<const uint8_t *>(dlc_params_state_data(p, i));
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(d) % 64, 0u);
    for (int64_t k = 0; k < m.state[i].size_bytes; ++k) EXPECT_EQ(d[k], 0);
  }
  EXPECT_EQ(dlc_params_state_data(p, 3), nullptr);
  EXPECT_EQ(dlc_params_state_data(p, -1), nullptr);
  EXPECT_EQ(dlc_params_step(p), 0);
  dlc_params_free(p);

  // Without a training step there is no state.
  m.info.train_step = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  EXPECT_EQ(dlc_params_state_data(p, 0), nullptr);
  EXPECT_EQ(dlc_params_step(p), 0);
  float loss;
  DLC_ASSERT_ERROR(dlc_train_step(p, nullptr, &loss, nullptr), "has no training step");
  DLC_ASSERT_ERROR(dlc_checkpoint_save(p, "/tmp/never"), "has no training step");
  DLC_ASSERT_ERROR(dlc_checkpoint_load(p, "/tmp/never"), "has no training step");
  dlc_params_free(p);
}

TEST(Train, CreateValidatesTrainingTables) {
  {
    Model m;
    m.state[1].name = "W";
    dlc_params *p = nullptr;
    DLC_ASSERT_ERROR(dlc_params_create(&m.info, &p), "state tensor 'W' has the name of a parameter");
  }
  {
    Model m;
    m.state[1].name = "W.momentum";
    dlc_params *p = nullptr;
    DLC_ASSERT_ERROR(dlc_params_create(&m.info, &p), "state tensor 'W.momentum' is declared twice");
  }
  {
    Model m;
    m.state[2] = {"optimizer.step", DLC_DTYPE_F32, 0, nullptr, 1, 4};
    dlc_params *p = nullptr;
    DLC_ASSERT_ERROR(dlc_params_create(&m.info, &p), "'optimizer.step' must be an i64 scalar");
  }
  {
    Model m;
    m.train_inputs[1].size_bytes = 31;
    dlc_params *p = nullptr;
    DLC_ASSERT_ERROR(dlc_params_create(&m.info, &p), "training input 'y'");
  }
  {
    Model m;
    m.info.metric_names = nullptr;
    dlc_params *p = nullptr;
    DLC_ASSERT_ERROR(dlc_params_create(&m.info, &p), "invalid training description");
  }
}

TEST(Train, StepPacksArgumentsAndRunsTheFakeStep) {
  Model m;
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  float x[kBatch * kFeatures];
  for (int k = 0; k < kBatch * kFeatures; ++k) x[k] = 0.25f * static_cast<float>(k % 5);
  const int64_t y[kBatch] = {0, 1, 2, 1};
  const void *inputs[2] = {x, y};
  const std::vector<uint8_t> before = snapshot(p, m.info);
  g_seen.calls = 0;
  float loss = -1.0f, accuracy = -1.0f;
  DLC_ASSERT_OK(dlc_train_step(p, inputs, &loss, &accuracy));
  EXPECT_EQ(g_seen.calls, 1);
  EXPECT_EQ(g_seen.args[0], dlc_params_data(p, 0));
  EXPECT_EQ(g_seen.args[1], dlc_params_data(p, 1));
  EXPECT_EQ(g_seen.args[2], dlc_params_state_data(p, 0));
  EXPECT_EQ(g_seen.args[3], dlc_params_state_data(p, 1));
  EXPECT_EQ(g_seen.args[4], dlc_params_state_data(p, 2));
  EXPECT_EQ(g_seen.args[5], static_cast<const void *>(x));
  EXPECT_EQ(g_seen.args[6], static_cast<const void *>(y));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(g_seen.args[9]) % 64, 0u);
  EXPECT_GT(loss, 0.0f);
  EXPECT_GE(accuracy, 0.0f);
  EXPECT_EQ(dlc_params_step(p), 1);
  EXPECT_NE(snapshot(p, m.info), before);
  void *workspace = g_seen.args[9];
  DLC_ASSERT_OK(dlc_train_step(p, inputs, nullptr, nullptr));  // outputs optional
  EXPECT_EQ(g_seen.args[9], workspace);                         // allocated once
  EXPECT_EQ(dlc_params_step(p), 2);

  const void *missing[2] = {x, nullptr};
  DLC_ASSERT_ERROR(dlc_train_step(p, missing, &loss, nullptr), "training input 'y' is NULL");
  DLC_ASSERT_ERROR(dlc_train_step(p, nullptr, &loss, nullptr), "train_inputs is NULL");
  DLC_ASSERT_ERROR(dlc_train_step(nullptr, inputs, &loss, nullptr), "params is NULL");
  dlc_params_free(p);

  // A zero-byte workspace is still a real block.
  Model z;
  z.info.train_workspace_size = 0;
  z.info.train_step = [](void **args) {
    g_seen.args[0] = args[9];
    ++*static_cast<int64_t *>(args[4]);
  };
  DLC_ASSERT_OK(dlc_params_create(&z.info, &p));
  DLC_ASSERT_OK(dlc_train_step(p, inputs, &loss, nullptr));
  EXPECT_NE(g_seen.args[0], nullptr);
  dlc_params_free(p);
}

// The evaluation step gets parameters, the batch, loss and metrics and a
// workspace of its own: no optimizer state, and nothing is updated.
TEST(Train, EvalStepPacksArgumentsWithoutState) {
  Model m;
  static void *seen[8];
  m.info.eval_workspace_size = 64;
  m.info.eval_step = [](void **args) {
    std::memcpy(seen, args, 7 * sizeof(void *));
    *static_cast<float *>(args[4]) = 0.5f;  // loss
    *static_cast<float *>(args[5]) = 0.75f; // accuracy
  };
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  float x[kBatch * kFeatures] = {};
  const int64_t y[kBatch] = {0, 1, 2, 1};
  const void *inputs[2] = {x, y};
  const std::vector<uint8_t> before = snapshot(p, m.info);
  float loss = -1.0f, accuracy = -1.0f;
  DLC_ASSERT_OK(dlc_eval_step(p, inputs, &loss, &accuracy));
  EXPECT_EQ(seen[0], dlc_params_data(p, 0));
  EXPECT_EQ(seen[1], dlc_params_data(p, 1));
  EXPECT_EQ(seen[2], static_cast<const void *>(x));
  EXPECT_EQ(seen[3], static_cast<const void *>(y));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(seen[6]) % 64, 0u);
  EXPECT_EQ(loss, 0.5f);
  EXPECT_EQ(accuracy, 0.75f);
  EXPECT_EQ(dlc_params_step(p), 0);
  EXPECT_EQ(snapshot(p, m.info), before);
  dlc_params_free(p);

  Model none; // compiled without an evaluation step
  DLC_ASSERT_OK(dlc_params_create(&none.info, &p));
  DLC_ASSERT_ERROR(dlc_eval_step(p, inputs, &loss, nullptr), "has no evaluation step");
  dlc_params_free(p);
}

// dlc_eval_split averages the evaluation step over the full batches of a
// split, in order; the partial last batch is left out and reported.
TEST(Train, EvalSplitAveragesFullBatches) {
  TempDir dir;
  dlc_dataset *ds = make_dataset(dir, 12, /*n_test=*/10);
  ASSERT_NE(ds, nullptr);
  Model m;
  m.info.eval_step = [](void **args) {
    const int64_t *y = static_cast<const int64_t *>(args[3]);
    float sum = 0.0f;
    for (int64_t r = 0; r < kBatch; ++r) sum += static_cast<float>(y[r]);
    *static_cast<float *>(args[4]) = sum / kBatch; // "loss": mean label
    *static_cast<float *>(args[5]) = 1.0f;
  };
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  float loss = -1.0f, accuracy = -1.0f;
  int64_t examples = 0;
  DLC_ASSERT_OK(dlc_eval_split(p, ds, DLC_SPLIT_TEST, &loss, &accuracy, &examples));
  EXPECT_EQ(examples, 8); // 10 test examples, batches of 4
  double expected = 0.0;  // test labels are (7 i + 1) mod 3, in order
  for (int64_t i = 0; i < 8; ++i) expected += static_cast<double>((i * 7 + 1) % kClasses);
  EXPECT_FLOAT_EQ(loss, static_cast<float>(expected / 8.0));
  EXPECT_EQ(accuracy, 1.0f);
  dlc_params_free(p);

  Model none;
  DLC_ASSERT_OK(dlc_params_create(&none.info, &p));
  DLC_ASSERT_ERROR(dlc_eval_split(p, ds, DLC_SPLIT_TEST, &loss, nullptr, nullptr),
                   "has no evaluation step");
  dlc_params_free(p);
  dlc_dataset_free(ds);
}

TEST(Train, CheckpointRoundTripIsBitExact) {
  TempDir dir;
  Model m;
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  float x[kBatch * kFeatures];
  for (int k = 0; k < kBatch * kFeatures; ++k) x[k] = 0.1f * static_cast<float>(k % 7);
  const int64_t y[kBatch] = {2, 1, 0, 1};
  const void *inputs[2] = {x, y};
  for (int s = 0; s < 3; ++s) DLC_ASSERT_OK(dlc_train_step(p, inputs, nullptr, nullptr));
  const std::string ckpt = dir.file("ckpt.safetensors");
  DLC_ASSERT_OK(dlc_checkpoint_save(p, ckpt.c_str()));
  EXPECT_EQ(dir.list().size(), 1u);  // no temporary left behind

  Model m2;
  m2.params[0].init.kind = DLC_INIT_NONE;
  dlc_params *q = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m2.info, &q));
  DLC_ASSERT_OK(dlc_checkpoint_load(q, ckpt.c_str()));
  EXPECT_EQ(snapshot(q, m2.info), snapshot(p, m.info));
  EXPECT_EQ(dlc_params_step(q), 3);
  DLC_ASSERT_OK(dlc_params_check_all_set(q));

  // A weights-only load of the checkpoint ignores the state.
  dlc_params *r = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m2.info, &r));
  DLC_ASSERT_OK(dlc_params_load(r, ckpt.c_str(), 1));
  EXPECT_EQ(dlc_params_step(r), 0);
  EXPECT_EQ(std::memcmp(dlc_params_data(r, 0), dlc_params_data(p, 0), 48), 0);

  // A weights file lacks the state: an error, and nothing changes.
  const std::string weights = dir.file("w.safetensors");
  DLC_ASSERT_OK(dlc_params_save(p, weights.c_str()));
  DLC_ASSERT_OK(dlc_train_step(q, inputs, nullptr, nullptr));
  const std::vector<uint8_t> before = snapshot(q, m2.info);
  DLC_ASSERT_ERROR(dlc_checkpoint_load(q, weights.c_str()),
                   "state tensor 'W.momentum' is missing from the file");
  EXPECT_EQ(snapshot(q, m2.info), before);
  // A corrupt checkpoint: an error, nothing changes.
  std::string bytes = dlcrt_test::read_bytes(ckpt);
  dlcrt_test::write_bytes(dir.file("cut.safetensors"), bytes.substr(0, bytes.size() - 4));
  DLC_ASSERT_ERROR(dlc_checkpoint_load(q, dir.file("cut.safetensors").c_str()), "cut.safetensors");
  EXPECT_EQ(snapshot(q, m2.info), before);
  // A state tensor of another shape.
  Model m3;
  const int64_t other[] = {kClasses, kFeatures};
  m3.state[0].shape = other;
  dlc_params *s = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m3.info, &s));
  DLC_ASSERT_ERROR(dlc_checkpoint_load(s, ckpt.c_str()),
                   "tensor 'W.momentum': shape [3, 4] expected, file has [4, 3]");

  // Saving where it cannot be written leaves no file, not even a partial one.
  const std::string blocked = dir.file("no_such_dir/ckpt.safetensors");
  DLC_ASSERT_ERROR(dlc_checkpoint_save(p, blocked.c_str()), "cannot create");
  EXPECT_FALSE(dlcrt_test::file_exists(blocked));
  ASSERT_EQ(::mkdir(dir.file("a_dir").c_str(), 0755), 0);
  DLC_ASSERT_ERROR(dlc_checkpoint_save(p, dir.file("a_dir").c_str()), "cannot rename");
  ::rmdir(dir.file("a_dir").c_str());
  std::vector<std::string> names = dir.list();
  EXPECT_EQ(names.size(), 3u);  // ckpt, w, cut: no temporaries
  for (const std::string &name : names) EXPECT_EQ(name.find(".tmp."), std::string::npos) << name;
  dlc_params_free(p);
  dlc_params_free(q);
  dlc_params_free(r);
  dlc_params_free(s);
}

TEST(Train, TrainCallsBackAndLearns) {
  TempDir dir;
  dlc_dataset *ds = make_dataset(dir, 22);  // 5 batches of 4, 2 examples dropped
  Model m;
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  Log log;
  const std::string ckpt = dir.file("ckpt.safetensors");
  dlc_train_options o = options(&log, ckpt.c_str(), 6);
  DLC_ASSERT_OK(dlc_train(p, ds, &o));
  EXPECT_EQ(log.progress, 30);
  EXPECT_EQ(dlc_params_step(p), 30);
  ASSERT_EQ(log.epoch_losses.size(), 6u);
  double first = 0;
  for (int b = 0; b < 5; ++b) first += log.losses[static_cast<size_t>(b)];
  EXPECT_FLOAT_EQ(log.epoch_losses[0], static_cast<float>(first / 5));
  EXPECT_LT(log.epoch_losses[5], log.epoch_losses[0]);
  EXPECT_TRUE(dlcrt_test::file_exists(ckpt));

  // Training again to the same epoch count does nothing.
  DLC_ASSERT_OK(dlc_train(p, ds, &o));
  EXPECT_EQ(log.progress, 30);
  dlc_params_free(p);
  dlc_dataset_free(ds);
}

// 2 epochs straight == 1 epoch + checkpoint + reload + 1 epoch, bit for bit;
// also when the checkpoint is taken in the middle of an epoch.
TEST(Train, ResumeReproducesAnUninterruptedRun) {
  TempDir dir;
  dlc_dataset *ds = make_dataset(dir, 22);
  Model m;
  dlc_params *straight = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &straight));
  Log log_straight;
  dlc_train_options o = options(&log_straight, nullptr, 2);
  DLC_ASSERT_OK(dlc_train(straight, ds, &o));
  EXPECT_EQ(dlc_params_step(straight), 10);

  // Epoch boundary.
  const std::string ckpt = dir.file("ckpt.safetensors");
  {
    dlc_params *first = nullptr;
    DLC_ASSERT_OK(dlc_params_create(&m.info, &first));
    Log log;
    dlc_train_options o1 = options(&log, ckpt.c_str(), 1);
    DLC_ASSERT_OK(dlc_train(first, ds, &o1));
    dlc_params_free(first);
    dlc_params *resumed = nullptr;
    DLC_ASSERT_OK(dlc_params_create(&m.info, &resumed));
    DLC_ASSERT_OK(dlc_checkpoint_load(resumed, ckpt.c_str()));
    EXPECT_EQ(dlc_params_step(resumed), 5);
    dlc_train_options o2 = options(&log, ckpt.c_str(), 2);
    DLC_ASSERT_OK(dlc_train(resumed, ds, &o2));
    EXPECT_EQ(snapshot(resumed, m.info), snapshot(straight, m.info));
    EXPECT_EQ(log.batches, log_straight.batches);
    EXPECT_EQ(log.losses, log_straight.losses);
    dlc_params_free(resumed);
  }
  // Mid-epoch: a checkpoint after batch 2 of epoch 1 (step 8).
  {
    dlc_params *first = nullptr;
    DLC_ASSERT_OK(dlc_params_create(&m.info, &first));
    Log log;
    log.params = first;
    log.save_epoch = 1;
    log.save_batch = 2;
    log.save_path = dir.file("mid.safetensors");
    dlc_train_options o1 = options(&log, nullptr, 2);
    DLC_ASSERT_OK(dlc_train(first, ds, &o1));
    dlc_params_free(first);
    dlc_params *resumed = nullptr;
    DLC_ASSERT_OK(dlc_params_create(&m.info, &resumed));
    DLC_ASSERT_OK(dlc_checkpoint_load(resumed, log.save_path.c_str()));
    EXPECT_EQ(dlc_params_step(resumed), 8);
    Log log2;
    dlc_train_options o2 = options(&log2, nullptr, 2);
    DLC_ASSERT_OK(dlc_train(resumed, ds, &o2));
    EXPECT_EQ(log2.batches, (std::vector<int64_t>{103, 104}));
    EXPECT_EQ(snapshot(resumed, m.info), snapshot(straight, m.info));
    dlc_params_free(resumed);
  }
  dlc_params_free(straight);
  dlc_dataset_free(ds);
}

TEST(Train, TrainErrors) {
  TempDir dir;
  Model m;
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  Log log;
  dlc_train_options o = options(&log, nullptr, 1);
  dlc_dataset *small = make_dataset(dir, 3);
  DLC_ASSERT_ERROR(dlc_train(p, small, &o), "the training split has 3 examples, fewer than one batch of 4");
  dlc_dataset_free(small);
  dlc_dataset *ds = make_dataset(dir, 22);
  o.batch_size = 8;
  DLC_ASSERT_ERROR(dlc_train(p, ds, &o), "compiled for batches of 4, not 8");
  o.batch_size = 0;  // take the model's
  DLC_ASSERT_OK(dlc_train(p, ds, &o));
  DLC_ASSERT_ERROR(dlc_train(p, ds, nullptr), "options are NULL");
  dlc_params_free(p);

  Model wrong;
  const int64_t shape[] = {kBatch, 5};
  wrong.train_inputs[0] = {"x", DLC_DTYPE_F32, 2, shape, 20, 80};
  DLC_ASSERT_OK(dlc_params_create(&wrong.info, &p));
  DLC_ASSERT_ERROR(dlc_train(p, ds, &o), "image input 'x' has shape [4, 5], which does not hold a batch of examples of 4 elements");
  dlc_params_free(p);

  Model i32;
  i32.train_inputs[1] = {"y", DLC_DTYPE_I32, 1, kShapeY, 4, 16};
  DLC_ASSERT_OK(dlc_params_create(&i32.info, &p));
  DLC_ASSERT_ERROR(dlc_train(p, ds, &o), "label input 'y' is i32");
  dlc_params_free(p);
  dlc_dataset_free(ds);
}

namespace {
// The step of a model that reads no labels: params W, b, state mW, mb, step,
// input x, outputs loss and accuracy, then the workspace. The loss is the
// batch's first feature, so the epoch means show which rows were fed.
int g_unlabelled_calls = 0;
void fake_unlabelled_step(void **args) {
  ++g_unlabelled_calls;
  const float *x = static_cast<const float *>(args[5]);
  *static_cast<float *>(args[6]) = x[0];
  *static_cast<float *>(args[7]) = 0.5f;
}
} // namespace

// A model without an integer input (an autoencoder) is fed the examples
// alone; the labels of the data set are not used.
TEST(Train, TrainsAModelWithoutLabels) {
  TempDir dir;
  Model m;
  m.info.num_train_inputs = 1;
  m.info.train_step = fake_unlabelled_step;
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  dlc_dataset *ds = make_dataset(dir, 22);
  Log log;
  dlc_train_options o = options(&log, nullptr, 2);
  g_unlabelled_calls = 0;
  DLC_ASSERT_OK(dlc_train(p, ds, &o));
  EXPECT_EQ(g_unlabelled_calls, 10);  // 2 epochs of 22 / 4 full batches
  EXPECT_EQ(log.progress, 10);
  ASSERT_EQ(log.epoch_losses.size(), 2u);
  dlc_params_free(p);
  dlc_dataset_free(ds);
}

namespace {
struct EvalLog {
  std::vector<int64_t> counts;
  int64_t correct = 0;
  int64_t total = 0;
};
// Accuracy from the logits: the caller's (or generated code's) job.
void on_eval_batch(void *user, const void *const *outputs, const int64_t *labels, int64_t count) {
  EvalLog *log = static_cast<EvalLog *>(user);
  log->counts.push_back(count);
  const float *logits = static_cast<const float *>(outputs[0]);
  for (int64_t r = 0; r < count; ++r) {
    int64_t best = 0;
    for (int64_t c = 1; c < kClasses; ++c)
      if (logits[r * kClasses + c] > logits[r * kClasses + best]) best = c;
    log->correct += best == labels[r];
    ++log->total;
  }
}
}  // namespace

TEST(Train, EvaluateHandsOverEveryBatch) {
  TempDir dir;
  dlc_dataset *ds = make_dataset(dir, 22, 10);
  Model m;
  dlc_params *p = nullptr;
  DLC_ASSERT_OK(dlc_params_create(&m.info, &p));
  Log log;
  dlc_train_options o = options(&log, nullptr, 8);
  DLC_ASSERT_OK(dlc_train(p, ds, &o));
  EvalLog eval;
  DLC_ASSERT_OK(dlc_evaluate(p, ds, DLC_SPLIT_TEST, on_eval_batch, &eval));
  EXPECT_EQ(eval.counts, (std::vector<int64_t>{4, 4, 2}));  // last batch padded
  EXPECT_EQ(eval.total, 10);
  EXPECT_GE(eval.correct, 7);  // the classes are separable
  EvalLog train_eval;
  DLC_ASSERT_OK(dlc_evaluate(p, ds, DLC_SPLIT_TRAIN, on_eval_batch, &train_eval));
  EXPECT_EQ(train_eval.total, 22);
  DLC_ASSERT_ERROR(dlc_evaluate(p, ds, DLC_SPLIT_TEST, nullptr, nullptr), "on_batch is NULL");
  dlc_params_free(p);
  dlc_dataset_free(ds);
}
