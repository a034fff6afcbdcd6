//===- ModelSpecTest.cpp - Tests for model reading and validation ---------===//
//
// Error tests mark the expected position with '@' in the model text: the
// marker is removed before parsing and the Diag must point exactly at the
// character that followed it. Messages are checked by substring.
//
//===----------------------------------------------------------------------===//
#include "dlc/Frontend/ModelSpec.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace dlc;

namespace {

using Overrides = std::map<std::string, int64_t>;

/// Position of the '@' marker in `marked`; `clean` receives the text
/// without it.
SourcePos markerPos(const std::string &marked, std::string &clean) {
  size_t at = marked.find('@');
  EXPECT_NE(at, std::string::npos) << "test bug: no @ marker";
  EXPECT_EQ(marked.find('@', at + 1), std::string::npos)
      << "test bug: two @ markers";
  clean = marked;
  if (at == std::string::npos)
    return {};
  clean.erase(at, 1);
  SourcePos p{1, 1};
  for (size_t i = 0; i < at; ++i) {
    if (marked[i] == '\n') {
      ++p.line;
      p.col = 1;
    } else {
      ++p.col;
    }
  }
  return p;
}

/// Expects `marked` (with '@' at the offending spot) to fail with a message
/// containing `msg`.
void expectError(const std::string &marked, const std::string &msg,
                 const Overrides &ov = {}) {
  std::string text;
  SourcePos want = markerPos(marked, text);
  Diag d;
  std::optional<ModelSpec> m = parseModel(text, "t.json", ov, d);
  ASSERT_FALSE(m.has_value())
      << "expected an error containing: " << msg << "\nin:\n"
      << text;
  EXPECT_EQ(d.file, "t.json");
  EXPECT_EQ(d.pos, want) << "got " << d.pos.str() << " want " << want.str()
                         << " for: " << d.message;
  EXPECT_NE(d.message.find(msg), std::string::npos)
      << "message: " << d.message << "\nexpected to contain: " << msg;
}

ModelSpec expectOk(const std::string &text, const Overrides &ov = {}) {
  Diag d;
  std::optional<ModelSpec> m = parseModel(text, "t.json", ov, d);
  EXPECT_TRUE(m.has_value()) << d.str() << "\nin:\n" << text;
  return m ? std::move(*m) : ModelSpec();
}

/// A small model with the given sections (raw JSON array bodies).
std::string model(const std::string &inputs, const std::string &params,
                  const std::string &nodes, const std::string &outputs,
                  const std::string &extra = "") {
  std::string s = "{\n\"version\": 1,\n\"name\": \"m\",\n" + extra;
  s += "\"inputs\": [" + inputs + "],\n";
  if (!params.empty())
    s += "\"parameters\": [" + params + "],\n";
  s += "\"nodes\": [" + nodes + "],\n";
  s += "\"outputs\": [" + outputs + "]\n}\n";
  return s;
}

const std::string kX = R"({"name": "x", "dtype": "f32", "shape": [2, 3]})";
const std::string kRelu =
    R"({"op": "Relu", "inputs": ["x"], "outputs": ["y"]})";

const char *kExample = R"(// RUN: dlc %s
{
  "version": 1,
  "name": "fashion_mlp",
  "dims": { "batch": 64 },
  "inputs": [
    { "name": "image", "dtype": "f32", "shape": ["batch", 784] },
    { "name": "label", "dtype": "i64", "shape": ["batch"] }
  ],
  "parameters": [
    { "name": "fc1.weight", "shape": [256, 784], "init": { "kind": "he_uniform", "seed": 1 } },
    { "name": "fc1.bias",   "shape": [256],      "init": { "kind": "zeros" } },
    { "name": "fc2.weight", "shape": [10, 256],  "init": { "kind": "glorot_uniform", "seed": 2 } },
    { "name": "fc2.bias",   "shape": [10],       "data": [0,0,0,0,0,0,0,0,0,0.5], "x-note": 1 }
  ],
  "nodes": [
    { "name": "fc1",  "op": "Gemm", "inputs": ["image", "fc1.weight", "fc1.bias"], "outputs": ["h1"], "attrs": { "transB": 1 } },
    { "name": "act1", "op": "Relu", "inputs": ["h1"], "outputs": ["a1"] },
    { "name": "fc2",  "op": "Gemm", "inputs": ["a1", "fc2.weight", "fc2.bias"], "outputs": ["logits"], "attrs": { "transB": 1 } },
    { "name": "loss", "op": "SoftmaxCrossEntropyLoss", "inputs": ["logits", "label"], "outputs": ["loss"] }
  ],
  "outputs": ["logits"],
  "training": {
    "loss": "loss",
    "optimizer": { "kind": "adam", "learning_rate": 0.001 }
  },
  "x-generator": "hand"
}
)";

} // namespace

//===----------------------------------------------------------------------===//
// Valid models
//===----------------------------------------------------------------------===//

