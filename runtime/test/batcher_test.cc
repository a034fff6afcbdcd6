// batcher_test.cc — dlc_batcher: the epoch order is a permutation and a
// pure function of (seed, epoch), batches convert u8 to f32 / 255, counts
// with drop_last and pad_last, skipping for resumed runs.
#include "internal.h"
#include "test_util.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace {

// A data set of n examples of 2 u8 values {i % 256, 255}, label i.
dlc_dataset *make_dataset(int64_t n) {
  dlc_dataset *ds = static_cast<dlc_dataset *>(std::calloc(1, sizeof(dlc_dataset)));
  ds->example_size = 2;
  dlcrt_dataset_split &s = ds->splits[DLC_SPLIT_TRAIN];
  s.count = n;
  s.dtype = DLC_DTYPE_U8;
  uint8_t *images = static_cast<uint8_t *>(std::malloc(static_cast<size_t>(2 * n + 1)));
  s.labels = static_cast<int64_t *>(std::malloc(static_cast<size_t>(n + 1) * sizeof(int64_t)));
  for (int64_t i = 0; i < n; ++i) {
    images[2 * i] = static_cast<uint8_t>(i % 256);
    images[2 * i + 1] = 255;
    s.labels[i] = i;
  }
  s.images = images;
  return ds;
}

std::vector<int64_t> order_of(dlc_batcher *b) {
  std::vector<int64_t> labels;
  std::vector<float> images(2 * 7);
  std::vector<int64_t> batch(7);
  for (;;) {
    int64_t count = 0;
    dlc_status status = dlc_batcher_next(b, images.data(), batch.data(), &count);
    EXPECT_EQ(status, nullptr);
    if (count == 0) break;
    labels.insert(labels.end(), batch.begin(), batch.begin() + count);
  }
  return labels;
}

}  // namespace

TEST(Batcher, ShuffleIsAPermutationAndDeterministic) {
  for (int64_t n : {0, 1, 2, 3, 10, 257, 1000}) {
    SCOPED_TRACE(n);
    std::vector<int64_t> a(static_cast<size_t>(n)), b(static_cast<size_t>(n)),
        c(static_cast<size_t>(n)), d(static_cast<size_t>(n));
    dlcrt_shuffle_order(42, 3, n, a.data());
    dlcrt_shuffle_order(42, 3, n, b.data());
    dlcrt_shuffle_order(42, 4, n, c.data());
    dlcrt_shuffle_order(43, 3, n, d.data());
    EXPECT_EQ(a, b);
    if (n >= 10) {
      EXPECT_NE(a, c);  // different epochs differ
      EXPECT_NE(a, d);  // different seeds differ
    }
    std::vector<int64_t> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(sorted[static_cast<size_t>(i)], i);
  }
}

TEST(Batcher, ShuffleIsRoughlyUniform) {
  // Where element 0 lands over 4000 epochs of n = 4: each slot about 1000.
  int hits[4] = {0, 0, 0, 0};
  for (int64_t epoch = 0; epoch < 4000; ++epoch) {
    int64_t order[4];
    dlcrt_shuffle_order(7, epoch, 4, order);
    for (int k = 0; k < 4; ++k)
      if (order[k] == 0) ++hits[k];
  }
  for (int k = 0; k < 4; ++k) {
    EXPECT_GT(hits[k], 850);
    EXPECT_LT(hits[k], 1150);
  }
}

TEST(Batcher, EpochOrderIsAFunctionOfSeedAndEpoch) {
  dlc_dataset *ds = make_dataset(50);
  dlc_batcher *b1 = nullptr, *b2 = nullptr;
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 7, 99, 1, 0, &b1));
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 7, 99, 1, 0, &b2));
  // b1 walks epochs 0, 1, 2; b2 jumps straight to 2: same order.
  const std::vector<int64_t> e0 = order_of(b1);
  DLC_ASSERT_OK(dlc_batcher_start_epoch(b1, 1));
  const std::vector<int64_t> e1 = order_of(b1);
  DLC_ASSERT_OK(dlc_batcher_start_epoch(b1, 2));
  const std::vector<int64_t> e2 = order_of(b1);
  DLC_ASSERT_OK(dlc_batcher_start_epoch(b2, 2));
  EXPECT_EQ(order_of(b2), e2);
  DLC_ASSERT_OK(dlc_batcher_start_epoch(b2, 0));
  EXPECT_EQ(order_of(b2), e0);
  EXPECT_NE(e0, e1);
  EXPECT_NE(e1, e2);
  EXPECT_EQ(e0.size(), 50u);
  std::vector<int64_t> expected(static_cast<size_t>(dlc_dataset_count(ds, DLC_SPLIT_TRAIN)));
  dlcrt_shuffle_order(99, 1, 50, expected.data());
  EXPECT_EQ(e1, expected);
  EXPECT_EQ(std::vector<int64_t>(dlc_batcher_order(b1), dlc_batcher_order(b1) + 50), e2);
  DLC_ASSERT_ERROR(dlc_batcher_start_epoch(b1, -1), "negative");
  dlc_batcher_free(b1);
  dlc_batcher_free(b2);
  dlc_dataset_free(ds);
}

