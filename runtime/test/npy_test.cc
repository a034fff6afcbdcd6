// npy_test.cc — .npy arrays: round trips for every supported dtype and rank,
// the writer's bytes equal NumPy's, hand-made files of versions 1.0/2.0/3.0,
// every rejection (truncated, Fortran order, bad magic, big-endian, rank > 8,
// malformed headers), and — when /usr/bin/python3 has numpy — files written
// by NumPy itself and ours read back by NumPy.
#include "internal.h"
#include "test_util.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string npy_bytes(int major, const std::string &dict, const std::string &data,
                      bool pad = true) {
  std::string header = dict;
  if (pad) {
    const size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64) header += ' ';
  }
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const size_t n = header.size();
  out += static_cast<char>(n & 0xff);
  out += static_cast<char>(n >> 8);
  if (major != 1) {
    out += static_cast<char>(n >> 16);
    out += static_cast<char>(n >> 24);
  }
  return out + header + data;
}

template <typename T>
std::string raw(const std::vector<T> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
}

bool have_numpy() {
  return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

template <typename T>
void round_trip(dlc_dtype dtype, std::vector<int64_t> shape, const std::vector<T> &values) {
  dlcrt_test::TempDir dir;
  const std::string path = dir.file("a.npy");
  DLC_ASSERT_OK(dlc_npy_write(path.c_str(), dtype, static_cast<int32_t>(shape.size()),
                              shape.data(), values.data()));
  dlc_array *array = nullptr;
  DLC_ASSERT_OK(dlc_npy_read(path.c_str(), &array));
  EXPECT_EQ(array->dtype, dtype);
  ASSERT_EQ(array->rank, static_cast<int32_t>(shape.size()));
  for (size_t d = 0; d < shape.size(); ++d) EXPECT_EQ(array->shape[d], shape[d]);
  ASSERT_EQ(array->num_elements, static_cast<int64_t>(values.size()));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(array->data) % 64, 0u);
  if (!values.empty())
    EXPECT_EQ(std::memcmp(array->data, values.data(), values.size() * sizeof(T)), 0);
  dlc_array_free(array);
  const std::string bytes = dlcrt_test::read_bytes(path);
  const size_t header_end = 10 + (static_cast<uint8_t>(bytes[8]) | static_cast<uint8_t>(bytes[9]) << 8);
  EXPECT_EQ(header_end % 64, 0u);
  EXPECT_EQ(bytes[header_end - 1], '\n');
  EXPECT_EQ(dir.list().size(), 1u);
}

class NpyErrors : public ::testing::Test {
 protected:
  void expect_error(const std::string &bytes, const std::string &phrase) {
    const std::string path = dir.file("bad.npy");
    dlcrt_test::write_bytes(path, bytes);
    dlc_array *array = reinterpret_cast<dlc_array *>(1);
    DLC_ASSERT_ERROR(dlc_npy_read(path.c_str(), &array), phrase);
    EXPECT_EQ(array, nullptr);
  }
  dlcrt_test::TempDir dir;
};

const char kDict23[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

}  // namespace

TEST(Npy, RoundTrips) {
  round_trip<float>(DLC_DTYPE_F32, {2, 3}, {1.5f, -2, 3, 4, 5, 6e-30f});
  round_trip<double>(DLC_DTYPE_F64, {4}, {1e300, -0.0, 3.25, 1e-310});
  round_trip<int32_t>(DLC_DTYPE_I32, {1, 2, 2}, {INT32_MIN, -1, 0, INT32_MAX});
  round_trip<int64_t>(DLC_DTYPE_I64, {3, 1}, {INT64_MIN, 42, INT64_MAX});
  round_trip<uint8_t>(DLC_DTYPE_U8, {5}, {0, 1, 127, 128, 255});
  round_trip<int8_t>(DLC_DTYPE_I8, {2}, {-128, 127});
  round_trip<uint8_t>(DLC_DTYPE_BOOL, {2}, {0, 1});
  round_trip<uint16_t>(DLC_DTYPE_F16, {2}, {0x3c00, 0xc000});
  round_trip<double>(DLC_DTYPE_F64, {}, {2.5});        // scalar
  round_trip<float>(DLC_DTYPE_F32, {0, 7}, {});       // empty
  round_trip<float>(DLC_DTYPE_F32, {1, 1, 1, 1, 1, 1, 1, 1}, {9.0f});  // rank 8
}

TEST(Npy, WriterBytesEqualNumpys) {
  // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)) with NumPy 1.24:
  // the dict, 21 − len("2") spare spaces, then padding to 128 bytes.
  std::string header = kDict23;
  header.append(20, ' ');
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  ASSERT_EQ(header.size(), 0x76u);
  const std::vector<float> values = {0, 1, 2, 3, 4, 5};
  const std::string want = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + header + raw(values);

  dlcrt_test::TempDir dir;
  const int64_t shape[] = {2, 3};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("a.npy").c_str(), DLC_DTYPE_F32, 2, shape, values.data()));
  EXPECT_EQ(dlcrt_test::read_bytes(dir.file("a.npy")), want);

  // And the same bytes read back.
  dlcrt_test::write_bytes(dir.file("numpy.npy"), want);
  dlc_array *array;
  DLC_ASSERT_OK(dlc_npy_read(dir.file("numpy.npy").c_str(), &array));
  EXPECT_EQ(array->rank, 2);
  EXPECT_EQ(static_cast<float *>(array->data)[5], 5.0f);
  dlc_array_free(array);
}