TEST(ModelSpec, SpecExampleLoads) {
  ModelSpec m = expectOk(kExample);
  EXPECT_EQ(m.name, "fashion_mlp");
  EXPECT_EQ(m.namePos, (SourcePos{4, 11}));
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.pos, (SourcePos{2, 1}));
  EXPECT_EQ(m.dims.at("batch"), 64);
  ASSERT_EQ(m.inputs.size(), 2u);
  EXPECT_EQ(m.inputs[0].name, "image");
  EXPECT_EQ(m.inputs[0].pos, (SourcePos{7, 5}));
  EXPECT_EQ(m.inputs[0].namePos, (SourcePos{7, 15}));
  EXPECT_EQ(m.inputs[0].shape, (std::vector<int64_t>{64, 784}));
  ASSERT_EQ(m.inputs[0].dims.size(), 2u);
  EXPECT_TRUE(m.inputs[0].dims[0].isName);
  EXPECT_EQ(m.inputs[0].dims[0].name, "batch");
  EXPECT_EQ(m.inputs[0].dims[0].pos, (SourcePos{7, 50}));
  EXPECT_FALSE(m.inputs[0].dims[1].isName);
  EXPECT_EQ(m.inputs[1].dtype, DType::I64);

  ASSERT_EQ(m.params.size(), 4u);
  const ParamDecl &w1 = m.params[0];
  EXPECT_EQ(w1.t.dtype, DType::F32); // the default for parameters
  EXPECT_TRUE(w1.trainable);
  ASSERT_TRUE(w1.init.has_value());
  EXPECT_EQ(w1.init->kind, "he_uniform");
  EXPECT_EQ(w1.init->seed, 1u);
  EXPECT_EQ(w1.init->fanIn, std::optional<int64_t>(784));
  EXPECT_EQ(w1.init->fanOut, std::optional<int64_t>(256));
  EXPECT_EQ(w1.init->pos, (SourcePos{11, 58}));
  EXPECT_EQ(m.params[1].init->kind, "zeros");
  EXPECT_FALSE(m.params[1].init->fanIn.has_value());
  const ParamDecl &b2 = m.params[3];
  EXPECT_FALSE(b2.init.has_value());
  ASSERT_NE(b2.data, nullptr);
  std::vector<double> d = b2.dataAsDoubles();
  ASSERT_EQ(d.size(), 10u);
  EXPECT_EQ(d[9], 0.5);

  ASSERT_EQ(m.nodes.size(), 4u);
  const NodeDecl &fc1 = m.nodes[0];
  EXPECT_EQ(fc1.name, "fc1");
  EXPECT_TRUE(fc1.nameGiven);
  EXPECT_EQ(fc1.op, "Gemm");
  EXPECT_EQ(fc1.label(), "Gemm 'fc1'");
  EXPECT_EQ(fc1.pos, (SourcePos{17, 5}));
  EXPECT_EQ(fc1.opPos, (SourcePos{17, 29}));
  EXPECT_EQ(fc1.inputs,
            (std::vector<std::string>{"image", "fc1.weight", "fc1.bias"}));
  EXPECT_EQ(fc1.inputPos[1], (SourcePos{17, 57}));
  EXPECT_EQ(fc1.outputPos[0], (SourcePos{17, 96}));
  ASSERT_NE(fc1.attrs, nullptr);
  EXPECT_EQ(fc1.attrs->find("transB")->getInt64(), std::optional<int64_t>(1));
  EXPECT_EQ(m.nodes[1].attrs, nullptr);

  EXPECT_EQ(m.outputs, (std::vector<std::string>{"logits"}));
  EXPECT_EQ(m.outputPos[0], (SourcePos{22, 15}));
  ASSERT_NE(m.training, nullptr);
  EXPECT_EQ(m.training->find("loss")->getString(), "loss");
  EXPECT_EQ(m.training->pos(), (SourcePos{23, 15}));

  ASSERT_EQ(m.values.size(), 10u);
  EXPECT_EQ(m.values.at("label").kind, ValueDef::Kind::Input);
  EXPECT_EQ(m.values.at("fc2.bias").kind, ValueDef::Kind::Param);
  EXPECT_EQ(m.values.at("fc2.bias").index, 3u);
  EXPECT_EQ(m.values.at("logits").kind, ValueDef::Kind::NodeOutput);
  EXPECT_EQ(m.values.at("logits").index, 2u);
}

TEST(ModelSpec, LoadModelFromFileAndFileErrors) {
  std::string path = ::testing::TempDir() + "dlc_frontend_test_model.json";
  {
    std::ofstream f(path, std::ios::binary);
    f << kExample;
  }
  Diag d;
  std::optional<ModelSpec> m = loadModel(path, {}, d);
  ASSERT_TRUE(m.has_value()) << d.str();
  EXPECT_EQ(m->file, path);
  std::remove(path.c_str());

  Diag e;
  EXPECT_FALSE(loadModel("/nonexistent/dir/model.json", {}, e).has_value());
  EXPECT_EQ(e.file, "/nonexistent/dir/model.json");
  EXPECT_FALSE(e.pos.valid());
  EXPECT_NE(e.message.find("cannot open model file"), std::string::npos);
  EXPECT_EQ(e.str().rfind("/nonexistent/dir/model.json: error: cannot open", 0),
            0u)
      << e.str();

  Diag dir;
  EXPECT_FALSE(loadModel(::testing::TempDir(), {}, dir).has_value());
  EXPECT_NE(dir.message.find("cannot"), std::string::npos) << dir.message;
}

TEST(ModelSpec, DiagFormatting) {
  Diag d{"m.json", {14, 7}, "Gemm 'fc2': boom"};
  EXPECT_EQ(d.str(), "m.json:14:7: error: Gemm 'fc2': boom");
  Diag n{"", {}, "--dim b=0: size must be a positive integer"};
  EXPECT_EQ(n.str(), "error: --dim b=0: size must be a positive integer");
}

TEST(ModelSpec, DTypeNames) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I64,
                  DType::I32, DType::I8, DType::U8, DType::Bool})
    EXPECT_EQ(parseDType(toString(t)), std::optional<DType>(t));
  EXPECT_FALSE(parseDType("F32").has_value());
  EXPECT_FALSE(parseDType("float32").has_value());
}

