//===- ModelSpec.cpp - Reading and validating a model file ----------------===//
//
// Contract: see ModelSpec.h. The checks run in a fixed order so that the
// error a user sees is the most fundamental one: JSON syntax, then the
// version (a file for another version may legitimately have other keys),
// then top-level keys, then each section (dims, inputs, parameters, nodes,
// outputs, training), then cross-references (unique value names, defined
// inputs and outputs), then the node graph. Within a section, entries are
// checked in file order. Every message names the entry it is about
// ("input 'x': ...", "parameter 'w': ...", "node 'fc1': ...") and every Diag
// points at the offending key or value.
//
//===----------------------------------------------------------------------===//
#include "dlc/Frontend/ModelSpec.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <queue>
#include <sstream>

namespace dlc {

//===----------------------------------------------------------------------===//
// Small public helpers
//===----------------------------------------------------------------------===//

namespace {
struct DTypeName {
  DType type;
  const char *name;
};
// Order is the order of the message listing the valid spellings.
constexpr DTypeName kDTypes[] = {
    {DType::F32, "f32"}, {DType::F16, "f16"}, {DType::BF16, "bf16"},
    {DType::F64, "f64"}, {DType::I64, "i64"}, {DType::I32, "i32"},
    {DType::I8, "i8"},   {DType::U8, "u8"},   {DType::Bool, "bool"}};
} // namespace

const char *toString(DType t) {
  for (const DTypeName &d : kDTypes)
    if (d.type == t)
      return d.name;
  return "?";
}

std::optional<DType> parseDType(std::string_view s) {
  for (const DTypeName &d : kDTypes)
    if (s == d.name)
      return d.type;
  return std::nullopt;
}

bool isFloatDType(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16 ||
         t == DType::F64;
}

bool isIntegerDType(DType t) {
  return t == DType::I64 || t == DType::I32 || t == DType::I8 || t == DType::U8;
}

std::string Diag::str() const {
  std::string s;
  if (!file.empty()) {
    s += file;
    if (pos.valid())
      s += ":" + pos.str();
    s += ": ";
  }
  return s + "error: " + message;
}

int64_t TensorDecl::numElements() const {
  // Saturates instead of overflowing: a model can write absurd sizes.
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      return std::numeric_limits<int64_t>::max();
    n *= d;
  }
  return n;
}

std::vector<double> ParamDecl::dataAsDoubles() const {
  std::vector<double> out;
  if (!data)
    return out;
  out.reserve(data->elements().size());
  for (const JValue &v : data->elements())
    out.push_back(v.isBool() ? (v.getBool() ? 1.0 : 0.0)
                             : v.getDouble().value_or(0.0));
  return out;
}

size_t editDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insert, delete, substitute, and swap of two
  // neighbours each cost 1, so "ouptuts" is one step from "outputs".
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

