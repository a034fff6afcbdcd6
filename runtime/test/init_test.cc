// init_test.cc — initializers: the Philox generator against the Random123
// known answers, bit-determinism and pinned golden bits (a generator change
// must be deliberate), the statistics of each random kind, our own
// log/sin/cos against libm, the 16-bit float roundings, constants for every
// dtype, and the error cases.
#include "internal.h"
#include "test_util.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace {

dlc_init_spec spec_of(dlc_init_kind kind, uint64_t seed = 1, double a = 0, double b = 0,
                      int64_t fan_in = 0, int64_t fan_out = 0) {
  dlc_init_spec spec;
  std::memset(&spec, 0, sizeof spec);
  spec.kind = kind;
  spec.seed = seed;
  spec.a = a;
  spec.b = b;
  spec.fan_in = fan_in;
  spec.fan_out = fan_out;
  return spec;
}

template <typename T>
std::vector<T> fill(const dlc_init_spec &spec, dlc_dtype dtype, int64_t n) {
  std::vector<T> out(static_cast<size_t>(n));
  dlc_status status = dlc_init_fill(&spec, dtype, n, out.data());
  EXPECT_EQ(status, nullptr) << dlc_status_message(status);
  dlc_status_free(status);
  return out;
}

template <typename T>
void mean_std(const std::vector<T> &v, double *mean, double *std_dev) {
  double sum = 0, sum_sq = 0;
  for (T x : v) sum += x;
  *mean = sum / v.size();
  for (T x : v) sum_sq += (x - *mean) * (x - *mean);
  *std_dev = std::sqrt(sum_sq / (v.size() - 1));
}

uint32_t bits_of(float x) { uint32_t b; std::memcpy(&b, &x, 4); return b; }
uint64_t bits_of(double x) { uint64_t b; std::memcpy(&b, &x, 8); return b; }

}  // namespace

TEST(Philox, KnownAnswersFromRandom123) {
  struct Case { uint32_t ctr[4], key[2], want[4]; };
  const Case cases[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Case &c : cases) {
    uint32_t out[4];
    dlcrt::philox4x32_10(c.ctr, c.key, out);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], c.want[i]) << "word " << i;
  }
}

TEST(Init, SameSeedSameBitsDifferentSeedDiffers) {
  for (dlc_init_kind kind : {DLC_INIT_UNIFORM, DLC_INIT_NORMAL}) {
    const auto spec1 = spec_of(kind, 7, 0, 1);
    const auto a = fill<float>(spec1, DLC_DTYPE_F32, 1000);
    const auto b = fill<float>(spec1, DLC_DTYPE_F32, 1000);
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * 4), 0);
    const auto c = fill<float>(spec_of(kind, 8, 0, 1), DLC_DTYPE_F32, 1000);
    int same = 0;
    for (size_t i = 0; i < a.size(); ++i) same += a[i] == c[i];
    EXPECT_LT(same, 5);
  }
}

TEST(Init, ElementDependsOnlyOnSeedAndIndex) {
  // A prefix of a longer fill equals a shorter fill: counter = index.
  const auto spec = spec_of(DLC_INIT_NORMAL, 3, 0, 1);
  const auto longer = fill<double>(spec, DLC_DTYPE_F64, 100);
  const auto shorter = fill<double>(spec, DLC_DTYPE_F64, 10);
  EXPECT_EQ(std::memcmp(longer.data(), shorter.data(), 10 * 8), 0);
}

TEST(Init, F64FillRoundedIsF32Fill) {
  const auto spec = spec_of(DLC_INIT_UNIFORM, 5, -2, 3);
  const auto f32 = fill<float>(spec, DLC_DTYPE_F32, 1000);
  const auto f64 = fill<double>(spec, DLC_DTYPE_F64, 1000);
  for (size_t i = 0; i < f32.size(); ++i) EXPECT_EQ(f32[i], static_cast<float>(f64[i]));
}