TEST(ModelSpec, EditDistance) {
  EXPECT_EQ(editDistance("attrs", "atrrs"), 1u);
  EXPECT_EQ(editDistance("outputs", "ouptuts"), 1u); // a swap is one step
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
}

TEST(ModelSpec, DimOverrides) {
  std::string text =
      model(R"({"name": "x", "dtype": "f32", "shape": ["b", "n"]})", "", kRelu,
            "\"y\"", "\"dims\": {\"b\": 4},\n");
  // "n" is bound only by the override; "b" is replaced; "unused" is fine.
  ModelSpec m = expectOk(text, {{"n", 5}, {"b", 8}, {"unused", 3}});
  EXPECT_EQ(m.inputs[0].shape, (std::vector<int64_t>{8, 5}));
  EXPECT_EQ(m.dims.at("b"), 8);
  EXPECT_EQ(m.inputs[0].dims[0].value, 8);

  Diag d;
  EXPECT_FALSE(parseModel(text, "t.json", {{"b", 0}}, d).has_value());
  EXPECT_EQ(d.message, "--dim b=0: size must be a positive integer");
  EXPECT_TRUE(d.file.empty());
  EXPECT_FALSE(d.pos.valid());
  EXPECT_FALSE(parseModel(text, "t.json", {{"n", -2}}, d).has_value());
  EXPECT_EQ(d.message, "--dim n=-2: size must be a positive integer");
}

TEST(ModelSpec, ExtensionKeysIgnoredEverywhere) {
  std::string text = model(
      R"({"name": "x", "dtype": "f32", "shape": [4, 3], "x-doc": [1]})",
      R"({"name": "w", "shape": [5, 3], "x-origin": "torch",
          "init": {"kind": "normal", "x-why": "because", "std": 0.5}})",
      R"({"op": "MatMul", "inputs": ["x", "w"], "outputs": ["y"], "x-ui": {"pos": [1, 2]}})",
      "\"y\"", "\"x-tool\": {\"anything\": [1, 2, 3]},\n");
  ModelSpec m = expectOk(text);
  ASSERT_TRUE(m.params[0].init.has_value());
  EXPECT_EQ(m.params[0].init->mean, 0.0);
  EXPECT_EQ(m.params[0].init->std, 0.5);
}

TEST(ModelSpec, InitDefaultsAndFans) {
  std::string text =
      model(kX,
            R"({"name": "u", "shape": [2], "init": {"kind": "uniform"}},
         {"name": "n", "shape": [2], "init": {"kind": "normal", "seed": 9}},
         {"name": "c", "shape": [2], "dtype": "i32", "init": {"kind": "constant", "value": 3}},
         {"name": "conv", "shape": [32, 1, 3, 3], "init": {"kind": "glorot_normal"}},
         {"name": "hb", "shape": [7], "init": {"kind": "he_normal", "fan_in": 12}},
         {"name": "g", "shape": [4, 6], "init": {"kind": "glorot_uniform", "fan_out": 100}},
         {"name": "r", "shape": [2], "trainable": false},
         {"name": "ib", "shape": [3], "dtype": "bool", "data": [true, 0, 1]},
         {"name": "ii", "shape": [2], "dtype": "i8", "data": [-128, 127]})",
            kRelu, "\"y\"");
  ModelSpec m = expectOk(text);
  ASSERT_EQ(m.params.size(), 9u);
  EXPECT_EQ(m.params[0].init->low, 0.0);
  EXPECT_EQ(m.params[0].init->high, 1.0);
  EXPECT_EQ(m.params[0].init->seed, 0u);
  EXPECT_EQ(m.params[1].init->mean, 0.0);
  EXPECT_EQ(m.params[1].init->std, 1.0);
  EXPECT_EQ(m.params[1].init->seed, 9u);
  EXPECT_EQ(m.params[2].init->value, 3.0);
  EXPECT_EQ(m.params[2].t.dtype, DType::I32);
  EXPECT_EQ(m.params[3].init->fanIn, std::optional<int64_t>(9));
  EXPECT_EQ(m.params[3].init->fanOut, std::optional<int64_t>(288));
  EXPECT_EQ(m.params[4].init->fanIn, std::optional<int64_t>(12));
  EXPECT_EQ(m.params[5].init->fanIn, std::optional<int64_t>(6));
  EXPECT_EQ(m.params[5].init->fanOut, std::optional<int64_t>(100));
  EXPECT_FALSE(m.params[6].trainable);
  EXPECT_FALSE(m.params[6].init.has_value());
  EXPECT_EQ(m.params[6].data, nullptr);
  EXPECT_EQ(m.params[7].dataAsDoubles(), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(m.params[8].dataAsDoubles(), (std::vector<double>{-128, 127}));
}

TEST(ModelSpec, ScalarShapeAndOptionalInputs) {
  std::string text = model(
      R"({"name": "x", "dtype": "f32", "shape": [2, 3]},
         {"name": "s", "dtype": "f32", "shape": []})",
      R"({"name": "lo", "shape": [], "data": [0.5]})",
      R"({"op": "Clip", "inputs": ["x", "lo", ""], "outputs": ["y"]})",
      "\"y\"");
  ModelSpec m = expectOk(text);
  EXPECT_TRUE(m.inputs[1].shape.empty());
  EXPECT_EQ(m.inputs[1].numElements(), 1);
  EXPECT_EQ(m.nodes[0].inputs[2], "");
}

//===----------------------------------------------------------------------===//
// Topological order
//===----------------------------------------------------------------------===//

