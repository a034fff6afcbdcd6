// init.c — parameter initializers, bit-reproducible on every machine.
//
// Contract (dlc_init_fill):
//  - Random numbers come from Philox4x32-10, a counter-based generator:
//    key = the 64-bit seed (low word, high word), counter = (element index low
//    word, high word, 0, 0). Element i depends only on (seed, i), so the
//    result does not depend on how or in what order elements are filled.
//  - Uniform draw: u = (top 24 bits of word 0) · 2^-24, exact, in [0, 1).
//    U(low, high) = low + (high − low)·u in double, then rounded once to the
//    dtype (the same u for every float dtype, so an f64 fill rounded to f32
//    equals the f32 fill).
//  - Normal draw: Box–Muller, cos branch only, from all four words:
//    u1 = (53 bits of words 0,1 + 1)·2^-53 in (0, 1], u2 = (53 bits of words
//    2,3)·2^-53 in [0, 1); z = sqrt(−2·log u1)·cos(2π·u2) in double; then
//    mean + std·z rounded once to the dtype.
//  - log and cos are our own (det_log, det_cos_2pi), built from +, −, ×, ÷
//    and sqrt only — all correctly rounded by IEEE 754 — and this file is
//    compiled with -ffp-contract=off so no FMA changes a rounding. libm's
//    log/cos differ between builds and architectures in the last bit; ours
//    do not. Accuracy ≈ 1–2 ulp, far more than an initializer needs.
//  - Constants fill every dtype (integers and bool only with exactly
//    representable values); random kinds need a floating dtype.
#include "internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

static const char *const kKindNames[] = {
    "none",    "data",          "zeros",          "ones",
    "constant", "uniform",      "normal",         "glorot_uniform",
    "glorot_normal", "he_uniform", "he_normal",
};

static const char *kind_name(int index) {
  return index >= 0 && index < (int)(sizeof kKindNames / sizeof *kKindNames) ? kKindNames[index]
                                                                             : "?";
}

// The integer stored in the kind field: a C caller may store any int there.
static int kind_int(const dlc_init_kind *kind) {
  int value;
  memcpy(&value, kind, sizeof value);
  return value;
}

// ------------------------------------------------------------ elementary math

static const double kLn2Hi = 0x1.62e42feep-1;  // 32 significant bits: k·hi exact
static const double kLn2Lo = 0x1.a39ef35793c76p-33;
static const double kSqrtHalf = 0x1.6a09e667f3bcdp-1;
// π/2 = p1 + p2 + p3 (to ~1e-37); p1 and p2 have 33 bits, so k·p1 and k·p2
// are exact for |k| < 2^20 (Cody–Waite reduction).
static const double kPio2_1 = 0x1.921fb544p+0;
static const double kPio2_2 = 0x1.0b4611a6p-34;
static const double kPio2_3 = 0x1.3198a2e037073p-69;
static const double kTwoOverPi = 0x1.45f306dc9c883p-1;
static const double kTwoPi = 0x1.921fb54442d18p+2;

// 1/n! = ((1/2)/3)/…/n, each division rounded as IEEE prescribes; these are
// constant expressions, folded by the compiler (the same bits on every host).
#define INV_F3 (1.0 / 2 / 3)
#define INV_F4 (INV_F3 / 4)
#define INV_F5 (INV_F4 / 5)
#define INV_F6 (INV_F5 / 6)
#define INV_F7 (INV_F6 / 7)
#define INV_F8 (INV_F7 / 8)
#define INV_F9 (INV_F8 / 9)
#define INV_F10 (INV_F9 / 10)
#define INV_F11 (INV_F10 / 11)
#define INV_F12 (INV_F11 / 12)
#define INV_F13 (INV_F12 / 13)
#define INV_F14 (INV_F13 / 14)
#define INV_F15 (INV_F14 / 15)
#define INV_F16 (INV_F15 / 16)
#define INV_F17 (INV_F16 / 17)
#define INV_F18 (INV_F17 / 18)
#define INV_F19 (INV_F18 / 19)
#define INV_F20 (INV_F19 / 20)
static const double kInvFactorial[21] = {
    1.0,     1.0,     1.0 / 2, INV_F3,  INV_F4,  INV_F5,  INV_F6,
    INV_F7,  INV_F8,  INV_F9,  INV_F10, INV_F11, INV_F12, INV_F13,
    INV_F14, INV_F15, INV_F16, INV_F17, INV_F18, INV_F19, INV_F20,
};

