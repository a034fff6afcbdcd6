// npy.cc — NumPy .npy arrays: read, write, and the dlc_array type.
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

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr int kMaxRank = 8;
constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes

struct Descr {
  const char *type;  // without the byte-order mark
  dlc_dtype dtype;
};
constexpr Descr kDescrs[] = {
    {"f2", DLC_DTYPE_F16}, {"f4", DLC_DTYPE_F32}, {"f8", DLC_DTYPE_F64},
    {"i4", DLC_DTYPE_I32}, {"i8", DLC_DTYPE_I64}, {"u1", DLC_DTYPE_U8},
    {"i1", DLC_DTYPE_I8},  {"b1", DLC_DTYPE_BOOL},
};

// The descr NumPy writes for a dtype on a little-endian machine, or NULL.
const char *descr_for(dlc_dtype dtype) {
  switch (dtype) {
    case DLC_DTYPE_F16: return "<f2";
    case DLC_DTYPE_F32: return "<f4";
    case DLC_DTYPE_F64: return "<f8";
    case DLC_DTYPE_I32: return "<i4";
    case DLC_DTYPE_I64: return "<i8";
    case DLC_DTYPE_U8: return "|u1";
    case DLC_DTYPE_I8: return "|i1";
    case DLC_DTYPE_BOOL: return "|b1";
    default: return nullptr;  // bf16 has no NumPy type
  }
}

dlc_status descr_parse(const char *path, const std::string &descr, dlc_dtype *out) {
  if (descr.size() == 3) {
    const char order = descr[0];
    const std::string type = descr.substr(1);
    for (const Descr &d : kDescrs) {
      if (type != d.type) continue;
      const bool one_byte = dlc_dtype_size(d.dtype) == 1;
      if (one_byte && (order == '|' || order == '<' || order == '>' || order == '=')) {
        *out = d.dtype;
        return nullptr;
      }
      if (order == '<') {
        *out = d.dtype;
        return nullptr;
      }
      if (order == '>')
        return dlc_status_make("%s: big-endian data ('%s') is not supported; save it "
                               "little-endian (numpy: a.astype('<%s'))",
                               path, descr.c_str(), d.type);
      break;
    }
  }
  return dlc_status_make("%s: unsupported dtype '%s' (supported: <f2 <f4 <f8 <i4 <i8 |u1 "
                         "|i1 |b1)", path, descr.c_str());
}

// A parser for the header dict, which is a Python literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
 public:
  HeaderParser(const char *path, const char *begin, const char *end)
      : path_(path), p_(begin), end_(end) {}

  dlc_status parse(std::string *descr, bool *fortran, int32_t *rank, int64_t *shape) {
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    skip_space();
    if (!take('{')) return error("header does not start with '{'");
    for (;;) {
      skip_space();
      if (take('}')) break;
      std::string key;
      if (!string(&key)) return error("expected a quoted key in the header");
      skip_space();
      if (!take(':')) return error("expected ':' in the header");
      skip_space();
      if (key == "descr") {
        if (seen_descr || !string(descr)) return error("invalid 'descr' in the header");
        seen_descr = true;
      } else if (key == "fortran_order") {
        if (seen_fortran) return error("'fortran_order' appears twice in the header");
        if (word("True")) *fortran = true;
        else if (word("False")) *fortran = false;
        else return error("'fortran_order' is not True or False");
        seen_fortran = true;
      } else if (key == "shape") {
        if (seen_shape) return error("'shape' appears twice in the header");
        DLC_RETURN_IF_ERROR(tuple(rank, shape));
        seen_shape = true;
      } else {
        return dlc_status_make("%s: unexpected key '%s' in the header", path_, key.c_str());
      }
      skip_space();
      if (take(',')) continue;
      skip_space();
      if (take('}')) break;
      return error("expected ',' or '}' in the header");
    }
    if (!seen_descr || !seen_fortran || !seen_shape)
      return error("header lacks one of 'descr', 'fortran_order', 'shape'");
    skip_space();
    if (p_ != end_) return error("unexpected text after the header dict");
    return nullptr;
  }

 private:
  dlc_status error(const char *what) { return dlc_status_make("%s: %s", path_, what); }
  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  bool take(char c) {
    if (p_ < end_ && *p_ == c) { ++p_; return true; }
    return false;
  }
  bool word(const char *w) {
    const size_t n = std::strlen(w);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, w, n) != 0) return false;
    p_ += n;
    return true;
  }
  bool string(std::string *out) {
    if (p_ == end_ || (*p_ != '\'' && *p_ != '"')) return false;
    const char quote = *p_++;
    const char *begin = p_;
    while (p_ < end_ && *p_ != quote) {
      if (*p_ == '\\') return false;  // NumPy never writes escapes here
      ++p_;
    }
    if (p_ == end_) return false;
    out->assign(begin, p_++);
    return true;
  }
  dlc_status tuple(int32_t *rank, int64_t *shape) {
    if (!take('(')) return error("'shape' is not a tuple");
    *rank = 0;
    for (;;) {
      skip_space();
      if (take(')')) return nullptr;
      if (p_ < end_ && *p_ == '-') return error("negative dimension in 'shape'");
      if (p_ == end_ || *p_ < '0' || *p_ > '9') return error("invalid 'shape' tuple");
      int64_t value = 0;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        if (__builtin_mul_overflow(value, 10, &value) ||
            __builtin_add_overflow(value, static_cast<int64_t>(*p_ - '0'), &value))
          return error("dimension too large in 'shape'");
        ++p_;
      }
      take('L');  // Python 2 longs, as old NumPy wrote them
      if (*rank == kMaxRank)
        return dlc_status_make("%s: rank greater than %d is not supported", path_, kMaxRank);
      shape[(*rank)++] = value;
      skip_space();
      if (take(',')) continue;
      skip_space();
      if (take(')')) return nullptr;
      return error("invalid 'shape' tuple");
    }
  }

  const char *path_;
  const char *p_;
  const char *end_;
};

