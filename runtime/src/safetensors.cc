// safetensors.cc — weights files: parse, validate, load into and save from
// dlc_params.
//
// Format: u64 little-endian N, then N bytes of JSON header
//   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
//    …, "__metadata__": {str: str}}   (metadata optional)
// then the byte buffer; offsets are relative to the buffer's start.
//
// Contract:
//  - Loading reads the whole file and validates all of it before touching a
//    parameter: header length, JSON syntax (own small parser: the runtime
//    has no dependencies), entry fields, dtypes, shapes, offsets in range,
//    sizes = product(shape)·dtype size, no two tensors overlapping, then
//    dtype and shape against each parameter. On error nothing is modified.
//  - Tensors in the file that are not parameters are ignored, so a training
//    checkpoint (which also holds optimizer state such as
//    "fc1.weight.adam_m") loads into an inference model.
//  - Saving writes parameters ordered by element size, largest first, then
//    parameter order — every tensor then starts at a multiple of its element
//    size, as the reference writer arranges — behind a header padded with
//    spaces to a multiple of 8 bytes. The file appears atomically.
#include "internal.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

namespace {

// ---------------------------------------------------------- JSON (header)

constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the reference's limit
constexpr int kMaxJsonDepth = 64;  // the header needs 3; bounds recursion

struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  bool boolean = false;
  // Numbers: is_uint when the text is a plain non-negative integer that
  // fits in 64 bits (the only numbers a valid header holds).
  bool is_uint = false;
  uint64_t uint = 0;
  std::string text;  // string value, or the number's spelling
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  const Json *find(const char *key) const {
    for (const auto &member : members)
      if (member.first == key) return &member.second;
    return nullptr;
  }
};

class JsonParser {
 public:
  JsonParser(const char *begin, const char *end) : start_(begin), p_(begin), end_(end) {}

  // Parses one value followed only by whitespace. On failure returns false
  // and error() says what and where (byte offset within the header).
  bool parse_document(Json *out) {
    if (!parse_value(out, 0)) return false;
    skip_space();
    if (p_ != end_) return fail("unexpected data after the top-level value");
    return true;
  }

  const std::string &error() const { return error_; }