// sin on |x| <= π/4: Taylor series to x^19 (truncation < 1e-19 relative).
static double sin_kernel(double x) {
  const double *f = kInvFactorial;
  const double z = x * x;
  double p = -f[19];
  p = f[17] + z * p;
  p = -f[15] + z * p;
  p = f[13] + z * p;
  p = -f[11] + z * p;
  p = f[9] + z * p;
  p = -f[7] + z * p;
  p = f[5] + z * p;
  p = -f[3] + z * p;
  return x + x * (z * p);
}

// cos on |x| <= π/4: Taylor series to x^20.
static double cos_kernel(double x) {
  const double *f = kInvFactorial;
  const double z = x * x;
  double p = f[20];
  p = -f[18] + z * p;
  p = f[16] + z * p;
  p = -f[14] + z * p;
  p = f[12] + z * p;
  p = -f[10] + z * p;
  p = f[8] + z * p;
  p = -f[6] + z * p;
  p = f[4] + z * p;
  // 1 − z/2 + z²·p: the small terms are summed first.
  return 1.0 + (z * (z * p) - 0.5 * z);
}

// sin(quadrant·π/2 + r) for |r| <= π/4.
static double sin_quadrant(int quadrant, double r) {
  switch (quadrant & 3) {
    case 0: return sin_kernel(r);
    case 1: return cos_kernel(r);
    case 2: return -sin_kernel(r);
    default: return -cos_kernel(r);
  }
}

// x = k·π/2 + r with |r| <= ~π/4; returns k mod 4.
static int reduce_pio2(double x, double *r) {
  const double k = floor(x * kTwoOverPi + 0.5);
  *r = ((x - k * kPio2_1) - k * kPio2_2) - k * kPio2_3;
  double quadrant = fmod(k, 4.0);  // exact
  if (quadrant < 0) quadrant += 4.0;
  return (int)quadrant;
}

void dlcrt_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]) {
  const uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  const uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = (uint64_t)kMul0 * c0;
    const uint64_t p1 = (uint64_t)kMul1 * c2;
    const uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
    const uint32_t n1 = (uint32_t)p1;
    const uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    const uint32_t n3 = (uint32_t)p0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

double dlcrt_det_log(double x) {
  if (x != x || x < 0) return NAN;
  if (x == 0) return -INFINITY;
  if (x == INFINITY) return x;
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  int k = 0;
  if ((bits >> 52) == 0) {  // subnormal: scale into the normal range (exact)
    x *= 0x1p54;
    k -= 54;
    memcpy(&bits, &x, sizeof bits);
  }
  k += (int)(bits >> 52) - 1023;
  bits = (bits & (((uint64_t)1 << 52) - 1)) | ((uint64_t)1023 << 52);
  double m;  // x = m·2^k, m in [1, 2)
  memcpy(&m, &bits, sizeof m);
  if (m > 2 * kSqrtHalf) {  // keep m in [√½, √2) so |s| <= 0.172
    m *= 0.5;
    ++k;
  }
  // log m = 2·atanh(s), s = (m − 1)/(m + 1); m − 1 is exact (Sterbenz).
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s;  // <= 0.0295: 12 terms reach 1e-19
  double p = 1.0 / 25;
  p = 1.0 / 23 + z * p;
  p = 1.0 / 21 + z * p;
  p = 1.0 / 19 + z * p;
  p = 1.0 / 17 + z * p;
  p = 1.0 / 15 + z * p;
  p = 1.0 / 13 + z * p;
  p = 1.0 / 11 + z * p;
  p = 1.0 / 9 + z * p;
  p = 1.0 / 7 + z * p;
  p = 1.0 / 5 + z * p;
  p = 1.0 / 3 + z * p;
  const double two_s = 2.0 * s;
  const double log_m = two_s + two_s * (z * p);
  const double dk = (double)k;
  return dk * kLn2Hi + (log_m + dk * kLn2Lo);
}

double dlcrt_det_sin(double x) {
  if (!(fabs(x) <= DBL_MAX)) return NAN;
  double r;
  const int quadrant = reduce_pio2(x, &r);
  return sin_quadrant(quadrant, r);
}

double dlcrt_det_cos(double x) {
  if (!(fabs(x) <= DBL_MAX)) return NAN;
  double r;
  const int quadrant = reduce_pio2(x, &r);
  return sin_quadrant(quadrant + 1, r);  // cos x = sin(x + π/2)
}

double dlcrt_det_cos_2pi(double turns) {
  if (!(fabs(turns) <= DBL_MAX)) return NAN;
  // Every step of this reduction is exact: the fractional part of a
  // non-negative double, 4·r, r − q/4 and 1/4 − f are all representable.
  const double t = fabs(turns);  // cos is even
  const double r = t - floor(t);
  const double q = floor(4.0 * r);
  double f = r - 0.25 * q;  // [0, 1/4)
  int quadrant = (int)q;
  // cos(2π(q/4 + f)) = sin(2π(q/4 + f) + π/2) = sin((q+1)·π/2 + 2πf).
  ++quadrant;
  if (f > 0.125) {
    // sin(n·π/2 + 2πf) = sin((n+1)·π/2 − 2π(1/4 − f)) — keeps |arg| <= π/4.
    f = 0.25 - f;
    ++quadrant;
    return sin_quadrant(quadrant, -(kTwoPi * f));
  }
  return sin_quadrant(quadrant, kTwoPi * f);
}

// Stores double `value` as element i of `data`, rounding once. Only floating
// dtypes reach this from the random kinds.
static void store_float(dlc_dtype dtype, void *data, int64_t i, double value) {
  switch (dtype) {
    case DLC_DTYPE_F32: ((float *)data)[i] = (float)value; break;
    case DLC_DTYPE_F64: ((double *)data)[i] = value; break;
    case DLC_DTYPE_F16: ((uint16_t *)data)[i] = dlcrt_double_to_f16_bits(value); break;
    case DLC_DTYPE_BF16: ((uint16_t *)data)[i] = dlcrt_double_to_bf16_bits(value); break;
    default: break;
  }
}

static void philox_words(uint64_t seed, int64_t index, uint32_t out[4]) {
  const uint64_t counter64 = (uint64_t)index;
  const uint32_t counter[4] = {(uint32_t)counter64, (uint32_t)(counter64 >> 32), 0, 0};
  const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  dlcrt_philox4x32_10(counter, key, out);
}

static void fill_uniform(uint64_t seed, double low, double high, dlc_dtype dtype, int64_t n,
                         void *data) {
  const double width = high - low;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t w[4];
    philox_words(seed, i, w);
    const double u = (double)(w[0] >> 8) * 0x1p-24;
    store_float(dtype, data, i, low + width * u);
  }
}

