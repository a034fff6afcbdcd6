// safetensors_test.cc — weights files: bit-exact save→load round trip, the
// writer's layout, extra tensors ignored, every validation error with a
// crafted file (and that a failed load modifies nothing), no partial or
// temporary file after a failed save, and random corruption never crashes.
#include "internal.h"
#include "test_util.h"

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

const int64_t kShapeW[] = {2, 3};
const int64_t kShapeB[] = {3};

dlc_param_info param(const char *name, dlc_dtype dtype, int32_t rank, const int64_t *shape,
                     int64_t n, dlc_init_kind kind, uint64_t seed) {
  dlc_param_info p;
  std::memset(&p, 0, sizeof p);
  p.tensor = {name, dtype, rank, shape, n, n * static_cast<int64_t>(dlc_dtype_size(dtype))};
  p.init.kind = kind;
  p.init.seed = seed;
  p.init.a = 0;
  p.init.b = 1;
  return p;
}

// w: f32 [2, 3], b: f32 [3].
struct Model {
  explicit Model(dlc_init_kind kind = DLC_INIT_NORMAL, uint64_t seed = 1) {
    ps = {param("w", DLC_DTYPE_F32, 2, kShapeW, 6, kind, seed),
          param("b", DLC_DTYPE_F32, 1, kShapeB, 3, kind, seed + 1)};
    std::memset(&info, 0, sizeof info);
    info.abi_version = DLC_ABI_VERSION;
    info.name = "m";
    info.num_params = 2;
    info.params = ps.data();
    dlc_status status = dlc_params_create(&info, &params);
    EXPECT_EQ(status, nullptr) << dlc_status_message(status);
    dlc_status_free(status);
  }
  ~Model() { dlc_params_free(params); }
  std::string bytes(int i) const {
    return std::string(static_cast<const char *>(dlc_params_data(params, i)),
                       static_cast<size_t>(ps[i].tensor.size_bytes));
  }
  std::vector<dlc_param_info> ps;
  dlc_model_info info;
  dlc_params *params = nullptr;
};

// A safetensors file from a header and a data buffer.
std::string safetensors(const std::string &header, const std::string &buffer) {
  std::string out(8, '\0');
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(n >> (8 * i));
  return out + header + buffer;
}

const char kValidHeader[] =
    R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
    R"("b":{"dtype":"F32","shape":[3],"data_offsets":[24,36]}})";

class SafetensorsErrors : public ::testing::Test {
 protected:
  // Loads a crafted file; expects an error containing `phrase`, with the
  // path at the start of the message, and the parameters untouched.
  void expect_error(const std::string &file_bytes, const std::string &phrase,
                    int require_all = 0) {
    const std::string path = dir.file("bad.safetensors");
    dlcrt_test::write_bytes(path, file_bytes);
    const std::string w = model.bytes(0), b = model.bytes(1);
    dlc_status status = dlc_params_load(model.params, path.c_str(), require_all);
    ASSERT_NE(status, nullptr) << "expected an error containing: " << phrase;
    const std::string message = dlcrt_test::take_message(status);
    EXPECT_NE(message.find(phrase), std::string::npos) << message;
    EXPECT_EQ(message.rfind(path, 0), 0u) << "message should start with the path: " << message;
    EXPECT_EQ(model.bytes(0), w);
    EXPECT_EQ(model.bytes(1), b);
  }
  dlcrt_test::TempDir dir;
  Model model{DLC_INIT_NORMAL, 100};
  const std::string buffer36 = std::string(36, '\x01');
};

}  // namespace

TEST(Safetensors, RoundTripIsBitExact) {
  dlcrt_test::TempDir dir;
  const std::string path = dir.file("w.safetensors");
  Model source(DLC_INIT_NORMAL, 1);
  DLC_ASSERT_OK(dlc_params_save(source.params, path.c_str()));
  Model target(DLC_INIT_UNIFORM, 50);
  ASSERT_NE(source.bytes(0), target.bytes(0));
  DLC_ASSERT_OK(dlc_params_load(target.params, path.c_str(), 1));
  EXPECT_EQ(source.bytes(0), target.bytes(0));
  EXPECT_EQ(source.bytes(1), target.bytes(1));
  EXPECT_EQ(dir.list().size(), 1u);  // no temporary left behind
}

TEST(Safetensors, WriterLayout) {
  dlcrt_test::TempDir dir;
  const std::string path = dir.file("w.safetensors");
  Model m;
  DLC_ASSERT_OK(dlc_params_save(m.params, path.c_str()));
  const std::string bytes = dlcrt_test::read_bytes(path);
  ASSERT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  EXPECT_EQ(n % 8, 0u);
  ASSERT_EQ(bytes.size(), 8 + n + 36);
  const std::string header = bytes.substr(8, n);
  EXPECT_EQ(header.rfind(
                R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],)"
                R"("data_offsets":[0,24]},"b":{"dtype":"F32","shape":[3],"data_offsets":[24,36]}})",
                0),
            0u)
      << header;
  EXPECT_EQ(header.find_first_not_of(' ', header.find_last_of('}') + 1), std::string::npos);
  EXPECT_EQ(bytes.substr(8 + n, 24), m.bytes(0));
}