 private:
  bool fail(const char *what) {
    if (error_.empty())
      error_ = std::string(what) + " at byte " + std::to_string(p_ - start_);
    return false;
  }
  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool literal(const char *word) {
    const size_t length = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < length || std::memcmp(p_, word, length) != 0)
      return fail("invalid literal");
    p_ += length;
    return true;
  }

  bool parse_value(Json *out, int depth) {
    if (depth > kMaxJsonDepth) return fail("nesting too deep");
    skip_space();
    if (p_ == end_) return fail("unexpected end of header");
    switch (*p_) {
      case '{': return parse_object(out, depth);
      case '[': return parse_array(out, depth);
      case '"': out->kind = Json::kString; return parse_string(&out->text);
      case 't': out->kind = Json::kBool; out->boolean = true; return literal("true");
      case 'f': out->kind = Json::kBool; out->boolean = false; return literal("false");
      case 'n': out->kind = Json::kNull; return literal("null");
      default: return parse_number(out);
    }
  }

  bool parse_object(Json *out, int depth) {
    out->kind = Json::kObject;
    ++p_;  // '{'
    skip_space();
    if (p_ < end_ && *p_ == '}') { ++p_; return true; }
    for (;;) {
      skip_space();
      if (p_ == end_ || *p_ != '"') return fail("expected a string key");
      std::string key;
      if (!parse_string(&key)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return fail("expected ':'");
      ++p_;
      out->members.emplace_back(std::move(key), Json());
      if (!parse_value(&out->members.back().second, depth + 1)) return false;
      skip_space();
      if (p_ < end_ && *p_ == ',') { ++p_; continue; }
      if (p_ < end_ && *p_ == '}') { ++p_; return true; }
      return fail("expected ',' or '}'");
    }
  }

  bool parse_array(Json *out, int depth) {
    out->kind = Json::kArray;
    ++p_;  // '['
    skip_space();
    if (p_ < end_ && *p_ == ']') { ++p_; return true; }
    for (;;) {
      out->items.emplace_back();
      if (!parse_value(&out->items.back(), depth + 1)) return false;
      skip_space();
      if (p_ < end_ && *p_ == ',') { ++p_; continue; }
      if (p_ < end_ && *p_ == ']') { ++p_; return true; }
      return fail("expected ',' or ']'");
    }
  }

  bool hex4(uint32_t *out) {
    if (end_ - p_ < 4) return fail("truncated \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      value <<= 4;
      if (c >= '0' && c <= '9') value |= c - '0';
      else if (c >= 'a' && c <= 'f') value |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') value |= c - 'A' + 10;
      else return fail("invalid \\u escape");
    }
    *out = value;
    return true;
  }

  static void append_utf8(std::string *s, uint32_t cp) {
    if (cp < 0x80) {
      *s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *s += static_cast<char>(0xC0 | (cp >> 6));
      *s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *s += static_cast<char>(0xE0 | (cp >> 12));
      *s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *s += static_cast<char>(0xF0 | (cp >> 18));
      *s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool parse_string(std::string *out) {
    ++p_;  // opening quote
    for (;;) {
      if (p_ == end_) return fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(*p_++);
      if (c == '"') return true;
      if (c < 0x20) return fail("control character in string");
      if (c != '\\') { *out += static_cast<char>(c); continue; }
      if (p_ == end_) return fail("unterminated string");
      const char e = *p_++;
      switch (e) {
        case '"': *out += '"'; break;
        case '\\': *out += '\\'; break;
        case '/': *out += '/'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: needs a low one
            uint32_t low = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return fail("lone surrogate");
            p_ += 2;
            if (!hex4(&low)) return false;
            if (low < 0xDC00 || low >= 0xE000) return fail("invalid surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            return fail("lone surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: return fail("invalid escape in string");
      }
    }
  }

  bool parse_number(Json *out) {
    out->kind = Json::kNumber;
    const char *begin = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    const char *digits = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    if (p_ == digits) return fail("invalid value");
    if (p_ - digits > 1 && *digits == '0') return fail("leading zero in number");
    bool integer = true;
    if (p_ < end_ && *p_ == '.') {
      integer = false;
      ++p_;
      const char *frac = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == frac) return fail("invalid number");
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      const char *exp = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == exp) return fail("invalid number");
    }
    out->text.assign(begin, p_);
    if (integer && *begin != '-') {
      uint64_t value = 0;
      bool overflow = false;
      for (const char *d = digits; d < p_; ++d) {
        if (__builtin_mul_overflow(value, 10u, &value) ||
            __builtin_add_overflow(value, static_cast<uint64_t>(*d - '0'), &value))
          overflow = true;
      }
      out->is_uint = !overflow;
      out->uint = value;
    }
    return true;
  }

  const char *start_;
  const char *p_;
  const char *end_;
  std::string error_;
};

// ------------------------------------------------------------ validation

struct TensorEntry {
  std::string name;
  dlc_dtype dtype;
  std::vector<int64_t> shape;
  uint64_t begin, end;  // relative to the buffer
};

struct SafetensorsFile {
  std::vector<uint8_t> bytes;
  size_t buffer_offset = 0;  // 8 + header length
  std::vector<TensorEntry> tensors;
};

std::string json_quote(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Reads one non-negative integer array; `what` names it in messages.
dlc_status read_uint_array(const char *path, const std::string &tensor, const Json &value,
                           const char *what, std::vector<uint64_t> *out) {
  if (value.kind != Json::kArray)
    return dlc_status_make("%s: tensor '%s': '%s' is not an array", path, tensor.c_str(), what);
  for (const Json &item : value.items) {
    if (item.kind != Json::kNumber || !item.is_uint)
      return dlc_status_make("%s: tensor '%s': '%s' holds %s, expected a non-negative integer",
                             path, tensor.c_str(), what,
                             item.kind == Json::kNumber ? item.text.c_str() : "a non-number");
    out->push_back(item.uint);
  }
  return nullptr;
}

dlc_status parse_entry(const char *path, const std::string &name, const Json &value,
                       uint64_t buffer_size, TensorEntry *out) {
  const char *n = name.c_str();
  if (value.kind != Json::kObject)
    return dlc_status_make("%s: tensor '%s': entry is not an object", path, n);
  const Json *dtype = value.find("dtype");
  const Json *shape = value.find("shape");
  const Json *offsets = value.find("data_offsets");
  if (!dtype) return dlc_status_make("%s: tensor '%s': missing 'dtype'", path, n);
  if (!shape) return dlc_status_make("%s: tensor '%s': missing 'shape'", path, n);
  if (!offsets) return dlc_status_make("%s: tensor '%s': missing 'data_offsets'", path, n);
  if (dtype->kind != Json::kString)
    return dlc_status_make("%s: tensor '%s': 'dtype' is not a string", path, n);
  out->name = name;
  if (!dlcrt::dtype_from_safetensors_name(dtype->text, &out->dtype))
    return dlc_status_make("%s: tensor '%s': unknown dtype '%s'", path, n, dtype->text.c_str());

  std::vector<uint64_t> dims;
  DLC_RETURN_IF_ERROR(read_uint_array(path, name, *shape, "shape", &dims));
  uint64_t count = 1;
  for (uint64_t d : dims) {
    if (d > static_cast<uint64_t>(INT64_MAX) || __builtin_mul_overflow(count, d, &count) ||
        count > static_cast<uint64_t>(INT64_MAX))
      return dlc_status_make("%s: tensor '%s': shape is too large", path, n);
    out->shape.push_back(static_cast<int64_t>(d));
  }

  std::vector<uint64_t> range;
  DLC_RETURN_IF_ERROR(read_uint_array(path, name, *offsets, "data_offsets", &range));
  if (range.size() != 2 || range[0] > range[1])
    return dlc_status_make("%s: tensor '%s': data_offsets must be [begin, end] with begin <= end",
                           path, n);
  out->begin = range[0];
  out->end = range[1];
  if (out->end > buffer_size)
    return dlc_status_make("%s: tensor '%s': data_offsets [%llu, %llu] end beyond the data "
                           "buffer (%llu bytes)",
                           path, n, static_cast<unsigned long long>(out->begin),
                           static_cast<unsigned long long>(out->end),
                           static_cast<unsigned long long>(buffer_size));
  uint64_t bytes;
  if (__builtin_mul_overflow(count, static_cast<uint64_t>(dlc_dtype_size(out->dtype)), &bytes) ||
      bytes != out->end - out->begin)
    return dlc_status_make("%s: tensor '%s': byte size %llu of data_offsets does not match "
                           "shape %s of %s (%llu bytes)",
                           path, n, static_cast<unsigned long long>(out->end - out->begin),
                           dlcrt::shape_string(out->shape.data(),
                                               static_cast<int32_t>(out->shape.size())).c_str(),
                           dtype->text.c_str(), static_cast<unsigned long long>(count) *
                               dlc_dtype_size(out->dtype));
  return nullptr;
}

dlc_status safetensors_read(const char *path, SafetensorsFile *file) {
  DLC_RETURN_IF_ERROR(dlcrt::file_read_all(path, &file->bytes));
  const std::vector<uint8_t> &bytes = file->bytes;
  if (bytes.size() < 8)
    return dlc_status_make("%s: file too short for a safetensors header (%zu bytes)", path,
                           bytes.size());
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | bytes[i];
  if (header_size > kMaxHeaderBytes)
    return dlc_status_make("%s: header length %llu is too large (limit %llu): not a "
                           "safetensors file?",
                           path, static_cast<unsigned long long>(header_size),
                           static_cast<unsigned long long>(kMaxHeaderBytes));
  if (header_size > bytes.size() - 8)
    return dlc_status_make("%s: header length %llu is larger than the file (%zu bytes)", path,
                           static_cast<unsigned long long>(header_size), bytes.size());
  file->buffer_offset = 8 + static_cast<size_t>(header_size);
  const uint64_t buffer_size = bytes.size() - file->buffer_offset;

  Json header;
  const char *text = reinterpret_cast<const char *>(bytes.data()) + 8;
  JsonParser parser(text, text + header_size);
  if (!parser.parse_document(&header))
    return dlc_status_make("%s: header is not valid JSON: %s", path, parser.error().c_str());
  if (header.kind != Json::kObject)
    return dlc_status_make("%s: header is not a JSON object", path);

  for (const auto &member : header.members) {
    if (member.first == "__metadata__") {
      if (member.second.kind != Json::kObject)
        return dlc_status_make("%s: '__metadata__' is not an object", path);
      for (const auto &entry : member.second.members) {
        if (entry.second.kind != Json::kString)
          return dlc_status_make("%s: '__metadata__' value of '%s' is not a string", path,
                                 entry.first.c_str());
      }
      continue;
    }
    TensorEntry entry;
    DLC_RETURN_IF_ERROR(parse_entry(path, member.first, member.second, buffer_size, &entry));
    file->tensors.push_back(std::move(entry));
  }

  // Duplicate names: JSON allows them, but which one would win is unclear.
  std::vector<const TensorEntry *> by_name;
  for (const TensorEntry &t : file->tensors) by_name.push_back(&t);
  std::sort(by_name.begin(), by_name.end(),
            [](const TensorEntry *a, const TensorEntry *b) { return a->name < b->name; });
  for (size_t i = 1; i < by_name.size(); ++i) {
    if (by_name[i]->name == by_name[i - 1]->name)
      return dlc_status_make("%s: tensor '%s' appears twice in the header", path,
                             by_name[i]->name.c_str());
  }

  // Overlap: sorted by begin, each non-empty tensor must start at or after
  // the end of the previous one.
  std::vector<const TensorEntry *> by_offset;
  for (const TensorEntry &t : file->tensors)
    if (t.end > t.begin) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorEntry *a, const TensorEntry *b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i]->begin < by_offset[i - 1]->end)
      return dlc_status_make("%s: tensors '%s' and '%s' overlap in the data buffer", path,
                             by_offset[i - 1]->name.c_str(), by_offset[i]->name.c_str());
  }
  return nullptr;
}

