//===- dlc.cpp - the dlc command ------------------------------------------===//
//
// `dlc compile` and `dlc run` (docs/cli.md). Arguments are parsed here by
// hand so every mistake gets one clear line and exit status 1; the work is
// in Driver.cpp and Run.cpp. A crash is turned into exit status 70 with a
// message that says it is a bug.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

using namespace dlc;

namespace {

const char *kUsage =
    "usage: dlc <command> [options]\n"
    "\n"
    "commands:\n"
    "  compile MODEL.json [-o OUT.o]      compile to an object file and OUT.h\n"
    "      [--train]                      with the training step\n"
    "  run MODEL.json --input NAME=X.npy  compile and run inference once\n"
    "      [--weights W.safetensors] [--output NAME=Y.npy]\n"
    "  train MODEL.json --data DIR        train (IDX folder, or --train NAME=X.npy\n"
    "      [--epochs N] [--seed S]          and --test NAME=X.npy per input), show\n"
    "      [--save W.safetensors]           progress, evaluate on the test split\n"
    "      [--checkpoint C] [--resume C]    after each epoch\n"
    "  eval MODEL.json --weights W --data DIR   test-split loss and metrics\n"
    "\n"
    "options of every compiling command:\n"
    "  --dim NAME=SIZE     bind a named dimension\n"
    "  --emit=KIND         stop after a stage: dlc, autodiff, linalg, llvm, llvm-ir,\n"
    "                      asm, obj\n"
    "  --mcpu=NAME         target CPU (default: the host)\n"
    "  -O0 ... -O3         optimization level (default -O3)\n"
    "  --target=cpu        the only target of this version\n"
    "  --threads N         threads of run, train and eval (default: DLC_NUM_THREADS,\n"
    "                      else all cores)\n"
    "  --print-locations   textual MLIR stages show each op's location\n"
    "  -o FILE             output file (compile: default NAME.o; text stages: stdout)\n";

[[noreturn]] void crashed(int) {
  static const char msg[] =
      "dlc: internal compiler error (crash); this is a bug in dlc. Please "
      "report it with the model file and the command line.\n";
  ssize_t ignored = ::write(2, msg, sizeof msg - 1);
  (void)ignored;
  ::_exit(kExitInternalError);
}

void installCrashHandlers() {
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
    std::signal(sig, crashed);
  llvm::install_fatal_error_handler(
      [](void *, const char *reason, bool) {
        llvm::errs() << "dlc: internal compiler error: " << reason
                     << "\nthis is a bug in dlc; please report it with the "
                        "model file and the command line.\n";
        ::_exit(kExitInternalError);
      },
      nullptr);
}

int usageError(const std::string &message) {
  reportError(message);
  llvm::errs() << "run 'dlc --help' for usage\n";
  return kExitUserError;
}

/// Splits "NAME=VALUE"; false if malformed.
bool splitAssignment(llvm::StringRef arg, std::string &name, std::string &value) {
  auto [n, v] = arg.split('=');
  if (n.empty() || v.empty() || !arg.contains('='))
    return false;
  name = n.str();
  value = v.str();
  return true;
}

struct Args {
  std::string command;
  CompileOptions compile;
  RunOptions run;
  TrainOptions trainOptions;
  std::string output;
  bool train = false;
  int threads = 0; // --threads; 0: the runtime's default (DLC_NUM_THREADS or all cores)
};

/// Parses argv; returns -1 on success or an exit code.
int parseArgs(int argc, char **argv, Args &args) {
  if (argc < 2)
    return usageError("no command given");
  args.command = argv[1];
  if (args.command == "--help" || args.command == "-h" || args.command == "help") {
    llvm::outs() << kUsage;
    return kExitOk;
  }
  if (args.command != "compile" && args.command != "run" &&
      args.command != "train" && args.command != "eval")
    return usageError("unknown command '" + args.command +
                      "' (expected compile, run, train or eval)");
  bool trains = args.command == "train" || args.command == "eval";

  std::vector<std::string> positional;
  for (int i = 2; i < argc; ++i) {
    llvm::StringRef a = argv[i];
    // An option that takes a value but ends the line is an error here,
    // before the branches below would go on with an empty value.
    static const char *const kValueOptions[] = {
        "--dim", "--emit", "--mcpu", "--target", "--threads", "-o"};
    static const char *const kRunValueOptions[] = {"--input", "--output",
                                                   "--weights"};
    static const char *const kTrainValueOptions[] = {
        "--data", "--train", "--test", "--epochs", "--seed", "--save",
        "--resume", "--checkpoint", "--weights"};
    if (i + 1 >= argc &&
        (llvm::is_contained(kValueOptions, a) ||
         (args.command == "run" && llvm::is_contained(kRunValueOptions, a)) ||
         (trains && llvm::is_contained(kTrainValueOptions, a))))
      return usageError(a.str() + " needs a value");
    // Options that take a value as "--opt VALUE" or "--opt=VALUE".
    auto value = [&](llvm::StringRef opt, std::string &out) -> int {
      if (a == opt) {
        out = argv[++i]; // there is one: checked above
        return 1;
      }
      if (a.starts_with(opt.str() + "=")) {
        out = a.drop_front(opt.size() + 1).str();
        return 1;
      }
      return 0;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      llvm::outs() << kUsage;
      return kExitOk;
    }
    if (value("--dim", v)) {
      std::string name, size;
      char *end = nullptr;
      long long n = 0;
      if (splitAssignment(v, name, size))
        n = std::strtoll(size.c_str(), &end, 10);
      if (!end || *end || n <= 0)
        return usageError("--dim " + v + ": expected NAME=SIZE with a positive "
                          "integer SIZE");
      args.compile.dims[name] = n;
    } else if (value("--emit", v)) {
      auto stage = mlir::dlc::parseEmitStage(v);
      if (!stage)
        return usageError("--emit=" + v + ": expected one of dlc, autodiff, "
                          "linalg, llvm, llvm-ir, asm, obj");
      args.compile.emit = *stage;
    } else if (a == "--print-locations") {
      args.compile.printLocations = true;
    } else if (value("--mcpu", v)) {
      args.compile.target.cpu = v;
    } else if (value("--target", v)) {
      if (v != "cpu")
        return usageError("--target=" + v + ": this version supports only cpu");
    } else if (value("--threads", v)) {
      char *end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n <= 0 || n > INT32_MAX)
        return usageError("--threads " + v + ": expected a positive integer");
      args.threads = static_cast<int>(n);
    } else if (a.size() == 3 && a.starts_with("-O") && a[2] >= '0' && a[2] <= '3') {
      args.compile.target.optLevel = a[2] - '0';
    } else if (value("-o", v)) {
      args.output = v;
    } else if (args.command == "compile" && a == "--train") {
      args.train = true;
    } else if (args.command == "run" && value("--input", v)) {
      std::string name, file;
      if (!splitAssignment(v, name, file))
        return usageError("--input " + v + ": expected NAME=FILE.npy");
      args.run.inputs[name] = file;
    } else if (args.command == "run" && value("--output", v)) {
      std::string name, file;
      if (!splitAssignment(v, name, file))
        return usageError("--output " + v + ": expected NAME=FILE.npy");
      args.run.outputs[name] = file;
    } else if (args.command == "run" && value("--weights", v)) {
      args.run.weights = v;
    } else if (trains && value("--data", v)) {
      args.trainOptions.dataDir = v;
    } else if (trains && (a == "--train" || a.starts_with("--train=") ||
                          a == "--test" || a.starts_with("--test="))) {
      bool isTest = a.starts_with("--test");
      if (!value(isTest ? "--test" : "--train", v))
        return kExitUserError;
      std::string name, file;
      if (!splitAssignment(v, name, file))
        return usageError(std::string(isTest ? "--test " : "--train ") + v +
                          ": expected NAME=FILE.npy");
      (isTest ? args.trainOptions.test : args.trainOptions.train)[name] = file;
    } else if (args.command == "train" && value("--epochs", v)) {
      char *end = nullptr;
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (*end || n <= 0)
        return usageError("--epochs " + v + ": expected a positive integer");
      args.trainOptions.epochs = n;
    } else if (args.command == "train" && value("--seed", v)) {
      char *end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (*end || v.empty() || v[0] == '-')
        return usageError("--seed " + v + ": expected a non-negative integer");
      args.trainOptions.seed = n;
    } else if (args.command == "train" && value("--save", v)) {
      args.trainOptions.save = v;
    } else if (args.command == "train" && value("--resume", v)) {
      args.trainOptions.resume = v;
    } else if (args.command == "train" && value("--checkpoint", v)) {
      args.trainOptions.checkpoint = v;
    } else if (args.command == "eval" && value("--weights", v)) {
      args.trainOptions.weights = v;
    } else if (a.starts_with("-") && a != "-") {
      return usageError("unknown option '" + a.str() + "' for 'dlc " +
                        args.command + "'");
    } else {
      positional.push_back(a.str());
    }
  }
  if (positional.size() != 1)
    return usageError(positional.empty() ? "no model file given"
                                         : "more than one model file given");
  args.compile.modelPath = positional[0];
  args.compile.train = args.train || trains;
  if (trains) {
    args.compile.emit = mlir::dlc::EmitStage::Object;
    if (args.trainOptions.dataDir.empty() && args.trainOptions.train.empty())
      return usageError("no data: give --data DIR (IDX files) or --train NAME=FILE.npy");
    if (args.command == "eval" && args.trainOptions.weights.empty())
      return usageError("dlc eval needs --weights W.safetensors");
  }
  if (args.command == "run")
    args.compile.emit = mlir::dlc::EmitStage::Object;
  return -1;
}

} // namespace

