//===- Train.cpp - `dlc train` and `dlc eval` -----------------------------===//
//
// Compile with --train in memory, link the object (as `dlc run` does), and
// let the runtime drive: data set, batches, dlc_train_step per batch,
// checkpoints, and dlc_eval_split for test loss and metrics after every
// epoch. All arithmetic on tensors happens in the generated steps; this file
// only reports.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace dlc {
namespace {

/// The model's training state in this process: linked entries, the
/// description table, and parameters created from it.
struct Session {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  RuntimeModelInfo info;
  RuntimePtr<dlc_params, dlc_params_free> params;
  RuntimePtr<dlc_dataset, dlc_dataset_free> data;
};

int openSession(const CompileResult &compiled, const TrainOptions &options,
                Session &s) {
  const ModelTable &t = compiled.table;
  s.jit = linkInMemory(compiled);
  if (!s.jit)
    return kExitInternalError;
  dlc_packed_fn infer = lookupEntry(*s.jit, t.modelName + "_infer_packed");
  dlc_packed_fn step = lookupEntry(*s.jit, t.modelName + "_train_step_packed");
  dlc_packed_fn eval = lookupEntry(*s.jit, t.modelName + "_eval_step_packed");
  if (!infer || !step || !eval)
    return kExitInternalError;
  buildRuntimeInfo(t, infer, step, eval, s.info);
  if (failedStatus(dlc_params_create(&s.info.info, &s.params.p)))
    return kExitUserError;

  if (!options.dataDir.empty()) {
    if (failedStatus(dlc_dataset_open_idx(options.dataDir.c_str(), &s.data.p)))
      return kExitUserError;
    return kExitOk;
  }
  // .npy files per training input, named as the runtime assigns them: the
  // examples go to the float input, or, in a model without one (token ids
  // into an embedding), to the first integer input; the labels to the
  // (other) integer input, absent in an autoencoder.
  std::string xName, yName;
  bool integerExamples = llvm::none_of(
      t.trainInputs, [](const TableTensor &in) { return isFloatDType(in.dtype); });
  for (const TableTensor &in : t.trainInputs) {
    std::string &role = isFloatDType(in.dtype) || (integerExamples && xName.empty()) ? xName : yName;
    if (role.empty())
      role = in.name;
  }
  auto path = [](const std::map<std::string, std::string> &files,
                 const std::string &name) -> const char * {
    auto it = files.find(name);
    return it == files.end() ? nullptr : it->second.c_str();
  };
  for (const auto *files : {&options.train, &options.test})
    for (const auto &[name, file] : *files)
      if (name != xName && name != yName) {
        reportError("the training step has no input '" + name + "' (inputs: " + xName +
                    (yName.empty() ? "" : ", " + yName) + ")");
        return kExitUserError;
      }
  if (!path(options.train, xName) || (!yName.empty() && !path(options.train, yName))) {
    reportError("give --data DIR, or --train " + xName + "=X.npy" +
                (yName.empty() ? "" : " --train " + yName + "=Y.npy"));
    return kExitUserError;
  }
  if (failedStatus(dlc_dataset_open_npy(
          path(options.train, xName), path(options.train, yName),
          path(options.test, xName), path(options.test, yName), &s.data.p)))
    return kExitUserError;
  return kExitOk;
}

struct Progress {
  const ModelTable *table;
  Session *session;
  int64_t epochs;
  bool terminal;
  std::chrono::steady_clock::time_point epochStart;
  dlc_status error = nullptr; // from a callback, reported after dlc_train
};

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string metricsText(const ModelTable &t, const float *values) {
  std::string s;
  char buf[64];
  for (size_t i = 0; i < t.metricNames.size(); ++i) {
    snprintf(buf, sizeof buf, " %s %.4f", t.metricNames[i].c_str(), values[i]);
    s += buf;
  }
  return s;
}

void onProgress(void *user, int64_t epoch, int64_t batch, int64_t numBatches,
                float loss, const float *) {
  auto *p = static_cast<Progress *>(user);
  if (batch == 0 || (batch == 0 && epoch == 0))
    p->epochStart = std::chrono::steady_clock::now();
  int64_t done = batch + 1;
  double elapsed = secondsSince(p->epochStart);
  double rate = elapsed > 0 ? done / elapsed : 0.0;
  if (p->terminal) {
    if (done % 16 != 0 && done != numBatches)
      return;
    const int width = 30;
    int filled = static_cast<int>(width * done / numBatches);
    double left = rate > 0 ? (numBatches - done) / rate : 0.0;
    fprintf(stderr, "\repoch %lld/%lld [%-*s] %lld/%lld %.0f steps/s loss %.4f eta %.0fs ",
            static_cast<long long>(epoch + 1), static_cast<long long>(p->epochs), width,
            std::string(filled, '=').c_str(), static_cast<long long>(done),
            static_cast<long long>(numBatches), rate, loss, left);
    fflush(stderr);
  } else if (done % std::max<int64_t>(1, numBatches / 4) == 0) {
    printf("epoch %lld batch %lld/%lld loss %.4f (%.0f steps/s)\n",
           static_cast<long long>(epoch + 1), static_cast<long long>(done),
           static_cast<long long>(numBatches), loss, rate);
    fflush(stdout);
  }
}

void onEpochEnd(void *user, int64_t epoch, float meanLoss, const float *means) {
  auto *p = static_cast<Progress *>(user);
  if (p->terminal)
    fprintf(stderr, "\r%*s\r", 100, "");
  double seconds = secondsSince(p->epochStart);
  std::vector<float> test(p->table->metricNames.size());
  float testLoss = 0.0f;
  int64_t examples = 0;
  std::string testText;
  if (dlc_dataset_count(p->session->data.p, DLC_SPLIT_TEST) > 0) {
    dlc_status status = dlc_eval_split(p->session->params.p, p->session->data.p,
                                       DLC_SPLIT_TEST, &testLoss, test.data(), &examples);
    if (status) {
      if (!p->error)
        p->error = status;
      else
        dlc_status_free(status);
      return;
    }
    char buf[96];
    snprintf(buf, sizeof buf, " | test loss %.4f", testLoss);
    testText = buf + metricsText(*p->table, test.data()) + " (" +
               std::to_string(examples) + " examples)";
  }
  printf("epoch %lld/%lld: train loss %.4f%s%s | %.1f s\n",
         static_cast<long long>(epoch + 1), static_cast<long long>(p->epochs), meanLoss,
         metricsText(*p->table, means).c_str(), testText.c_str(), seconds);
  fflush(stdout);
}

} // namespace

