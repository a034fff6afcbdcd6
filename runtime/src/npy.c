// npy.c — NumPy .npy arrays: read, write, and the dlc_array type.
//
// Contract:
//  - Reads format versions 1.0, 2.0 and 3.0 (u16 header length for 1.0,
//    u32 otherwise); the header is a Python dict literal with exactly the
//    keys 'descr', 'fortran_order', 'shape'. Accepted descr: '<f2' '<f4'
//    '<f8' '<i4' '<i8', and for one-byte types any byte-order mark ('|', '<',
//    '>', '=') with 'u1' 'i1' 'b1'. Big-endian data, Fortran order, rank > 8,
//    negative dimensions and a data size that differs from the shape's are
//    errors that say so.
//  - Writes version 1.0 byte for byte as NumPy 1.24 does: the same dict
//    spelling, the same spare spaces for a growing first axis, padded with
//    spaces and a final newline so the data starts at a multiple of 64.
//    The file appears atomically (temporary name, then rename).
//  - dlc_array owns a 64-byte aligned data block (at least 64 bytes).
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kMaxRank = 8 };
static const char kMagic[] = "\x93NUMPY";  // 6 bytes

typedef struct descr_row {
  const char *type;  // without the byte-order mark
  dlc_dtype dtype;
} descr_row;
static const descr_row kDescrs[] = {
    {"f2", DLC_DTYPE_F16}, {"f4", DLC_DTYPE_F32}, {"f8", DLC_DTYPE_F64},
    {"i4", DLC_DTYPE_I32}, {"i8", DLC_DTYPE_I64}, {"u1", DLC_DTYPE_U8},
    {"i1", DLC_DTYPE_I8},  {"b1", DLC_DTYPE_BOOL},
};

// The descr NumPy writes for a dtype on a little-endian machine, or NULL.
static const char *descr_for(dlc_dtype dtype) {
  switch (dtype) {
    case DLC_DTYPE_F16: return "<f2";
    case DLC_DTYPE_F32: return "<f4";
    case DLC_DTYPE_F64: return "<f8";
    case DLC_DTYPE_I32: return "<i4";
    case DLC_DTYPE_I64: return "<i8";
    case DLC_DTYPE_U8: return "|u1";
    case DLC_DTYPE_I8: return "|i1";
    case DLC_DTYPE_BOOL: return "|b1";
    default: return NULL;  // bf16 has no NumPy type
  }
}

// `descr` is a NUL-terminated copy of the header's string.
static dlc_status descr_parse(const char *path, const char *descr, size_t size, dlc_dtype *out) {
  if (size == 3) {
    const char order = descr[0];
    const char *type = descr + 1;
    for (size_t i = 0; i < sizeof kDescrs / sizeof kDescrs[0]; ++i) {
      const descr_row *d = &kDescrs[i];
      if (memcmp(type, d->type, 2) != 0) continue;
      const int one_byte = dlc_dtype_size(d->dtype) == 1;
      if (one_byte && (order == '|' || order == '<' || order == '>' || order == '=')) {
        *out = d->dtype;
        return NULL;
      }
      if (order == '<') {
        *out = d->dtype;
        return NULL;
      }
      if (order == '>')
        return dlc_status_make("%s: big-endian data ('%s') is not supported; save it "
                               "little-endian (numpy: a.astype('<%s'))",
                               path, descr, d->type);
      break;
    }
  }
  return dlc_status_make("%s: unsupported dtype '%s' (supported: <f2 <f4 <f8 <i4 <i8 |u1 "
                         "|i1 |b1)", path, descr);
}

// A parser for the header dict, which is a Python literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
typedef struct header_parser {
  const char *path;
  const char *p;
  const char *end;
} header_parser;

static dlc_status hp_error(const header_parser *hp, const char *what) {
  return dlc_status_make("%s: %s", hp->path, what);
}

static void hp_skip_space(header_parser *hp) {
  while (hp->p < hp->end &&
         (*hp->p == ' ' || *hp->p == '\n' || *hp->p == '\t' || *hp->p == '\r'))
    ++hp->p;
}

static int hp_take(header_parser *hp, char c) {
  if (hp->p < hp->end && *hp->p == c) {
    ++hp->p;
    return 1;
  }
  return 0;
}

static int hp_word(header_parser *hp, const char *w) {
  const size_t n = strlen(w);
  if ((size_t)(hp->end - hp->p) < n || memcmp(hp->p, w, n) != 0) return 0;
  hp->p += n;
  return 1;
}