namespace {
std::vector<std::string> nodeNames(const ModelSpec &m) {
  std::vector<std::string> v;
  for (const NodeDecl &n : m.nodes)
    v.push_back(n.name);
  return v;
}
} // namespace

TEST(ModelSpec, TopoSortIsStable) {
  // File order: d(c) c(b) b(x) e(x) a(x) f(d,e). Ready at start: b, e, a
  // (file order 2, 3, 4). Taking the earliest ready node each time gives
  // b, c, d, e, a, f.
  std::string text =
      model(kX, "",
            R"({"name": "d", "op": "Relu", "inputs": ["vc"], "outputs": ["vd"]},
         {"name": "c", "op": "Relu", "inputs": ["vb"], "outputs": ["vc"]},
         {"name": "b", "op": "Relu", "inputs": ["x"], "outputs": ["vb"]},
         {"name": "e", "op": "Relu", "inputs": ["x"], "outputs": ["ve"]},
         {"name": "a", "op": "Relu", "inputs": ["x"], "outputs": ["va"]},
         {"name": "f", "op": "Add", "inputs": ["vd", "ve"], "outputs": ["vf"]})",
            "\"vf\", \"va\"");
  ModelSpec m = expectOk(text);
  EXPECT_EQ(nodeNames(m),
            (std::vector<std::string>{"b", "c", "d", "e", "a", "f"}));
  // The value table follows the sorted order.
  EXPECT_EQ(m.values.at("vd").index, 2u);
  EXPECT_EQ(m.values.at("vb").index, 0u);
  EXPECT_EQ(m.nodes[m.values.at("vf").index].name, "f");
  // fileIndex remembers where each node was written.
  EXPECT_EQ(m.nodes[0].fileIndex, 2u);
}

TEST(ModelSpec, SortedFileKeepsItsOrder) {
  ModelSpec m = expectOk(kExample);
  EXPECT_EQ(nodeNames(m),
            (std::vector<std::string>{"fc1", "act1", "fc2", "loss"}));
}

TEST(ModelSpec, DefaultNodeNamesUseFileIndex) {
  std::string text = model(kX, "",
                           R"({"op": "Relu", "inputs": ["t"], "outputs": ["y"]},
         {"op": "Neg", "inputs": ["x"], "outputs": ["t"]})",
                           "\"y\"");
  ModelSpec m = expectOk(text);
  EXPECT_EQ(nodeNames(m), (std::vector<std::string>{"Neg_1", "Relu_0"}));
  EXPECT_FALSE(m.nodes[0].nameGiven);
}

TEST(ModelSpec, CycleNamesItsNodes) {
  expectError(
      model(kX, "",
            R"({"name": "z", "op": "Relu", "inputs": ["x"], "outputs": ["vz"]},
                       @{"name": "a", "op": "Add", "inputs": ["vz", "vc"], "outputs": ["va"]},
                       {"name": "b", "op": "Relu", "inputs": ["va"], "outputs": ["vb"]},
                       {"name": "c", "op": "Relu", "inputs": ["vb"], "outputs": ["vc"]},
                       {"name": "after", "op": "Relu", "inputs": ["vc"], "outputs": ["y"]})",
            "\"y\""),
      "nodes form a cycle: a -> b -> c -> a");
}

TEST(ModelSpec, CycleStartsAtEarliestNodeInFile) {
  // Data flows q -> r -> p -> q; the walk that finds it starts elsewhere,
  // but the message starts at q, the first of them in the file.
  expectError(
      model(kX, "",
            R"({"name": "ok", "op": "Relu", "inputs": ["x"], "outputs": ["y"]},
                       @{"name": "q", "op": "Relu", "inputs": ["vp"], "outputs": ["vq"]},
                       {"name": "r", "op": "Relu", "inputs": ["vq"], "outputs": ["vr"]},
                       {"name": "p", "op": "Relu", "inputs": ["vr"], "outputs": ["vp"]})",
            "\"y\""),
      "nodes form a cycle: q -> r -> p -> q");
}

TEST(ModelSpec, SelfLoop) {
  expectError(model(kX, "",
                    R"(@{"op": "Relu", "inputs": ["v"], "outputs": ["v"]})",
                    "\"v\""),
              "nodes form a cycle: Relu_0 -> Relu_0");
}

//===----------------------------------------------------------------------===//
// Errors: top level
//===----------------------------------------------------------------------===//

TEST(ModelErrors, MalformedJson) {
  expectError(
      "// RUN: x\n{\"version\": 1,\n  \"name\": \"m\"\n  @\"inputs\": []}",
      "malformed JSON: syntax error while parsing object - "
      "unexpected string literal; expected '}'");
}

TEST(ModelErrors, DuplicateJsonKey) {
  expectError("{\"version\": 1, @\"version\": 1}", "duplicate key 'version'");
}

TEST(ModelErrors, TopLevelNotObject) {
  expectError("  @[1, 2]", "a model must be a JSON object, not an array");
}

TEST(ModelErrors, MissingVersion) {
  expectError("@{\"name\": \"m\"}", "missing required key 'version'");
}

TEST(ModelErrors, VersionWrongType) {
  expectError("{\"version\": @\"1\"}",
              "'version' must be an integer, not the string \"1\"");
  expectError("{\"version\": @1.0}", "'version' must be an integer, not 1.0");
}

TEST(ModelErrors, VersionTwoWinsOverEverythingElse) {
  expectError("{\"futureKey\": 3,\n \"version\": @2}",
              "unsupported model version 2; this dlc supports version 1");
}