int main(int argc, char **argv) {
  installCrashHandlers();
  Args args;
  if (int rc = parseArgs(argc, argv, args); rc >= 0)
    return rc;

  std::string targetError;
  if (failed(mlir::dlc::checkTarget(args.compile.target, targetError)))
    return usageError(targetError);

  auto ctx = createContext();
  CompileResult result;
  if (int rc = compileModel(*ctx, args.compile, result))
    return rc;

  // Generated code runs its parallel loops on libdlcrt's pool: --threads
  // overrides DLC_NUM_THREADS and the default of all cores.
  if (args.threads > 0)
    dlc_status_free(dlc_set_num_threads(args.threads)); // >= 1: cannot fail

  if (args.command == "run")
    return runModel(result, args.run);
  if (args.command == "train")
    return trainModel(result, args.trainOptions);
  if (args.command == "eval")
    return evalModel(result, args.trainOptions);

  if (args.compile.emit != mlir::dlc::EmitStage::Object) {
    if (args.output.empty() || args.output == "-") {
      llvm::outs() << result.text;
      return kExitOk;
    }
    return writeFileAtomically(args.output, result.text) ? kExitOk
                                                         : kExitUserError;
  }
  std::string object = args.output.empty() ? result.spec.name + ".o" : args.output;
  llvm::StringRef stem = object;
  if (stem.ends_with(".o"))
    stem = stem.drop_back(2);
  std::string header = stem.str() + ".h";
  if (!writeFileAtomically(object, result.object))
    return kExitUserError;
  if (!writeFileAtomically(header, generateHeader(result.table))) {
    std::remove(object.c_str()); // no partial output
    return kExitUserError;
  }
  return kExitOk;
}
