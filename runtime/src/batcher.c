// batcher.c — walks a data set split in (shuffled) batches.
//
// Contract:
//  - The order of an epoch is a pure function of (seed, epoch, N): a
//    Fisher-Yates shuffle where step i (from N-1 down to 1) swaps entry i
//    with entry j = r mod (i + 1), r the first 64 bits of
//    Philox4x32-10(counter = {i, epoch ^ tag}, key = seed). The modulo bias
//    is below N / 2^64 (negligible) and the order never depends on earlier
//    draws' values, only on their counters, so it is reproducible anywhere.
//  - Batches copy the examples: u8 images become f32 value / 255 (one IEEE
//    division, correctly rounded), f32 images and i64 integer examples are
//    copied. This is data loading, not a tensor kernel.
//  - With pad_last, the last partial batch is completed with copies of
//    example 0 of the split; *out_count is the number of real rows.
#include "internal.h"

#include <stdlib.h>
#include <string.h>

// "SHUF": separates this stream from the initializers' (whose counter words
// 2 and 3 are zero).
static const uint32_t kShuffleTag = 0x53485546u;

struct dlc_batcher {
  const dlc_dataset *dataset;
  const dlcrt_dataset_split *split;
  int64_t batch_size;
  uint64_t seed;
  int shuffle;
  int pad_last;
  int64_t *order;    // the permutation of the current epoch
  int64_t position;  // next entry of order to hand out
};

void dlcrt_shuffle_order(uint64_t seed, int64_t epoch, int64_t n, int64_t *order) {
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  const uint64_t e = (uint64_t)epoch;
  for (int64_t i = n - 1; i > 0; --i) {
    const uint64_t u = (uint64_t)i;
    const uint32_t counter[4] = {(uint32_t)u, (uint32_t)(u >> 32), (uint32_t)e,
                                 (uint32_t)(e >> 32) ^ kShuffleTag};
    uint32_t words[4];
    dlcrt_philox4x32_10(counter, key, words);
    const uint64_t r = (uint64_t)words[0] | (uint64_t)words[1] << 32;
    const int64_t j = (int64_t)(r % (u + 1));
    const int64_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

void dlc_batcher_free(dlc_batcher *batcher) {
  if (!batcher) return;
  free(batcher->order);
  free(batcher);
}

dlc_status dlc_batcher_create(const dlc_dataset *dataset, dlc_split split, int64_t batch_size,
                              uint64_t seed, int shuffle, int pad_last,
                              dlc_batcher **out_batcher) {
  if (!out_batcher) return dlc_status_make("dlc_batcher_create: out_batcher is NULL");
  *out_batcher = NULL;
  if (!dataset) return dlc_status_make("dlc_batcher_create: dataset is NULL");
  if (split != DLC_SPLIT_TRAIN && split != DLC_SPLIT_TEST)
    return dlc_status_make("dlc_batcher_create: unknown split %d", (int)split);
  if (batch_size <= 0)
    return dlc_status_make("dlc_batcher_create: batch size %lld must be positive",
                           (long long)batch_size);
  dlc_batcher *b = calloc(1, sizeof *b);
  if (!b) return dlcrt_out_of_memory();
  b->dataset = dataset;
  b->split = &dataset->splits[split];
  b->batch_size = batch_size;
  b->seed = seed;
  b->shuffle = shuffle != 0;
  b->pad_last = pad_last != 0;
  const int64_t n = b->split->count;
  b->order = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
  if (!b->order) {
    free(b);
    return dlcrt_out_of_memory();
  }
  dlc_status status = dlc_batcher_start_epoch(b, 0);
  if (status) {
    dlc_batcher_free(b);
    return status;
  }
  *out_batcher = b;
  return NULL;
}

dlc_status dlc_batcher_start_epoch(dlc_batcher *batcher, int64_t epoch) {
  if (!batcher) return dlc_status_make("dlc_batcher_start_epoch: batcher is NULL");
  if (epoch < 0)
    return dlc_status_make("dlc_batcher_start_epoch: epoch %lld is negative", (long long)epoch);
  const int64_t n = batcher->split->count;
  if (batcher->shuffle) {
    dlcrt_shuffle_order(batcher->seed, epoch, n, batcher->order);
  } else {
    for (int64_t i = 0; i < n; ++i) batcher->order[i] = i;
  }
  batcher->position = 0;
  return NULL;
}

dlc_status dlc_batcher_skip(dlc_batcher *batcher, int64_t num_batches) {
  if (!batcher) return dlc_status_make("dlc_batcher_skip: batcher is NULL");
  if (num_batches < 0)
    return dlc_status_make("dlc_batcher_skip: %lld batches", (long long)num_batches);
  const int64_t left = batcher->split->count - batcher->position;
  const int64_t batches_left = (left + batcher->batch_size - 1) / batcher->batch_size;
  batcher->position = num_batches >= batches_left
                          ? batcher->split->count
                          : batcher->position + num_batches * batcher->batch_size;
  return NULL;
}

// Copies example `index` of the split into row `row` of the batch.
static void copy_example(const dlc_batcher *b, int64_t index, int64_t row, void *examples,
                         int64_t *labels) {
  const int64_t size = b->dataset->example_size;
  if (b->split->dtype == DLC_DTYPE_U8) {
    float *out = (float *)examples + row * size;
    const uint8_t *in = (const uint8_t *)b->split->images + index * size;
    for (int64_t k = 0; k < size; ++k) out[k] = (float)in[k] / 255.0f;
  } else {
    // f32 images and i64 integer examples are copied as they are.
    const size_t bytes = b->split->dtype == DLC_DTYPE_I64 ? sizeof(int64_t) : sizeof(float);
    memcpy((char *)examples + (size_t)(row * size) * bytes,
           (const char *)b->split->images + (size_t)(index * size) * bytes,
           (size_t)size * bytes);
  }
  if (labels) labels[row] = b->split->labels[index];
}

dlc_status dlc_batcher_next(dlc_batcher *batcher, void *examples, int64_t *labels,
                            int64_t *out_count) {
  if (!out_count) return dlc_status_make("dlc_batcher_next: out_count is NULL");
  *out_count = 0;
  if (!batcher) return dlc_status_make("dlc_batcher_next: batcher is NULL");
  if (!examples) return dlc_status_make("dlc_batcher_next: examples is NULL");
  const int64_t n = batcher->split->count;
  if (batcher->position >= n) return NULL;
  const int64_t left = n - batcher->position;
  const int64_t count = left < batcher->batch_size ? left : batcher->batch_size;
  for (int64_t row = 0; row < count; ++row)
    copy_example(batcher, batcher->order[batcher->position + row], row, examples, labels);
  if (batcher->pad_last) {
    for (int64_t row = count; row < batcher->batch_size; ++row)
      copy_example(batcher, 0, row, examples, labels);
  }
  batcher->position += count;
  *out_count = count;
  return NULL;
}

int64_t dlc_batcher_num_batches(const dlc_batcher *batcher, int drop_last) {
  if (!batcher) return 0;
  const int64_t n = batcher->split->count;
  return drop_last ? n / batcher->batch_size
                   : (n + batcher->batch_size - 1) / batcher->batch_size;
}

const int64_t *dlc_batcher_order(const dlc_batcher *batcher) {
  return batcher ? batcher->order : NULL;
}
