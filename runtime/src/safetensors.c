// safetensors.c — weights files: parse, validate, load into and save from
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
//  - Checkpoints (dlc_checkpoint_save/load) use the same reader and writer
//    with the state tensors added to the parameters; a checkpoint load
//    requires every parameter and every state tensor.
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------- JSON (header)

static const uint64_t kMaxHeaderBytes = (uint64_t)100 << 20;  // the reference's limit
enum { kMaxJsonDepth = 64 };  // the header needs 3; bounds recursion

enum json_kind { kJsonNull, kJsonBool, kJsonNumber, kJsonString, kJsonArray, kJsonObject };

// One value of the parsed document. Nodes live in one array and refer to
// each other by index (+1, so 0 means none); every string (object keys,
// string values, number spellings) lives NUL-terminated in one pool and is
// named by its offset and length (it may hold NUL bytes from \u0000).
typedef struct json_node {
  enum json_kind kind;
  // Numbers: is_uint when the text is a plain non-negative integer that
  // fits in 64 bits (the only numbers a valid header holds).
  int is_uint;
  uint64_t uint;
  size_t text, text_size;  // string value, or the number's spelling
  size_t key, key_size;    // as a member of an object
  size_t first_child;      // items or members, in document order
  size_t last_child;
  size_t next;             // the next sibling
  size_t num_children;
} json_node;

typedef struct json_parser {
  const char *start;
  const char *p;
  const char *end;
  json_node *nodes;
  size_t num_nodes, capacity;
  dlcrt_buf pool;
  int out_of_memory;
  char error[96];  // "" until the first failure
} json_parser;

static int json_fail(json_parser *jp, const char *what) {
  if (!jp->error[0])
    snprintf(jp->error, sizeof jp->error, "%s at byte %lld", what, (long long)(jp->p - jp->start));
  return 0;
}

static int json_oom(json_parser *jp) {
  jp->out_of_memory = 1;
  return 0;
}

// Appends a fresh null node; returns its index + 1, or 0 when out of memory.
static size_t json_new_node(json_parser *jp) {
  if (jp->num_nodes == jp->capacity) {
    const size_t capacity = jp->capacity ? jp->capacity * 2 : 16;
    if (capacity > SIZE_MAX / sizeof(json_node)) return 0;
    json_node *nodes = realloc(jp->nodes, capacity * sizeof(json_node));
    if (!nodes) return 0;
    jp->nodes = nodes;
    jp->capacity = capacity;
  }
  memset(&jp->nodes[jp->num_nodes], 0, sizeof(json_node));
  jp->nodes[jp->num_nodes].kind = kJsonNull;
  return ++jp->num_nodes;
}

static void json_add_child(json_parser *jp, size_t parent, size_t child) {
  json_node *p = &jp->nodes[parent - 1];
  if (p->last_child) jp->nodes[p->last_child - 1].next = child;
  else p->first_child = child;
  p->last_child = child;
  ++p->num_children;
}

static const char *json_text(const json_parser *jp, size_t offset) { return jp->pool.data + offset; }

static void json_skip_space(json_parser *jp) {
  while (jp->p < jp->end &&
         (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
    ++jp->p;
}

static int json_literal(json_parser *jp, const char *word) {
  const size_t length = strlen(word);
  if ((size_t)(jp->end - jp->p) < length || memcmp(jp->p, word, length) != 0)
    return json_fail(jp, "invalid literal");
  jp->p += length;
  return 1;
}

static int json_hex4(json_parser *jp, uint32_t *out) {
  if (jp->end - jp->p < 4) return json_fail(jp, "truncated \\u escape");
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = *jp->p++;
    value <<= 4;
    if (c >= '0' && c <= '9') value |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f') value |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') value |= (uint32_t)(c - 'A' + 10);
    else return json_fail(jp, "invalid \\u escape");
  }
  *out = value;
  return 1;
}