TEST(ModelErrors, UnknownTopLevelKey) {
  std::string t = model(kX, "", kRelu, "\"y\"", "@\"nodez\": [],\n");
  expectError(t, "unknown key 'nodez' (did you mean 'nodes'?)");
  expectError(model(kX, "", kRelu, "\"y\"", "@\"zzz\": 1,\n"),
              "unknown key 'zzz'");
}

TEST(ModelErrors, MissingRequiredTopLevelKeys) {
  expectError(
      "@{\"version\": 1, \"inputs\": [], \"nodes\": [], \"outputs\": []}",
      "missing required key 'name'");
  expectError(
      "@{\"version\": 1, \"name\": \"m\", \"nodes\": [], \"outputs\": []}",
      "missing required key 'inputs'");
  expectError(
      "@{\"version\": 1, \"name\": \"m\", \"inputs\": [], \"outputs\": []}",
      "missing required key 'nodes'");
  expectError(
      "@{\"version\": 1, \"name\": \"m\", \"inputs\": [], \"nodes\": []}",
      "missing required key 'outputs'");
}

TEST(ModelErrors, BadModelName) {
  expectError("{\"version\": 1, \"name\": @\"my-net\", \"inputs\": [], "
              "\"nodes\": [], \"outputs\": []}",
              "model name 'my-net' is not an identifier");
  expectError("{\"version\": 1, \"name\": @\"1net\", \"inputs\": [], "
              "\"nodes\": [], \"outputs\": []}",
              "model name '1net' is not an identifier");
  expectError("{\"version\": 1, \"name\": @7, \"inputs\": [], "
              "\"nodes\": [], \"outputs\": []}",
              "'name' must be a string, not 7");
}

TEST(ModelErrors, SectionsOfWrongType) {
  expectError("{\"version\": 1, \"name\": \"m\", \"inputs\": @{}, "
              "\"nodes\": [], \"outputs\": []}",
              "'inputs' must be an array, not an object");
  expectError("{\"version\": 1, \"name\": \"m\", \"inputs\": [], "
              "\"nodes\": @\"n\", \"outputs\": []}",
              "'nodes' must be an array, not the string \"n\"");
  expectError("{\"version\": 1, \"name\": \"m\", \"inputs\": [], "
              "\"parameters\": @null, \"nodes\": [], \"outputs\": []}",
              "'parameters' must be an array, not null");
  expectError("{\"version\": 1, \"name\": \"m\", \"inputs\": [], "
              "\"nodes\": [], \"outputs\": @{}}",
              "'outputs' must be an array, not an object");
  expectError(model(kX, "", kRelu, "\"y\"", "\"training\": @[],\n"),
              "'training' must be an object, not an array");
  expectError(model(kX, "", kRelu, "\"y\"", "\"dims\": @[1],\n"),
              "'dims' must be an object, not an array");
}

TEST(ModelErrors, DimsValues) {
  expectError(
      model(kX, "", kRelu, "\"y\"", "\"dims\": {\"a\": 2, \"batch\": @-3},\n"),
      "dimension 'batch' must be a positive integer, not -3");
  expectError(model(kX, "", kRelu, "\"y\"", "\"dims\": {\"batch\": @0},\n"),
              "dimension 'batch' must be a positive integer, not 0");
  expectError(model(kX, "", kRelu, "\"y\"", "\"dims\": {\"batch\": @2.5},\n"),
              "dimension 'batch' must be a positive integer, not 2.5");
  expectError(model(kX, "", kRelu, "\"y\"", "\"dims\": {\"batch\": @\"8\"},\n"),
              "dimension 'batch' must be a positive integer, not the string");
  expectError(model(kX, "", kRelu, "\"y\"", "\"dims\": {@\"\": 3},\n"),
              "dimension names must not be empty");
}

//===----------------------------------------------------------------------===//
// Errors: inputs
//===----------------------------------------------------------------------===//

TEST(ModelErrors, InputEntries) {
  expectError(model("@3", "", kRelu, "\"y\""),
              "inputs[0] must be an object, not 3");
  expectError(
      model(kX + R"(, @{"dtype": "f32", "shape": []})", "", kRelu, "\"y\""),
      "inputs[1]: missing required key 'name'");
  expectError(model(R"(@{"name": "x", "shape": [2]})", "", kRelu, "\"y\""),
              "input 'x': missing required key 'dtype'");
  expectError(model(R"(@{"name": "x", "dtype": "f32"})", "", kRelu, "\"y\""),
              "input 'x': missing required key 'shape'");
  expectError(model(R"({"name": "x", "dtype": "f32", @"shpe": [2]})", "", kRelu,
                    "\"y\""),
              "input 'x': unknown key 'shpe' (did you mean 'shape'?)");
  expectError(model(R"({"name": @5, "dtype": "f32", "shape": [2]})", "", kRelu,
                    "\"y\""),
              "inputs[0]: 'name' must be a string, not 5");
  expectError(model(R"({"name": @"", "dtype": "f32", "shape": [2]})", "", kRelu,
                    "\"y\""),
              "inputs[0]: 'name' must not be empty");
}

TEST(ModelErrors, UnknownDtype) {
  expectError(model(R"({"name": "x", "dtype": @"f33", "shape": [2]})", "",
                    kRelu, "\"y\""),
              "input 'x': unknown dtype 'f33'; expected one of f32, f16, bf16, "
              "f64, i64, i32, i8, u8, bool");
  expectError(
      model(R"({"name": "x", "dtype": @32, "shape": [2]})", "", kRelu, "\"y\""),
      "input 'x': 'dtype' must be a string, not 32");
}