dlc_status array_create(dlc_dtype dtype, int32_t rank, const int64_t *shape,
                        dlc_array **out_array) {
  if (!out_array) return dlc_status_make("dlc_array_create: out_array is NULL");
  *out_array = nullptr;
  if (!dlcrt::dtype_is_valid(dtype))
    return dlc_status_make("dlc_array_create: unknown dtype %d", static_cast<int>(dtype));
  if (rank < 0 || rank > kMaxRank || (rank > 0 && !shape))
    return dlc_status_make("dlc_array_create: rank %d is not in [0, %d]", static_cast<int>(rank),
                           kMaxRank);
  int64_t count = 1;
  for (int32_t d = 0; d < rank; ++d) {
    if (shape[d] < 0 || __builtin_mul_overflow(count, shape[d], &count))
      return dlc_status_make("dlc_array_create: invalid shape %s",
                             dlcrt::shape_string(shape, rank).c_str());
  }
  int64_t bytes;
  if (__builtin_mul_overflow(count, static_cast<int64_t>(dlc_dtype_size(dtype)), &bytes) ||
      static_cast<uint64_t>(bytes) > SIZE_MAX / 2)
    return dlc_status_make("dlc_array_create: shape %s is too large",
                           dlcrt::shape_string(shape, rank).c_str());
  auto *array = static_cast<dlc_array *>(std::calloc(1, sizeof(dlc_array)));
  if (!array) return dlc_status_make("out of memory");
  array->data = dlcrt::aligned_zalloc(static_cast<size_t>(bytes));
  if (!array->data) {
    std::free(array);
    return dlc_status_make("out of memory allocating an array of %lld bytes",
                           static_cast<long long>(bytes));
  }
  array->dtype = dtype;
  array->rank = rank;
  for (int32_t d = 0; d < rank; ++d) array->shape[d] = shape[d];
  array->num_elements = count;
  *out_array = array;
  return nullptr;
}

dlc_status npy_read(const char *path, dlc_array **out_array) {
  if (!out_array) return dlc_status_make("dlc_npy_read: out_array is NULL");
  *out_array = nullptr;
  std::vector<uint8_t> bytes;
  DLC_RETURN_IF_ERROR(dlcrt::file_read_all(path, &bytes));
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, 6) != 0)
    return dlc_status_make("%s: not a .npy file (bad magic)", path);
  const int major = bytes[6], minor = bytes[7];
  size_t header_start, header_size;
  if (major == 1) {
    header_start = 10;
    header_size = bytes[8] | (size_t(bytes[9]) << 8);
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return dlc_status_make("%s: truncated .npy header", path);
    header_start = 12;
    header_size = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) |
                  (size_t(bytes[11]) << 24);
  } else {
    return dlc_status_make("%s: unsupported .npy format version %d.%d", path, major, minor);
  }
  if (header_size > bytes.size() - header_start)
    return dlc_status_make("%s: truncated .npy header (%zu bytes announced, %zu present)", path,
                           header_size, bytes.size() - header_start);

  std::string descr;
  bool fortran = false;
  int32_t rank = 0;
  int64_t shape[kMaxRank] = {};
  const char *text = reinterpret_cast<const char *>(bytes.data()) + header_start;
  HeaderParser parser(path, text, text + header_size);
  DLC_RETURN_IF_ERROR(parser.parse(&descr, &fortran, &rank, shape));
  dlc_dtype dtype = DLC_DTYPE_F32;
  DLC_RETURN_IF_ERROR(descr_parse(path, descr, &dtype));
  // Fortran order of rank <= 1 is the same layout, but NumPy only writes it
  // for rank >= 2 arrays; refuse it uniformly so the message is predictable.
  if (fortran)
    return dlc_status_make("%s: Fortran-order arrays are not supported; save with "
                           "np.ascontiguousarray", path);

  // Size check before allocating: a header may claim an absurd shape.
  int64_t count = 1, want_bytes = 0;
  for (int32_t d = 0; d < rank; ++d) {
    if (__builtin_mul_overflow(count, shape[d], &count))
      return dlc_status_make("%s: shape %s is too large", path,
                             dlcrt::shape_string(shape, rank).c_str());
  }
  if (__builtin_mul_overflow(count, static_cast<int64_t>(dlc_dtype_size(dtype)), &want_bytes) ||
      static_cast<uint64_t>(want_bytes) > bytes.size())
    return dlc_status_make("%s: data is %zu bytes, shape %s of %s needs %s%s", path,
                           bytes.size() - header_start - header_size,
                           dlcrt::shape_string(shape, rank).c_str(), dlc_dtype_name(dtype),
                           want_bytes >= 0 && count >= 0 ? std::to_string(want_bytes).c_str()
                                                         : "too many",
                           " (file truncated?)");
  dlc_array *array;
  DLC_RETURN_IF_ERROR(array_create(dtype, rank, shape, &array));
  const size_t data_start = header_start + header_size;
  const size_t have = bytes.size() - data_start;
  const size_t want = static_cast<size_t>(array->num_elements) * dlc_dtype_size(dtype);
  if (have != want) {
    dlc_array_free(array);
    return dlc_status_make("%s: data is %zu bytes, shape %s of %s needs %zu%s", path, have,
                           dlcrt::shape_string(shape, rank).c_str(), dlc_dtype_name(dtype), want,
                           have < want ? " (file truncated?)" : "");
  }
  if (want) std::memcpy(array->data, bytes.data() + data_start, want);
  *out_array = array;
  return nullptr;
}

