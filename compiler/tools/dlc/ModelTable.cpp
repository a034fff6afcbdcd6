//===- ModelTable.cpp - the model's description table and C header --------===//

#include "ModelTable.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <set>

namespace dlc {

dlc_dtype toRuntimeDType(DType dtype) {
  switch (dtype) {
  case DType::F32: return DLC_DTYPE_F32;
  case DType::F16: return DLC_DTYPE_F16;
  case DType::BF16: return DLC_DTYPE_BF16;
  case DType::F64: return DLC_DTYPE_F64;
  case DType::I64: return DLC_DTYPE_I64;
  case DType::I32: return DLC_DTYPE_I32;
  case DType::I8: return DLC_DTYPE_I8;
  case DType::U8: return DLC_DTYPE_U8;
  case DType::Bool: return DLC_DTYPE_BOOL;
  }
  return DLC_DTYPE_F32;
}

int64_t TableTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t TableTensor::sizeBytes() const {
  return numElements() * static_cast<int64_t>(dlc_dtype_size(toRuntimeDType(dtype)));
}

namespace {

/// A C identifier for `name`, unique within `used`.
std::string cIdentifier(const std::string &name, std::set<std::string> &used) {
  std::string id;
  for (char c : name)
    id += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0])))
    id = "v_" + id;
  std::string unique = id;
  for (int i = 2; used.count(unique); ++i)
    unique = id + "_" + std::to_string(i);
  used.insert(unique);
  return unique;
}

TableTensor makeTensor(const TensorDecl &t, std::set<std::string> &used) {
  return makeTableTensor(t.name, t.dtype, t.shape, used);
}

/// Appends `value` to `out` in the representation of `dtype`.
void appendValue(std::vector<unsigned char> &out, DType dtype, const JValue &v) {
  auto put = [&](const auto &x) {
    const unsigned char *p = reinterpret_cast<const unsigned char *>(&x);
    out.insert(out.end(), p, p + sizeof(x));
  };
  auto asDouble = [&] { return v.getDouble().value_or(0.0); };
  auto asInt = [&]() -> int64_t {
    if (std::optional<int64_t> i = v.getInt64())
      return *i;
    return static_cast<int64_t>(asDouble());
  };
  switch (dtype) {
  case DType::F32: put(static_cast<float>(asDouble())); break;
  case DType::F64: put(asDouble()); break;
  case DType::F16:
  case DType::BF16: {
    llvm::APFloat f(asDouble());
    bool lost;
    f.convert(dtype == DType::F16 ? llvm::APFloat::IEEEhalf()
                                  : llvm::APFloat::BFloat(),
              llvm::APFloat::rmNearestTiesToEven, &lost);
    put(static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue()));
    break;
  }
  case DType::I64: put(asInt()); break;
  case DType::I32: put(static_cast<int32_t>(asInt())); break;
  case DType::I8: put(static_cast<int8_t>(asInt())); break;
  case DType::U8: put(static_cast<uint8_t>(asInt())); break;
  case DType::Bool: put(static_cast<uint8_t>(asInt() != 0)); break;
  }
}

dlc_init_spec initSpec(const InitSpec &init) {
  dlc_init_spec s{};
  s.seed = init.seed;
  s.fan_in = init.fanIn.value_or(0);
  s.fan_out = init.fanOut.value_or(0);
  const std::string &k = init.kind;
  if (k == "zeros") s.kind = DLC_INIT_ZEROS;
  else if (k == "ones") s.kind = DLC_INIT_ONES;
  else if (k == "constant") { s.kind = DLC_INIT_CONSTANT; s.a = init.value; }
  else if (k == "uniform") { s.kind = DLC_INIT_UNIFORM; s.a = init.low; s.b = init.high; }
  else if (k == "normal") { s.kind = DLC_INIT_NORMAL; s.a = init.mean; s.b = init.std; }
  else if (k == "glorot_uniform") s.kind = DLC_INIT_GLOROT_UNIFORM;
  else if (k == "glorot_normal") s.kind = DLC_INIT_GLOROT_NORMAL;
  else if (k == "he_uniform") s.kind = DLC_INIT_HE_UNIFORM;
  else if (k == "he_normal") s.kind = DLC_INIT_HE_NORMAL;
  return s;
}

} // namespace