static void append_utf8(dlcrt_buf *s, uint32_t cp) {
  if (cp < 0x80) {
    dlcrt_buf_putc(s, (char)cp);
  } else if (cp < 0x800) {
    dlcrt_buf_putc(s, (char)(0xC0 | (cp >> 6)));
    dlcrt_buf_putc(s, (char)(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    dlcrt_buf_putc(s, (char)(0xE0 | (cp >> 12)));
    dlcrt_buf_putc(s, (char)(0x80 | ((cp >> 6) & 0x3F)));
    dlcrt_buf_putc(s, (char)(0x80 | (cp & 0x3F)));
  } else {
    dlcrt_buf_putc(s, (char)(0xF0 | (cp >> 18)));
    dlcrt_buf_putc(s, (char)(0x80 | ((cp >> 12) & 0x3F)));
    dlcrt_buf_putc(s, (char)(0x80 | ((cp >> 6) & 0x3F)));
    dlcrt_buf_putc(s, (char)(0x80 | (cp & 0x3F)));
  }
}

// Decodes the string at p (on its opening quote) into the pool.
static int json_parse_string(json_parser *jp, size_t *out_offset, size_t *out_size) {
  dlcrt_buf *s = &jp->pool;
  const size_t offset = s->size;
  ++jp->p;  // opening quote
  for (;;) {
    if (jp->p == jp->end) return json_fail(jp, "unterminated string");
    const unsigned char c = (unsigned char)*jp->p++;
    if (c == '"') break;
    if (c < 0x20) return json_fail(jp, "control character in string");
    if (c != '\\') {
      dlcrt_buf_putc(s, (char)c);
      continue;
    }
    if (jp->p == jp->end) return json_fail(jp, "unterminated string");
    const char e = *jp->p++;
    switch (e) {
      case '"': dlcrt_buf_putc(s, '"'); break;
      case '\\': dlcrt_buf_putc(s, '\\'); break;
      case '/': dlcrt_buf_putc(s, '/'); break;
      case 'b': dlcrt_buf_putc(s, '\b'); break;
      case 'f': dlcrt_buf_putc(s, '\f'); break;
      case 'n': dlcrt_buf_putc(s, '\n'); break;
      case 'r': dlcrt_buf_putc(s, '\r'); break;
      case 't': dlcrt_buf_putc(s, '\t'); break;
      case 'u': {
        uint32_t cp = 0;
        if (!json_hex4(jp, &cp)) return 0;
        if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: needs a low one
          uint32_t low = 0;
          if (jp->end - jp->p < 2 || jp->p[0] != '\\' || jp->p[1] != 'u')
            return json_fail(jp, "lone surrogate");
          jp->p += 2;
          if (!json_hex4(jp, &low)) return 0;
          if (low < 0xDC00 || low >= 0xE000) return json_fail(jp, "invalid surrogate pair");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          return json_fail(jp, "lone surrogate");
        }
        append_utf8(s, cp);
        break;
      }
      default: return json_fail(jp, "invalid escape in string");
    }
  }
  *out_offset = offset;
  *out_size = s->size - offset;
  dlcrt_buf_putc(s, '\0');
  if (s->failed) return json_oom(jp);
  return 1;
}

static int json_parse_number(json_parser *jp, size_t node) {
  jp->nodes[node - 1].kind = kJsonNumber;
  const char *begin = jp->p;
  if (jp->p < jp->end && *jp->p == '-') ++jp->p;
  const char *digits = jp->p;
  while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') ++jp->p;
  if (jp->p == digits) return json_fail(jp, "invalid value");
  if (jp->p - digits > 1 && *digits == '0') return json_fail(jp, "leading zero in number");
  int integer = 1;
  if (jp->p < jp->end && *jp->p == '.') {
    integer = 0;
    ++jp->p;
    const char *frac = jp->p;
    while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') ++jp->p;
    if (jp->p == frac) return json_fail(jp, "invalid number");
  }
  if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
    integer = 0;
    ++jp->p;
    if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-')) ++jp->p;
    const char *exp = jp->p;
    while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') ++jp->p;
    if (jp->p == exp) return json_fail(jp, "invalid number");
  }
  json_node *out = &jp->nodes[node - 1];
  out->text = jp->pool.size;
  out->text_size = (size_t)(jp->p - begin);
  dlcrt_buf_append(&jp->pool, begin, out->text_size);
  dlcrt_buf_putc(&jp->pool, '\0');
  if (jp->pool.failed) return json_oom(jp);
  if (integer && *begin != '-') {
    uint64_t value = 0;
    int overflow = 0;
    for (const char *d = digits; d < jp->p; ++d) {
      if (__builtin_mul_overflow(value, 10u, &value) ||
          __builtin_add_overflow(value, (uint64_t)(*d - '0'), &value))
        overflow = 1;
    }
    out->is_uint = !overflow;
    out->uint = value;
  }
  return 1;
}