// A quoted string without escapes: *out_begin/*out_size point into the header.
static int hp_string(header_parser *hp, const char **out_begin, size_t *out_size) {
  if (hp->p == hp->end || (*hp->p != '\'' && *hp->p != '"')) return 0;
  const char quote = *hp->p++;
  const char *begin = hp->p;
  while (hp->p < hp->end && *hp->p != quote) {
    if (*hp->p == '\\') return 0;  // NumPy never writes escapes here
    ++hp->p;
  }
  if (hp->p == hp->end) return 0;
  *out_begin = begin;
  *out_size = (size_t)(hp->p++ - begin);
  return 1;
}

static dlc_status hp_tuple(header_parser *hp, int32_t *rank, int64_t *shape) {
  if (!hp_take(hp, '(')) return hp_error(hp, "'shape' is not a tuple");
  *rank = 0;
  for (;;) {
    hp_skip_space(hp);
    if (hp_take(hp, ')')) return NULL;
    if (hp->p < hp->end && *hp->p == '-') return hp_error(hp, "negative dimension in 'shape'");
    if (hp->p == hp->end || *hp->p < '0' || *hp->p > '9')
      return hp_error(hp, "invalid 'shape' tuple");
    int64_t value = 0;
    while (hp->p < hp->end && *hp->p >= '0' && *hp->p <= '9') {
      if (__builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, (int64_t)(*hp->p - '0'), &value))
        return hp_error(hp, "dimension too large in 'shape'");
      ++hp->p;
    }
    hp_take(hp, 'L');  // Python 2 longs, as old NumPy wrote them
    if (*rank == kMaxRank)
      return dlc_status_make("%s: rank greater than %d is not supported", hp->path, kMaxRank);
    shape[(*rank)++] = value;
    hp_skip_space(hp);
    if (hp_take(hp, ',')) continue;
    hp_skip_space(hp);
    if (hp_take(hp, ')')) return NULL;
    return hp_error(hp, "invalid 'shape' tuple");
  }
}

static int key_is(const char *key, size_t size, const char *want) {
  return strlen(want) == size && memcmp(key, want, size) == 0;
}

static dlc_status hp_parse(header_parser *hp, const char **descr, size_t *descr_size,
                           int *fortran, int32_t *rank, int64_t *shape) {
  int seen_descr = 0, seen_fortran = 0, seen_shape = 0;
  hp_skip_space(hp);
  if (!hp_take(hp, '{')) return hp_error(hp, "header does not start with '{'");
  for (;;) {
    hp_skip_space(hp);
    if (hp_take(hp, '}')) break;
    const char *key;
    size_t key_size;
    if (!hp_string(hp, &key, &key_size)) return hp_error(hp, "expected a quoted key in the header");
    hp_skip_space(hp);
    if (!hp_take(hp, ':')) return hp_error(hp, "expected ':' in the header");
    hp_skip_space(hp);
    if (key_is(key, key_size, "descr")) {
      if (seen_descr || !hp_string(hp, descr, descr_size))
        return hp_error(hp, "invalid 'descr' in the header");
      seen_descr = 1;
    } else if (key_is(key, key_size, "fortran_order")) {
      if (seen_fortran) return hp_error(hp, "'fortran_order' appears twice in the header");
      if (hp_word(hp, "True")) *fortran = 1;
      else if (hp_word(hp, "False")) *fortran = 0;
      else return hp_error(hp, "'fortran_order' is not True or False");
      seen_fortran = 1;
    } else if (key_is(key, key_size, "shape")) {
      if (seen_shape) return hp_error(hp, "'shape' appears twice in the header");
      DLC_RETURN_IF_ERROR(hp_tuple(hp, rank, shape));
      seen_shape = 1;
    } else {
      // %.*s stops at a NUL, as printing the key's C string would.
      return dlc_status_make("%s: unexpected key '%.*s' in the header", hp->path,
                             (int)key_size, key);
    }
    hp_skip_space(hp);
    if (hp_take(hp, ',')) continue;
    hp_skip_space(hp);
    if (hp_take(hp, '}')) break;
    return hp_error(hp, "expected ',' or '}' in the header");
  }
  if (!seen_descr || !seen_fortran || !seen_shape)
    return hp_error(hp, "header lacks one of 'descr', 'fortran_order', 'shape'");
  hp_skip_space(hp);
  if (hp->p != hp->end) return hp_error(hp, "unexpected text after the header dict");
  return NULL;
}