TEST(Safetensors, LargerElementsFirstKeepsAlignment) {
  const int64_t one[] = {1};
  std::vector<dlc_param_info> ps = {param("a", DLC_DTYPE_U8, 1, one, 1, DLC_INIT_ONES, 0),
                                    param("d", DLC_DTYPE_F64, 1, one, 1, DLC_INIT_ONES, 0)};
  dlc_model_info info;
  std::memset(&info, 0, sizeof info);
  info.abi_version = DLC_ABI_VERSION;
  info.num_params = 2;
  info.params = ps.data();
  dlc_params *params;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  dlcrt_test::TempDir dir;
  DLC_ASSERT_OK(dlc_params_save(params, dir.file("x.safetensors").c_str()));
  const std::string bytes = dlcrt_test::read_bytes(dir.file("x.safetensors"));
  EXPECT_NE(bytes.find(R"("d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]})"),
            std::string::npos);
  EXPECT_NE(bytes.find(R"("a":{"dtype":"U8","shape":[1],"data_offsets":[8,9]})"),
            std::string::npos);
  DLC_ASSERT_OK(dlc_params_load(params, dir.file("x.safetensors").c_str(), 1));
  dlc_params_free(params);
}

TEST(Safetensors, NamesAreEscaped) {
  const int64_t one[] = {1};
  std::vector<dlc_param_info> ps = {
      param("odd \"name\"\\\n", DLC_DTYPE_F32, 1, one, 1, DLC_INIT_ONES, 0)};
  dlc_model_info info;
  std::memset(&info, 0, sizeof info);
  info.abi_version = DLC_ABI_VERSION;
  info.num_params = 1;
  info.params = ps.data();
  dlc_params *params;
  DLC_ASSERT_OK(dlc_params_create(&info, &params));
  dlcrt_test::TempDir dir;
  DLC_ASSERT_OK(dlc_params_save(params, dir.file("x.safetensors").c_str()));
  DLC_ASSERT_OK(dlc_params_load(params, dir.file("x.safetensors").c_str(), 1));
  dlc_params_free(params);
}

TEST(Safetensors, ExtraTensorsIgnoredAndLoadingMarksSet) {
  dlcrt_test::TempDir dir;
  Model m(DLC_INIT_NONE);
  DLC_ASSERT_ERROR(dlc_params_check_all_set(m.params), "parameter 'w' has no initializer");
  std::string buffer;
  for (int i = 0; i < 6 + 3 + 2; ++i) {
    const float v = static_cast<float>(i) + 0.5f;
    buffer.append(reinterpret_cast<const char *>(&v), 4);
  }
  const std::string header =
      R"({"__metadata__":{"format":"pt","note":"x"},)"
      R"("w.adam_m":{"dtype":"F32","shape":[2],"data_offsets":[36,44]},)"
      R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("b":{"dtype":"F32","shape":[3],"data_offsets":[24,36]}})";
  const std::string path = dir.file("ckpt.safetensors");
  dlcrt_test::write_bytes(path, safetensors(header, buffer));
  DLC_ASSERT_OK(dlc_params_load(m.params, path.c_str(), 1));
  DLC_ASSERT_OK(dlc_params_check_all_set(m.params));
  EXPECT_EQ(static_cast<const float *>(dlc_params_data(m.params, 1))[0], 6.5f);
}

TEST(Safetensors, PartialLoadWithoutRequireAll) {
  dlcrt_test::TempDir dir;
  Model m(DLC_INIT_NONE);
  const std::string path = dir.file("b.safetensors");
  dlcrt_test::write_bytes(
      path, safetensors(R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})",
                        std::string(12, '\0')));
  DLC_ASSERT_OK(dlc_params_load(m.params, path.c_str(), 0));
  DLC_ASSERT_ERROR(dlc_params_check_all_set(m.params), "parameter 'w'");
  DLC_ASSERT_ERROR(dlc_params_load(m.params, path.c_str(), 1),
                   "parameter 'w' is missing from the file");
}

TEST_F(SafetensorsErrors, FileLayout) {
  expect_error("", "too short");
  expect_error("\x05\0\0", "too short");
  expect_error(safetensors(kValidHeader, buffer36).substr(0, 40), "larger than the file");
  std::string huge(8, '\0');
  huge[4] = 1;  // 2^32
  expect_error(huge + "{}", "too large");
}