dlc_status params_load(dlc_params *params, const char *path, int require_all) {
  if (!params) return dlc_status_make("dlc_params_load: params is NULL");
  if (!path) return dlc_status_make("dlc_params_load: path is NULL");
  SafetensorsFile file;
  DLC_RETURN_IF_ERROR(safetensors_read(path, &file));

  const dlc_model_info *info = params->info;
  // Pass 1: match and check every parameter; nothing is written yet.
  std::vector<const TensorEntry *> source(info->num_params, nullptr);
  for (const TensorEntry &t : file.tensors) {
    const int32_t index = dlc_params_find(params, t.name.c_str());
    if (index < 0) continue;  // not a parameter (e.g. optimizer state): ignored
    const dlc_tensor_info &want = info->params[index].tensor;
    if (t.dtype != want.dtype)
      return dlc_status_make("%s: tensor '%s': dtype %s expected, file has %s", path,
                             t.name.c_str(), dlc_dtype_name(want.dtype), dlc_dtype_name(t.dtype));
    const int32_t rank = static_cast<int32_t>(t.shape.size());
    if (rank != want.rank || !std::equal(t.shape.begin(), t.shape.end(), want.shape))
      return dlc_status_make("%s: tensor '%s': shape %s expected, file has %s", path,
                             t.name.c_str(), dlcrt::shape_string(want.shape, want.rank).c_str(),
                             dlcrt::shape_string(t.shape.data(), rank).c_str());
    source[index] = &t;
  }
  if (require_all) {
    for (int32_t i = 0; i < info->num_params; ++i) {
      if (!source[i])
        return dlc_status_make("%s: parameter '%s' is missing from the file", path,
                               info->params[i].tensor.name);
    }
  }
  // Pass 2: copy.
  for (int32_t i = 0; i < info->num_params; ++i) {
    if (!source[i]) continue;
    const size_t size = static_cast<size_t>(source[i]->end - source[i]->begin);
    if (size) std::memcpy(params->data[i], file.bytes.data() + file.buffer_offset + source[i]->begin, size);
    params->is_set[i] = 1;
  }
  return nullptr;
}