static int json_parse_value(json_parser *jp, size_t node, int depth);

static int json_parse_object(json_parser *jp, size_t node, int depth) {
  jp->nodes[node - 1].kind = kJsonObject;
  ++jp->p;  // '{'
  json_skip_space(jp);
  if (jp->p < jp->end && *jp->p == '}') {
    ++jp->p;
    return 1;
  }
  for (;;) {
    json_skip_space(jp);
    if (jp->p == jp->end || *jp->p != '"') return json_fail(jp, "expected a string key");
    size_t key, key_size;
    if (!json_parse_string(jp, &key, &key_size)) return 0;
    json_skip_space(jp);
    if (jp->p == jp->end || *jp->p != ':') return json_fail(jp, "expected ':'");
    ++jp->p;
    const size_t child = json_new_node(jp);
    if (!child) return json_oom(jp);
    jp->nodes[child - 1].key = key;
    jp->nodes[child - 1].key_size = key_size;
    json_add_child(jp, node, child);
    if (!json_parse_value(jp, child, depth + 1)) return 0;
    json_skip_space(jp);
    if (jp->p < jp->end && *jp->p == ',') {
      ++jp->p;
      continue;
    }
    if (jp->p < jp->end && *jp->p == '}') {
      ++jp->p;
      return 1;
    }
    return json_fail(jp, "expected ',' or '}'");
  }
}

static int json_parse_array(json_parser *jp, size_t node, int depth) {
  jp->nodes[node - 1].kind = kJsonArray;
  ++jp->p;  // '['
  json_skip_space(jp);
  if (jp->p < jp->end && *jp->p == ']') {
    ++jp->p;
    return 1;
  }
  for (;;) {
    const size_t child = json_new_node(jp);
    if (!child) return json_oom(jp);
    json_add_child(jp, node, child);
    if (!json_parse_value(jp, child, depth + 1)) return 0;
    json_skip_space(jp);
    if (jp->p < jp->end && *jp->p == ',') {
      ++jp->p;
      continue;
    }
    if (jp->p < jp->end && *jp->p == ']') {
      ++jp->p;
      return 1;
    }
    return json_fail(jp, "expected ',' or ']'");
  }
}

static int json_parse_value(json_parser *jp, size_t node, int depth) {
  if (depth > kMaxJsonDepth) return json_fail(jp, "nesting too deep");
  json_skip_space(jp);
  if (jp->p == jp->end) return json_fail(jp, "unexpected end of header");
  json_node *out = &jp->nodes[node - 1];
  switch (*jp->p) {
    case '{': return json_parse_object(jp, node, depth);
    case '[': return json_parse_array(jp, node, depth);
    case '"': {
      out->kind = kJsonString;
      size_t text, text_size;
      if (!json_parse_string(jp, &text, &text_size)) return 0;
      jp->nodes[node - 1].text = text;
      jp->nodes[node - 1].text_size = text_size;
      return 1;
    }
    case 't': out->kind = kJsonBool; return json_literal(jp, "true");
    case 'f': out->kind = kJsonBool; return json_literal(jp, "false");
    case 'n': out->kind = kJsonNull; return json_literal(jp, "null");
    default: return json_parse_number(jp, node);
  }
}

// Parses one value followed only by whitespace into node 1. On failure
// returns 0 and jp->error says what and where (byte offset within the
// header), or jp->out_of_memory is set.
static int json_parse_document(json_parser *jp) {
  const size_t root = json_new_node(jp);
  if (!root) return json_oom(jp);
  if (!json_parse_value(jp, root, 0)) return 0;
  json_skip_space(jp);
  if (jp->p != jp->end) return json_fail(jp, "unexpected data after the top-level value");
  return 1;
}

static void json_parser_free(json_parser *jp) {
  free(jp->nodes);
  dlcrt_buf_free(&jp->pool);
}