TEST(Npy, ReadsVersionsAndHeaderVariants) {
  dlcrt_test::TempDir dir;
  const std::vector<int64_t> values = {7, 8, 9, 10, 11};
  struct Case {
    int major;
    std::string dict;
  };
  const Case cases[] = {
      {1, "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"},
      {2, "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"},
      {3, "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }"},
      {1, "{'shape': (5L,), 'fortran_order': False, 'descr': '<i8'}"},  // old NumPy, any order
      {1, "{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (5 ,)}"},
  };
  for (const Case &c : cases) {
    dlcrt_test::write_bytes(dir.file("v.npy"), npy_bytes(c.major, c.dict, raw(values)));
    dlc_array *array;
    DLC_ASSERT_OK(dlc_npy_read(dir.file("v.npy").c_str(), &array));
    EXPECT_EQ(array->dtype, DLC_DTYPE_I64);
    EXPECT_EQ(array->rank, 1);
    EXPECT_EQ(array->shape[0], 5);
    EXPECT_EQ(static_cast<int64_t *>(array->data)[4], 11);
    dlc_array_free(array);
  }
  // '<u1' and '|b1' spellings of one-byte types.
  dlcrt_test::write_bytes(dir.file("u.npy"),
                          npy_bytes(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (), }",
                                    std::string(1, '\x07')));
  dlc_array *array;
  DLC_ASSERT_OK(dlc_npy_read(dir.file("u.npy").c_str(), &array));
  EXPECT_EQ(array->dtype, DLC_DTYPE_U8);
  EXPECT_EQ(array->rank, 0);
  EXPECT_EQ(array->num_elements, 1);
  dlc_array_free(array);
}

TEST_F(NpyErrors, Rejections) {
  const std::string data24(24, '\0');
  expect_error(npy_bytes(1, kDict23, data24.substr(0, 20)), "data is 20 bytes, shape [2, 3] of f32 needs 24 (file truncated?)");
  expect_error(npy_bytes(1, kDict23, data24 + "x"), "data is 25 bytes");
  expect_error(npy_bytes(1, kDict23, data24).substr(0, 30), "truncated .npy header");
  expect_error("\x93NUMPX\x01\x00\x00\x00", "bad magic");
  expect_error("\x93NUM", "bad magic");
  expect_error(npy_bytes(4, kDict23, data24), "unsupported .npy format version 4.0");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data24),
               "Fortran-order");
  expect_error(npy_bytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", data24),
               "big-endian");
  expect_error(npy_bytes(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", data24),
               "unsupported dtype '<c8'");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }",
                         std::string(4, '\0')),
               "rank greater than 8");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }", data24),
               "negative dimension");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'shape': (2, 3), }", data24), "lacks one of");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", data24),
               "unexpected key 'x'");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'fortran_order': Nope, 'shape': (2, 3), }", data24),
               "not True or False");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", data24),
               "not a tuple");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", data24),
               "too large");
  expect_error(npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", data24),
               "shape [4611686018427387904, 4] is too large");
  expect_error(npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", data24),
               "needs 8000000000000 (file truncated?)");
  expect_error(npy_bytes(1, "['descr']", data24), "header does not start with '{'");
  DLC_ASSERT_ERROR(dlc_npy_read(dir.file("missing.npy").c_str(), nullptr), "NULL");
  dlc_array *array;
  DLC_ASSERT_ERROR(dlc_npy_read(dir.file("missing.npy").c_str(), &array), "cannot open");
}

TEST_F(NpyErrors, WriteErrors) {
  const int64_t shape[] = {2};
  const uint16_t values[] = {0, 0};
  DLC_ASSERT_ERROR(dlc_npy_write(dir.file("b.npy").c_str(), DLC_DTYPE_BF16, 1, shape, values),
                   "bf16 has no .npy representation");
  DLC_ASSERT_ERROR(dlc_npy_write(dir.file("no/dir/a.npy").c_str(), DLC_DTYPE_F16, 1, shape, values),
                   "cannot create");
  const int64_t negative[] = {-1};
  DLC_ASSERT_ERROR(dlc_npy_write(dir.file("n.npy").c_str(), DLC_DTYPE_F16, 1, negative, values),
                   "invalid shape [-1]");
  DLC_ASSERT_ERROR(dlc_npy_write(dir.file("r.npy").c_str(), DLC_DTYPE_F16, 9, shape, values),
                   "rank 9");
  EXPECT_TRUE(dir.list().empty());
}