dlc_status params_save(const dlc_params *params, const char *path) {
  if (!params) return dlc_status_make("dlc_params_save: params is NULL");
  if (!path) return dlc_status_make("dlc_params_save: path is NULL");
  const dlc_model_info *info = params->info;
  std::vector<int32_t> order(info->num_params);
  for (int32_t i = 0; i < info->num_params; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return dlc_dtype_size(info->params[a].tensor.dtype) >
           dlc_dtype_size(info->params[b].tensor.dtype);
  });

  // "format": "pt" is what PyTorch's safetensors writer records; loaders in
  // the Hugging Face ecosystem check it.
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
  uint64_t offset = 0;
  for (int32_t i : order) {
    const dlc_tensor_info &t = info->params[i].tensor;
    const uint64_t end = offset + static_cast<uint64_t>(t.size_bytes);
    header += ',';
    header += json_quote(t.name);
    header += ":{\"dtype\":\"";
    header += dlcrt::dtype_safetensors_name(t.dtype);
    header += "\",\"shape\":[";
    for (int32_t d = 0; d < t.rank; ++d) {
      if (d) header += ',';
      header += std::to_string(static_cast<long long>(t.shape[d]));
    }
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(end) + "]}";
    offset = end;
  }
  header += '}';
  // Pad with spaces so the buffer starts 8-byte aligned.
  header.append((8 - header.size() % 8) % 8, ' ');

  uint8_t length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<uint8_t>(uint64_t(header.size()) >> (8 * i));
  std::vector<dlcrt::Piece> pieces = {{length, 8}, {header.data(), header.size()}};
  for (int32_t i : order)
    pieces.push_back({params->data[i], static_cast<size_t>(info->params[i].tensor.size_bytes)});
  return dlcrt::file_write_atomic(path, pieces);
}

}  // namespace

extern "C" dlc_status dlc_params_load(dlc_params *params, const char *path, int require_all) {
  return dlcrt::guard([&] { return params_load(params, path, require_all); });
}

extern "C" dlc_status dlc_params_save(const dlc_params *params, const char *path) {
  return dlcrt::guard([&] { return params_save(params, path); });
}
