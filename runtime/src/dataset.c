// dataset.c — data sets for training and evaluation: IDX (MNIST,
// Fashion-MNIST; plain or gzip'ed) and .npy pairs.
//
// IDX: a big-endian u32 magic 0x000008NN (0x08: unsigned bytes, NN: the
// number of dimensions), NN big-endian u32 dimensions, then the bytes in C
// order. Images are 0x00000803 [N, rows, cols]; labels 0x00000801 [N].
//
// Contract:
//  - dlc_dataset_open_idx reads the four files of a folder (the plain name
//    when it exists, else NAME.gz) through zlib, validating everything before
//    returning: magic numbers, non-zero image dimensions, the data length
//    against the header (truncated or trailing bytes), gzip errors (a corrupt
//    or cut stream, a ".gz" file that is not gzip), image and label counts
//    per split, the same image size for train and test. Every message starts
//    with the file's path.
//  - A header cannot make the reader allocate much more than the file
//    delivers: the data buffer grows as bytes arrive.
//  - dlc_dataset_open_npy takes x (f32 or u8 images, or i32/i64 integer
//    examples such as token ids, [N, ...]) and y (u8, i8, i32 or i64, [N],
//    values >= 0) arrays; the test pair is optional, and so are the labels
//    (for models without a label input, such as autoencoders: every label
//    is then 0).
//  - Images stay as read (u8 or f32), integer examples and labels are
//    stored as i64. dlc_batcher (batcher.c) converts images at batch time.
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <zlib.h>

void dlcrt_dataset_split_free(dlcrt_dataset_split *split) {
  free(split->images);
  free(split->labels);
  memset(split, 0, sizeof *split);
}

void dlc_dataset_free(dlc_dataset *dataset) {
  if (!dataset) return;
  dlcrt_dataset_split_free(&dataset->splits[0]);
  dlcrt_dataset_split_free(&dataset->splits[1]);
  free(dataset);
}

int64_t dlc_dataset_count(const dlc_dataset *dataset, dlc_split split) {
  if (!dataset || (split != DLC_SPLIT_TRAIN && split != DLC_SPLIT_TEST)) return 0;
  return dataset->splits[split].count;
}

int64_t dlc_dataset_example_size(const dlc_dataset *dataset) {
  return dataset ? dataset->example_size : 0;
}

dlc_dtype dlc_dataset_example_dtype(const dlc_dataset *dataset) {
  return dataset && dataset->splits[DLC_SPLIT_TRAIN].dtype == DLC_DTYPE_I64 ? DLC_DTYPE_I64
                                                                             : DLC_DTYPE_F32;
}

// ------------------------------------------------------------------- IDX

// An open IDX file read through zlib (which reads plain files as they are).
typedef struct idx_reader {
  const char *path;
  gzFile file;
  int want_gzip;  // the name ends in .gz: the content must be gzip
} idx_reader;

