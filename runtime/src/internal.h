// internal.h — declarations shared by the runtime's source files; not
// installed and not part of the C API.
//
// Contract:
//  - Everything here lives in namespace dlcrt (never exported through the C
//    header). Tests may call these functions; user code must not.
//  - Functions return a dlc_status like the C API (NULL = OK) and never throw
//    on bad input. Allocation failure may throw std::bad_alloc; every C entry
//    point catches it through dlcrt::guard().
#ifndef DLCRT_INTERNAL_H
#define DLCRT_INTERNAL_H

#include "dlc/runtime.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace dlcrt {

// ------------------------------------------------------------- status.cc
// Runs `body` (returning dlc_status) and turns any C++ exception into an
// error status, so no exception crosses the C API.
template <typename F>
dlc_status guard(F &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return dlc_status_make("out of memory");
  } catch (...) {
    return dlc_status_make("internal error: unexpected C++ exception in libdlcrt");
  }
}

// The integer stored in an enum field. A C caller may store any int there;
// in C++ loading an enum lvalue outside the enum's range is undefined, so
// fields coming from callers are read through their bytes.
template <typename E>
int enum_int(const E &value) {
  static_assert(sizeof(E) == sizeof(int), "C enums are int-sized");
  int result;
  std::memcpy(&result, &value, sizeof result);
  return result;
}

// "[256, 784]" — the shape spelling used in every message.
std::string shape_string(const int64_t *shape, int32_t rank);

// --------------------------------------------------------------- dtype.cc
bool dtype_is_valid(dlc_dtype dtype);
bool dtype_is_float(dlc_dtype dtype);
// Correctly rounded (round to nearest, ties to even) conversions of a double
// straight to half and bfloat16 bits: no intermediate float, so no double
// rounding. Overflow gives infinity, NaN stays NaN.
uint16_t double_to_f16_bits(double x);
uint16_t double_to_bf16_bits(double x);
double f16_bits_to_double(uint16_t bits);
double bf16_bits_to_double(uint16_t bits);
// The safetensors spellings ("F32", "BF16", "BOOL", …).
const char *dtype_safetensors_name(dlc_dtype dtype);
bool dtype_from_safetensors_name(const std::string &name, dlc_dtype *out);

// ---------------------------------------------------------------- init.cc
// Philox4x32-10 (Salmon et al., SC'11): a counter-based generator, so element
// i of a tensor depends only on (seed, i), never on the order of evaluation.
void philox4x32_10(const uint32_t counter[4], const uint32_t key[2],
                   uint32_t out[4]);
// Deterministic elementary functions built only from +, -, *, / (IEEE exact
// with -ffp-contract=off), so every machine gets the same bits. About 1 ulp.
double det_log(double x);            // x > 0; NaN otherwise (−inf at 0)
double det_sin(double x);            // accurate for |x| < 2^28
double det_cos(double x);            // accurate for |x| < 2^28
double det_cos_2pi(double turns);    // cos(2π·turns), exact range reduction

// ----------------------------------------------------------- file_util.cc
// Reads the whole file. Messages start with the path.
dlc_status file_read_all(const char *path, std::vector<uint8_t> *out);
// Writes the pieces to "<path>.tmp.<pid>", flushes, then rename()s onto
// path. On any failure the temporary file is removed and path is untouched.
struct Piece {
  const void *data;
  size_t size;
};
dlc_status file_write_atomic(const char *path, const std::vector<Piece> &pieces);

// 64-byte aligned allocation of at least 64 bytes, zero-filled; NULL on
// failure. Release with std::free.
void *aligned_zalloc(size_t size);

}  // namespace dlcrt

// The opaque handle of the C API (params.cc owns its life cycle;
// safetensors.cc reads and fills it).
struct dlc_params {
  const dlc_model_info *info = nullptr;
  std::vector<void *> data;      // one 64-byte aligned block per parameter
  std::vector<uint8_t> is_set;   // initialized or loaded
  void *workspace = nullptr;     // inference workspace, allocated on first use
  std::vector<void *> args;      // packed-call argument array, reused
  ~dlc_params();
};

#endif  // DLCRT_INTERNAL_H