static void fill_normal(uint64_t seed, double mean, double std_dev, dlc_dtype dtype, int64_t n,
                        void *data) {
  for (int64_t i = 0; i < n; ++i) {
    uint32_t w[4];
    philox_words(seed, i, w);
    const uint64_t a = ((uint64_t)w[0] << 21) | (w[1] >> 11);
    const uint64_t b = ((uint64_t)w[2] << 21) | (w[3] >> 11);
    const double u1 = (double)(a + 1) * 0x1p-53;  // (0, 1]: log finite
    const double u2 = (double)b * 0x1p-53;        // [0, 1)
    const double z = sqrt(-2.0 * dlcrt_det_log(u1)) * dlcrt_det_cos_2pi(u2);
    store_float(dtype, data, i, mean + std_dev * z);
  }
}

// Fills with one value; integer and bool dtypes need it to be exactly
// representable (a silent truncation of 0.5 to 0 would hide a model error).
static dlc_status fill_constant(double value, dlc_dtype dtype, int64_t n, void *data) {
  if (dlcrt_dtype_is_float(dtype)) {
    for (int64_t i = 0; i < n; ++i) store_float(dtype, data, i, value);
    return NULL;
  }
  double low = 0, high = 0;
  switch (dtype) {
    case DLC_DTYPE_I64: low = -0x1p63; high = 0x1p63 - 1024; break;  // largest double < 2^63
    case DLC_DTYPE_I32: low = -2147483648.0; high = 2147483647.0; break;
    case DLC_DTYPE_I8: low = -128; high = 127; break;
    case DLC_DTYPE_U8: low = 0; high = 255; break;
    case DLC_DTYPE_BOOL: low = 0; high = 1; break;
    default: return dlc_status_make("unknown dtype %d", (int)dtype);
  }
  if (!(value >= low && value <= high) || value != floor(value))
    return dlc_status_make("constant %.17g is not representable in %s", value,
                           dlc_dtype_name(dtype));
  for (int64_t i = 0; i < n; ++i) {
    switch (dtype) {
      case DLC_DTYPE_I64: ((int64_t *)data)[i] = (int64_t)value; break;
      case DLC_DTYPE_I32: ((int32_t *)data)[i] = (int32_t)value; break;
      case DLC_DTYPE_I8: ((int8_t *)data)[i] = (int8_t)value; break;
      default: ((uint8_t *)data)[i] = (uint8_t)value; break;
    }
  }
  return NULL;
}