TEST(ModelErrors, ShapeEntries) {
  const char *bad[] = {"0", "-1", "2.5", "true", "\"\"", "[2]", "null"};
  const char *shown[] = {"not 0",
                         "not -1",
                         "not 2.5",
                         "not a boolean",
                         "not an empty string",
                         "not an array",
                         "not null"};
  for (size_t i = 0; i < 7; ++i)
    expectError(
        model(std::string(R"({"name": "x", "dtype": "f32", "shape": [3, @)") +
                  bad[i] + "]}",
              "", kRelu, "\"y\""),
        std::string("input 'x': shape entries must be positive integers "
                    "or dimension names, ") +
            shown[i]);
  expectError(model(R"({"name": "x", "dtype": "f32", "shape": @5})", "", kRelu,
                    "\"y\""),
              "input 'x': 'shape' must be an array, not 5");
}

TEST(ModelErrors, UnboundDimension) {
  expectError(model(R"({"name": "x", "dtype": "f32", "shape": [@"batch", 3]})",
                    "", kRelu, "\"y\"", "\"dims\": {\"other\": 2},\n"),
              "input 'x': dimension 'batch' is not bound; add it to \"dims\" "
              "or pass --dim batch=SIZE");
  // A parameter's shape too; the override for another name does not help.
  expectError(
      model(kX, R"({"name": "w", "shape": [@"hidden"]})", kRelu, "\"y\""),
      "parameter 'w': dimension 'hidden' is not bound", {{"batch", 2}});
}

//===----------------------------------------------------------------------===//
// Errors: parameters
//===----------------------------------------------------------------------===//

TEST(ModelErrors, ParameterEntries) {
  expectError(model(kX, "@[]", kRelu, "\"y\""),
              "parameters[0] must be an object, not an array");
  expectError(model(kX, R"(@{"name": "w"})", kRelu, "\"y\""),
              "parameter 'w': missing required key 'shape'");
  expectError(model(kX, R"(@{"shape": [2]})", kRelu, "\"y\""),
              "parameters[0]: missing required key 'name'");
  expectError(
      model(kX, R"({"name": "w", "shape": [2], @"inti": {"kind": "zeros"}})",
            kRelu, "\"y\""),
      "parameter 'w': unknown key 'inti' (did you mean 'init'?)");
  expectError(model(kX, R"({"name": "w", "shape": [2], "trainable": @"yes"})",
                    kRelu, "\"y\""),
              "parameter 'w': 'trainable' must be a boolean, not the string "
              "\"yes\"");
  expectError(model(kX, R"({"name": "w", "shape": [2], "dtype": @"float"})",
                    kRelu, "\"y\""),
              "parameter 'w': unknown dtype 'float'");
}

TEST(ModelErrors, InitAndDataTogether) {
  expectError(model(kX,
                    R"({"name": "w", "shape": [2], "data": [1, 2],
                        @"init": {"kind": "zeros"}})",
                    kRelu, "\"y\""),
              "parameter 'w': give either 'init' or 'data', not both");
}

TEST(ModelErrors, InitKind) {
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2, 2], "init": {"kind": @"he_unifrom"}})",
          kRelu, "\"y\""),
      "parameter 'w': unknown init kind 'he_unifrom' (did you mean "
      "'he_uniform'?); expected one of zeros, ones, constant, uniform, "
      "normal, glorot_uniform, glorot_normal, he_uniform, he_normal");
  expectError(model(kX, R"({"name": "w", "shape": [2], "init": @{"seed": 1}})",
                    kRelu, "\"y\""),
              "parameter 'w': missing required key 'kind' in init");
  expectError(model(kX, R"({"name": "w", "shape": [2], "init": @"zeros"})",
                    kRelu, "\"y\""),
              "parameter 'w': 'init' must be an object, not the string");
  expectError(model(kX, R"({"name": "w", "shape": [2], "init": {"kind": @0}})",
                    kRelu, "\"y\""),
              "parameter 'w': init 'kind' must be a string, not 0");
}

TEST(ModelErrors, InitFields) {
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2], "init": {"kind": "zeros", @"value": 1}})",
          kRelu, "\"y\""),
      "parameter 'w': init kind 'zeros' takes no 'value'");
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2], "init": {"kind": "uniform", @"std": 1}})",
          kRelu, "\"y\""),
      "parameter 'w': init kind 'uniform' takes no 'std' (its fields: "
      "low, high, seed)");
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2], "init": {"kind": "normal", @"sed": 1}})",
          kRelu, "\"y\""),
      "parameter 'w': unknown key 'sed' in init (did you mean 'seed'?)");
  expectError(
      model(kX, R"({"name": "w", "shape": [2], "init": @{"kind": "constant"}})",
            kRelu, "\"y\""),
      "parameter 'w': init kind 'constant' needs a 'value'");
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2], "init": {"kind": "constant", "value": @"1"}})",
          kRelu, "\"y\""),
      "parameter 'w': init 'value' must be a number, not the string");
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2], "init": {"kind": "ones", "seed": @-1}})",
          kRelu, "\"y\""),
      "parameter 'w': init 'seed' must be a non-negative integer, not -1");
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2], "init": {"kind": "ones", "seed": @1.5}})",
          kRelu, "\"y\""),
      "init 'seed' must be a non-negative integer, not 1.5");
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2], "init": {"kind": "uniform", "low": @2, "high": 1}})",
          kRelu, "\"y\""),
      "parameter 'w': init 'low' (2) must not exceed 'high' (1)");
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2], "init": {"kind": "normal", "std": @-0.5}})",
          kRelu, "\"y\""),
      "parameter 'w': init 'std' must not be negative");
  expectError(
      model(
          kX,
          R"({"name": "w", "shape": [2, 2], "init": {"kind": "he_normal", "fan_in": @0}})",
          kRelu, "\"y\""),
      "parameter 'w': init 'fan_in' must be a positive integer, not 0");
}