namespace {

//===----------------------------------------------------------------------===//
// Message helpers
//===----------------------------------------------------------------------===//

/// " (did you mean 'x'?)" when one candidate is close to `word`, else "".
std::string didYouMean(std::string_view word,
                       const std::vector<std::string> &candidates) {
  size_t best = std::numeric_limits<size_t>::max();
  const std::string *bestName = nullptr;
  for (const std::string &c : candidates) {
    size_t d = editDistance(word, c);
    if (d < best) {
      best = d;
      bestName = &c;
    }
  }
  // Close enough to be a typo, but not so short that anything matches.
  if (bestName && best <= 2 && best < word.size() && best < bestName->size())
    return " (did you mean '" + *bestName + "'?)";
  return "";
}

/// Describes a value for "must be X, not Y": numbers and short strings are
/// shown as written, other values by their kind.
std::string describe(const JValue &v) {
  std::ostringstream os;
  switch (v.kind()) {
  case JValue::Kind::Int:
    os << *v.getInt64();
    return os.str();
  case JValue::Kind::UInt:
    os << *v.getUInt64();
    return os.str();
  case JValue::Kind::Float: {
    // Keep "2.0" recognisable as not an integer.
    double d = *v.getDouble();
    os << d;
    if (d == std::floor(d) && std::fabs(d) < 1e15)
      os << ".0";
    return os.str();
  }
  case JValue::Kind::String:
    if (v.getString().empty())
      return "an empty string";
    if (v.getString().size() <= 40)
      return "the string \"" + v.getString() + "\"";
    return "a string";
  default:
    return v.kindName();
  }
}

std::string shapeStr(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string fmtNumber(double d) {
  std::ostringstream os;
  os << d;
  return os.str();
}

bool isIdentifier(std::string_view s) {
  if (s.empty())
    return false;
  auto alpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!alpha(s[0]))
    return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9'))
      return false;
  return true;
}

bool isExtensionKey(std::string_view k) { return k.rfind("x-", 0) == 0; }

const std::vector<std::string> kInitKinds = {
    "zeros",          "ones",          "constant",   "uniform",  "normal",
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal"};

/// Fields an init kind accepts besides "kind" and "seed".
std::vector<std::string> initFields(const std::string &kind) {
  if (kind == "constant")
    return {"value"};
  if (kind == "uniform")
    return {"low", "high"};
  if (kind == "normal")
    return {"mean", "std"};
  if (kind.rfind("glorot_", 0) == 0 || kind.rfind("he_", 0) == 0)
    return {"fan_in", "fan_out"};
  return {};
}

std::string joined(const std::vector<std::string> &v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + v[i];
  return s;
}

//===----------------------------------------------------------------------===//
// The validator
//===----------------------------------------------------------------------===//

class Validator {
public:
  Validator(ModelSpec &spec, const std::map<std::string, int64_t> &overrides,
            Diag &diag)
      : spec_(spec), overrides_(overrides), diag_(diag) {}

  bool run(const JValue &root);

private:
  ModelSpec &spec_;
  const std::map<std::string, int64_t> &overrides_;
  Diag &diag_;

  bool error(SourcePos pos, std::string msg) {
    diag_.file = spec_.file;
    diag_.pos = pos;
    diag_.message = std::move(msg);
    return false;
  }

  // Generic checks. `prefix` is "" or "input 'x': " and the like.
  bool checkKeys(const JValue &obj, const std::vector<std::string> &allowed,
                 const std::string &prefix, const char *where = "");
  bool requireKeys(const JValue &obj, std::initializer_list<const char *> keys,
                   const std::string &prefix, const char *where = "");
  bool expect(const JValue &v, bool ok, const std::string &prefix,
              const std::string &what, const char *mustBe) {
    if (ok)
      return true;
    return error(v.pos(),
                 prefix + what + " must be " + mustBe + ", not " + describe(v));
  }

  bool checkVersion(const JValue &root);
  bool checkName(const JValue &root);
  bool checkDims(const JValue &root);
  bool checkInputs(const JValue &root);
  bool checkParams(const JValue &root);
  bool checkNodes(const JValue &root);
  bool checkOutputs(const JValue &root);
  bool checkReferences();
  bool sortNodes();

  bool parseTensor(const JValue &entry, const std::string &prefix,
                   TensorDecl &t, bool dtypeRequired);
  bool parseShape(const JValue &shape, const std::string &prefix,
                  TensorDecl &t);
  bool parseInit(const JValue &init, const std::string &prefix, ParamDecl &p);
  bool parseData(const JValue &data, const std::string &prefix, ParamDecl &p);
  bool checkEntryName(const JValue &entry, const std::string &indexLabel,
                      std::string &name, SourcePos &namePos);
};

bool Validator::checkKeys(const JValue &obj,
                          const std::vector<std::string> &allowed,
                          const std::string &prefix, const char *where) {
  for (const JMember &m : obj.members()) {
    if (isExtensionKey(m.key) ||
        std::find(allowed.begin(), allowed.end(), m.key) != allowed.end())
      continue;
    return error(m.keyPos, prefix + "unknown key '" + m.key + "'" + where +
                               didYouMean(m.key, allowed));
  }
  return true;
}

bool Validator::requireKeys(const JValue &obj,
                            std::initializer_list<const char *> keys,
                            const std::string &prefix, const char *where) {
  for (const char *k : keys)
    if (!obj.find(k))
      return error(obj.pos(), prefix + "missing required key '" +
                                  std::string(k) + "'" + where);
  return true;
}

bool Validator::checkVersion(const JValue &root) {
  const JValue *v = root.find("version");
  if (!v)
    return error(root.pos(), "missing required key 'version'");
  if (!expect(*v, v->isInteger(), "", "'version'", "an integer"))
    return false;
  if (v->getInt64() != std::optional<int64_t>(1))
    return error(v->pos(), "unsupported model version " + describe(*v) +
                               "; this dlc supports version 1");
  spec_.version = 1;
  return true;
}

bool Validator::checkName(const JValue &root) {
  const JValue &v = *root.find("name");
  if (!expect(v, v.isString(), "", "'name'", "a string"))
    return false;
  if (!isIdentifier(v.getString()))
    return error(v.pos(),
                 "model name '" + v.getString() +
                     "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
  spec_.name = v.getString();
  spec_.namePos = v.pos();
  return true;
}

bool Validator::checkDims(const JValue &root) {
  if (const JValue *dims = root.find("dims")) {
    if (!expect(*dims, dims->isObject(), "", "'dims'", "an object"))
      return false;
    for (const JMember &m : dims->members()) {
      if (m.key.empty())
        return error(m.keyPos, "dimension names must not be empty");
      std::optional<int64_t> n = m.value.getInt64();
      if (!n || *n <= 0)
        return error(m.value.pos(), "dimension '" + m.key +
                                        "' must be a positive integer, not " +
                                        describe(m.value));
      spec_.dims[m.key] = *n;
    }
  }
  // Overrides were checked before parsing; they replace defaults and bind
  // names the file leaves unbound.
  for (const auto &[name, size] : overrides_)
    spec_.dims[name] = size;
  return true;
}

bool Validator::checkEntryName(const JValue &entry,
                               const std::string &indexLabel, std::string &name,
                               SourcePos &namePos) {
  const JValue *n = entry.find("name");
  if (!n)
    return true; // reported as a missing key by the caller
  if (!expect(*n, n->isString(), indexLabel + ": ", "'name'", "a string"))
    return false;
  if (n->getString().empty())
    return error(n->pos(), indexLabel + ": 'name' must not be empty");
  name = n->getString();
  namePos = n->pos();
  return true;
}

bool Validator::parseShape(const JValue &shape, const std::string &prefix,
                           TensorDecl &t) {
  if (!expect(shape, shape.isArray(), prefix, "'shape'", "an array"))
    return false;
  t.shapePos = shape.pos();
  for (const JValue &e : shape.elements()) {
    DimRef d;
    d.pos = e.pos();
    if (e.isString() && !e.getString().empty()) {
      d.isName = true;
      d.name = e.getString();
      auto it = spec_.dims.find(d.name);
      if (it == spec_.dims.end())
        return error(e.pos(), prefix + "dimension '" + d.name +
                                  "' is not bound; add it to \"dims\" or "
                                  "pass --dim " +
                                  d.name + "=SIZE");
      d.value = it->second;
    } else {
      std::optional<int64_t> n = e.getInt64();
      if (!n || *n <= 0)
        return error(e.pos(), prefix +
                                  "shape entries must be positive integers "
                                  "or dimension names, not " +
                                  describe(e));
      d.value = *n;
    }
    t.shape.push_back(d.value);
    t.dims.push_back(std::move(d));
  }
  return true;
}

bool Validator::parseTensor(const JValue &entry, const std::string &prefix,
                            TensorDecl &t, bool dtypeRequired) {
  t.pos = entry.pos();
  t.dtype = DType::F32;
  if (const JValue *dt = entry.find("dtype")) {
    if (!expect(*dt, dt->isString(), prefix, "'dtype'", "a string"))
      return false;
    std::optional<DType> d = parseDType(dt->getString());
    if (!d)
      return error(dt->pos(), prefix + "unknown dtype '" + dt->getString() +
                                  "'; expected one of f32, f16, bf16, f64, "
                                  "i64, i32, i8, u8, bool");
    t.dtype = *d;
  } else if (dtypeRequired) {
    return error(entry.pos(), prefix + "missing required key 'dtype'");
  }
  return parseShape(*entry.find("shape"), prefix, t);
}

bool Validator::checkInputs(const JValue &root) {
  const JValue &arr = *root.find("inputs");
  if (!expect(arr, arr.isArray(), "", "'inputs'", "an array"))
    return false;
  const std::vector<std::string> allowed = {"name", "dtype", "shape"};
  for (size_t i = 0; i < arr.elements().size(); ++i) {
    const JValue &e = arr.elements()[i];
    std::string idx = "inputs[" + std::to_string(i) + "]";
    if (!expect(e, e.isObject(), "", idx, "an object"))
      return false;
    TensorDecl t;
    if (!checkEntryName(e, idx, t.name, t.namePos))
      return false;
    std::string prefix =
        t.name.empty() ? idx + ": " : "input '" + t.name + "': ";
    if (!checkKeys(e, allowed, prefix) ||
        !requireKeys(e, {"name", "dtype", "shape"}, prefix) ||
        !parseTensor(e, prefix, t, /*dtypeRequired=*/true))
      return false;
    spec_.inputs.push_back(std::move(t));
  }
  return true;
}

bool Validator::parseInit(const JValue &init, const std::string &prefix,
                          ParamDecl &p) {
  if (!expect(init, init.isObject(), prefix, "'init'", "an object"))
    return false;
  InitSpec s;
  s.pos = init.pos();
  const JValue *kind = init.find("kind");
  if (!kind)
    return error(init.pos(), prefix + "missing required key 'kind' in init");
  if (!expect(*kind, kind->isString(), prefix, "init 'kind'", "a string"))
    return false;
  s.kind = kind->getString();
  if (std::find(kInitKinds.begin(), kInitKinds.end(), s.kind) ==
      kInitKinds.end())
    return error(kind->pos(), prefix + "unknown init kind '" + s.kind + "'" +
                                  didYouMean(s.kind, kInitKinds) +
                                  "; expected one of " + joined(kInitKinds));

  std::vector<std::string> fields = initFields(s.kind);
  std::vector<std::string> allowed = fields;
  allowed.insert(allowed.begin(), {"kind", "seed"});
  for (const JMember &m : init.members()) {
    if (isExtensionKey(m.key) ||
        std::find(allowed.begin(), allowed.end(), m.key) != allowed.end())
      continue;
    // A field of another kind gets a message about the kind, not a typo.
    static const char *const otherFields[] = {
        "value", "low", "high", "mean", "std", "fan_in", "fan_out"};
    for (const char *f : otherFields)
      if (m.key == f)
        return error(m.keyPos,
                     prefix + "init kind '" + s.kind + "' takes no '" + m.key +
                         "'" +
                         (fields.empty()
                              ? std::string()
                              : " (its fields: " + joined(fields) + ", seed)"));
    return error(m.keyPos, prefix + "unknown key '" + m.key + "' in init" +
                               didYouMean(m.key, allowed));
  }

  if (const JValue *seed = init.find("seed")) {
    std::optional<uint64_t> v = seed->getUInt64();
    if (!v)
      return error(seed->pos(), prefix +
                                    "init 'seed' must be a non-negative "
                                    "integer, not " +
                                    describe(*seed));
    s.seed = *v;
  }
  auto number = [&](const char *key, double &out) {
    const JValue *v = init.find(key);
    if (!v)
      return true;
    if (!expect(*v, v->isNumber(), prefix, "init '" + std::string(key) + "'",
                "a number"))
      return false;
    out = *v->getDouble();
    return true;
  };
  auto fan = [&](const char *key, std::optional<int64_t> &out) {
    const JValue *v = init.find(key);
    if (!v)
      return true;
    std::optional<int64_t> n = v->getInt64();
    if (!n || *n <= 0)
      return error(v->pos(), prefix + "init '" + key +
                                 "' must be a positive integer, not " +
                                 describe(*v));
    out = *n;
    return true;
  };
  if (!number("value", s.value) || !number("low", s.low) ||
      !number("high", s.high) || !number("mean", s.mean) ||
      !number("std", s.std) || !fan("fan_in", s.fanIn) ||
      !fan("fan_out", s.fanOut))
    return false;

  DType dt = p.t.dtype;
  bool random = s.kind != "zeros" && s.kind != "ones" && s.kind != "constant";
  if (random && !isFloatDType(dt))
    return error(kind->pos(), prefix + "init kind '" + s.kind +
                                  "' needs a floating-point dtype, not " +
                                  toString(dt));
  if (s.kind == "constant") {
    const JValue *v = init.find("value");
    if (!v)
      return error(init.pos(), prefix + "init kind 'constant' needs a 'value'");
    if (isIntegerDType(dt) && !v->isInteger())
      return error(v->pos(), prefix +
                                 "init 'value' must be an integer for "
                                 "dtype " +
                                 std::string(toString(dt)) + ", not " +
                                 describe(*v));
    if (dt == DType::Bool && s.value != 0.0 && s.value != 1.0)
      return error(v->pos(), prefix +
                                 "init 'value' must be 0 or 1 for "
                                 "dtype bool, not " +
                                 describe(*v));
  }
  if (s.kind == "uniform" && s.low > s.high)
    return error(init.find("low") ? init.find("low")->pos()
                                  : init.find("high")->pos(),
                 prefix + "init 'low' (" + fmtNumber(s.low) +
                     ") must not exceed 'high' (" + fmtNumber(s.high) + ")");
  if (s.kind == "normal" && s.std < 0)
    return error(init.find("std")->pos(),
                 prefix + "init 'std' must not be negative, not " +
                     fmtNumber(s.std));

  bool glorot = s.kind.rfind("glorot_", 0) == 0;
  bool he = s.kind.rfind("he_", 0) == 0;
  if (glorot || he) {
    // Fans as PyTorch derives them: dim 1 (resp. 0) times the receptive
    // field (the product of the dims after the first two).
    const std::vector<int64_t> &sh = p.t.shape;
    if (sh.size() >= 2) {
      int64_t receptive = 1;
      for (size_t i = 2; i < sh.size(); ++i)
        receptive *= sh[i];
      if (!s.fanIn)
        s.fanIn = sh[1] * receptive;
      if (!s.fanOut)
        s.fanOut = sh[0] * receptive;
    }
    const char *missing = !s.fanIn                ? "fan_in"
                          : (glorot && !s.fanOut) ? "fan_out"
                                                  : nullptr;
    if (missing)
      return error(kind->pos(),
                   prefix + "init kind '" + s.kind + "' needs '" + missing +
                       "' for a parameter of rank " +
                       std::to_string(sh.size()) +
                       " (fans are derived only for rank 2 and more)");
  }
  p.init = std::move(s);
  return true;
}

bool Validator::parseData(const JValue &data, const std::string &prefix,
                          ParamDecl &p) {
  if (!expect(data, data.isArray(), prefix, "'data'", "an array"))
    return false;
  DType dt = p.t.dtype;
  const auto &els = data.elements();
  for (size_t i = 0; i < els.size(); ++i) {
    const JValue &e = els[i];
    std::string what = "data[" + std::to_string(i) + "]";
    if (isFloatDType(dt)) {
      if (!expect(e, e.isNumber(), prefix, what, "a number"))
        return false;
    } else if (dt == DType::Bool) {
      bool ok = e.isBool() || e.getInt64() == std::optional<int64_t>(0) ||
                e.getInt64() == std::optional<int64_t>(1);
      if (!expect(e, ok, prefix, what, "true, false, 0 or 1"))
        return false;
    } else {
      if (!expect(
              e, e.isInteger(), prefix, what,
              (std::string("an integer for dtype ") + toString(dt)).c_str()))
        return false;
      int64_t lo = dt == DType::I8    ? -128
                   : dt == DType::U8  ? 0
                   : dt == DType::I32 ? std::numeric_limits<int32_t>::min()
                                      : std::numeric_limits<int64_t>::min();
      int64_t hi = dt == DType::I8    ? 127
                   : dt == DType::U8  ? 255
                   : dt == DType::I32 ? std::numeric_limits<int32_t>::max()
                                      : std::numeric_limits<int64_t>::max();
      std::optional<int64_t> v = e.getInt64();
      if (!v || *v < lo || *v > hi)
        return error(e.pos(), prefix + what + " = " + describe(e) +
                                  " is out of range for " + toString(dt));
    }
  }
  int64_t need = p.t.numElements();
  if (static_cast<uint64_t>(need) != els.size())
    return error(data.pos(), prefix + "data has " + std::to_string(els.size()) +
                                 " value" + (els.size() == 1 ? "" : "s") +
                                 ", shape " + shapeStr(p.t.shape) + " needs " +
                                 std::to_string(need));
  p.data = &data;
  return true;
}

bool Validator::checkParams(const JValue &root) {
  const JValue *arr = root.find("parameters");
  if (!arr)
    return true;
  if (!expect(*arr, arr->isArray(), "", "'parameters'", "an array"))
    return false;
  const std::vector<std::string> allowed = {"name", "dtype", "shape",
                                            "init", "data",  "trainable"};
  for (size_t i = 0; i < arr->elements().size(); ++i) {
    const JValue &e = arr->elements()[i];
    std::string idx = "parameters[" + std::to_string(i) + "]";
    if (!expect(e, e.isObject(), "", idx, "an object"))
      return false;
    ParamDecl p;
    if (!checkEntryName(e, idx, p.t.name, p.t.namePos))
      return false;
    std::string prefix =
        p.t.name.empty() ? idx + ": " : "parameter '" + p.t.name + "': ";
    if (!checkKeys(e, allowed, prefix) ||
        !requireKeys(e, {"name", "shape"}, prefix) ||
        !parseTensor(e, prefix, p.t, /*dtypeRequired=*/false))
      return false;
    if (const JValue *tr = e.find("trainable")) {
      if (!expect(*tr, tr->isBool(), prefix, "'trainable'", "a boolean"))
        return false;
      p.trainable = tr->getBool();
    }
    const JMember *init = e.findMember("init");
    const JMember *data = e.findMember("data");
    if (init && data)
      return error(std::max(init->keyPos, data->keyPos),
                   prefix + "give either 'init' or 'data', not both");
    if (init && !parseInit(init->value, prefix, p))
      return false;
    if (data && !parseData(data->value, prefix, p))
      return false;
    spec_.params.push_back(std::move(p));
  }
  return true;
}

bool Validator::checkNodes(const JValue &root) {
  const JValue &arr = *root.find("nodes");
  if (!expect(arr, arr.isArray(), "", "'nodes'", "an array"))
    return false;
  const std::vector<std::string> allowed = {"name", "op", "inputs", "outputs",
                                            "attrs"};
  std::map<std::string, SourcePos> nodeNames;
  for (size_t i = 0; i < arr.elements().size(); ++i) {
    const JValue &e = arr.elements()[i];
    std::string idx = "nodes[" + std::to_string(i) + "]";
    if (!expect(e, e.isObject(), "", idx, "an object"))
      return false;
    NodeDecl n;
    n.pos = e.pos();
    n.fileIndex = i;
    SourcePos namePos = e.pos();
    if (!checkEntryName(e, idx, n.name, namePos))
      return false;
    n.nameGiven = !n.name.empty();
    // Before the op is known to be a string, an unnamed node can only be
    // called by its index.
    const JValue *op = e.find("op");
    if (!n.nameGiven && op && op->isString() && !op->getString().empty())
      n.name = op->getString() + "_" + std::to_string(i);
    std::string prefix =
        n.name.empty() ? idx + ": " : "node '" + n.name + "': ";
    if (!checkKeys(e, allowed, prefix) ||
        !requireKeys(e, {"op", "inputs", "outputs"}, prefix))
      return false;
    if (!expect(*op, op->isString(), prefix, "'op'", "a string"))
      return false;
    if (op->getString().empty())
      return error(op->pos(), prefix + "'op' must not be empty");
    n.op = op->getString();
    n.opPos = op->pos();

    const JValue &ins = *e.find("inputs");
    if (!expect(ins, ins.isArray(), prefix, "'inputs'", "an array"))
      return false;
    for (size_t k = 0; k < ins.elements().size(); ++k) {
      const JValue &v = ins.elements()[k];
      if (!expect(v, v.isString(), prefix, "inputs[" + std::to_string(k) + "]",
                  "a string"))
        return false;
      n.inputs.push_back(v.getString());
      n.inputPos.push_back(v.pos());
    }
    const JValue &outs = *e.find("outputs");
    if (!expect(outs, outs.isArray(), prefix, "'outputs'", "an array"))
      return false;
    if (outs.elements().empty())
      return error(outs.pos(), prefix + "'outputs' must not be empty");
    for (size_t k = 0; k < outs.elements().size(); ++k) {
      const JValue &v = outs.elements()[k];
      std::string what = "outputs[" + std::to_string(k) + "]";
      if (!expect(v, v.isString(), prefix, what, "a string"))
        return false;
      // "" is an omitted optional output; the importer accepts it only for
      // ops that have those (RNN, GRU, LSTM).
      n.outputs.push_back(v.getString());
      n.outputPos.push_back(v.pos());
    }
    if (const JValue *attrs = e.find("attrs")) {
      if (!expect(*attrs, attrs->isObject(), prefix, "'attrs'", "an object"))
        return false;
      n.attrs = attrs;
    }
    auto [it, inserted] = nodeNames.emplace(n.name, namePos);
    if (!inserted)
      return error(namePos, "node name '" + n.name +
                                "' is used twice: first at " +
                                it->second.str() +
                                (n.nameGiven ? ""
                                             : " (here it is the default "
                                               "name of " +
                                                   idx + ")"));
    spec_.nodes.push_back(std::move(n));
  }
  return true;
}

bool Validator::checkOutputs(const JValue &root) {
  const JValue &arr = *root.find("outputs");
  if (!expect(arr, arr.isArray(), "", "'outputs'", "an array"))
    return false;
  std::map<std::string, SourcePos> seen;
  for (size_t k = 0; k < arr.elements().size(); ++k) {
    const JValue &v = arr.elements()[k];
    std::string what = "outputs[" + std::to_string(k) + "]";
    if (!expect(v, v.isString(), "", what, "a string"))
      return false;
    if (v.getString().empty())
      return error(v.pos(), what + " must not be empty");
    auto [it, inserted] = seen.emplace(v.getString(), v.pos());
    if (!inserted)
      return error(v.pos(), "output '" + v.getString() +
                                "' is listed twice: first at " +
                                it->second.str());
    spec_.outputs.push_back(v.getString());
    spec_.outputPos.push_back(v.pos());
  }
  return true;
}

bool Validator::checkReferences() {
  // Definitions in file order, so "first at" is the earlier one even when
  // "nodes" comes before "inputs" in the file.
  struct Def {
    std::string name;
    ValueDef def;
  };
  std::vector<Def> defs;
  for (size_t i = 0; i < spec_.inputs.size(); ++i)
    defs.push_back({spec_.inputs[i].name,
                    {ValueDef::Kind::Input, i, 0, spec_.inputs[i].namePos}});
  for (size_t i = 0; i < spec_.params.size(); ++i)
    defs.push_back({spec_.params[i].t.name,
                    {ValueDef::Kind::Param, i, 0, spec_.params[i].t.namePos}});
  for (size_t i = 0; i < spec_.nodes.size(); ++i)
    for (size_t k = 0; k < spec_.nodes[i].outputs.size(); ++k)
      if (!spec_.nodes[i].outputs[k].empty())
        defs.push_back(
          {spec_.nodes[i].outputs[k],
           {ValueDef::Kind::NodeOutput, i, k, spec_.nodes[i].outputPos[k]}});
  std::stable_sort(defs.begin(), defs.end(), [](const Def &a, const Def &b) {
    return a.def.pos < b.def.pos;
  });
  for (const Def &d : defs) {
    auto [it, inserted] = spec_.values.emplace(d.name, d.def);
    if (!inserted)
      return error(d.def.pos, "value '" + d.name +
                                  "' is defined twice: first at " +
                                  it->second.pos.str());
  }

  std::vector<std::string> names;
  auto suggest = [&](const std::string &word) {
    if (names.empty())
      for (const auto &kv : spec_.values)
        names.push_back(kv.first);
    return didYouMean(word, names);
  };
  for (const NodeDecl &n : spec_.nodes)
    for (size_t k = 0; k < n.inputs.size(); ++k)
      if (!n.inputs[k].empty() && !spec_.values.count(n.inputs[k]))
        return error(n.inputPos[k], n.label() + ": input '" + n.inputs[k] +
                                        "' is not defined" +
                                        suggest(n.inputs[k]));
  for (size_t k = 0; k < spec_.outputs.size(); ++k)
    if (!spec_.values.count(spec_.outputs[k]))
      return error(spec_.outputPos[k], "output '" + spec_.outputs[k] +
                                           "' is not defined" +
                                           suggest(spec_.outputs[k]));
  return true;
}

bool Validator::sortNodes() {
  // Kahn's algorithm; the ready set is a min-heap on file index, so the
  // result is stable with respect to file order.
  std::vector<NodeDecl> &nodes = spec_.nodes;
  size_t n = nodes.size();
  auto producer = [&](const std::string &value) -> std::optional<size_t> {
    auto it = spec_.values.find(value);
    if (it == spec_.values.end() ||
        it->second.kind != ValueDef::Kind::NodeOutput)
      return std::nullopt;
    return it->second.index;
  };
  std::vector<std::vector<size_t>> users(n);
  std::vector<size_t> indeg(n, 0);
  for (size_t i = 0; i < n; ++i) {
    std::vector<size_t> preds;
    for (const std::string &in : nodes[i].inputs)
      if (auto p = producer(in))
        preds.push_back(*p);
    std::sort(preds.begin(), preds.end());
    preds.erase(std::unique(preds.begin(), preds.end()), preds.end());
    indeg[i] = preds.size();
    for (size_t p : preds)
      users[p].push_back(i);
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < n; ++i)
    if (indeg[i] == 0)
      ready.push(i);
  std::vector<size_t> order;
  std::vector<bool> done(n, false);
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    done[i] = true;
    for (size_t u : users[i])
      if (--indeg[u] == 0)
        ready.push(u);
  }

  if (order.size() < n) {
    // Every node left has an input produced by another node left, so
    // walking from a left node to such a producer must come back around.
    size_t start = 0;
    while (done[start])
      ++start;
    std::vector<size_t> path{start};
    std::vector<size_t> where(n, SIZE_MAX);
    where[start] = 0;
    size_t loopAt = 0;
    for (;;) {
      const NodeDecl &cur = nodes[path.back()];
      size_t pred = SIZE_MAX;
      for (const std::string &in : cur.inputs) {
        auto p = producer(in);
        if (p && !done[*p]) {
          pred = *p;
          break;
        }
      }
      if (pred == SIZE_MAX) // cannot happen; keeps a bug from looping
        return error(cur.pos, "nodes form a cycle through " + cur.name);
      if (where[pred] != SIZE_MAX) {
        loopAt = where[pred];
        break;
      }
      where[pred] = path.size();
      path.push_back(pred);
    }
    // path[loopAt..] walks against the data flow; reverse it, then start at
    // the node that comes first in the file.
    std::vector<size_t> cycle(path.begin() + loopAt, path.end());
    std::reverse(cycle.begin(), cycle.end());
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()),
                cycle.end());
    std::string msg = "nodes form a cycle: ";
    for (size_t c : cycle)
      msg += nodes[c].name + " -> ";
    msg += nodes[cycle.front()].name;
    return error(nodes[cycle.front()].pos, msg);
  }