TEST(Batcher, UnshuffledConvertsAndCounts) {
  dlc_dataset *ds = make_dataset(10);
  dlc_batcher *b = nullptr;
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 4, 0, 0, 0, &b));
  EXPECT_EQ(dlc_batcher_num_batches(b, 1), 2);
  EXPECT_EQ(dlc_batcher_num_batches(b, 0), 3);
  float images[8];
  int64_t labels[4];
  int64_t count = -1;
  DLC_ASSERT_OK(dlc_batcher_next(b, images, labels, &count));
  EXPECT_EQ(count, 4);
  EXPECT_EQ(labels[0], 0);
  EXPECT_EQ(labels[3], 3);
  EXPECT_EQ(images[2], 1.0f / 255.0f);
  EXPECT_EQ(images[3], 1.0f);
  DLC_ASSERT_OK(dlc_batcher_next(b, images, labels, &count));
  EXPECT_EQ(count, 4);
  std::fill(labels, labels + 4, -1);
  DLC_ASSERT_OK(dlc_batcher_next(b, images, labels, &count));
  EXPECT_EQ(count, 2);  // partial batch, not padded
  EXPECT_EQ(labels[1], 9);
  EXPECT_EQ(labels[2], -1);
  DLC_ASSERT_OK(dlc_batcher_next(b, images, labels, &count));
  EXPECT_EQ(count, 0);
  DLC_ASSERT_OK(dlc_batcher_next(b, images, nullptr, &count));  // labels optional
  EXPECT_EQ(count, 0);
  dlc_batcher_free(b);
  dlc_dataset_free(ds);
}

TEST(Batcher, PadLastRepeatsExampleZero) {
  dlc_dataset *ds = make_dataset(10);
  dlc_batcher *b = nullptr;
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 4, 5, 1, 1, &b));
  float images[8];
  int64_t labels[4];
  int64_t count = 0, real = 0, batches = 0;
  std::vector<int64_t> seen;
  for (;;) {
    std::fill(images, images + 8, -1.0f);
    DLC_ASSERT_OK(dlc_batcher_next(b, images, labels, &count));
    if (count == 0) break;
    ++batches;
    real += count;
    seen.insert(seen.end(), labels, labels + count);
    for (int64_t r = count; r < 4; ++r) {
      EXPECT_EQ(labels[r], 0);  // example 0 of the split
      EXPECT_EQ(images[2 * r], 0.0f);
      EXPECT_EQ(images[2 * r + 1], 1.0f);
    }
  }
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(real, 10);
  std::sort(seen.begin(), seen.end());
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);
  dlc_batcher_free(b);
  dlc_dataset_free(ds);
}

TEST(Batcher, SkipContinuesTheEpoch) {
  dlc_dataset *ds = make_dataset(30);
  dlc_batcher *a = nullptr, *b = nullptr;
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 7, 1, 1, 0, &a));
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 7, 1, 1, 0, &b));
  DLC_ASSERT_OK(dlc_batcher_start_epoch(a, 3));
  DLC_ASSERT_OK(dlc_batcher_start_epoch(b, 3));
  float images[14];
  int64_t labels[7];
  int64_t count = 0;
  DLC_ASSERT_OK(dlc_batcher_next(a, images, labels, &count));
  DLC_ASSERT_OK(dlc_batcher_next(a, images, labels, &count));
  DLC_ASSERT_OK(dlc_batcher_skip(b, 2));
  EXPECT_EQ(order_of(a), order_of(b));
  DLC_ASSERT_OK(dlc_batcher_start_epoch(b, 3));
  DLC_ASSERT_OK(dlc_batcher_skip(b, 100));
  DLC_ASSERT_OK(dlc_batcher_next(b, images, labels, &count));
  EXPECT_EQ(count, 0);
  DLC_ASSERT_ERROR(dlc_batcher_skip(b, -1), "-1 batches");
  dlc_batcher_free(a);
  dlc_batcher_free(b);
  dlc_dataset_free(ds);
}

TEST(Batcher, Errors) {
  dlc_dataset *ds = make_dataset(3);
  dlc_batcher *b = nullptr;
  DLC_ASSERT_ERROR(dlc_batcher_create(ds, DLC_SPLIT_TRAIN, 0, 0, 0, 0, &b), "must be positive");
  DLC_ASSERT_ERROR(dlc_batcher_create(nullptr, DLC_SPLIT_TRAIN, 1, 0, 0, 0, &b),
                   "dataset is NULL");
  DLC_ASSERT_ERROR(dlc_batcher_create(ds, static_cast<dlc_split>(5), 1, 0, 0, 0, &b),
                   "unknown split");
  EXPECT_EQ(b, nullptr);
  // An absent split is empty.
  DLC_ASSERT_OK(dlc_batcher_create(ds, DLC_SPLIT_TEST, 2, 0, 1, 1, &b));
  EXPECT_EQ(dlc_batcher_num_batches(b, 0), 0);
  float images[4];
  int64_t count = 5;
  DLC_ASSERT_OK(dlc_batcher_next(b, images, nullptr, &count));
  EXPECT_EQ(count, 0);
  DLC_ASSERT_ERROR(dlc_batcher_next(b, nullptr, nullptr, &count), "examples is NULL");
  dlc_batcher_free(b);
  dlc_dataset_free(ds);
}