TEST(ModelErrors, InitFansAndDtypes) {
  expectError(
      model(kX,
            R"({"name": "b", "shape": [256], "init": {"kind": @"he_uniform"}})",
            kRelu, "\"y\""),
      "parameter 'b': init kind 'he_uniform' needs 'fan_in' for a "
      "parameter of rank 1");
  expectError(
      model(
          kX,
          R"({"name": "b", "shape": [256], "init": {"kind": @"glorot_uniform", "fan_in": 3}})",
          kRelu, "\"y\""),
      "parameter 'b': init kind 'glorot_uniform' needs 'fan_out'");
  expectError(
      model(
          kX,
          R"({"name": "b", "shape": [4], "dtype": "i64", "init": {"kind": @"normal"}})",
          kRelu, "\"y\""),
      "parameter 'b': init kind 'normal' needs a floating-point dtype, "
      "not i64");
  expectError(
      model(
          kX,
          R"({"name": "b", "shape": [4], "dtype": "i32", "init": {"kind": "constant", "value": @0.5}})",
          kRelu, "\"y\""),
      "parameter 'b': init 'value' must be an integer for dtype i32");
}

TEST(ModelErrors, DataLengthAndEntries) {
  expectError(
      model(kX, R"({"name": "b", "shape": [10], "data": @[0,0,0,0,0,0,0,0,0]})",
            kRelu, "\"y\""),
      "parameter 'b': data has 9 values, shape [10] needs 10");
  expectError(model(kX, R"({"name": "w", "shape": [2, 3], "data": @[1]})",
                    kRelu, "\"y\""),
              "parameter 'w': data has 1 value, shape [2, 3] needs 6");
  expectError(model(kX,
                    R"({"name": "b", "shape": [4], "data": [0, 1, 2, @"a"]})",
                    kRelu, "\"y\""),
              "parameter 'b': data[3] must be a number, not the string \"a\"");
  expectError(
      model(kX, R"({"name": "b", "shape": [2, 2], "data": [@[1, 2], [3, 4]]})",
            kRelu, "\"y\""),
      "parameter 'b': data[0] must be a number, not an array");
  expectError(model(kX, R"({"name": "b", "shape": [2], "data": [1, @true]})",
                    kRelu, "\"y\""),
              "parameter 'b': data[1] must be a number, not a boolean");
  expectError(
      model(kX, R"({"name": "b", "shape": [2], "data": @{}})", kRelu, "\"y\""),
      "parameter 'b': 'data' must be an array, not an object");
  expectError(
      model(kX,
            R"({"name": "b", "shape": [2], "dtype": "i32", "data": [1, @1.5]})",
            kRelu, "\"y\""),
      "parameter 'b': data[1] must be an integer for dtype i32, not 1.5");
  expectError(
      model(kX,
            R"({"name": "b", "shape": [2], "dtype": "u8", "data": [1, @300]})",
            kRelu, "\"y\""),
      "parameter 'b': data[1] = 300 is out of range for u8");
  expectError(
      model(kX,
            R"({"name": "b", "shape": [2], "dtype": "bool", "data": [1, @2]})",
            kRelu, "\"y\""),
      "parameter 'b': data[1] must be true, false, 0 or 1, not 2");
}

//===----------------------------------------------------------------------===//
// Errors: nodes
//===----------------------------------------------------------------------===//

TEST(ModelErrors, NodeKeys) {
  expectError(
      model(kX, "",
            R"({"name": "fc2", "op": "Gemm", "inputs": ["x"], "outputs": ["y"],
                        @"atrrs": {"transB": 1}})",
            "\"y\""),
      "node 'fc2': unknown key 'atrrs' (did you mean 'attrs'?)");
  expectError(model(kX, "",
                    R"(@{"name": "n", "inputs": ["x"], "outputs": ["y"]})",
                    "\"y\""),
              "node 'n': missing required key 'op'");
  expectError(model(kX, "", R"(@{"op": "Relu", "outputs": ["y"]})", "\"y\""),
              "node 'Relu_0': missing required key 'inputs'");
  expectError(
      model(kX, "", kRelu + R"(, @{"op": "Relu", "inputs": ["y"]})", "\"y\""),
      "node 'Relu_1': missing required key 'outputs'");
  expectError(model(kX, "", "@17", "\"y\""),
              "nodes[0] must be an object, not 17");
}