TableTensor makeTableTensor(const std::string &name, DType dtype,
                            std::vector<int64_t> shape,
                            std::set<std::string> &used) {
  return {name, cIdentifier(name, used), dtype, std::move(shape)};
}

ModelTable buildModelTable(const ModelSpec &spec,
                           const std::vector<std::string> &inputNames,
                           uint64_t inferWorkspaceSize) {
  ModelTable t;
  t.modelName = spec.name;
  t.sourceFile = spec.file;
  t.inferWorkspaceSize = inferWorkspaceSize;
  std::set<std::string> used{"workspace"};
  for (const ParamDecl &p : spec.params) {
    TableParam tp;
    tp.tensor = makeTensor(p.t, used);
    tp.trainable = p.trainable;
    if (p.init) {
      tp.init = initSpec(*p.init);
    } else if (p.data) {
      tp.init.kind = DLC_INIT_DATA;
      for (const JValue &v : p.data->elements())
        appendValue(tp.data, p.t.dtype, v);
    } else {
      tp.init.kind = DLC_INIT_NONE;
    }
    t.params.push_back(std::move(tp));
  }
  for (const std::string &name : inputNames)
    for (const TensorDecl &in : spec.inputs)
      if (in.name == name)
        t.inputs.push_back(makeTensor(in, used));
  for (const std::string &name : spec.outputs) {
    // An output is a node result (or an input/parameter passed through).
    const ValueDef &def = spec.values.at(name);
    TensorDecl decl;
    decl.name = name;
    switch (def.kind) {
    case ValueDef::Kind::Input: decl = spec.inputs[def.index]; break;
    case ValueDef::Kind::Param: decl = spec.params[def.index].t; break;
    case ValueDef::Kind::NodeOutput: break; // shape filled in by the caller
    }
    t.outputs.push_back(makeTensor(decl, used));
  }
  return t;
}

void addTrainStep(ModelTable &t, const ModelSpec &spec,
                  const std::vector<std::string> &trainInputNames,
                  const std::vector<TableTensor> &state,
                  const std::vector<std::string> &metricNames,
                  uint64_t trainWorkspaceSize, uint64_t evalWorkspaceSize) {
  std::set<std::string> used{"workspace", "loss"};
  for (const TableParam &p : t.params)
    used.insert(p.tensor.cName);
  for (const TableTensor &x : t.inputs)
    used.insert(x.cName);
  for (const TableTensor &x : t.outputs)
    used.insert(x.cName);
  t.hasTrainStep = true;
  for (const std::string &name : trainInputNames)
    for (const TensorDecl &in : spec.inputs)
      if (in.name == name) {
        // Inference may already use this input under the same identifier.
        TableTensor x = makeTensor(in, used);
        for (const TableTensor &inf : t.inputs)
          if (inf.name == name)
            x.cName = inf.cName;
        t.trainInputs.push_back(x);
      }
  for (const TableTensor &x : state)
    t.state.push_back(makeTableTensor(x.name, x.dtype, x.shape, used));
  for (const std::string &m : metricNames) {
    used.insert(cIdentifier(m, used));
    t.metricNames.push_back(m);
  }
  t.trainWorkspaceSize = trainWorkspaceSize;
  t.evalWorkspaceSize = evalWorkspaceSize;
}

//===----------------------------------------------------------------------===//
// C header
//===----------------------------------------------------------------------===//

static const char *cType(DType dtype) {
  switch (dtype) {
  case DType::F32: return "float";
  case DType::F64: return "double";
  case DType::F16:
  case DType::BF16: return "uint16_t";
  case DType::I64: return "int64_t";
  case DType::I32: return "int32_t";
  case DType::I8: return "int8_t";
  case DType::U8:
  case DType::Bool: return "uint8_t";
  }
  return "void";
}