// Golden bits, seed 1. Computed with this implementation and cross-checked
// with an independent Python Philox + math.log/math.cos (uniform and
// he_uniform bit-identical, normal equal to 17 digits). If one changes,
// every model's initial weights change: change it on purpose only.
TEST(Init, GoldenUniformF32Seed1) {
  const uint32_t golden[4] = {0x3f63e806, 0x3f2c0814, 0x3e7d56cc, 0x3f41f3cf};
  const auto v = fill<float>(spec_of(DLC_INIT_UNIFORM, 1, 0, 1), DLC_DTYPE_F32, 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(bits_of(v[i]), golden[i]) << "element " << i;
}

TEST(Init, GoldenNormalF64Seed1) {
  const uint64_t golden[4] = {0xbfda7d4d42746e8bull, 0xbfec327de4fc7ee7ull,
                               0xbfd88f378d304e02ull, 0x3fdd9c208d159237ull};
  const auto v = fill<double>(spec_of(DLC_INIT_NORMAL, 1, 0, 1), DLC_DTYPE_F64, 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(bits_of(v[i]), golden[i]) << "element " << i;
}

TEST(Init, GoldenHeUniformF32Seed1) {
  const uint32_t golden[4] = {0x3d8bd6fa, 0x3cf6867e, 0xbd350663, 0x3d38a0d1};
  const auto v = fill<float>(spec_of(DLC_INIT_HE_UNIFORM, 1, 0, 0, 784, 256), DLC_DTYPE_F32, 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(bits_of(v[i]), golden[i]) << "element " << i;
}

TEST(Init, UniformStatisticsAndBounds) {
  const auto v = fill<double>(spec_of(DLC_INIT_UNIFORM, 11, 0, 1), DLC_DTYPE_F64, 100000);
  double mean, std_dev;
  mean_std(v, &mean, &std_dev);
  EXPECT_NEAR(mean, 0.5, 0.005);
  EXPECT_NEAR(std_dev, std::sqrt(1.0 / 12), 0.003);
  for (double x : v) {
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
  }
  const auto w = fill<float>(spec_of(DLC_INIT_UNIFORM, 12, -3, 5), DLC_DTYPE_F32, 100000);
  mean_std(w, &mean, &std_dev);
  EXPECT_NEAR(mean, 1.0, 0.04);
  EXPECT_NEAR(std_dev, 8 / std::sqrt(12.0), 0.03);
}

TEST(Init, NormalStatistics) {
  const auto v = fill<double>(spec_of(DLC_INIT_NORMAL, 13, 0, 1), DLC_DTYPE_F64, 100000);
  double mean, std_dev;
  mean_std(v, &mean, &std_dev);
  EXPECT_NEAR(mean, 0.0, 0.015);
  EXPECT_NEAR(std_dev, 1.0, 0.01);
  // Tails: P(|z| > 2) = 4.55%, P(|z| > 3) = 0.27%.
  int over2 = 0, over3 = 0;
  for (double x : v) {
    over2 += std::fabs(x) > 2;
    over3 += std::fabs(x) > 3;
  }
  EXPECT_NEAR(over2 / 100000.0, 0.0455, 0.003);
  EXPECT_NEAR(over3 / 100000.0, 0.0027, 0.0008);

  const auto w = fill<float>(spec_of(DLC_INIT_NORMAL, 14, 2, 0.5), DLC_DTYPE_F32, 100000);
  mean_std(w, &mean, &std_dev);
  EXPECT_NEAR(mean, 2.0, 0.008);
  EXPECT_NEAR(std_dev, 0.5, 0.005);
}

TEST(Init, FanBasedKinds) {
  const int64_t fan_in = 784, fan_out = 256;
  double mean, std_dev;
  {
    const double limit = std::sqrt(6.0 / fan_in);
    const auto v = fill<float>(spec_of(DLC_INIT_HE_UNIFORM, 1, 0, 0, fan_in, fan_out),
                               DLC_DTYPE_F32, 100000);
    mean_std(v, &mean, &std_dev);
    EXPECT_NEAR(mean, 0.0, 0.003);
    EXPECT_NEAR(std_dev, std::sqrt(2.0 / fan_in), 0.01 * std::sqrt(2.0 / fan_in));
    for (float x : v) {
      ASSERT_GE(x, -limit);
      ASSERT_LE(x, limit);
    }
  }
  {
    const double limit = std::sqrt(6.0 / (fan_in + fan_out));
    const auto v = fill<float>(spec_of(DLC_INIT_GLOROT_UNIFORM, 2, 0, 0, fan_in, fan_out),
                               DLC_DTYPE_F32, 100000);
    mean_std(v, &mean, &std_dev);
    EXPECT_NEAR(std_dev, limit / std::sqrt(3.0), 0.01 * limit);
    for (float x : v) {
      ASSERT_GE(x, -limit);
      ASSERT_LE(x, limit);
    }
  }
  {
    const auto v = fill<double>(spec_of(DLC_INIT_HE_NORMAL, 3, 0, 0, fan_in, fan_out),
                                DLC_DTYPE_F64, 100000);
    mean_std(v, &mean, &std_dev);
    EXPECT_NEAR(std_dev, std::sqrt(2.0 / fan_in), 0.01 * std::sqrt(2.0 / fan_in));
  }
  {
    const double want = std::sqrt(2.0 / (fan_in + fan_out));
    const auto v = fill<double>(spec_of(DLC_INIT_GLOROT_NORMAL, 4, 0, 0, fan_in, fan_out),
                                DLC_DTYPE_F64, 100000);
    mean_std(v, &mean, &std_dev);
    EXPECT_NEAR(std_dev, want, 0.01 * want);
  }
}

TEST(Init, HalfAndBfloatRandomFillsRoundTheDoubleValue) {
  const auto spec = spec_of(DLC_INIT_NORMAL, 21, 0, 1);
  const auto f64 = fill<double>(spec, DLC_DTYPE_F64, 1000);
  const auto f16 = fill<uint16_t>(spec, DLC_DTYPE_F16, 1000);
  const auto bf16 = fill<uint16_t>(spec, DLC_DTYPE_BF16, 1000);
  for (size_t i = 0; i < f64.size(); ++i) {
    EXPECT_EQ(f16[i], dlcrt::double_to_f16_bits(f64[i]));
    EXPECT_EQ(bf16[i], dlcrt::double_to_bf16_bits(f64[i]));
  }
}

TEST(Init, ConstantsForEveryDtype) {
  {
    const auto v = fill<float>(spec_of(DLC_INIT_ONES), DLC_DTYPE_F32, 5);
    for (float x : v) EXPECT_EQ(x, 1.0f);
  }
  {
    const auto v = fill<double>(spec_of(DLC_INIT_CONSTANT, 0, -2.25), DLC_DTYPE_F64, 5);
    for (double x : v) EXPECT_EQ(x, -2.25);
  }
  {
    const auto v = fill<uint16_t>(spec_of(DLC_INIT_ONES), DLC_DTYPE_F16, 3);
    for (uint16_t x : v) EXPECT_EQ(x, 0x3c00);
  }
  {
    const auto v = fill<uint16_t>(spec_of(DLC_INIT_CONSTANT, 0, 0.1), DLC_DTYPE_BF16, 3);
    for (uint16_t x : v) EXPECT_EQ(x, 0x3dcd);  // 0.1 = 0x3dcccccd as f32 → 0x3dcd
  }
  {
    const auto v = fill<int64_t>(spec_of(DLC_INIT_CONSTANT, 0, -7), DLC_DTYPE_I64, 3);
    for (int64_t x : v) EXPECT_EQ(x, -7);
  }
  {
    const auto v = fill<int32_t>(spec_of(DLC_INIT_ONES), DLC_DTYPE_I32, 3);
    for (int32_t x : v) EXPECT_EQ(x, 1);
  }
  {
    const auto v = fill<int8_t>(spec_of(DLC_INIT_CONSTANT, 0, -128), DLC_DTYPE_I8, 3);
    for (int8_t x : v) EXPECT_EQ(x, -128);
  }
  {
    const auto v = fill<uint8_t>(spec_of(DLC_INIT_CONSTANT, 0, 255), DLC_DTYPE_U8, 3);
    for (uint8_t x : v) EXPECT_EQ(x, 255);
  }
  {
    const auto v = fill<uint8_t>(spec_of(DLC_INIT_ONES), DLC_DTYPE_BOOL, 3);
    for (uint8_t x : v) EXPECT_EQ(x, 1);
  }
  {
    std::vector<int32_t> v(4, 99);
    const auto spec = spec_of(DLC_INIT_ZEROS);
    DLC_ASSERT_OK(dlc_init_fill(&spec, DLC_DTYPE_I32, 4, v.data()));
    for (int32_t x : v) EXPECT_EQ(x, 0);
  }
  {
    const int32_t values[3] = {4, -5, 6};
    auto spec = spec_of(DLC_INIT_DATA);
    spec.data = values;
    const auto v = fill<int32_t>(spec, DLC_DTYPE_I32, 3);
    EXPECT_EQ(v, std::vector<int32_t>({4, -5, 6}));
  }
}

TEST(Init, Errors) {
  std::vector<double> buffer(16);
  auto uniform = spec_of(DLC_INIT_UNIFORM, 1, 0, 1);
  DLC_ASSERT_ERROR(dlc_init_fill(&uniform, DLC_DTYPE_I32, 4, buffer.data()),
                   "needs a floating-point dtype, got i32");
  auto he = spec_of(DLC_INIT_HE_NORMAL, 1, 0, 0, 0, 10);
  DLC_ASSERT_ERROR(dlc_init_fill(&he, DLC_DTYPE_F32, 4, buffer.data()), "needs fan_in > 0");
  auto glorot = spec_of(DLC_INIT_GLOROT_UNIFORM, 1, 0, 0, 10, -1);
  DLC_ASSERT_ERROR(dlc_init_fill(&glorot, DLC_DTYPE_F32, 4, buffer.data()), "needs fan_out > 0");
  auto backwards = spec_of(DLC_INIT_UNIFORM, 1, 2, 1);
  DLC_ASSERT_ERROR(dlc_init_fill(&backwards, DLC_DTYPE_F32, 4, buffer.data()), "low <= high");
  auto negative_std = spec_of(DLC_INIT_NORMAL, 1, 0, -1);
  DLC_ASSERT_ERROR(dlc_init_fill(&negative_std, DLC_DTYPE_F32, 4, buffer.data()), "std >= 0");
  auto half = spec_of(DLC_INIT_CONSTANT, 0, 0.5);
  DLC_ASSERT_ERROR(dlc_init_fill(&half, DLC_DTYPE_I32, 4, buffer.data()),
                   "not representable in i32");
  auto big = spec_of(DLC_INIT_CONSTANT, 0, 300);
  DLC_ASSERT_ERROR(dlc_init_fill(&big, DLC_DTYPE_U8, 4, buffer.data()), "not representable in u8");
  auto unknown = spec_of(DLC_INIT_NONE);
  const int bogus_kind = 42;  // as a C caller could store it
  std::memcpy(&unknown.kind, &bogus_kind, sizeof bogus_kind);
  DLC_ASSERT_ERROR(dlc_init_fill(&unknown, DLC_DTYPE_F32, 4, buffer.data()),
                   "unknown initializer kind 42");
  auto data = spec_of(DLC_INIT_DATA);
  DLC_ASSERT_ERROR(dlc_init_fill(&data, DLC_DTYPE_F32, 4, buffer.data()), "has no data");
  DLC_ASSERT_ERROR(dlc_init_fill(&uniform, DLC_DTYPE_F32, -1, buffer.data()), "negative");
  DLC_ASSERT_ERROR(dlc_init_fill(&uniform, static_cast<dlc_dtype>(15), 4, buffer.data()),
                   "unknown dtype");
  DLC_ASSERT_ERROR(dlc_init_fill(nullptr, DLC_DTYPE_F32, 4, buffer.data()), "NULL");
  DLC_ASSERT_OK(dlc_init_fill(&uniform, DLC_DTYPE_F32, 0, nullptr));  // empty is fine
}

// ------------------------------------------------------ deterministic math

TEST(DetMath, LogMatchesLibm) {
  double worst = 0;
  for (int i = 0; i <= 200000; ++i) {
    const double x = std::pow(10.0, -300.0 + 600.0 * i / 200000.0);
    const double want = std::log(x);
    worst = std::max(worst, std::fabs(dlcrt::det_log(x) - want) / std::fabs(want));
  }
  for (int i = -100000; i <= 100000; ++i) {  // near 1, where log is small
    const double x = 1.0 + i * 1e-7;
    if (x == 1.0) continue;
    const double want = std::log(x);
    worst = std::max(worst, std::fabs(dlcrt::det_log(x) - want) / std::fabs(want));
  }
  for (double x : {4.9e-324, 1e-310, 2.2250738585072014e-308, 0.5, 2.0, 0x1.fffffffffffffp-1,
                   0x1.0000000000001p+0, 1.7976931348623157e308}) {
    const double want = std::log(x);
    worst = std::max(worst, std::fabs(dlcrt::det_log(x) - want) / std::fabs(want));
  }
  EXPECT_LT(worst, 1e-14);
  EXPECT_EQ(dlcrt::det_log(1.0), 0.0);
  EXPECT_TRUE(std::isinf(dlcrt::det_log(0.0)));
  EXPECT_TRUE(std::isnan(dlcrt::det_log(-1.0)));
}

TEST(DetMath, SinCosMatchLibm) {
  double worst = 0;
  for (int i = -200000; i <= 200000; ++i) {
    const double x = i * 0.000523 + 1e-9;  // [-104.6, 104.6], not hitting 0 exactly
    for (int which = 0; which < 2; ++which) {
      const double want = which ? std::cos(x) : std::sin(x);
      const double got = which ? dlcrt::det_cos(x) : dlcrt::det_sin(x);
      worst = std::max(worst, std::fabs(got - want) / std::fabs(want));
    }
  }
  EXPECT_LT(worst, 1e-14);
  EXPECT_EQ(dlcrt::det_sin(0.0), 0.0);
  EXPECT_EQ(dlcrt::det_cos(0.0), 1.0);
}

TEST(DetMath, CosTwoPiTurns) {
  double worst = 0;
  for (int i = 0; i < 100000; ++i) {
    const double t = i / 100000.0;
    // libm's cos(2π·t) carries the rounding of 2π·t, so compare absolutely.
    worst = std::max(worst, std::fabs(dlcrt::det_cos_2pi(t) - std::cos(2 * M_PI * t)));
  }
  EXPECT_LT(worst, 2e-15);
  EXPECT_EQ(dlcrt::det_cos_2pi(0.0), 1.0);
  EXPECT_EQ(dlcrt::det_cos_2pi(0.5), -1.0);
  EXPECT_EQ(dlcrt::det_cos_2pi(0.25), 0.0);
  EXPECT_EQ(dlcrt::det_cos_2pi(0.75), 0.0);
  EXPECT_NEAR(dlcrt::det_cos_2pi(0.125), std::sqrt(0.5), 1.2e-16);  // within 1 ulp
  EXPECT_EQ(dlcrt::det_cos_2pi(-0.3), dlcrt::det_cos_2pi(0.3));
}

// ----------------------------------------------------- 16-bit float rounding

namespace {

// For every finite value v of the format and its successor w: v and w are
// fixed points, the midpoint rounds to the one with an even significand, and
// points just either side of the midpoint round toward the nearer one.
void check_small_float(uint16_t (*to_bits)(double), double (*from_bits)(uint16_t),
                       uint16_t positive_inf) {
  for (uint32_t b = 0; b <= positive_inf; ++b) {
    const uint16_t v = static_cast<uint16_t>(b);
    ASSERT_EQ(to_bits(from_bits(v)), v) << std::hex << b;
    ASSERT_EQ(to_bits(-from_bits(v)), v | 0x8000) << std::hex << b;
  }
  for (uint32_t b = 0; b + 1 < positive_inf; ++b) {
    const uint16_t v = static_cast<uint16_t>(b), w = static_cast<uint16_t>(b + 1);
    const double x = from_bits(v), y = from_bits(w);
    const double mid = x + (y - x) / 2;  // exact in double
    ASSERT_EQ(to_bits(mid), (v & 1) ? w : v) << std::hex << b;
    ASSERT_EQ(to_bits(std::nextafter(mid, 0.0)), v) << std::hex << b;
    ASSERT_EQ(to_bits(std::nextafter(mid, 1e300)), w) << std::hex << b;
  }
  EXPECT_EQ(to_bits(1e300), positive_inf);
  EXPECT_EQ(to_bits(-1e300), positive_inf | 0x8000);
  EXPECT_EQ(to_bits(INFINITY), positive_inf);
  EXPECT_GT(to_bits(NAN) & 0x7fff, positive_inf);
  EXPECT_EQ(to_bits(1e-300), 0);
  EXPECT_EQ(to_bits(-0.0), 0x8000);
}

}  // namespace

TEST(SmallFloat, HalfRoundsToNearestEven) {
  check_small_float(dlcrt::double_to_f16_bits, dlcrt::f16_bits_to_double, 0x7c00);
  EXPECT_EQ(dlcrt::double_to_f16_bits(1.0), 0x3c00);
  EXPECT_EQ(dlcrt::double_to_f16_bits(65504.0), 0x7bff);
  EXPECT_EQ(dlcrt::double_to_f16_bits(65520.0), 0x7c00);  // the midpoint to 2^16 rounds up
  EXPECT_EQ(dlcrt::double_to_f16_bits(std::ldexp(1.0, -24)), 0x0001);
}

TEST(SmallFloat, BfloatRoundsToNearestEven) {
  check_small_float(dlcrt::double_to_bf16_bits, dlcrt::bf16_bits_to_double, 0x7f80);
  EXPECT_EQ(dlcrt::double_to_bf16_bits(1.0), 0x3f80);
  EXPECT_EQ(dlcrt::double_to_bf16_bits(1.0 + 1.0 / 256), 0x3f80);  // tie → even
  EXPECT_EQ(dlcrt::double_to_bf16_bits(1.0 + 3.0 / 256), 0x3f82);  // tie → even
}
