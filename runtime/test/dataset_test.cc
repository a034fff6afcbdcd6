// dataset_test.cc — dlc_dataset: IDX files the test writes (plain and
// gzip'ed), every IDX error kind, .npy pairs, and the real Fashion-MNIST
// from Debian's dataset-fashion-mnist (skipped when not installed).
#include "internal.h"
#include "test_util.h"

#include <zlib.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using dlcrt_test::TempDir;

std::string be32(uint32_t v) {
  std::string s(4, '\0');
  s[0] = static_cast<char>(v >> 24);
  s[1] = static_cast<char>(v >> 16);
  s[2] = static_cast<char>(v >> 8);
  s[3] = static_cast<char>(v);
  return s;
}

// n images of rows x cols; pixel k of image i is (i * 7 + k) % 256.
std::string idx_images(uint32_t n, uint32_t rows, uint32_t cols) {
  std::string s = be32(0x803) + be32(n) + be32(rows) + be32(cols);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t k = 0; k < rows * cols; ++k) s.push_back(static_cast<char>((i * 7 + k) % 256));
  return s;
}

// Label i is (i * 3) % 10.
std::string idx_labels(uint32_t n) {
  std::string s = be32(0x801) + be32(n);
  for (uint32_t i = 0; i < n; ++i) s.push_back(static_cast<char>((i * 3) % 10));
  return s;
}

void write_gzip(const std::string &path, const std::string &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

struct IdxFiles {
  std::string train_images = idx_images(5, 2, 3);
  std::string train_labels = idx_labels(5);
  std::string test_images = idx_images(3, 2, 3);
  std::string test_labels = idx_labels(3);
};

void write_idx(const TempDir &dir, const IdxFiles &f, bool gzip) {
  auto put = [&](const std::string &name, const std::string &bytes) {
    if (gzip) write_gzip(dir.file(name + ".gz"), bytes);
    else dlcrt_test::write_bytes(dir.file(name), bytes);
  };
  put("train-images-idx3-ubyte", f.train_images);
  put("train-labels-idx1-ubyte", f.train_labels);
  put("t10k-images-idx3-ubyte", f.test_images);
  put("t10k-labels-idx1-ubyte", f.test_labels);
}

void expect_small_dataset(const dlc_dataset *ds) {
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TRAIN), 5);
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TEST), 3);
  EXPECT_EQ(dlc_dataset_example_size(ds), 6);
  const dlcrt_dataset_split &train = ds->splits[DLC_SPLIT_TRAIN];
  ASSERT_EQ(train.dtype, DLC_DTYPE_U8);
  const uint8_t *pixels = static_cast<const uint8_t *>(train.images);
  EXPECT_EQ(pixels[4 * 6 + 5], (4 * 7 + 5) % 256);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(train.labels[i], (i * 3) % 10);
}

}  // namespace

TEST(Dataset, IdxPlain) {
  TempDir dir;
  write_idx(dir, IdxFiles(), false);
  dlc_dataset *ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_idx(dir.path().c_str(), &ds));
  expect_small_dataset(ds);
  dlc_dataset_free(ds);
}

TEST(Dataset, IdxGzip) {
  TempDir dir;
  write_idx(dir, IdxFiles(), true);
  dlc_dataset *ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_idx(dir.path().c_str(), &ds));
  expect_small_dataset(ds);
  dlc_dataset_free(ds);
}

TEST(Dataset, IdxPrefersPlainWhenBothExist) {
  TempDir dir;
  write_idx(dir, IdxFiles(), false);
  // A broken .gz next to each plain file is not read.
  for (const char *name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
    dlcrt_test::write_bytes(dir.file(std::string(name) + ".gz"), "garbage");
  dlc_dataset *ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_idx(dir.path().c_str(), &ds));
  expect_small_dataset(ds);
  dlc_dataset_free(ds);
}

TEST(Dataset, IdxEmptySplitIsValid) {
  TempDir dir;
  IdxFiles f;
  f.test_images = idx_images(0, 2, 3);
  f.test_labels = idx_labels(0);
  write_idx(dir, f, false);
  dlc_dataset *ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_idx(dir.path().c_str(), &ds));
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TEST), 0);
  dlc_dataset_free(ds);
}