static const char *dtypeEnum(DType dtype) {
  switch (dtype) {
  case DType::F32: return "DLC_DTYPE_F32";
  case DType::F16: return "DLC_DTYPE_F16";
  case DType::BF16: return "DLC_DTYPE_BF16";
  case DType::F64: return "DLC_DTYPE_F64";
  case DType::I64: return "DLC_DTYPE_I64";
  case DType::I32: return "DLC_DTYPE_I32";
  case DType::I8: return "DLC_DTYPE_I8";
  case DType::U8: return "DLC_DTYPE_U8";
  case DType::Bool: return "DLC_DTYPE_BOOL";
  }
  return "DLC_DTYPE_F32";
}

static const char *initEnum(dlc_init_kind k) {
  static const char *names[] = {
      "DLC_INIT_NONE",    "DLC_INIT_DATA",           "DLC_INIT_ZEROS",
      "DLC_INIT_ONES",    "DLC_INIT_CONSTANT",       "DLC_INIT_UNIFORM",
      "DLC_INIT_NORMAL",  "DLC_INIT_GLOROT_UNIFORM", "DLC_INIT_GLOROT_NORMAL",
      "DLC_INIT_HE_UNIFORM", "DLC_INIT_HE_NORMAL"};
  return names[k];
}

static std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Prints a C string literal (names may hold any character).
static void printCString(llvm::raw_ostream &os, const std::string &s) {
  os << '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\')
      os << '\\' << c;
    else if (c < 0x20 || c >= 0x7f)
      os << llvm::format("\\%03o", c);
    else
      os << c;
  }
  os << '"';
}

/// A C floating literal that round-trips `v` ("0" would be an int, "0f"
/// invalid: always print a '.' or an exponent).
static std::string cFloatLiteral(double v, int digits) {
  char buf[40];
  snprintf(buf, sizeof buf, "%.*g", digits, v);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos)
    s += ".0";
  return s;
}

/// The values of a DLC_INIT_DATA parameter as a C initializer list.
static void printData(llvm::raw_ostream &os, const TableParam &p) {
  const unsigned char *bytes = p.data.data();
  int64_t n = p.tensor.numElements();
  for (int64_t i = 0; i < n; ++i) {
    os << (i % 8 == 0 ? "\n  " : " ");
    switch (p.tensor.dtype) {
    case DType::F32: {
      float v;
      std::memcpy(&v, bytes + 4 * i, 4);
      os << cFloatLiteral(v, 9) << "f";
      break;
    }
    case DType::F64: {
      double v;
      std::memcpy(&v, bytes + 8 * i, 8);
      os << cFloatLiteral(v, 17);
      break;
    }
    case DType::F16:
    case DType::BF16: {
      uint16_t v;
      std::memcpy(&v, bytes + 2 * i, 2);
      os << llvm::format("0x%04x", v);
      break;
    }
    case DType::I64: {
      int64_t v;
      std::memcpy(&v, bytes + 8 * i, 8);
      os << v << "LL";
      break;
    }
    case DType::I32: {
      int32_t v;
      std::memcpy(&v, bytes + 4 * i, 4);
      os << v;
      break;
    }
    case DType::I8: os << static_cast<int>(static_cast<int8_t>(bytes[i])); break;
    case DType::U8:
    case DType::Bool: os << static_cast<int>(bytes[i]); break;
    }
    os << ",";
  }
}