static int bytes_equal(const char *a, size_t a_size, const char *b) {
  return strlen(b) == a_size && memcmp(a, b, a_size) == 0;
}

// The member `key` of an object node (the first one), or NULL.
static const json_node *json_find(const json_parser *jp, const json_node *object, const char *key) {
  for (size_t c = object->first_child; c; c = jp->nodes[c - 1].next) {
    const json_node *member = &jp->nodes[c - 1];
    if (bytes_equal(json_text(jp, member->key), member->key_size, key)) return member;
  }
  return NULL;
}

// ------------------------------------------------------------ validation

typedef struct tensor_entry {
  const char *name;  // in the parser's pool
  size_t name_size;
  size_t index;      // position in the header
  dlc_dtype dtype;
  int64_t *shape;
  int32_t rank;
  uint64_t begin, end;  // relative to the buffer
} tensor_entry;

typedef struct safetensors_file {
  uint8_t *bytes;
  size_t size;
  size_t buffer_offset;  // 8 + header length
  json_parser json;
  tensor_entry *tensors;
  size_t num_tensors;
} safetensors_file;

static void safetensors_file_free(safetensors_file *file) {
  for (size_t i = 0; i < file->num_tensors; ++i) free(file->tensors[i].shape);
  free(file->tensors);
  json_parser_free(&file->json);
  free(file->bytes);
}

static void json_quote(dlcrt_buf *out, const char *s) {
  dlcrt_buf_putc(out, '"');
  for (const unsigned char *c = (const unsigned char *)s; *c; ++c) {
    if (*c == '"' || *c == '\\') {
      dlcrt_buf_putc(out, '\\');
      dlcrt_buf_putc(out, (char)*c);
    } else if (*c < 0x20) {
      dlcrt_buf_printf(out, "\\u%04x", *c);
    } else {
      dlcrt_buf_putc(out, (char)*c);
    }
  }
  dlcrt_buf_putc(out, '"');
}

// Reads one non-negative integer array; `what` names it in messages.
// *out is malloc()ed (at least one element; caller frees).
static dlc_status read_uint_array(const char *path, const json_parser *jp, const char *tensor,
                                  const json_node *value, const char *what, uint64_t **out,
                                  size_t *out_size) {
  *out = NULL;
  *out_size = 0;
  if (value->kind != kJsonArray)
    return dlc_status_make("%s: tensor '%s': '%s' is not an array", path, tensor, what);
  for (size_t c = value->first_child; c; c = jp->nodes[c - 1].next) {
    const json_node *item = &jp->nodes[c - 1];
    if (item->kind != kJsonNumber || !item->is_uint)
      return dlc_status_make("%s: tensor '%s': '%s' holds %s, expected a non-negative integer",
                             path, tensor, what,
                             item->kind == kJsonNumber ? json_text(jp, item->text)
                                                       : "a non-number");
  }
  uint64_t *values = malloc((value->num_children ? value->num_children : 1) * sizeof(uint64_t));
  if (!values) return dlcrt_out_of_memory();
  size_t n = 0;
  for (size_t c = value->first_child; c; c = jp->nodes[c - 1].next) values[n++] = jp->nodes[c - 1].uint;
  *out = values;
  *out_size = n;
  return NULL;
}

