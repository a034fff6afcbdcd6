// dtype.c — element types: sizes, names, and the exact conversions from
// double to the 16-bit float formats.
//
// Contract:
//  - dlc_dtype_size / dlc_dtype_name accept any value (0 / "?" for unknown).
//  - dlcrt_double_to_f16_bits / dlcrt_double_to_bf16_bits round to nearest,
//    ties to even, directly from the double (rounding through float first
//    could round twice and differ in the last bit). They use integer
//    arithmetic only, so they are bit-identical everywhere.
#include "internal.h"

#include <string.h>

typedef struct dtype_row {
  size_t size;
  const char *name;              // model format
  const char *safetensors_name;  // safetensors header
} dtype_row;

static const dtype_row kDtypes[] = {
    {4, "f32", "F32"},  {2, "f16", "F16"}, {2, "bf16", "BF16"},
    {8, "f64", "F64"},  {8, "i64", "I64"}, {4, "i32", "I32"},
    {1, "i8", "I8"},    {1, "u8", "U8"},   {1, "bool", "BOOL"},
};
enum { kNumDtypes = sizeof(kDtypes) / sizeof(kDtypes[0]) };

// The integer stored in a dtype field: a caller may store any int there.
static int dtype_index(dlc_dtype dtype) {
  int index;
  memcpy(&index, &dtype, sizeof index);
  return index;
}

static uint64_t double_bits(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return bits;
}

// Rounds x to a binary format with `mant_bits` explicit significand bits and
// `exp_bits` exponent bits (at most 15 + sign bits in total).
static uint16_t round_double_to_small_float(double x, int mant_bits, int exp_bits) {
  const uint64_t bits = double_bits(x);
  const uint16_t sign = (uint16_t)((bits >> 63) << (mant_bits + exp_bits));
  const int raw_exp = (int)((bits >> 52) & 0x7ff);
  const uint64_t frac = bits & (((uint64_t)1 << 52) - 1);
  const uint16_t exp_all_ones = (uint16_t)((1u << exp_bits) - 1);
  const uint16_t inf = (uint16_t)(exp_all_ones << mant_bits);
  if (raw_exp == 0x7ff) {
    if (frac == 0) return sign | inf;
    // Quiet NaN, keeping the top payload bits.
    return sign | inf | (uint16_t)(1u << (mant_bits - 1)) |
           (uint16_t)(frac >> (52 - mant_bits));
  }
  if (raw_exp == 0 && frac == 0) return sign;
  // Value = m · 2^(e − 52) with m the 53-bit significand.
  int e = raw_exp == 0 ? -1022 : raw_exp - 1023;
  const uint64_t m = raw_exp == 0 ? frac : (frac | ((uint64_t)1 << 52));
  const int bias = (1 << (exp_bits - 1)) - 1;
  const int emin = 1 - bias;
  // Bits dropped from m: normal results keep mant_bits + 1 bits; below emin
  // the result is subnormal and keeps fewer.
  int shift = 52 - mant_bits + (e < emin ? emin - e : 0);
  if (shift > 63) return sign;  // below half the smallest subnormal
  uint64_t q = m >> shift;
  const uint64_t rest = m & (((uint64_t)1 << shift) - 1);
  const uint64_t half = (uint64_t)1 << (shift - 1);
  if (rest > half || (rest == half && (q & 1))) ++q;
  if (e < emin) {
    // Subnormal: the field is q itself; q == 2^mant_bits carries into the
    // exponent field and correctly becomes the smallest normal.
    return sign | (uint16_t)q;
  }
  // Normal: exponent field and fraction; a rounding carry (q == 2^(p+1))
  // propagates into the exponent by the addition.
  const uint64_t field = ((uint64_t)(e + bias) << mant_bits) + q - ((uint64_t)1 << mant_bits);
  if (field >= inf) return sign | inf;
  return sign | (uint16_t)field;
}

static double small_float_to_double(uint16_t bits, int mant_bits, int exp_bits) {
  const int negative = (bits >> (mant_bits + exp_bits)) & 1;
  const int field = (bits >> mant_bits) & ((1 << exp_bits) - 1);
  const uint64_t frac = bits & ((1u << mant_bits) - 1);
  const int bias = (1 << (exp_bits - 1)) - 1;
  uint64_t out;
  if (field == (1 << exp_bits) - 1) {
    out = ((uint64_t)0x7ff << 52) | (frac << (52 - mant_bits));
  } else if (field == 0) {
    // Subnormal (or zero): frac · 2^(1 − bias − mant_bits), exact in double.
    double value = (double)frac;
    for (int i = 0; i < bias - 1 + mant_bits; ++i) value *= 0.5;
    return negative ? -value : value;
  } else {
    out = ((uint64_t)(field - bias + 1023) << 52) | (frac << (52 - mant_bits));
  }
  out |= (uint64_t)negative << 63;
  double value;
  memcpy(&value, &out, sizeof value);
  return value;
}

size_t dlc_dtype_size(dlc_dtype dtype) {
  const int index = dtype_index(dtype);
  return index >= 0 && index < kNumDtypes ? kDtypes[index].size : 0;
}

const char *dlc_dtype_name(dlc_dtype dtype) {
  const int index = dtype_index(dtype);
  return index >= 0 && index < kNumDtypes ? kDtypes[index].name : "?";
}

int dlcrt_dtype_is_valid(dlc_dtype dtype) { return dlc_dtype_size(dtype) != 0; }

int dlcrt_dtype_is_float(dlc_dtype dtype) {
  return dtype == DLC_DTYPE_F32 || dtype == DLC_DTYPE_F64 ||
         dtype == DLC_DTYPE_F16 || dtype == DLC_DTYPE_BF16;
}

uint16_t dlcrt_double_to_f16_bits(double x) { return round_double_to_small_float(x, 10, 5); }
uint16_t dlcrt_double_to_bf16_bits(double x) { return round_double_to_small_float(x, 7, 8); }
double dlcrt_f16_bits_to_double(uint16_t bits) { return small_float_to_double(bits, 10, 5); }
double dlcrt_bf16_bits_to_double(uint16_t bits) { return small_float_to_double(bits, 7, 8); }

const char *dlcrt_dtype_safetensors_name(dlc_dtype dtype) {
  const int index = dtype_index(dtype);
  return index >= 0 && index < kNumDtypes ? kDtypes[index].safetensors_name : "?";
}

int dlcrt_dtype_from_safetensors_name(const char *name, size_t size, dlc_dtype *out) {
  for (int i = 0; i < kNumDtypes; ++i) {
    const char *candidate = kDtypes[i].safetensors_name;
    if (strlen(candidate) == size && memcmp(name, candidate, size) == 0) {
      *out = (dlc_dtype)i;
      return 1;
    }
  }
  return 0;
}