std::string generateHeader(const ModelTable &t) {
  std::string text;
  llvm::raw_string_ostream os(text);
  const std::string &n = t.modelName;
  std::string guard = "DLC_GENERATED_" + n + "_H";
  os << "/* " << n << ".h — generated by `dlc compile` from " << t.sourceFile
     << ". Do not edit.\n"
     << " *\n"
     << " * Link with the object file dlc wrote beside this header and with\n"
     << " * libdlcrt (-ldlcrt -lz -lm -lpthread). See docs/abi.md. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n#include <dlc/runtime.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  // The typed entry point.
  os << "/* Inference. Every pointer is to a dense row-major array; parameters\n"
     << " * and inputs are read, outputs written. The workspace is scratch\n"
     << " * memory of " << n << "_INFER_WORKSPACE_SIZE bytes, 64-byte aligned,\n"
     << " * reusable across calls (not concurrently).\n";
  for (const TableParam &p : t.params)
    os << " *   " << p.tensor.cName << ": parameter, " << toString(p.tensor.dtype)
       << " " << shapeString(p.tensor.shape) << "\n";
  for (const TableTensor &in : t.inputs)
    os << " *   " << in.cName << ": input, " << toString(in.dtype) << " "
       << shapeString(in.shape) << "\n";
  for (const TableTensor &out : t.outputs)
    os << " *   " << out.cName << ": output, " << toString(out.dtype) << " "
       << shapeString(out.shape) << "\n";
  os << " */\n";
  os << "void " << n << "_infer(";
  bool first = true;
  auto arg = [&](const std::string &type, const std::string &name) {
    os << (first ? "" : ",\n    ") << type << " " << name;
    first = false;
  };
  for (const TableParam &p : t.params)
    arg(std::string("const ") + cType(p.tensor.dtype) + " *", p.tensor.cName);
  for (const TableTensor &in : t.inputs)
    arg(std::string("const ") + cType(in.dtype) + " *", in.cName);
  for (const TableTensor &out : t.outputs)
    arg(std::string(cType(out.dtype)) + " *", out.cName);
  arg("void *", "workspace");
  os << ");\n\n";
  os << "/* The same entry with args[] = {parameters..., inputs..., outputs...,\n"
     << " * workspace}: what the runtime's dlc_infer calls. */\n"
     << "void " << n << "_infer_packed(void **args);\n\n";

  if (t.hasTrainStep) {
    os << "/* One training step: forward, loss, gradients and the optimizer\n"
       << " * update, which changes the parameters and the state in place.\n"
       << " * The state tensors (in the order of " << n << "_info.state) start\n"
       << " * at zero; loss and each metric are f32 scalars written by the step.\n";
    for (const TableTensor &x : t.state)
      os << " *   " << x.cName << ": state, " << toString(x.dtype) << " "
         << shapeString(x.shape) << "\n";
    for (const TableTensor &x : t.trainInputs)
      os << " *   " << x.cName << ": batch input, " << toString(x.dtype) << " "
         << shapeString(x.shape) << "\n";
    for (const std::string &m : t.metricNames)
      os << " *   metric: " << m << "\n";
    os << " */\n";
    os << "void " << n << "_train_step(";
    first = true;
    for (const TableParam &p : t.params)
      arg(std::string(cType(p.tensor.dtype)) + " *", p.tensor.cName);
    for (const TableTensor &x : t.state)
      arg(std::string(cType(x.dtype)) + " *", x.cName);
    for (const TableTensor &x : t.trainInputs)
      arg(std::string("const ") + cType(x.dtype) + " *", x.cName);
    arg("float *", "loss");
    std::set<std::string> metricIds;
    for (const std::string &m : t.metricNames) {
      std::string id = "metric_";
      for (char c : m)
        id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      arg("float *", id);
    }
    arg("void *", "workspace");
    os << ");\n\n";
    os << "/* args[] = {parameters..., state..., batch inputs..., loss,\n"
       << " * metrics..., workspace}: what the runtime's dlc_train_step calls. */\n"
       << "void " << n << "_train_step_packed(void **args);\n\n";
    os << "/* The evaluation step: loss and metrics of a batch, no update.\n"
       << " * args[] = {parameters..., batch inputs..., loss, metrics...,\n"
       << " * workspace}: what the runtime's dlc_eval_step calls. */\n"
       << "void " << n << "_eval_step_packed(void **args);\n\n";
    os << "#define " << n << "_TRAIN_WORKSPACE_SIZE " << t.trainWorkspaceSize
       << "u\n";
    os << "#define " << n << "_EVAL_WORKSPACE_SIZE " << t.evalWorkspaceSize
       << "u\n";
  }
  os << "#define " << n << "_INFER_WORKSPACE_SIZE " << t.inferWorkspaceSize
     << "u\n";
  os << "#define " << n << "_NUM_PARAMS " << t.params.size() << "\n";
  os << "#define " << n << "_NUM_INPUTS " << t.inputs.size() << "\n";
  os << "#define " << n << "_NUM_OUTPUTS " << t.outputs.size() << "\n\n";

  // The description table.
  os << "/* The description table the runtime works from\n"
     << " * (dlc_params_create(&" << n << "_info, ...)). */\n";
  auto shapeArray = [&](const TableTensor &x, const char *kind) {
    std::string name = n + "_" + kind + "_" + x.cName + "_shape";
    if (x.shape.empty())
      return std::string("NULL");
    os << "static const int64_t " << name << "[] = {";
    for (size_t i = 0; i < x.shape.size(); ++i)
      os << (i ? ", " : "") << x.shape[i];
    os << "};\n";
    return name;
  };
  auto tensorInit = [&](const TableTensor &x, const std::string &shape) {
    std::string s;
    llvm::raw_string_ostream ts(s);
    ts << "{";
    printCString(ts, x.name);
    ts << ", " << dtypeEnum(x.dtype) << ", " << x.shape.size() << ", " << shape
       << ", " << x.numElements() << ", " << x.sizeBytes() << "}";
    return s;
  };
  std::vector<std::string> paramInits;
  for (const TableParam &p : t.params) {
    std::string shape = shapeArray(p.tensor, "param");
    std::string data = "NULL";
    if (p.init.kind == DLC_INIT_DATA) {
      data = n + "_param_" + p.tensor.cName + "_data";
      os << "static const " << cType(p.tensor.dtype) << " " << data << "[] = {";
      printData(os, p);
      os << "\n};\n";
    }
    std::string s;
    llvm::raw_string_ostream ps(s);
    ps << "  {" << tensorInit(p.tensor, shape) << ", " << (p.trainable ? 1 : 0)
       << ",\n   {" << initEnum(p.init.kind) << ", " << p.init.seed << "u, "
       << llvm::format("%.17g", p.init.a) << ", "
       << llvm::format("%.17g", p.init.b) << ", " << p.init.fan_in << ", "
       << p.init.fan_out << ", " << data << "}}";
    paramInits.push_back(s);
  }
  std::vector<std::string> inputInits, outputInits;
  for (const TableTensor &in : t.inputs)
    inputInits.push_back("  " + tensorInit(in, shapeArray(in, "input")));
  for (const TableTensor &out : t.outputs)
    outputInits.push_back("  " + tensorInit(out, shapeArray(out, "output")));
  auto table = [&](const char *type, const std::string &name,
                   const std::vector<std::string> &rows) {
    if (rows.empty())
      return std::string("NULL");
    os << "static const " << type << " " << name << "[] = {\n";
    for (const std::string &r : rows)
      os << r << ",\n";
    os << "};\n";
    return name;
  };
  std::string params = table("dlc_param_info", n + "_params", paramInits);
  std::string inputs = table("dlc_tensor_info", n + "_inputs", inputInits);
  std::string outputs = table("dlc_tensor_info", n + "_outputs", outputInits);
  std::string trainInputs = "NULL", state = "NULL", metrics = "NULL";
  if (t.hasTrainStep) {
    std::vector<std::string> rows;
    for (const TableTensor &x : t.trainInputs)
      rows.push_back("  " + tensorInit(x, shapeArray(x, "train_input")));
    trainInputs = table("dlc_tensor_info", n + "_train_inputs", rows);
    rows.clear();
    for (const TableTensor &x : t.state)
      rows.push_back("  " + tensorInit(x, shapeArray(x, "state")));
    state = table("dlc_tensor_info", n + "_state", rows);
    rows.clear();
    for (const std::string &m : t.metricNames) {
      std::string r;
      llvm::raw_string_ostream rs(r);
      rs << "  ";
      printCString(rs, m);
      rows.push_back(r);
    }
    metrics = table("char *const", n + "_metric_names", rows);
  }
  // Designated initializers: fields this model does not use (training,
  // without --train) are zero, and later ABI additions stay compatible.
  os << "static const dlc_model_info " << n << "_info = {\n"
     << "  .abi_version = DLC_ABI_VERSION,\n  .name = ";
  printCString(os, n);
  os << ",\n  .num_inputs = " << t.inputs.size() << ", .inputs = " << inputs
     << ",\n  .num_outputs = " << t.outputs.size() << ", .outputs = " << outputs
     << ",\n  .num_params = " << t.params.size() << ", .params = " << params
     << ",\n  .infer_workspace_size = " << n << "_INFER_WORKSPACE_SIZE,\n"
     << "  .infer = " << n << "_infer_packed,\n";
  if (t.hasTrainStep)
    os << "  .num_train_inputs = " << t.trainInputs.size()
       << ", .train_inputs = " << trainInputs << ",\n  .num_state = "
       << t.state.size() << ", .state = " << state
       << ",\n  .num_metrics = " << t.metricNames.size()
       << ", .metric_names = " << metrics << ",\n  .train_workspace_size = " << n
       << "_TRAIN_WORKSPACE_SIZE,\n  .train_step = " << n << "_train_step_packed,\n"
       << "  .eval_workspace_size = " << n << "_EVAL_WORKSPACE_SIZE,\n"
       << "  .eval_step = " << n << "_eval_step_packed,\n";
  os << "};\n\n";

  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}