static dlc_status parse_entry(const char *path, const json_parser *jp, const json_node *member,
                              uint64_t buffer_size, tensor_entry *out) {
  const char *n = json_text(jp, member->key);
  out->name = n;
  out->name_size = member->key_size;
  if (member->kind != kJsonObject)
    return dlc_status_make("%s: tensor '%s': entry is not an object", path, n);
  const json_node *dtype = json_find(jp, member, "dtype");
  const json_node *shape = json_find(jp, member, "shape");
  const json_node *offsets = json_find(jp, member, "data_offsets");
  if (!dtype) return dlc_status_make("%s: tensor '%s': missing 'dtype'", path, n);
  if (!shape) return dlc_status_make("%s: tensor '%s': missing 'shape'", path, n);
  if (!offsets) return dlc_status_make("%s: tensor '%s': missing 'data_offsets'", path, n);
  if (dtype->kind != kJsonString)
    return dlc_status_make("%s: tensor '%s': 'dtype' is not a string", path, n);
  const char *dtype_text = json_text(jp, dtype->text);
  if (!dlcrt_dtype_from_safetensors_name(dtype_text, dtype->text_size, &out->dtype))
    return dlc_status_make("%s: tensor '%s': unknown dtype '%s'", path, n, dtype_text);

  uint64_t *dims;
  size_t rank;
  DLC_RETURN_IF_ERROR(read_uint_array(path, jp, n, shape, "shape", &dims, &rank));
  out->shape = malloc((rank ? rank : 1) * sizeof(int64_t));
  if (!out->shape || rank > INT32_MAX) {
    free(dims);
    return dlcrt_out_of_memory();
  }
  uint64_t count = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (dims[d] > (uint64_t)INT64_MAX || __builtin_mul_overflow(count, dims[d], &count) ||
        count > (uint64_t)INT64_MAX) {
      free(dims);
      return dlc_status_make("%s: tensor '%s': shape is too large", path, n);
    }
    out->shape[out->rank++] = (int64_t)dims[d];
  }
  free(dims);

  uint64_t *range;
  size_t range_size;
  DLC_RETURN_IF_ERROR(read_uint_array(path, jp, n, offsets, "data_offsets", &range, &range_size));
  const int bad_range = range_size != 2 || range[0] > range[1];
  if (!bad_range) {
    out->begin = range[0];
    out->end = range[1];
  }
  free(range);
  if (bad_range)
    return dlc_status_make("%s: tensor '%s': data_offsets must be [begin, end] with begin <= end",
                           path, n);
  if (out->end > buffer_size)
    return dlc_status_make("%s: tensor '%s': data_offsets [%llu, %llu] end beyond the data "
                           "buffer (%llu bytes)",
                           path, n, (unsigned long long)out->begin, (unsigned long long)out->end,
                           (unsigned long long)buffer_size);
  uint64_t bytes;
  if (__builtin_mul_overflow(count, (uint64_t)dlc_dtype_size(out->dtype), &bytes) ||
      bytes != out->end - out->begin) {
    char *shape_text = dlcrt_shape_string(out->shape, out->rank);
    if (!shape_text) return dlcrt_out_of_memory();
    dlc_status status = dlc_status_make(
        "%s: tensor '%s': byte size %llu of data_offsets does not match shape %s of %s (%llu "
        "bytes)",
        path, n, (unsigned long long)(out->end - out->begin), shape_text, dtype_text,
        (unsigned long long)(count * dlc_dtype_size(out->dtype)));
    free(shape_text);
    return status;
  }
  return NULL;
}