// Reads up to `size` bytes; *out_got says how many arrived (fewer only at
// the end of the data). Errors: read errors and corrupt gzip data.
static dlc_status idx_read(idx_reader *r, void *data, size_t size, size_t *out_got) {
  size_t got = 0;
  while (got < size) {
    const size_t chunk = size - got > (1u << 30) ? (1u << 30) : size - got;
    const int n = gzread(r->file, (uint8_t *)data + got, (unsigned)chunk);
    if (n < 0 || (n == 0 && gzeof(r->file) == 0)) {
      int errnum = 0;
      const char *message = gzerror(r->file, &errnum);
      if (errnum == Z_ERRNO)
        return dlc_status_make("%s: read error: %s", r->path, strerror(errno));
      return dlc_status_make("%s: corrupt gzip data: %s", r->path,
                             message && *message ? message : "unknown error");
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  // zlib reports a stream cut short ("unexpected end of file") as an
  // error after returning what it could.
  int errnum = 0;
  const char *message = gzerror(r->file, &errnum);
  if (errnum != Z_OK && errnum != Z_STREAM_END)
    return dlc_status_make("%s: corrupt or truncated gzip data: %s", r->path,
                           message && *message ? message : "unknown error");
  if (r->want_gzip && got > 0 && gzdirect(r->file))
    return dlc_status_make("%s: not a gzip file", r->path);
  *out_got = got;
  return NULL;
}

static uint32_t read_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

// Reads one IDX file with `rank` dimensions (magic 0x0000080<rank>) into
// *out_data (malloc()ed, at least one byte; caller frees) and out_dims.
static dlc_status idx_read_file(idx_reader *r, int rank, uint32_t out_dims[3],
                                uint8_t **out_data, size_t *out_size) {
  *out_data = NULL;
  *out_size = 0;
  uint8_t header[16];
  const size_t header_size = 4 + 4 * (size_t)rank;
  size_t got = 0;
  DLC_RETURN_IF_ERROR(idx_read(r, header, header_size, &got));
  if (got < 4)
    return dlc_status_make("%s: truncated: %zu bytes, too short for an IDX header", r->path, got);
  const uint32_t magic = read_be32(header);
  const uint32_t want_magic = 0x00000800u | (uint32_t)rank;
  if (magic != want_magic)
    return dlc_status_make("%s: bad magic number 0x%08x, expected 0x%08x (IDX %s)", r->path,
                           (unsigned)magic, (unsigned)want_magic,
                           rank == 1 ? "labels, unsigned bytes, 1 dimension"
                                     : "images, unsigned bytes, 3 dimensions");
  if (got < header_size)
    return dlc_status_make("%s: truncated: the IDX header needs %zu bytes, the file has %zu",
                           r->path, header_size, got);
  uint64_t total = 1;
  for (int d = 0; d < rank; ++d) {
    out_dims[d] = read_be32(header + 4 + 4 * d);
    if (d > 0 && out_dims[d] == 0)
      return dlc_status_make("%s: image dimension %d is 0", r->path, d);
    total *= out_dims[d];  // at most 3 factors below 2^32: checked below
    if (total > ((uint64_t)1 << 40))
      return dlc_status_make("%s: the IDX header describes more than 2^40 bytes", r->path);
  }
  // Grow the buffer as data arrives, so that a lying header costs nothing.
  size_t capacity = total < ((size_t)1 << 24) ? (size_t)total : ((size_t)1 << 24);
  uint8_t *data = malloc(capacity ? capacity : 1);
  if (!data) return dlcrt_out_of_memory();
  size_t size = 0;
  for (;;) {
    const size_t want = (size_t)total - size < capacity - size ? (size_t)total - size
                                                               : capacity - size;
    got = 0;
    dlc_status status = idx_read(r, data + size, want, &got);
    if (status) {
      free(data);
      return status;
    }
    size += got;
    if (got < want || size == (size_t)total) break;
    const size_t grown = capacity * 2 < (size_t)total ? capacity * 2 : (size_t)total;
    uint8_t *bigger = realloc(data, grown);
    if (!bigger) {
      free(data);
      return dlcrt_out_of_memory();
    }
    data = bigger;
    capacity = grown;
  }
  if (size < (size_t)total) {
    free(data);
    return dlc_status_make("%s: truncated: the header announces %llu data bytes, the file has %zu",
                           r->path, (unsigned long long)total, size);
  }
  uint8_t extra;
  got = 0;
  dlc_status status = idx_read(r, &extra, 1, &got);
  if (!status && got)
    status = dlc_status_make("%s: trailing bytes after the %llu data bytes the header announces",
                             r->path, (unsigned long long)total);
  if (status) {
    free(data);
    return status;
  }
  *out_data = data;
  *out_size = size;
  return NULL;
}

static int is_regular_file(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISREG(info.st_mode);
}

// Opens DIR/NAME, or DIR/NAME.gz when the plain file does not exist, and
// reads it. `path` receives the name used (for messages).
static dlc_status idx_load(const char *dir, const char *name, int rank, uint32_t dims[3],
                           uint8_t **out_data, dlcrt_buf *path) {
  dlcrt_buf_printf(path, "%s/%s", dir, name);
  if (path->failed) return dlcrt_out_of_memory();
  int want_gzip = 0;
  if (!is_regular_file(path->data)) {
    dlcrt_buf_puts(path, ".gz");
    if (path->failed) return dlcrt_out_of_memory();
    if (!is_regular_file(path->data)) {
      path->data[path->size - 3] = '\0';
      return dlc_status_make("%s: no such file (nor %s.gz)", path->data, name);
    }
    want_gzip = 1;
  }
  idx_reader r = {path->data, NULL, want_gzip};
  r.file = gzopen(path->data, "rb");
  if (!r.file) return dlc_status_make("%s: cannot open: %s", path->data, strerror(errno));
  gzbuffer(r.file, 1u << 17);
  size_t size = 0;
  dlc_status status = idx_read_file(&r, rank, dims, out_data, &size);
  const int closed = gzclose_r(r.file);
  if (!status && closed != Z_OK) {
    free(*out_data);
    *out_data = NULL;
    status = dlc_status_make("%s: error closing the file (zlib status %d)", path->data, closed);
  }
  return status;
}

// Loads one split's images and labels and checks that they agree.
static dlc_status idx_load_split(const char *dir, const char *images_name,
                                 const char *labels_name, dlcrt_dataset_split *split,
                                 uint32_t image_dims[3]) {
  dlcrt_buf images_path = {NULL, 0, 0, 0}, labels_path = {NULL, 0, 0, 0};
  uint8_t *images = NULL, *labels = NULL;
  uint32_t label_dims[3] = {0, 0, 0};
  dlc_status status = idx_load(dir, images_name, 3, image_dims, &images, &images_path);
  if (!status) status = idx_load(dir, labels_name, 1, label_dims, &labels, &labels_path);
  if (!status && label_dims[0] != image_dims[0])
    status = dlc_status_make("%s: %u labels, but %s has %u images", labels_path.data,
                             (unsigned)label_dims[0], images_path.data, (unsigned)image_dims[0]);
  if (!status) {
    const size_t n = image_dims[0];
    split->labels = malloc((n ? n : 1) * sizeof(int64_t));
    if (!split->labels) {
      status = dlcrt_out_of_memory();
    } else {
      // IDX labels are unsigned bytes: always in [0, 256).
      for (size_t i = 0; i < n; ++i) split->labels[i] = labels[i];
      split->count = (int64_t)n;
      split->dtype = DLC_DTYPE_U8;
      split->images = images;
      images = NULL;
    }
  }
  free(images);
  free(labels);
  dlcrt_buf_free(&images_path);
  dlcrt_buf_free(&labels_path);
  return status;
}

dlc_status dlc_dataset_open_idx(const char *dir, dlc_dataset **out_dataset) {
  if (!out_dataset) return dlc_status_make("dlc_dataset_open_idx: out_dataset is NULL");
  *out_dataset = NULL;
  if (!dir) return dlc_status_make("dlc_dataset_open_idx: dir is NULL");
  dlc_dataset *ds = calloc(1, sizeof *ds);
  if (!ds) return dlcrt_out_of_memory();
  uint32_t train_dims[3] = {0, 0, 0}, test_dims[3] = {0, 0, 0};
  dlc_status status = idx_load_split(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                     &ds->splits[DLC_SPLIT_TRAIN], train_dims);
  if (!status)
    status = idx_load_split(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                            &ds->splits[DLC_SPLIT_TEST], test_dims);
  if (!status && (train_dims[1] != test_dims[1] || train_dims[2] != test_dims[2]))
    status = dlc_status_make("%s: test images are %ux%u, train images %ux%u", dir,
                             (unsigned)test_dims[1], (unsigned)test_dims[2],
                             (unsigned)train_dims[1], (unsigned)train_dims[2]);
  if (status) {
    dlc_dataset_free(ds);
    return status;
  }
  ds->example_size = (int64_t)train_dims[1] * (int64_t)train_dims[2];
  *out_dataset = ds;
  return NULL;
}

// ------------------------------------------------------------------- npy

// Checks the examples of a split and brings integer examples to i64:
// f32 and u8 stay as read (the batcher converts them), i32 is widened.
static dlc_status npy_examples(const char *x_path, dlc_array *x) {
  if (x->dtype != DLC_DTYPE_F32 && x->dtype != DLC_DTYPE_U8 && x->dtype != DLC_DTYPE_I32 &&
      x->dtype != DLC_DTYPE_I64)
    return dlc_status_make("%s: examples must be f32, u8, i32 or i64, not %s", x_path,
                           dlc_dtype_name(x->dtype));
  if (x->rank < 1)
    return dlc_status_make("%s: examples must have a leading example dimension [N, ...]",
                           x_path);
  if (x->dtype == DLC_DTYPE_I32) {
    int64_t *wide = dlcrt_aligned_zalloc((size_t)(x->num_elements ? x->num_elements : 1) *
                                         sizeof(int64_t));
    if (!wide) return dlcrt_out_of_memory();
    const int32_t *narrow = (const int32_t *)x->data;
    for (int64_t k = 0; k < x->num_elements; ++k) wide[k] = narrow[k];
    free(x->data);
    x->data = wide;
    x->dtype = DLC_DTYPE_I64;
  }
  return NULL;
}

// Reads the labels of a split ([N] integers, non-negative) into split->labels;
// without a file (an autoencoder's data) every label is 0.
static dlc_status npy_labels(const char *y_path, const char *x_path, int64_t n,
                             dlcrt_dataset_split *split) {
  split->labels = calloc((size_t)(n ? n : 1), sizeof(int64_t));
  if (!split->labels) return dlcrt_out_of_memory();
  if (!y_path) return NULL;
  dlc_array *y = NULL;
  DLC_RETURN_IF_ERROR(dlc_npy_read(y_path, &y));
  dlc_status status = NULL;
  if (y->dtype != DLC_DTYPE_U8 && y->dtype != DLC_DTYPE_I8 && y->dtype != DLC_DTYPE_I32 &&
      y->dtype != DLC_DTYPE_I64)
    status = dlc_status_make("%s: labels must be integers (u8, i8, i32, i64), not %s", y_path,
                             dlc_dtype_name(y->dtype));
  else if (y->rank != 1)
    status = dlc_status_make("%s: labels must have shape [N], not rank %d", y_path, (int)y->rank);
  else if (y->shape[0] != n)
    status = dlc_status_make("%s: %lld labels, but %s has %lld examples", y_path,
                             (long long)y->shape[0], x_path, (long long)n);
  for (int64_t i = 0; !status && i < n; ++i) {
    int64_t label = 0;
    switch (y->dtype) {
      case DLC_DTYPE_U8: label = ((const uint8_t *)y->data)[i]; break;
      case DLC_DTYPE_I8: label = ((const int8_t *)y->data)[i]; break;
      case DLC_DTYPE_I32: label = ((const int32_t *)y->data)[i]; break;
      default: label = ((const int64_t *)y->data)[i]; break;
    }
    if (label < 0)
      status = dlc_status_make("%s: label %lld of example %lld is negative", y_path,
                               (long long)label, (long long)i);
    split->labels[i] = label;
  }
  dlc_array_free(y);
  return status;
}

// Loads an x/y pair (y may be NULL): the labels into *split, the examples
// into *out_x (caller owns it; the caller moves its data block into the
// split).
static dlc_status npy_load_split(const char *x_path, const char *y_path,
                                 dlcrt_dataset_split *split, dlc_array **out_x) {
  dlc_array *x = NULL;
  DLC_RETURN_IF_ERROR(dlc_npy_read(x_path, &x));
  dlc_status status = npy_examples(x_path, x);
  if (!status) status = npy_labels(y_path, x_path, x->shape[0], split);
  if (status) {
    dlc_array_free(x);
    return status;
  }
  split->count = x->shape[0];
  split->dtype = x->dtype;
  *out_x = x;
  return NULL;
}

dlc_status dlc_dataset_open_npy(const char *train_x, const char *train_y, const char *test_x,
                                const char *test_y, dlc_dataset **out_dataset) {
  if (!out_dataset) return dlc_status_make("dlc_dataset_open_npy: out_dataset is NULL");
  *out_dataset = NULL;
  if (!train_x)
    return dlc_status_make("dlc_dataset_open_npy: the train examples are required");
  if (!test_x && test_y)
    return dlc_status_make("dlc_dataset_open_npy: test labels without test examples");
  if (test_x && !train_y != !test_y)
    return dlc_status_make("dlc_dataset_open_npy: give labels for both splits or for neither");
  dlc_dataset *ds = calloc(1, sizeof *ds);
  if (!ds) return dlcrt_out_of_memory();
  dlc_array *x[2] = {NULL, NULL};
  dlc_status status = npy_load_split(train_x, train_y, &ds->splits[DLC_SPLIT_TRAIN], &x[0]);
  if (!status && test_x)
    status = npy_load_split(test_x, test_y, &ds->splits[DLC_SPLIT_TEST], &x[1]);
  if (!status && x[1] && (x[0]->dtype == DLC_DTYPE_I64) != (x[1]->dtype == DLC_DTYPE_I64))
    status = dlc_status_make("%s: examples are %s, but %s has %s examples", test_x,
                             dlc_dtype_name(x[1]->dtype), train_x, dlc_dtype_name(x[0]->dtype));
  if (!status && x[1]) {
    int same = x[1]->rank == x[0]->rank;
    for (int32_t d = 1; d < x[0]->rank && same; ++d) same = x[1]->shape[d] == x[0]->shape[d];
    if (!same) {
      char *train_shape = dlcrt_shape_string(x[0]->shape + 1, x[0]->rank - 1);
      char *test_shape = dlcrt_shape_string(x[1]->shape + 1, x[1]->rank - 1);
      status = train_shape && test_shape
                   ? dlc_status_make("%s: examples are %s, but %s has %s", test_x, test_shape,
                                     train_x, train_shape)
                   : dlcrt_out_of_memory();
      free(train_shape);
      free(test_shape);
    }
  }
  if (!status) {
    ds->example_size = 1;
    for (int32_t d = 1; d < x[0]->rank; ++d) ds->example_size *= x[0]->shape[d];
    for (int k = 0; k < 2; ++k) {
      if (!x[k]) continue;
      // Take the aligned block out of the array (released with free()).
      ds->splits[k].images = x[k]->data;
      x[k]->data = NULL;
    }
  }
  for (int k = 0; k < 2; ++k) dlc_array_free(x[k]);
  if (status) {
    dlc_dataset_free(ds);
    return status;
  }
  *out_dataset = ds;
  return NULL;
}