// Each broken variant fails with a message that names the file and the fault.
TEST(Dataset, IdxErrors) {
  struct Case {
    const char *what;
    void (*edit)(IdxFiles &);
    bool gzip;
    const char *file;
    const char *phrase;
  };
  const Case cases[] = {
      {"image magic", [](IdxFiles &f) { f.train_images[3] = 0x01; }, false,
       "train-images-idx3-ubyte", "bad magic number 0x00000801, expected 0x00000803"},
      {"label magic", [](IdxFiles &f) { f.test_labels = be32(0x0803) + f.test_labels.substr(4); },
       false, "t10k-labels-idx1-ubyte", "bad magic number 0x00000803, expected 0x00000801"},
      {"dtype byte", [](IdxFiles &f) { f.train_labels[2] = 0x0D; }, false,
       "train-labels-idx1-ubyte", "bad magic number 0x00000d01"},
      {"zero dim", [](IdxFiles &f) { f.train_images = idx_images(5, 0, 3); }, false,
       "train-images-idx3-ubyte", "image dimension 1 is 0"},
      {"count mismatch", [](IdxFiles &f) { f.train_labels = idx_labels(4); }, false,
       "train-labels-idx1-ubyte", "4 labels, but"},
      {"truncated data", [](IdxFiles &f) { f.train_images.resize(f.train_images.size() - 1); },
       false, "train-images-idx3-ubyte", "truncated: the header announces 30 data bytes, the file has 29"},
      {"truncated header", [](IdxFiles &f) { f.test_images.resize(10); }, false,
       "t10k-images-idx3-ubyte", "truncated: the IDX header needs 16 bytes"},
      {"tiny file", [](IdxFiles &f) { f.test_images.resize(2); }, false,
       "t10k-images-idx3-ubyte", "too short for an IDX header"},
      {"trailing bytes", [](IdxFiles &f) { f.test_labels += "x"; }, false,
       "t10k-labels-idx1-ubyte", "trailing bytes"},
      {"test size differs", [](IdxFiles &f) { f.test_images = idx_images(3, 3, 2); }, false, "",
       "test images are 3x2, train images 2x3"},
      {"huge header", [](IdxFiles &f) { f.train_images = idx_images(0, 1, 1).substr(0, 4) +
                                                           be32(0xFFFFFFFF) + be32(0xFFFFFFFF) +
                                                           be32(0xFFFFFFFF); },
       false, "train-images-idx3-ubyte", "more than 2^40 bytes"},
      {"gz truncated data", [](IdxFiles &f) { f.train_images.resize(20); }, true,
       "train-images-idx3-ubyte.gz", "truncated"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.what);
    TempDir dir;
    IdxFiles f;
    c.edit(f);
    write_idx(dir, f, c.gzip);
    dlc_dataset *ds = nullptr;
    DLC_ASSERT_ERROR(dlc_dataset_open_idx(dir.path().c_str(), &ds), c.phrase);
    EXPECT_EQ(ds, nullptr);
    if (*c.file) {
      dlc_status status = dlc_dataset_open_idx(dir.path().c_str(), &ds);
      EXPECT_NE(dlcrt_test::take_message(status).find(dir.file(c.file)), std::string::npos);
    }
  }
}

TEST(Dataset, IdxGzipErrors) {
  // A stream cut in the middle (the gzip trailer and part of the data gone).
  {
    TempDir dir;
    write_idx(dir, IdxFiles(), true);
    const std::string path = dir.file("train-images-idx3-ubyte.gz");
    std::string bytes = dlcrt_test::read_bytes(path);
    dlcrt_test::write_bytes(path, bytes.substr(0, bytes.size() - 12));
    dlc_dataset *ds = nullptr;
    DLC_ASSERT_ERROR(dlc_dataset_open_idx(dir.path().c_str(), &ds), path + ": ");
  }
  // Corrupt deflate data.
  {
    TempDir dir;
    write_idx(dir, IdxFiles(), true);
    const std::string path = dir.file("t10k-images-idx3-ubyte.gz");
    std::string bytes = dlcrt_test::read_bytes(path);
    for (size_t i = 10; i < bytes.size() - 8; ++i) bytes[i] = static_cast<char>(0xFF);
    dlcrt_test::write_bytes(path, bytes);
    dlc_dataset *ds = nullptr;
    DLC_ASSERT_ERROR(dlc_dataset_open_idx(dir.path().c_str(), &ds), "corrupt");
  }
  // A .gz that is not gzip at all.
  {
    TempDir dir;
    write_idx(dir, IdxFiles(), false);
    const std::string plain = dir.file("train-labels-idx1-ubyte");
    dlcrt_test::write_bytes(plain + ".gz", dlcrt_test::read_bytes(plain));
    ::unlink(plain.c_str());
    dlc_dataset *ds = nullptr;
    DLC_ASSERT_ERROR(dlc_dataset_open_idx(dir.path().c_str(), &ds),
                     plain + ".gz: not a gzip file");
  }
  // Missing file.
  {
    TempDir dir;
    write_idx(dir, IdxFiles(), false);
    ::unlink(dir.file("t10k-labels-idx1-ubyte").c_str());
    dlc_dataset *ds = nullptr;
    DLC_ASSERT_ERROR(dlc_dataset_open_idx(dir.path().c_str(), &ds),
                     dir.file("t10k-labels-idx1-ubyte") + ": no such file");
  }
  dlc_dataset *ds = nullptr;
  DLC_ASSERT_ERROR(dlc_dataset_open_idx(nullptr, &ds), "dir is NULL");
  DLC_ASSERT_ERROR(dlc_dataset_open_idx("/x", nullptr), "out_dataset is NULL");
}