void buildRuntimeInfo(const ModelTable &t, dlc_packed_fn infer,
                      dlc_packed_fn trainStep, dlc_packed_fn evalStep,
                      RuntimeModelInfo &out) {
  auto tensorInfo = [](const TableTensor &x) {
    dlc_tensor_info i{};
    i.name = x.name.c_str();
    i.dtype = toRuntimeDType(x.dtype);
    i.rank = static_cast<int32_t>(x.shape.size());
    i.shape = x.shape.data();
    i.num_elements = x.numElements();
    i.size_bytes = x.sizeBytes();
    return i;
  };
  out.params.clear();
  for (const TableParam &p : t.params) {
    dlc_param_info pi{};
    pi.tensor = tensorInfo(p.tensor);
    pi.trainable = p.trainable;
    pi.init = p.init;
    if (p.init.kind == DLC_INIT_DATA)
      pi.init.data = p.data.data();
    out.params.push_back(pi);
  }
  out.inputs.clear();
  for (const TableTensor &x : t.inputs)
    out.inputs.push_back(tensorInfo(x));
  out.outputs.clear();
  for (const TableTensor &x : t.outputs)
    out.outputs.push_back(tensorInfo(x));
  out.info.abi_version = DLC_ABI_VERSION;
  out.info.name = t.modelName.c_str();
  out.info.num_inputs = static_cast<int32_t>(out.inputs.size());
  out.info.inputs = out.inputs.data();
  out.info.num_outputs = static_cast<int32_t>(out.outputs.size());
  out.info.outputs = out.outputs.data();
  out.info.num_params = static_cast<int32_t>(out.params.size());
  out.info.params = out.params.data();
  out.info.infer_workspace_size = t.inferWorkspaceSize;
  out.info.infer = infer;
  if (t.hasTrainStep && trainStep) {
    out.trainInputs.clear();
    for (const TableTensor &x : t.trainInputs)
      out.trainInputs.push_back(tensorInfo(x));
    out.state.clear();
    for (const TableTensor &x : t.state)
      out.state.push_back(tensorInfo(x));
    out.metricNames.clear();
    for (const std::string &m : t.metricNames)
      out.metricNames.push_back(m.c_str());
    out.info.num_train_inputs = static_cast<int32_t>(out.trainInputs.size());
    out.info.train_inputs = out.trainInputs.data();
    out.info.num_state = static_cast<int32_t>(out.state.size());
    out.info.state = out.state.data();
    out.info.num_metrics = static_cast<int32_t>(out.metricNames.size());
    out.info.metric_names = out.metricNames.data();
    out.info.train_workspace_size = t.trainWorkspaceSize;
    out.info.train_step = trainStep;
    out.info.eval_workspace_size = t.evalWorkspaceSize;
    out.info.eval_step = evalStep;
  }
}

} // namespace dlc
