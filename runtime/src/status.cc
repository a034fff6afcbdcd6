// status.cc — dlc_status, the runtime's error value.
//
// Contract:
//  - NULL is success; a non-NULL status is a heap object holding one
//    NUL-terminated message, owned by whoever received it.
//  - Making a status never fails: if the message cannot be allocated, a
//    static "out of memory" status is returned, which dlc_status_free
//    recognizes and does not free.
#include "internal.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

struct dlc_status_s {
  const char *message;  // points just past the struct (or to a literal)
};

namespace {

// Returned when even the error message cannot be allocated.
dlc_status_s g_out_of_memory = {"out of memory (while reporting an error)"};

dlc_status out_of_memory_status() { return &g_out_of_memory; }

// One allocation: the struct followed by the message bytes.
dlc_status allocate_status(size_t length, char **out_text) {
  auto *status = static_cast<dlc_status_s *>(std::malloc(sizeof(dlc_status_s) + length + 1));
  if (!status) return nullptr;
  *out_text = reinterpret_cast<char *>(status + 1);
  status->message = *out_text;
  return status;
}

}  // namespace

extern "C" const char *dlc_status_message(dlc_status status) {
  return status ? status->message : "";
}

extern "C" void dlc_status_free(dlc_status status) {
  if (status && status != out_of_memory_status()) std::free(status);
}

extern "C" dlc_status dlc_status_make(const char *format, ...) {
  if (!format) format = "(no message)";
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (length < 0) {
    va_end(args);
    // An encoding error in the format: keep the format itself as the message.
    length = static_cast<int>(std::strlen(format));
    char *text;
    dlc_status status = allocate_status(length, &text);
    if (!status) return out_of_memory_status();
    std::memcpy(text, format, length + 1);
    return status;
  }
  char *text;
  dlc_status status = allocate_status(length, &text);
  if (!status) {
    va_end(args);
    return out_of_memory_status();
  }
  std::vsnprintf(text, length + 1, format, args);
  va_end(args);
  return status;
}

namespace dlcrt {

std::string shape_string(const int64_t *shape, int32_t rank) {
  std::string text = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i) text += ", ";
    text += std::to_string(static_cast<long long>(shape[i]));
  }
  text += "]";
  return text;
}

}  // namespace dlcrt