dlc_status dlc_array_create(dlc_dtype dtype, int32_t rank, const int64_t *shape,
                            dlc_array **out_array) {
  if (!out_array) return dlc_status_make("dlc_array_create: out_array is NULL");
  *out_array = NULL;
  if (!dlcrt_dtype_is_valid(dtype))
    return dlc_status_make("dlc_array_create: unknown dtype %d", (int)dtype);
  if (rank < 0 || rank > kMaxRank || (rank > 0 && !shape))
    return dlc_status_make("dlc_array_create: rank %d is not in [0, %d]", (int)rank, kMaxRank);
  int64_t count = 1;
  int bad_shape = 0;
  for (int32_t d = 0; d < rank && !bad_shape; ++d)
    bad_shape = shape[d] < 0 || __builtin_mul_overflow(count, shape[d], &count);
  int64_t bytes = 0;
  if (bad_shape || __builtin_mul_overflow(count, (int64_t)dlc_dtype_size(dtype), &bytes) ||
      (uint64_t)bytes > SIZE_MAX / 2) {
    char *text = dlcrt_shape_string(shape, rank);
    if (!text) return dlcrt_out_of_memory();
    dlc_status status = bad_shape
                            ? dlc_status_make("dlc_array_create: invalid shape %s", text)
                            : dlc_status_make("dlc_array_create: shape %s is too large", text);
    free(text);
    return status;
  }
  dlc_array *array = calloc(1, sizeof(dlc_array));
  if (!array) return dlc_status_make("out of memory");
  array->data = dlcrt_aligned_zalloc((size_t)bytes);
  if (!array->data) {
    free(array);
    return dlc_status_make("out of memory allocating an array of %lld bytes", (long long)bytes);
  }
  array->dtype = dtype;
  array->rank = rank;
  for (int32_t d = 0; d < rank; ++d) array->shape[d] = shape[d];
  array->num_elements = count;
  *out_array = array;
  return NULL;
}

void dlc_array_free(dlc_array *array) {
  if (!array) return;
  free(array->data);
  free(array);
}

// Everything after the file bytes are read; the caller frees them.
static dlc_status npy_parse(const char *path, const uint8_t *bytes, size_t size,
                            dlc_array **out_array) {
  if (size < 10 || memcmp(bytes, kMagic, 6) != 0)
    return dlc_status_make("%s: not a .npy file (bad magic)", path);
  const int major = bytes[6], minor = bytes[7];
  size_t header_start, header_size;
  if (major == 1) {
    header_start = 10;
    header_size = bytes[8] | ((size_t)bytes[9] << 8);
  } else if (major == 2 || major == 3) {
    if (size < 12) return dlc_status_make("%s: truncated .npy header", path);
    header_start = 12;
    header_size = bytes[8] | ((size_t)bytes[9] << 8) | ((size_t)bytes[10] << 16) |
                  ((size_t)bytes[11] << 24);
  } else {
    return dlc_status_make("%s: unsupported .npy format version %d.%d", path, major, minor);
  }
  if (header_size > size - header_start)
    return dlc_status_make("%s: truncated .npy header (%zu bytes announced, %zu present)", path,
                           header_size, size - header_start);

  const char *descr_text = NULL;
  size_t descr_size = 0;
  int fortran = 0;
  int32_t rank = 0;
  int64_t shape[kMaxRank] = {0};
  const char *text = (const char *)bytes + header_start;
  header_parser parser = {path, text, text + header_size};
  DLC_RETURN_IF_ERROR(hp_parse(&parser, &descr_text, &descr_size, &fortran, &rank, shape));
  dlc_dtype dtype = DLC_DTYPE_F32;
  char *descr = malloc(descr_size + 1);
  if (!descr) return dlcrt_out_of_memory();
  memcpy(descr, descr_text, descr_size);
  descr[descr_size] = '\0';
  dlc_status status = descr_parse(path, descr, descr_size, &dtype);
  free(descr);
  if (status) return status;
  // Fortran order of rank <= 1 is the same layout, but NumPy only writes it
  // for rank >= 2 arrays; refuse it uniformly so the message is predictable.
  if (fortran)
    return dlc_status_make("%s: Fortran-order arrays are not supported; save with "
                           "np.ascontiguousarray", path);

  // Size check before allocating: a header may claim an absurd shape.
  int64_t count = 1, want_bytes = 0;
  int too_large = 0;
  for (int32_t d = 0; d < rank && !too_large; ++d)
    too_large = __builtin_mul_overflow(count, shape[d], &count);
  if (too_large) {
    char *shape_text = dlcrt_shape_string(shape, rank);
    if (!shape_text) return dlcrt_out_of_memory();
    status = dlc_status_make("%s: shape %s is too large", path, shape_text);
    free(shape_text);
    return status;
  }
  if (__builtin_mul_overflow(count, (int64_t)dlc_dtype_size(dtype), &want_bytes) ||
      (uint64_t)want_bytes > size) {
    char *shape_text = dlcrt_shape_string(shape, rank);
    if (!shape_text) return dlcrt_out_of_memory();
    char need[32];
    if (want_bytes >= 0 && count >= 0)
      snprintf(need, sizeof need, "%lld", (long long)want_bytes);
    else
      snprintf(need, sizeof need, "too many");
    status = dlc_status_make("%s: data is %zu bytes, shape %s of %s needs %s%s", path,
                             size - header_start - header_size, shape_text,
                             dlc_dtype_name(dtype), need, " (file truncated?)");
    free(shape_text);
    return status;
  }
  dlc_array *array;
  DLC_RETURN_IF_ERROR(dlc_array_create(dtype, rank, shape, &array));
  const size_t data_start = header_start + header_size;
  const size_t have = size - data_start;
  const size_t want = (size_t)array->num_elements * dlc_dtype_size(dtype);
  if (have != want) {
    dlc_array_free(array);
    char *shape_text = dlcrt_shape_string(shape, rank);
    if (!shape_text) return dlcrt_out_of_memory();
    status = dlc_status_make("%s: data is %zu bytes, shape %s of %s needs %zu%s", path, have,
                             shape_text, dlc_dtype_name(dtype), want,
                             have < want ? " (file truncated?)" : "");
    free(shape_text);
    return status;
  }
  if (want) memcpy(array->data, bytes + data_start, want);
  *out_array = array;
  return NULL;
}