TEST_F(SafetensorsErrors, Json) {
  expect_error(safetensors("{\"w\": ", ""), "not valid JSON");
  expect_error(safetensors("{\"w\" 1}", ""), "not valid JSON: expected ':'");
  expect_error(safetensors("{} x", ""), "not valid JSON");
  expect_error(safetensors("{\"a\":\"\\x\"}", ""), "not valid JSON");
  expect_error(safetensors("[1, 2]", ""), "not a JSON object");
  expect_error(safetensors(std::string(10000, '[') + std::string(10000, ']'), ""),
               "nesting too deep");
  expect_error(safetensors("{\"__metadata__\": 3}", ""), "'__metadata__' is not an object");
  expect_error(safetensors("{\"__metadata__\": {\"a\": 1}}", ""), "is not a string");
}

TEST_F(SafetensorsErrors, EntryFields) {
  expect_error(safetensors(R"({"w": 5})", buffer36), "tensor 'w': entry is not an object");
  expect_error(safetensors(R"({"w":{"shape":[2,3],"data_offsets":[0,24]}})", buffer36),
               "tensor 'w': missing 'dtype'");
  expect_error(safetensors(R"({"w":{"dtype":"F32","data_offsets":[0,24]}})", buffer36),
               "missing 'shape'");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3]}})", buffer36),
               "missing 'data_offsets'");
  expect_error(safetensors(R"({"w":{"dtype":"F8","shape":[2,3],"data_offsets":[0,24]}})", buffer36),
               "unknown dtype 'F8'");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[-2,3],"data_offsets":[0,24]}})", buffer36),
               "'shape' holds -2, expected a non-negative integer");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2.5,3],"data_offsets":[0,24]}})", buffer36),
               "'shape' holds 2.5");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":"2x3","data_offsets":[0,24]}})", buffer36),
               "'shape' is not an array");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[99999999999,99999999999],"data_offsets":[0,24]}})", buffer36),
               "shape is too large");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[24,0]}})", buffer36),
               "data_offsets must be [begin, end] with begin <= end");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0]}})", buffer36),
               "data_offsets must be [begin, end]");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})",
                           std::string(20, '\0')),
               "end beyond the data buffer (20 bytes)");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", buffer36),
               "byte size 20 of data_offsets does not match shape [2, 3] of F32 (24 bytes)");
}

TEST_F(SafetensorsErrors, OverlapAndDuplicates) {
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                           R"("b":{"dtype":"F32","shape":[3],"data_offsets":[20,32]}})",
                           buffer36),
               "tensors 'w' and 'b' overlap");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                           R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})",
                           buffer36),
               "tensor 'w' appears twice");
}

TEST_F(SafetensorsErrors, MismatchWithParameters) {
  // The first tensor is fine, the second is wrong: nothing may be loaded.
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                           R"("b":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}})",
                           buffer36),
               "tensor 'b': shape [3] expected, file has [2]");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[3,2],"data_offsets":[0,24]}})", buffer36),
               "tensor 'w': shape [2, 3] expected, file has [3, 2]");
  expect_error(safetensors(R"({"w":{"dtype":"F64","shape":[2,3],"data_offsets":[0,48]}})",
                           std::string(48, '\0')),
               "tensor 'w': dtype f32 expected, file has f64");
  expect_error(safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})", buffer36),
               "parameter 'b' is missing from the file", /*require_all=*/1);
}

TEST_F(SafetensorsErrors, NotAFile) {
  DLC_ASSERT_ERROR(dlc_params_load(model.params, dir.file("missing").c_str(), 0), "cannot open");
  DLC_ASSERT_ERROR(dlc_params_load(model.params, dir.path().c_str(), 0), "not a regular file");
}

TEST_F(SafetensorsErrors, RandomCorruptionNeverCrashes) {
  const std::string good = safetensors(kValidHeader, buffer36);
  std::mt19937 rng(1234);
  const std::string path = dir.file("fuzz.safetensors");
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0: bytes[at] = static_cast<char>(rng()); break;
        case 1: bytes.erase(at, 1 + rng() % 8); break;
        default: bytes.insert(at, 1, "{}[],:\"0-e."[rng() % 11]); break;
      }
      if (bytes.empty()) break;
    }
    dlcrt_test::write_bytes(path, bytes);
    dlc_status_free(dlc_params_load(model.params, path.c_str(), round % 2));
  }
}

TEST(SafetensorsSave, FailureLeavesNoFile) {
  dlcrt_test::TempDir dir;
  Model m;
  const std::string missing_dir = dir.file("no/such/dir/w.safetensors");
  DLC_ASSERT_ERROR(dlc_params_save(m.params, missing_dir.c_str()), "cannot create");
  EXPECT_TRUE(dir.list().empty());

  // The target is a directory: the temporary is written, the rename fails,
  // and the temporary must be gone.
  const std::string sub = dir.file("subdir");
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  DLC_ASSERT_ERROR(dlc_params_save(m.params, sub.c_str()), "cannot rename");
  EXPECT_EQ(dir.list(), std::vector<std::string>({"subdir"}));
  ::rmdir(sub.c_str());
}