// Orders by name as std::string compares (bytes as unsigned char, then
// length), then by position in the header.
static int compare_by_name(const void *a, const void *b) {
  const tensor_entry *x = *(const tensor_entry *const *)a;
  const tensor_entry *y = *(const tensor_entry *const *)b;
  const size_t common = x->name_size < y->name_size ? x->name_size : y->name_size;
  const int c = common ? memcmp(x->name, y->name, common) : 0;
  if (c) return c;
  if (x->name_size != y->name_size) return x->name_size < y->name_size ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

// Orders by buffer offset, then by position in the header.
static int compare_by_begin(const void *a, const void *b) {
  const tensor_entry *x = *(const tensor_entry *const *)a;
  const tensor_entry *y = *(const tensor_entry *const *)b;
  if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

// Duplicate names (JSON allows them, but which one would win is unclear)
// and overlapping data.
static dlc_status check_names_and_overlap(const char *path, safetensors_file *file) {
  const size_t n = file->num_tensors;
  const tensor_entry **order = malloc((n ? n : 1) * sizeof *order);
  if (!order) return dlcrt_out_of_memory();
  dlc_status status = NULL;
  for (size_t i = 0; i < n; ++i) order[i] = &file->tensors[i];
  qsort(order, n, sizeof *order, compare_by_name);
  for (size_t i = 1; i < n && !status; ++i) {
    if (order[i]->name_size == order[i - 1]->name_size &&
        memcmp(order[i]->name, order[i - 1]->name, order[i]->name_size) == 0)
      status = dlc_status_make("%s: tensor '%s' appears twice in the header", path,
                               order[i]->name);
  }
  // Overlap: sorted by begin, each non-empty tensor must start at or after
  // the end of the previous one.
  size_t m = 0;
  for (size_t i = 0; i < n; ++i)
    if (file->tensors[i].end > file->tensors[i].begin) order[m++] = &file->tensors[i];
  if (!status) qsort(order, m, sizeof *order, compare_by_begin);
  for (size_t i = 1; i < m && !status; ++i) {
    if (order[i]->begin < order[i - 1]->end)
      status = dlc_status_make("%s: tensors '%s' and '%s' overlap in the data buffer", path,
                               order[i - 1]->name, order[i]->name);
  }
  free(order);
  return status;
}

// Fills *file (zero-initialized by the caller; safetensors_file_free it
// whatever the result).
static dlc_status safetensors_read(const char *path, safetensors_file *file) {
  DLC_RETURN_IF_ERROR(dlcrt_file_read_all(path, &file->bytes, &file->size));
  const uint8_t *bytes = file->bytes;
  const size_t size = file->size;
  if (size < 8)
    return dlc_status_make("%s: file too short for a safetensors header (%zu bytes)", path, size);
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | bytes[i];
  if (header_size > kMaxHeaderBytes)
    return dlc_status_make("%s: header length %llu is too large (limit %llu): not a "
                           "safetensors file?",
                           path, (unsigned long long)header_size,
                           (unsigned long long)kMaxHeaderBytes);
  if (header_size > size - 8)
    return dlc_status_make("%s: header length %llu is larger than the file (%zu bytes)", path,
                           (unsigned long long)header_size, size);
  file->buffer_offset = 8 + (size_t)header_size;
  const uint64_t buffer_size = size - file->buffer_offset;

  json_parser *jp = &file->json;
  const char *text = (const char *)bytes + 8;
  jp->start = jp->p = text;
  jp->end = text + header_size;
  if (!json_parse_document(jp)) {
    if (jp->out_of_memory) return dlcrt_out_of_memory();
    return dlc_status_make("%s: header is not valid JSON: %s", path, jp->error);
  }
  const json_node *header = &jp->nodes[0];
  if (header->kind != kJsonObject) return dlc_status_make("%s: header is not a JSON object", path);

  file->tensors = calloc(header->num_children ? header->num_children : 1, sizeof(tensor_entry));
  if (!file->tensors) return dlcrt_out_of_memory();
  for (size_t c = header->first_child; c; c = jp->nodes[c - 1].next) {
    const json_node *member = &jp->nodes[c - 1];
    if (bytes_equal(json_text(jp, member->key), member->key_size, "__metadata__")) {
      if (member->kind != kJsonObject)
        return dlc_status_make("%s: '__metadata__' is not an object", path);
      for (size_t e = member->first_child; e; e = jp->nodes[e - 1].next) {
        const json_node *entry = &jp->nodes[e - 1];
        if (entry->kind != kJsonString)
          return dlc_status_make("%s: '__metadata__' value of '%s' is not a string", path,
                                 json_text(jp, entry->key));
      }
      continue;
    }
    tensor_entry *entry = &file->tensors[file->num_tensors];
    entry->index = file->num_tensors++;
    DLC_RETURN_IF_ERROR(parse_entry(path, jp, member, buffer_size, entry));
  }
  return check_names_and_overlap(path, file);
}

// One tensor a file may fill or a save writes: a parameter or a state tensor.
typedef struct st_target {
  const dlc_tensor_info *info;
  void *data;
  const char *kind;  // "parameter" or "state tensor", for messages
  int required;
} st_target;

// Validates the whole file against the targets, then copies every tensor
// whose name is a target; found[i] is set for each target filled. Tensors
// that name no target are ignored. On error nothing is modified.
static dlc_status load_targets(const char *path, const st_target *targets, size_t num_targets,
                               safetensors_file *file, const tensor_entry **source,
                               uint8_t *found) {
  DLC_RETURN_IF_ERROR(safetensors_read(path, file));
  // Pass 1: match and check every target; nothing is written yet.
  for (size_t k = 0; k < file->num_tensors; ++k) {
    const tensor_entry *t = &file->tensors[k];
    size_t index = 0;
    while (index < num_targets && strcmp(targets[index].info->name, t->name) != 0) ++index;
    if (index == num_targets) continue;  // e.g. optimizer state for an inference load
    const dlc_tensor_info *want = targets[index].info;
    if (t->dtype != want->dtype)
      return dlc_status_make("%s: tensor '%s': dtype %s expected, file has %s", path, t->name,
                             dlc_dtype_name(want->dtype), dlc_dtype_name(t->dtype));
    int same_shape = t->rank == want->rank;
    for (int32_t d = 0; d < t->rank && same_shape; ++d) same_shape = t->shape[d] == want->shape[d];
    if (!same_shape) {
      char *want_text = dlcrt_shape_string(want->shape, want->rank);
      char *have_text = dlcrt_shape_string(t->shape, t->rank);
      dlc_status status =
          want_text && have_text
              ? dlc_status_make("%s: tensor '%s': shape %s expected, file has %s", path, t->name,
                                want_text, have_text)
              : dlcrt_out_of_memory();
      free(want_text);
      free(have_text);
      return status;
    }
    source[index] = t;
  }
  for (size_t i = 0; i < num_targets; ++i) {
    if (targets[i].required && !source[i])
      return dlc_status_make("%s: %s '%s' is missing from the file", path, targets[i].kind,
                             targets[i].info->name);
  }
  // Pass 2: copy.
  for (size_t i = 0; i < num_targets; ++i) {
    if (!source[i]) continue;
    const size_t size = (size_t)(source[i]->end - source[i]->begin);
    if (size) memcpy(targets[i].data, file->bytes + file->buffer_offset + source[i]->begin, size);
    found[i] = 1;
  }
  return NULL;
}

// The parameters (all, in order), then with `with_state` the state tensors.
// *out_targets is malloc()ed (caller frees).
static dlc_status make_targets(const dlc_params *params, int with_state, int required,
                               st_target **out_targets, size_t *out_count) {
  const dlc_model_info *info = params->info;
  const size_t num_params = (size_t)info->num_params;
  const size_t num_state = with_state ? (size_t)info->num_state : 0;
  const size_t n = num_params + num_state;
  st_target *targets = calloc(n ? n : 1, sizeof *targets);
  if (!targets) return dlcrt_out_of_memory();
  for (size_t i = 0; i < num_params; ++i) {
    targets[i].info = &info->params[i].tensor;
    targets[i].data = params->data[i];
    targets[i].kind = "parameter";
    targets[i].required = required;
  }
  for (size_t i = 0; i < num_state; ++i) {
    targets[num_params + i].info = &info->state[i];
    targets[num_params + i].data = params->state[i];
    targets[num_params + i].kind = "state tensor";
    targets[num_params + i].required = required;
  }
  *out_targets = targets;
  *out_count = n;
  return NULL;
}

static dlc_status params_load(dlc_params *params, const char *path, int require_all,
                              int with_state) {
  st_target *targets = NULL;
  size_t n = 0;
  DLC_RETURN_IF_ERROR(make_targets(params, with_state, require_all, &targets, &n));
  const tensor_entry **source = calloc(n ? n : 1, sizeof *source);
  uint8_t *found = calloc(n ? n : 1, 1);
  dlc_status status = NULL;
  if (!source || !found) {
    status = dlcrt_out_of_memory();
  } else {
    safetensors_file file;
    memset(&file, 0, sizeof file);
    status = load_targets(path, targets, n, &file, source, found);
    safetensors_file_free(&file);
    for (int32_t i = 0; !status && i < params->info->num_params; ++i)
      if (found[i]) params->is_set[i] = 1;
  }
  free(found);
  free(source);
  free(targets);
  return status;
}

dlc_status dlc_params_load(dlc_params *params, const char *path, int require_all) {
  if (!params) return dlc_status_make("dlc_params_load: params is NULL");
  if (!path) return dlc_status_make("dlc_params_load: path is NULL");
  return params_load(params, path, require_all, 0);
}

dlc_status dlc_checkpoint_load(dlc_params *params, const char *path) {
  if (!params) return dlc_status_make("dlc_checkpoint_load: params is NULL");
  if (!path) return dlc_status_make("dlc_checkpoint_load: path is NULL");
  if (!params->state)
    return dlc_status_make("dlc_checkpoint_load: model '%s' has no training step",
                           params->info->name ? params->info->name : "?");
  return params_load(params, path, 1, 1);
}

// Orders target indices by element size, largest first, then by index.
typedef struct save_order {
  size_t element_size;
  size_t index;
} save_order;

static int compare_save_order(const void *a, const void *b) {
  const save_order *x = a, *y = b;
  if (x->element_size != y->element_size) return x->element_size > y->element_size ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static dlc_status save_targets(const st_target *targets, size_t n, const char *path) {
  save_order *order = malloc((n ? n : 1) * sizeof *order);
  dlcrt_piece *pieces = malloc((n + 2) * sizeof *pieces);
  if (!order || !pieces) {
    free(order);
    free(pieces);
    return dlcrt_out_of_memory();
  }
  for (size_t i = 0; i < n; ++i) {
    order[i].element_size = dlc_dtype_size(targets[i].info->dtype);
    order[i].index = i;
  }
  qsort(order, n, sizeof *order, compare_save_order);

  // "format": "pt" is what PyTorch's safetensors writer records; loaders in
  // the Hugging Face ecosystem check it.
  dlcrt_buf header = {NULL, 0, 0, 0};
  dlcrt_buf_puts(&header, "{\"__metadata__\":{\"format\":\"pt\"}");
  uint64_t offset = 0;
  for (size_t k = 0; k < n; ++k) {
    const dlc_tensor_info *t = targets[order[k].index].info;
    const uint64_t end = offset + (uint64_t)t->size_bytes;
    dlcrt_buf_putc(&header, ',');
    json_quote(&header, t->name);
    dlcrt_buf_printf(&header, ":{\"dtype\":\"%s\",\"shape\":[",
                     dlcrt_dtype_safetensors_name(t->dtype));
    for (int32_t d = 0; d < t->rank; ++d)
      dlcrt_buf_printf(&header, d ? ",%lld" : "%lld", (long long)t->shape[d]);
    dlcrt_buf_printf(&header, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)offset,
                     (unsigned long long)end);
    offset = end;
  }
  dlcrt_buf_putc(&header, '}');
  // Pad with spaces so the buffer starts 8-byte aligned.
  while (!header.failed && header.size % 8) dlcrt_buf_putc(&header, ' ');
  dlc_status status = NULL;
  if (header.failed) {
    status = dlcrt_out_of_memory();
  } else {
    uint8_t length[8];
    for (int i = 0; i < 8; ++i) length[i] = (uint8_t)((uint64_t)header.size >> (8 * i));
    pieces[0].data = length;
    pieces[0].size = 8;
    pieces[1].data = header.data;
    pieces[1].size = header.size;
    for (size_t k = 0; k < n; ++k) {
      pieces[k + 2].data = targets[order[k].index].data;
      pieces[k + 2].size = (size_t)targets[order[k].index].info->size_bytes;
    }
    status = dlcrt_file_write_atomic(path, pieces, n + 2);
  }
  dlcrt_buf_free(&header);
  free(pieces);
  free(order);
  return status;
}

static dlc_status params_save(const dlc_params *params, const char *path, int with_state) {
  st_target *targets = NULL;
  size_t n = 0;
  DLC_RETURN_IF_ERROR(make_targets(params, with_state, 1, &targets, &n));
  dlc_status status = save_targets(targets, n, path);
  free(targets);
  return status;
}

dlc_status dlc_params_save(const dlc_params *params, const char *path) {
  if (!params) return dlc_status_make("dlc_params_save: params is NULL");
  if (!path) return dlc_status_make("dlc_params_save: path is NULL");
  return params_save(params, path, 0);
}

dlc_status dlc_checkpoint_save(const dlc_params *params, const char *path) {
  if (!params) return dlc_status_make("dlc_checkpoint_save: params is NULL");
  if (!path) return dlc_status_make("dlc_checkpoint_save: path is NULL");
  if (!params->state)
    return dlc_status_make("dlc_checkpoint_save: model '%s' has no training step",
                           params->info->name ? params->info->name : "?");
  return params_save(params, path, 1);
}