dlc_status dlc_npy_read(const char *path, dlc_array **out_array) {
  if (!out_array) return dlc_status_make("dlc_npy_read: out_array is NULL");
  *out_array = NULL;
  uint8_t *bytes;
  size_t size;
  DLC_RETURN_IF_ERROR(dlcrt_file_read_all(path, &bytes, &size));
  dlc_status status = npy_parse(path, bytes, size, out_array);
  free(bytes);
  return status;
}

dlc_status dlc_npy_write(const char *path, dlc_dtype dtype, int32_t rank, const int64_t *shape,
                         const void *data) {
  if (!path) return dlc_status_make("dlc_npy_write: path is NULL");
  const char *descr = descr_for(dtype);
  if (!descr)
    return dlc_status_make("%s: dtype %s has no .npy representation", path,
                           dlc_dtype_name(dtype));
  if (rank < 0 || rank > kMaxRank || (rank > 0 && !shape))
    return dlc_status_make("%s: rank %d is not in [0, %d]", path, (int)rank, kMaxRank);
  int64_t count = 1;
  for (int32_t d = 0; d < rank; ++d) {
    if (shape[d] < 0 || __builtin_mul_overflow(count, shape[d], &count)) {
      char *text = dlcrt_shape_string(shape, rank);
      if (!text) return dlcrt_out_of_memory();
      dlc_status status = dlc_status_make("%s: invalid shape %s", path, text);
      free(text);
      return status;
    }
  }
  int64_t bytes;
  if (__builtin_mul_overflow(count, (int64_t)dlc_dtype_size(dtype), &bytes))
    return dlc_status_make("%s: shape too large", path);
  if (bytes > 0 && !data) return dlc_status_make("%s: data is NULL", path);

  // The dict, with Python's repr of the shape tuple: (), (5,), (2, 3).
  dlcrt_buf header = {NULL, 0, 0, 0};
  dlcrt_buf_printf(&header, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  for (int32_t d = 0; d < rank; ++d) {
    if (d) dlcrt_buf_puts(&header, ", ");
    dlcrt_buf_printf(&header, "%lld", (long long)shape[d]);
  }
  dlcrt_buf_puts(&header, rank == 1 ? ",)" : ")");
  dlcrt_buf_puts(&header, ", }");
  // NumPy leaves room to rewrite the first dimension in place with up to 21
  // digits (numpy.lib.format.GROWTH_AXIS_MAX_DIGITS); we match its bytes.
  if (rank > 0) {
    char digits_text[32];
    const size_t digits =
        (size_t)snprintf(digits_text, sizeof digits_text, "%lld", (long long)shape[0]);
    for (size_t i = digits; i < 21; ++i) dlcrt_buf_putc(&header, ' ');
  }
  // Then spaces and '\n' so that magic (6) + version (2) + length (2) + header
  // is a multiple of 64; NumPy always adds at least one space.
  const size_t unpadded = 10 + header.size + 1;
  for (size_t i = 0; i < 64 - unpadded % 64; ++i) dlcrt_buf_putc(&header, ' ');
  dlcrt_buf_putc(&header, '\n');
  if (header.failed) {
    dlcrt_buf_free(&header);
    return dlcrt_out_of_memory();
  }
  if (header.size > 0xffff) {
    dlcrt_buf_free(&header);
    return dlc_status_make("%s: .npy header too long", path);
  }
  const uint8_t prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                              (uint8_t)(header.size & 0xff), (uint8_t)(header.size >> 8)};
  const dlcrt_piece pieces[3] = {
      {prefix, sizeof prefix}, {header.data, header.size}, {data, (size_t)bytes}};
  dlc_status status = dlcrt_file_write_atomic(path, pieces, 3);
  dlcrt_buf_free(&header);
  return status;
}