TEST(Npy, ArrayCreate) {
  const int64_t shape[] = {3, 5};
  dlc_array *array;
  DLC_ASSERT_OK(dlc_array_create(DLC_DTYPE_F64, 2, shape, &array));
  EXPECT_EQ(array->num_elements, 15);
  for (int i = 0; i < 15; ++i) EXPECT_EQ(static_cast<double *>(array->data)[i], 0.0);
  dlc_array_free(array);
  dlc_array_free(nullptr);
  DLC_ASSERT_ERROR(dlc_array_create(DLC_DTYPE_F64, 9, shape, &array), "rank 9");
}

TEST(Npy, InteroperatesWithRealNumpy) {
  if (!have_numpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy not available";
  dlcrt_test::TempDir dir;
  const std::string d = dir.path();
  const std::string make =
      "/usr/bin/python3 -c \"import numpy as np, numpy.lib.format as fmt\n"
      "np.save('" + d + "/f4.npy', np.arange(12, dtype='<f4').reshape(3, 4) / 7)\n"
      "np.save('" + d + "/i8.npy', np.array([-5, 1 << 40], dtype='<i8'))\n"
      "np.save('" + d + "/b1.npy', np.array([[True, False]]))\n"
      "np.save('" + d + "/s.npy', np.float64(-1.25))\n"
      "f = open('" + d + "/v2.npy', 'wb'); fmt.write_array(f, np.arange(3, dtype='<i4'), version=(2, 0)); f.close()\n"
      "np.save('" + d + "/be.npy', np.arange(3, dtype='>f4'))\n"
      "np.save('" + d + "/fo.npy', np.asfortranarray(np.ones((2, 3), dtype='<f8')))\n\"";
  ASSERT_EQ(std::system(make.c_str()), 0);

  dlc_array *a;
  DLC_ASSERT_OK(dlc_npy_read((d + "/f4.npy").c_str(), &a));
  EXPECT_EQ(a->rank, 2);
  EXPECT_EQ(a->shape[1], 4);
  EXPECT_EQ(static_cast<float *>(a->data)[11], 11.0f / 7);
  dlc_array_free(a);
  DLC_ASSERT_OK(dlc_npy_read((d + "/i8.npy").c_str(), &a));
  EXPECT_EQ(static_cast<int64_t *>(a->data)[1], int64_t(1) << 40);
  dlc_array_free(a);
  DLC_ASSERT_OK(dlc_npy_read((d + "/b1.npy").c_str(), &a));
  EXPECT_EQ(a->dtype, DLC_DTYPE_BOOL);
  EXPECT_EQ(static_cast<uint8_t *>(a->data)[0], 1);
  dlc_array_free(a);
  DLC_ASSERT_OK(dlc_npy_read((d + "/s.npy").c_str(), &a));
  EXPECT_EQ(a->rank, 0);
  EXPECT_EQ(static_cast<double *>(a->data)[0], -1.25);
  dlc_array_free(a);
  DLC_ASSERT_OK(dlc_npy_read((d + "/v2.npy").c_str(), &a));
  EXPECT_EQ(static_cast<int32_t *>(a->data)[2], 2);
  dlc_array_free(a);
  DLC_ASSERT_ERROR(dlc_npy_read((d + "/be.npy").c_str(), &a), "big-endian");
  DLC_ASSERT_ERROR(dlc_npy_read((d + "/fo.npy").c_str(), &a), "Fortran-order");

  // Ours, read by NumPy; and byte-identical to np.save of the same array.
  const int64_t shape[] = {2, 3};
  const std::vector<float> values = {0.5f, 1, 2, 3, 4, 5};
  DLC_ASSERT_OK(dlc_npy_write((d + "/ours.npy").c_str(), DLC_DTYPE_F32, 2, shape, values.data()));
  const int64_t shape_i[] = {1000};
  std::vector<int32_t> ints(1000);
  for (int i = 0; i < 1000; ++i) ints[i] = i * i - 7;
  DLC_ASSERT_OK(dlc_npy_write((d + "/ours_i.npy").c_str(), DLC_DTYPE_I32, 1, shape_i, ints.data()));
  const std::string check =
      "/usr/bin/python3 -c \"import numpy as np, io\n"
      "a = np.load('" + d + "/ours.npy')\n"
      "assert a.dtype == np.float32 and a.shape == (2, 3) and a[0, 0] == 0.5 and a[1, 2] == 5, a\n"
      "b = np.load('" + d + "/ours_i.npy')\n"
      "assert (b == np.arange(1000, dtype='<i4') ** 2 - 7).all()\n"
      "buf = io.BytesIO(); np.save(buf, a)\n"
      "assert buf.getvalue() == open('" + d + "/ours.npy', 'rb').read()\n"
      "buf = io.BytesIO(); np.save(buf, b)\n"
      "assert buf.getvalue() == open('" + d + "/ours_i.npy', 'rb').read()\n\"";
  EXPECT_EQ(std::system(check.c_str()), 0);
}