static dlc_status need_fans(const dlc_init_spec *spec, int need_fan_out) {
  if (spec->fan_in <= 0)
    return dlc_status_make("initializer '%s' needs fan_in > 0, got %lld",
                           kind_name(kind_int(&spec->kind)), (long long)spec->fan_in);
  if (need_fan_out && spec->fan_out <= 0)
    return dlc_status_make("initializer '%s' needs fan_out > 0, got %lld",
                           kind_name(kind_int(&spec->kind)), (long long)spec->fan_out);
  return NULL;
}

dlc_status dlc_init_fill(const dlc_init_spec *spec, dlc_dtype dtype, int64_t n, void *data) {
  if (!spec) return dlc_status_make("initializer spec is NULL");
  if (!dlcrt_dtype_is_valid(dtype)) return dlc_status_make("unknown dtype %d", (int)dtype);
  if (n < 0) return dlc_status_make("negative element count %lld", (long long)n);
  const size_t elem = dlc_dtype_size(dtype);
  if ((uint64_t)n > SIZE_MAX / elem)
    return dlc_status_make("element count %lld too large", (long long)n);
  const size_t bytes = (size_t)n * elem;
  if (n > 0 && !data) return dlc_status_make("data pointer is NULL");

  const int kind_value = kind_int(&spec->kind);
  if (kind_value < DLC_INIT_NONE || kind_value > DLC_INIT_HE_NORMAL)
    return dlc_status_make("unknown initializer kind %d", kind_value);
  const dlc_init_kind kind = (dlc_init_kind)kind_value;
  const int random = kind >= DLC_INIT_UNIFORM && kind <= DLC_INIT_HE_NORMAL;
  if (random && !dlcrt_dtype_is_float(dtype))
    return dlc_status_make("initializer '%s' needs a floating-point dtype, got %s",
                           kind_name(kind_value), dlc_dtype_name(dtype));
  switch (kind) {
    case DLC_INIT_NONE:
    case DLC_INIT_ZEROS:
      if (bytes) memset(data, 0, bytes);  // all-zero bits are 0 in every dtype
      return NULL;
    case DLC_INIT_DATA:
      if (n > 0 && !spec->data) return dlc_status_make("initializer 'data' has no data");
      if (bytes) memcpy(data, spec->data, bytes);
      return NULL;
    case DLC_INIT_ONES:
      return fill_constant(1.0, dtype, n, data);
    case DLC_INIT_CONSTANT:
      return fill_constant(spec->a, dtype, n, data);
    case DLC_INIT_UNIFORM: {
      const double low = spec->a, high = spec->b;
      if (!isfinite(low) || !isfinite(high) || !(low <= high) || !isfinite(high - low))
        return dlc_status_make("initializer 'uniform' needs finite low <= high, got [%.17g, %.17g)",
                               low, high);
      fill_uniform(spec->seed, low, high, dtype, n, data);
      return NULL;
    }
    case DLC_INIT_NORMAL:
      if (!isfinite(spec->a) || !isfinite(spec->b) || spec->b < 0)
        return dlc_status_make("initializer 'normal' needs a finite mean and std >= 0, got "
                               "mean %.17g, std %.17g", spec->a, spec->b);
      fill_normal(spec->seed, spec->a, spec->b, dtype, n, data);
      return NULL;
    case DLC_INIT_GLOROT_UNIFORM:
    case DLC_INIT_GLOROT_NORMAL: {
      DLC_RETURN_IF_ERROR(need_fans(spec, 1));
      const double fans = (double)spec->fan_in + (double)spec->fan_out;
      if (kind == DLC_INIT_GLOROT_UNIFORM) {
        const double limit = sqrt(6.0 / fans);
        fill_uniform(spec->seed, -limit, limit, dtype, n, data);
      } else {
        fill_normal(spec->seed, 0.0, sqrt(2.0 / fans), dtype, n, data);
      }
      return NULL;
    }
    case DLC_INIT_HE_UNIFORM:
    case DLC_INIT_HE_NORMAL: {
      DLC_RETURN_IF_ERROR(need_fans(spec, 0));
      const double fan_in = (double)spec->fan_in;
      if (kind == DLC_INIT_HE_UNIFORM) {
        const double limit = sqrt(6.0 / fan_in);
        fill_uniform(spec->seed, -limit, limit, dtype, n, data);
      } else {
        fill_normal(spec->seed, 0.0, sqrt(2.0 / fan_in), dtype, n, data);
      }
      return NULL;
    }
  }
  return dlc_status_make("unknown initializer kind %d", kind_value);
}
