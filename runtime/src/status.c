// status.c — dlc_status, the runtime's error value.
//
// Contract:
//  - NULL is success; a non-NULL status is a heap object holding one
//    NUL-terminated message, owned by whoever received it.
//  - Making a status never fails: if the message cannot be allocated, a
//    static "out of memory" status is returned, which dlc_status_free
//    recognizes and does not free.
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dlc_status_s {
  const char *message;  // points just past the struct (or to a literal)
};

// Returned when even the error message cannot be allocated.
static struct dlc_status_s g_out_of_memory = {"out of memory (while reporting an error)"};

static dlc_status out_of_memory_status(void) { return &g_out_of_memory; }

// One allocation: the struct followed by the message bytes.
static dlc_status allocate_status(size_t length, char **out_text) {
  struct dlc_status_s *status = malloc(sizeof(struct dlc_status_s) + length + 1);
  if (!status) return NULL;
  *out_text = (char *)(status + 1);
  status->message = *out_text;
  return status;
}

const char *dlc_status_message(dlc_status status) {
  return status ? status->message : "";
}

void dlc_status_free(dlc_status status) {
  if (status && status != out_of_memory_status()) free(status);
}

dlc_status dlc_status_make(const char *format, ...) {
  if (!format) format = "(no message)";
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  int length = vsnprintf(NULL, 0, format, copy);
  va_end(copy);
  if (length < 0) {
    va_end(args);
    // An encoding error in the format: keep the format itself as the message.
    size_t size = strlen(format);
    char *text;
    dlc_status status = allocate_status(size, &text);
    if (!status) return out_of_memory_status();
    memcpy(text, format, size + 1);
    return status;
  }
  char *text;
  dlc_status status = allocate_status((size_t)length, &text);
  if (!status) {
    va_end(args);
    return out_of_memory_status();
  }
  vsnprintf(text, (size_t)length + 1, format, args);
  va_end(args);
  return status;
}

dlc_status dlcrt_out_of_memory(void) { return dlc_status_make("out of memory"); }

// ------------------------------------------------------------ dlcrt_buf

static int buf_reserve(dlcrt_buf *buf, size_t extra) {
  if (buf->failed) return 0;
  if (extra > SIZE_MAX - 1 - buf->size) {
    buf->failed = 1;
    return 0;
  }
  const size_t need = buf->size + extra + 1;  // + the NUL
  if (need <= buf->capacity) return 1;
  size_t capacity = buf->capacity ? buf->capacity : 64;
  while (capacity < need) capacity = capacity > SIZE_MAX / 2 ? need : capacity * 2;
  char *data = realloc(buf->data, capacity);
  if (!data) {
    buf->failed = 1;
    return 0;
  }
  buf->data = data;
  buf->capacity = capacity;
  return 1;
}

void dlcrt_buf_append(dlcrt_buf *buf, const void *bytes, size_t size) {
  if (!buf_reserve(buf, size)) return;
  if (size) memcpy(buf->data + buf->size, bytes, size);
  buf->size += size;
  buf->data[buf->size] = '\0';
}

void dlcrt_buf_puts(dlcrt_buf *buf, const char *text) { dlcrt_buf_append(buf, text, strlen(text)); }

void dlcrt_buf_putc(dlcrt_buf *buf, char c) { dlcrt_buf_append(buf, &c, 1); }

void dlcrt_buf_printf(dlcrt_buf *buf, const char *format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int length = vsnprintf(NULL, 0, format, copy);
  va_end(copy);
  if (length < 0) {
    buf->failed = 1;
  } else if (buf_reserve(buf, (size_t)length)) {
    vsnprintf(buf->data + buf->size, (size_t)length + 1, format, args);
    buf->size += (size_t)length;
  }
  va_end(args);
}

void dlcrt_buf_free(dlcrt_buf *buf) {
  free(buf->data);
  buf->data = NULL;
  buf->size = buf->capacity = 0;
  buf->failed = 0;
}

char *dlcrt_shape_string(const int64_t *shape, int32_t rank) {
  dlcrt_buf text = {NULL, 0, 0, 0};
  dlcrt_buf_putc(&text, '[');
  for (int32_t i = 0; i < rank; ++i) {
    if (i) dlcrt_buf_puts(&text, ", ");
    dlcrt_buf_printf(&text, "%lld", (long long)shape[i]);
  }
  dlcrt_buf_putc(&text, ']');
  if (text.failed) {
    dlcrt_buf_free(&text);
    return NULL;
  }
  return text.data;
}