TEST(Dataset, Npy) {
  TempDir dir;
  const int64_t xs[] = {4, 2, 3};
  std::vector<float> x(24);
  for (int i = 0; i < 24; ++i) x[i] = 0.5f * static_cast<float>(i);
  const int64_t ys[] = {4};
  const int32_t y[] = {1, 0, 7, 3};
  const int64_t txs[] = {2, 2, 3};
  const uint8_t ty[] = {5, 6, 7, 8};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("x.npy").c_str(), DLC_DTYPE_F32, 3, xs, x.data()));
  DLC_ASSERT_OK(dlc_npy_write(dir.file("y.npy").c_str(), DLC_DTYPE_I32, 1, ys, y));
  DLC_ASSERT_OK(dlc_npy_write(dir.file("tx.npy").c_str(), DLC_DTYPE_F32, 3, txs, x.data()));
  DLC_ASSERT_OK(dlc_npy_write(dir.file("ty.npy").c_str(), DLC_DTYPE_U8, 1, ys, ty));
  const int64_t two[] = {2};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("ty2.npy").c_str(), DLC_DTYPE_U8, 1, two, ty));

  dlc_dataset *ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("y.npy").c_str(),
                                     nullptr, nullptr, &ds));
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TRAIN), 4);
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TEST), 0);
  EXPECT_EQ(dlc_dataset_example_size(ds), 6);
  EXPECT_EQ(ds->splits[0].labels[2], 7);
  dlc_dataset_free(ds);

  ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("y.npy").c_str(),
                                     dir.file("tx.npy").c_str(), dir.file("ty2.npy").c_str(), &ds));
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TEST), 2);
  EXPECT_EQ(ds->splits[1].labels[1], 6);
  dlc_dataset_free(ds);

  ds = nullptr;
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("y.npy").c_str(),
                                        dir.file("tx.npy").c_str(), dir.file("ty.npy").c_str(), &ds),
                   "4 labels, but");
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("x.npy").c_str(),
                                        nullptr, nullptr, &ds),
                   "labels must be integers");
  const double wide[] = {1, 2, 3, 4};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("f64.npy").c_str(), DLC_DTYPE_F64, 1, ys, wide));
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("f64.npy").c_str(), dir.file("y.npy").c_str(),
                                        nullptr, nullptr, &ds),
                   "examples must be f32, u8, i32 or i64, not f64");
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("y.npy").c_str(),
                                        dir.file("tx.npy").c_str(), nullptr, &ds),
                   "labels for both splits or for neither");
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("x.npy").c_str(), nullptr,
                                        nullptr, dir.file("ty2.npy").c_str(), &ds),
                   "test labels without test examples");
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(nullptr, nullptr, nullptr, nullptr, &ds),
                   "the train examples are required");
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("f64.npy").c_str(), nullptr, nullptr, nullptr,
                                        &ds),
                   "examples must be f32, u8, i32 or i64, not f64");
  const int64_t bad_shape[] = {2, 3, 2};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("tx3.npy").c_str(), DLC_DTYPE_F32, 3, bad_shape, x.data()));
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("y.npy").c_str(),
                                        dir.file("tx3.npy").c_str(), dir.file("ty2.npy").c_str(),
                                        &ds),
                   "examples are [3, 2], but");
  const int64_t negative[] = {-1, 0, 0, 0};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("yn.npy").c_str(), DLC_DTYPE_I64, 1, ys, negative));
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("yn.npy").c_str(),
                                        nullptr, nullptr, &ds),
                   "label -1 of example 0 is negative");
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("none.npy").c_str(), dir.file("y.npy").c_str(),
                                        nullptr, nullptr, &ds),
                   "cannot open");
  EXPECT_EQ(ds, nullptr);
}

// Examples without labels (an autoencoder's data): every label is 0.
TEST(Dataset, NpyWithoutLabels) {
  TempDir dir;
  std::vector<float> x(4 * 6);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  const int64_t xs[] = {4, 2, 3}, txs[] = {2, 2, 3};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("x.npy").c_str(), DLC_DTYPE_F32, 3, xs, x.data()));
  DLC_ASSERT_OK(dlc_npy_write(dir.file("tx.npy").c_str(), DLC_DTYPE_F32, 3, txs, x.data()));
  dlc_dataset *ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_npy(dir.file("x.npy").c_str(), nullptr,
                                     dir.file("tx.npy").c_str(), nullptr, &ds));
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TRAIN), 4);
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TEST), 2);
  EXPECT_EQ(dlc_dataset_example_size(ds), 6);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ds->splits[0].labels[i], 0);
  dlc_dataset_free(ds);
}