  std::vector<size_t> newIndex(n);
  std::vector<NodeDecl> sorted;
  sorted.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    newIndex[order[k]] = k;
    sorted.push_back(std::move(nodes[order[k]]));
  }
  nodes = std::move(sorted);
  for (auto &kv : spec_.values)
    if (kv.second.kind == ValueDef::Kind::NodeOutput)
      kv.second.index = newIndex[kv.second.index];
  return true;
}

bool Validator::run(const JValue &root) {
  spec_.pos = root.pos();
  if (!root.isObject())
    return error(root.pos(),
                 "a model must be a JSON object, not " + describe(root));
  if (!checkVersion(root))
    return false;
  static const std::vector<std::string> topKeys = {
      "version",    "name",  "dims",    "inputs",
      "parameters", "nodes", "outputs", "training"};
  if (!checkKeys(root, topKeys, "") ||
      !requireKeys(root, {"name", "inputs", "nodes", "outputs"}, ""))
    return false;
  if (!checkName(root) || !checkDims(root) || !checkInputs(root) ||
      !checkParams(root) || !checkNodes(root) || !checkOutputs(root))
    return false;
  if (const JValue *tr = root.find("training")) {
    if (!expect(*tr, tr->isObject(), "", "'training'", "an object"))
      return false;
    spec_.training = tr;
  }
  return checkReferences() && sortNodes();
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

std::optional<ModelSpec>
parseModel(std::string_view text, const std::string &fileName,
           const std::map<std::string, int64_t> &dimOverrides, Diag &diag) {
  // Overrides come from the command line: check them before the file, and
  // report them without a file position.
  for (const auto &[name, size] : dimOverrides) {
    if (name.empty()) {
      diag = {"",
              {},
              "--dim =" + std::to_string(size) + ": missing dimension name"};
      return std::nullopt;
    }
    if (size <= 0) {
      diag = {"",
              {},
              "--dim " + name + "=" + std::to_string(size) +
                  ": size must be a positive integer"};
      return std::nullopt;
    }
  }

  ModelSpec spec;
  spec.file = fileName;
  std::string err;
  SourcePos errPos;
  std::optional<JValue> doc = parseJson(text, err, errPos);
  if (!doc) {
    diag = {fileName, errPos, err};
    return std::nullopt;
  }
  spec.root = std::make_unique<JValue>(std::move(*doc));
  Validator v(spec, dimOverrides, diag);
  if (!v.run(*spec.root))
    return std::nullopt;
  return spec;
}

std::optional<ModelSpec>
loadModel(const std::string &path,
          const std::map<std::string, int64_t> &dimOverrides, Diag &diag) {
  // C stdio rather than iostreams: it reports why a read failed (errno),
  // including reading a directory.
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    diag = {path,
            {},
            std::string("cannot open model file: ") + std::strerror(errno)};
    return std::nullopt;
  }
  std::string text;
  char buf[65536];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0)
    text.append(buf, got);
  bool failed = std::ferror(f);
  int savedErrno = errno;
  std::fclose(f);
  if (failed) {
    diag = {path,
            {},
            std::string("cannot read model file: ") +
                std::strerror(savedErrno)};
    return std::nullopt;
  }
  return parseModel(text, path, dimOverrides, diag);
}

} // namespace dlc