int trainModel(const CompileResult &compiled, const TrainOptions &options) {
  Session s;
  if (int rc = openSession(compiled, options, s))
    return rc;
  if (!options.resume.empty() &&
      failedStatus(dlc_checkpoint_load(s.params.p, options.resume.c_str())))
    return kExitUserError;

  Progress progress{&compiled.table, &s, options.epochs, isatty(2) != 0,
                    std::chrono::steady_clock::now()};
  dlc_train_options opts{};
  opts.epochs = options.epochs;
  opts.seed = options.seed;
  opts.checkpoint_path = options.checkpoint.empty() ? nullptr : options.checkpoint.c_str();
  opts.on_progress = onProgress;
  opts.on_epoch_end = onEpochEnd;
  opts.user = &progress;
  dlc_status status = dlc_train(s.params.p, s.data.p, &opts);
  if (progress.error) {
    dlc_status_free(status);
    status = progress.error;
  }
  if (failedStatus(status))
    return kExitUserError;
  if (!options.save.empty() &&
      failedStatus(dlc_params_save(s.params.p, options.save.c_str())))
    return kExitUserError;
  return kExitOk;
}

int evalModel(const CompileResult &compiled, const TrainOptions &options) {
  Session s;
  if (int rc = openSession(compiled, options, s))
    return rc;
  if (failedStatus(dlc_params_load(s.params.p, options.weights.c_str(), /*require_all=*/1)))
    return kExitUserError;
  dlc_split split = dlc_dataset_count(s.data.p, DLC_SPLIT_TEST) > 0 ? DLC_SPLIT_TEST
                                                                      : DLC_SPLIT_TRAIN;
  std::vector<float> metrics(compiled.table.metricNames.size());
  float loss = 0.0f;
  int64_t examples = 0;
  if (failedStatus(dlc_eval_split(s.params.p, s.data.p, split, &loss, metrics.data(),
                                  &examples)))
    return kExitUserError;
  printf("%s loss %.4f%s (%lld examples)\n", split == DLC_SPLIT_TEST ? "test" : "train",
         loss, metricsText(compiled.table, metrics.data()).c_str(),
         static_cast<long long>(examples));
  return kExitOk;
}

} // namespace dlc