TEST(ModelErrors, NodeFieldTypes) {
  expectError(
      model(kX, "",
            R"({"name": "n1", "op": @3, "inputs": ["x"], "outputs": ["y"]})",
            "\"y\""),
      "node 'n1': 'op' must be a string, not 3");
  expectError(model(kX, "", R"({"op": @3, "inputs": ["x"], "outputs": ["y"]})",
                    "\"y\""),
              "nodes[0]: 'op' must be a string, not 3");
  expectError(model(kX, "", R"({"op": @"", "inputs": ["x"], "outputs": ["y"]})",
                    "\"y\""),
              "nodes[0]: 'op' must not be empty");
  expectError(
      model(
          kX, "",
          R"({"name": @["n"], "op": "Relu", "inputs": ["x"], "outputs": ["y"]})",
          "\"y\""),
      "nodes[0]: 'name' must be a string, not an array");
  expectError(model(kX, "",
                    R"({"op": "Relu", "inputs": @"x", "outputs": ["y"]})",
                    "\"y\""),
              "node 'Relu_0': 'inputs' must be an array, not the string \"x\"");
  expectError(
      model(kX, "",
            R"({"op": "Relu", "inputs": ["x", @null], "outputs": ["y"]})",
            "\"y\""),
      "node 'Relu_0': inputs[1] must be a string, not null");
  expectError(model(kX, "",
                    R"({"op": "Relu", "inputs": ["x"], "outputs": @"y"})",
                    "\"y\""),
              "node 'Relu_0': 'outputs' must be an array");
  expectError(model(kX, "",
                    R"({"op": "Relu", "inputs": ["x"], "outputs": @[]})",
                    "\"y\""),
              "node 'Relu_0': 'outputs' must not be empty");
  {
    // "" is an omitted optional output: the parser accepts it and defines no
    // value for it; whether the op has optional outputs is the importer's
    // call (test/Frontend/error-omitted-output.json, import-recurrent.json).
    ModelSpec m = expectOk(model(
        kX, "", R"({"op": "LSTM", "inputs": ["x"], "outputs": ["", "h"]})", "\"h\""));
    EXPECT_EQ(m.values.count(""), 0u);
    EXPECT_EQ(m.values.at("h").index, 0u);
    EXPECT_EQ(m.values.at("h").outputIdx, 1u);
  }
  expectError(
      model(
          kX, "",
          R"({"name": "fc2", "op": "Gemm", "inputs": ["x"], "outputs": ["y"], "attrs": @[1]})",
          "\"y\""),
      "node 'fc2': 'attrs' must be an object, not an array");
}

TEST(ModelErrors, DuplicateNodeNames) {
  expectError(
      model(kX, "",
            R"({"name": "a", "op": "Relu", "inputs": ["x"], "outputs": ["y"]},
                       {"name": @"a", "op": "Relu", "inputs": ["y"], "outputs": ["z"]})",
            "\"z\""),
      "node name 'a' is used twice: first at 5:20"); // nodes: line 5
  // A default name colliding with an explicit one.
  expectError(
      model(
          kX, "",
          R"({"name": "Relu_1", "op": "Relu", "inputs": ["x"], "outputs": ["y"]},
                       @{"op": "Relu", "inputs": ["y"], "outputs": ["z"]})",
          "\"z\""),
      "node name 'Relu_1' is used twice");
}

//===----------------------------------------------------------------------===//
// Errors: values and references
//===----------------------------------------------------------------------===//

TEST(ModelErrors, DuplicateValueNames) {
  // Parameter named like an input.
  expectError(model(kX, R"({"name": @"x", "shape": [1]})", kRelu, "\"y\""),
              "value 'x' is defined twice: first at 4:21");
  // Node output named like a parameter.
  expectError(model(kX, R"({"name": "w", "shape": [1]})",
                    R"({"op": "Relu", "inputs": ["x"], "outputs": [@"w"]})",
                    "\"w\""),
              "value 'w' is defined twice: first at 5:");
  // Two nodes producing the same value.
  expectError(model(kX, "",
                    R"({"op": "Relu", "inputs": ["x"], "outputs": ["h1"]},
                       {"op": "Neg", "inputs": ["x"], "outputs": [@"h1"]})",
                    "\"h1\""),
              "value 'h1' is defined twice: first at 5:");
  // "first at" is the earlier one in the file even when nodes come first.
  expectError(
      "{\"version\": 1, \"name\": \"m\",\n"
      "\"nodes\": [{\"op\": \"Relu\", \"inputs\": [\"x\"], \"outputs\": "
      "[\"x2\"]}],\n"
      "\"inputs\": [{\"name\": @\"x2\", \"dtype\": \"f32\", \"shape\": []},"
      " {\"name\": \"x\", \"dtype\": \"f32\", \"shape\": []}],\n"
      "\"outputs\": [\"x2\"]}",
      "value 'x2' is defined twice: first at 2:");
}

TEST(ModelErrors, UndefinedNodeInput) {
  expectError(
      model(
          kX, R"({"name": "w", "shape": [3, 3]})",
          R"({"name": "fc1", "op": "Gemm", "inputs": ["x", "w"], "outputs": ["h1"]},
                       {"name": "fc2", "op": "Gemm", "inputs": [@"h9", "w"], "outputs": ["y"]})",
          "\"y\""),
      "Gemm 'fc2': input 'h9' is not defined (did you mean 'h1'?)");
  expectError(
      model(
          kX, "",
          R"({"op": "Relu", "inputs": [@"nothing_like_it"], "outputs": ["y"]})",
          "\"y\""),
      "Relu 'Relu_0': input 'nothing_like_it' is not defined");
}

TEST(ModelErrors, GraphOutputs) {
  expectError(model(kX, "", kRelu, "\"y\", @\"z\""),
              "output 'z' is not defined");
  expectError(model(kX, "", kRelu, "\"y\", @\"y\""),
              "output 'y' is listed twice: first at");
  expectError(model(kX, "", kRelu, "@3"), "outputs[0] must be a string, not 3");
  expectError(model(kX, "", kRelu, "@\"\""), "outputs[0] must not be empty");
}

TEST(ModelErrors, FirstErrorWins) {
  // Both the dtype and the node input are wrong; sections are checked in
  // order (inputs before nodes), so the dtype is reported.
  expectError(model(R"({"name": "x", "dtype": @"f33", "shape": [2]})", "",
                    R"({"op": "Relu", "inputs": ["nope"], "outputs": ["y"]})",
                    "\"y\""),
              "unknown dtype 'f33'");
}