dlc_status npy_write(const char *path, dlc_dtype dtype, int32_t rank, const int64_t *shape,
                     const void *data) {
  if (!path) return dlc_status_make("dlc_npy_write: path is NULL");
  const char *descr = descr_for(dtype);
  if (!descr)
    return dlc_status_make("%s: dtype %s has no .npy representation", path,
                           dlc_dtype_name(dtype));
  if (rank < 0 || rank > kMaxRank || (rank > 0 && !shape))
    return dlc_status_make("%s: rank %d is not in [0, %d]", path, static_cast<int>(rank),
                           kMaxRank);
  int64_t count = 1;
  for (int32_t d = 0; d < rank; ++d) {
    if (shape[d] < 0 || __builtin_mul_overflow(count, shape[d], &count))
      return dlc_status_make("%s: invalid shape %s", path, dlcrt::shape_string(shape, rank).c_str());
  }
  int64_t bytes;
  if (__builtin_mul_overflow(count, static_cast<int64_t>(dlc_dtype_size(dtype)), &bytes))
    return dlc_status_make("%s: shape too large", path);
  if (bytes > 0 && !data) return dlc_status_make("%s: data is NULL", path);

  // Python's repr of the shape tuple: (), (5,), (2, 3).
  std::string tuple = "(";
  for (int32_t d = 0; d < rank; ++d) {
    if (d) tuple += ", ";
    tuple += std::to_string(static_cast<long long>(shape[d]));
  }
  tuple += rank == 1 ? ",)" : ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + tuple + ", }";
  // NumPy leaves room to rewrite the first dimension in place with up to 21
  // digits (numpy.lib.format.GROWTH_AXIS_MAX_DIGITS); we match its bytes.
  if (rank > 0) {
    const size_t digits = std::to_string(static_cast<long long>(shape[0])).size();
    if (digits < 21) header.append(21 - digits, ' ');
  }
  // Then spaces and '\n' so that magic (6) + version (2) + length (2) + header
  // is a multiple of 64; NumPy always adds at least one space.
  const size_t unpadded = 10 + header.size() + 1;
  header.append(64 - unpadded % 64, ' ');
  header += '\n';
  if (header.size() > 0xffff) return dlc_status_make("%s: .npy header too long", path);
  const uint8_t prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                              static_cast<uint8_t>(header.size() & 0xff),
                              static_cast<uint8_t>(header.size() >> 8)};
  return dlcrt::file_write_atomic(
      path, {{prefix, sizeof prefix}, {header.data(), header.size()}, {data, static_cast<size_t>(bytes)}});
}

}  // namespace

extern "C" dlc_status dlc_npy_read(const char *path, dlc_array **out_array) {
  return dlcrt::guard([&] { return npy_read(path, out_array); });
}

extern "C" dlc_status dlc_npy_write(const char *path, dlc_dtype dtype, int32_t rank,
                                    const int64_t *shape, const void *data) {
  return dlcrt::guard([&] { return npy_write(path, dtype, rank, shape, data); });
}

extern "C" dlc_status dlc_array_create(dlc_dtype dtype, int32_t rank, const int64_t *shape,
                                       dlc_array **out_array) {
  return dlcrt::guard([&] { return array_create(dtype, rank, shape, out_array); });
}

extern "C" void dlc_array_free(dlc_array *array) {
  if (!array) return;
  std::free(array->data);
  std::free(array);
}
