//===- ModelSpec.h - A validated model description ---------------*- C++
//-*-===//
//
// Contract: loadModel()/parseModel() read a model file (format version 1,
// shared/spec/model-format.md) into a ModelSpec: inputs, parameters and nodes
// with every structural rule of the format checked and every entry carrying
// its line:col. Checked here: JSON syntax, keys (unknown, missing, `x-`
// ignored), JSON types, version, model name, dims and --dim overrides,
// dtypes, shapes, parameter init/data/trainable, value names (unique, all
// references defined), node names, and the node graph (sorted; a cycle is an
// error naming its nodes). NOT checked here: whether an op exists, its
// attributes, its arity, and shapes of intermediate values; node attrs and
// the training section are kept as raw JValues for the importer.
// The first error found wins and is returned as one Diag. No LLVM dependency.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_MODELSPEC_H
#define DLC_FRONTEND_MODELSPEC_H

#include "dlc/Frontend/Json.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlc {

enum class DType { F32, F16, BF16, F64, I64, I32, I8, U8, Bool };

/// "f32", "bf16", ... as written in model files.
const char *toString(DType t);
/// Parses the model-file spelling; nullopt for anything else.
std::optional<DType> parseDType(std::string_view s);
bool isFloatDType(DType t);   // f32 f16 bf16 f64
bool isIntegerDType(DType t); // i64 i32 i8 u8

/// One error. `message` is the text after "error: ". `file` is empty and
/// `pos` invalid for errors that are not about a place in the file (a bad
/// --dim override); `pos` is invalid when the file as a whole is at fault
/// (unreadable).
struct Diag {
  std::string file;
  SourcePos pos;
  std::string message;
  /// "file:line:col: error: message" (parts that are absent are left out).
  std::string str() const;
};

/// One shape entry as written: a number or a dimension name.
struct DimRef {
  bool isName = false;
  int64_t value = 0; // resolved size (for names: the bound size)
  std::string name;  // when isName
  SourcePos pos;
};

/// An input, or the tensor part of a parameter.
struct TensorDecl {
  std::string name;
  SourcePos pos;     // of the entry object `{`
  SourcePos namePos; // of the name string
  DType dtype = DType::F32;
  std::vector<int64_t> shape; // resolved sizes
  std::vector<DimRef> dims;   // as written, same length as `shape`
  SourcePos shapePos;         // of the shape array `[`
  int64_t numElements() const;
};

/// A parameter initializer (`init` object). Fields a kind does not use keep
/// their defaults.
struct InitSpec {
  std::string kind; // zeros ones constant uniform normal glorot_uniform
                    // glorot_normal he_uniform he_normal
  uint64_t seed = 0;
  double value = 0.0;           // constant
  double low = 0.0, high = 1.0; // uniform
  double mean = 0.0, std = 1.0; // normal
  /// glorot_* / he_*: the fans to use: the `fan_in`/`fan_out` overrides, else
  /// derived from the shape (model-format.md "Fans"). Unset for other kinds.
  std::optional<int64_t> fanIn, fanOut;
  SourcePos pos; // of the init object
};

struct ParamDecl {
  TensorDecl t;
  bool trainable = true;
  std::optional<InitSpec> init;
  /// The `data` array when given: validated flat, numeric (for integer
  /// dtypes: integers in range; for bool: true/false/0/1), length ==
  /// t.numElements(). Points into ModelSpec::root.
  const JValue *data = nullptr;
  /// `data` converted to doubles (exact for floats and for integers up to
  /// 2^53; use `data` directly for larger i64 values).
  std::vector<double> dataAsDoubles() const;
};

struct NodeDecl {
  /// The `name`, or "<op>_<index>" with index the position in the file's
  /// `nodes` array when no name is given.
  std::string name;
  bool nameGiven = false;
  std::string op;
  size_t fileIndex = 0;            // position in the file's `nodes` array
  std::vector<std::string> inputs; // "" = omitted optional input
  std::vector<SourcePos> inputPos;
  std::vector<std::string> outputs; // never empty strings
  std::vector<SourcePos> outputPos;
  const JValue *attrs = nullptr; // the attrs object, or null when absent
  SourcePos pos;                 // of the node object `{`
  SourcePos opPos;               // of the op string
  /// "Gemm 'fc2'": how diagnostics about this node start.
  std::string label() const { return op + " '" + name + "'"; }
};

/// Where a value comes from.
struct ValueDef {
  enum class Kind { Input, Param, NodeOutput } kind;
  size_t index;     // into inputs, params or (sorted) nodes
  size_t outputIdx; // for NodeOutput: which output of the node
  SourcePos pos;    // of the defining name string
};

struct ModelSpec {
  std::string file;
  std::string name;
  SourcePos namePos;
  int version = 1;
  /// Every dimension name bound by "dims" or an override, with its size
  /// (overrides applied).
  std::map<std::string, int64_t> dims;
  std::vector<TensorDecl> inputs;
  std::vector<ParamDecl> params;
  /// Topologically sorted; among nodes whose inputs are ready, the one
  /// earliest in the file comes first (so a sorted file keeps its order).
  std::vector<NodeDecl> nodes;
  std::vector<std::string> outputs;
  std::vector<SourcePos> outputPos;
  /// Every value name (inputs, parameters, node outputs).
  std::map<std::string, ValueDef> values;
  /// The `training` object, raw (null when absent; an object when present).
  const JValue *training = nullptr;
  SourcePos pos; // of the top-level object
  /// The parsed document; every JValue pointer above points into it.
  std::unique_ptr<JValue> root;
};

/// Reads and validates the model at `path`. `dimOverrides` are the parsed
/// `--dim NAME=SIZE` options; each SIZE must be positive, names need not be
/// used by the model. On error returns nullopt and fills `diag`.
std::optional<ModelSpec>
loadModel(const std::string &path,
          const std::map<std::string, int64_t> &dimOverrides, Diag &diag);

/// The same for text already in memory; `fileName` goes into diagnostics.
std::optional<ModelSpec>
parseModel(std::string_view text, const std::string &fileName,
           const std::map<std::string, int64_t> &dimOverrides, Diag &diag);

/// Optimal-string-alignment edit distance (used for "did you mean").
size_t editDistance(std::string_view a, std::string_view b);

} // namespace dlc

#endif // DLC_FRONTEND_MODELSPEC_H