// Integer examples (token ids for an embedding): i32 is widened to i64, and
// batches hold them unchanged; both splits must be integers then.
TEST(Dataset, NpyIntegerExamples) {
  TempDir dir;
  const int32_t tokens[] = {0, 5, 2, 7, 1, 1, 3, 9, 4, 6, 8, 2};
  const int64_t xs[] = {4, 3}, ys[] = {4};
  const int64_t labels[] = {1, 0, 1, 0};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("x.npy").c_str(), DLC_DTYPE_I32, 2, xs, tokens));
  DLC_ASSERT_OK(dlc_npy_write(dir.file("y.npy").c_str(), DLC_DTYPE_I64, 1, ys, labels));
  dlc_dataset *ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("y.npy").c_str(),
                                     nullptr, nullptr, &ds));
  EXPECT_EQ(dlc_dataset_example_dtype(ds), DLC_DTYPE_I64);
  EXPECT_EQ(dlc_dataset_example_size(ds), 3);
  dlc_batcher *b = nullptr;
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 4, 0, /*shuffle=*/0, 0, &b));
  int64_t batch[12] = {}, got_labels[4] = {}, count = 0;
  DLC_ASSERT_OK(dlc_batcher_next(b, batch, got_labels, &count));
  EXPECT_EQ(count, 4);
  for (int k = 0; k < 12; ++k) EXPECT_EQ(batch[k], tokens[k]);
  EXPECT_EQ(got_labels[2], 1);
  dlc_batcher_free(b);
  dlc_dataset_free(ds);

  const float images[] = {0.5f, 0.25f, 1.0f};
  const int64_t one[] = {1, 3};
  DLC_ASSERT_OK(dlc_npy_write(dir.file("tx.npy").c_str(), DLC_DTYPE_F32, 2, one, images));
  DLC_ASSERT_OK(dlc_npy_write(dir.file("ty.npy").c_str(), DLC_DTYPE_I64, 1, one, labels));
  DLC_ASSERT_ERROR(dlc_dataset_open_npy(dir.file("x.npy").c_str(), dir.file("y.npy").c_str(),
                                        dir.file("tx.npy").c_str(), dir.file("ty.npy").c_str(),
                                        &ds),
                   "examples are f32, but");
}

TEST(Dataset, FashionMnist) {
  const char *dir = "/usr/share/datasets/fashion-mnist";
  if (!dlcrt_test::file_exists(dir)) GTEST_SKIP() << dir << " is not installed";
  dlc_dataset *ds = nullptr;
  DLC_ASSERT_OK(dlc_dataset_open_idx(dir, &ds));
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TRAIN), 60000);
  EXPECT_EQ(dlc_dataset_count(ds, DLC_SPLIT_TEST), 10000);
  EXPECT_EQ(dlc_dataset_example_size(ds), 784);
  EXPECT_EQ(ds->splits[DLC_SPLIT_TRAIN].labels[0], 9);
  EXPECT_EQ(ds->splits[DLC_SPLIT_TRAIN].labels[1], 0);
  EXPECT_EQ(ds->splits[DLC_SPLIT_TEST].labels[0], 9);
  EXPECT_EQ(ds->splits[DLC_SPLIT_TEST].labels[1], 2);
  // Pixel sums of the first images (checked with Python's gzip module).
  const uint8_t *train = static_cast<const uint8_t *>(ds->splits[DLC_SPLIT_TRAIN].images);
  const uint8_t *test = static_cast<const uint8_t *>(ds->splits[DLC_SPLIT_TEST].images);
  int64_t train_sum = 0, test_sum = 0;
  for (int k = 0; k < 784; ++k) {
    train_sum += train[k];
    test_sum += test[k];
  }
  EXPECT_EQ(train_sum, 76247);
  EXPECT_EQ(test_sum, 33456);
  // The first batch, unshuffled, holds image 0 in [0, 1].
  dlc_batcher *b = nullptr;
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TEST, 100, 0, 0, 1, &b));
  EXPECT_EQ(dlc_batcher_num_batches(b, 1), 100);
  std::vector<float> images(100 * 784);
  std::vector<int64_t> labels(100);
  int64_t count = 0;
  DLC_ASSERT_OK(dlc_batcher_next(b, images.data(), labels.data(), &count));
  EXPECT_EQ(count, 100);
  EXPECT_EQ(labels[0], 9);
  double sum = 0;
  for (int k = 0; k < 784; ++k) {
    EXPECT_GE(images[k], 0.0f);
    EXPECT_LE(images[k], 1.0f);
    sum += images[k];
  }
  EXPECT_NEAR(sum, 33456.0 / 255.0, 1e-3);
  dlc_batcher_free(b);
  dlc_dataset_free(ds);
}
