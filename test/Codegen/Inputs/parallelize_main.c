/* parallelize_main.c — runs the kernels of parallelize-e2e.mlir (entry
 * points with the bare-pointer convention: inputs, outputs, workspace) on
 * the runtime's thread pool and checks every element exactly; prints
 * "ok (N threads)" or the first wrong element. */
#include <dlc/runtime.h>

#include <stdio.h>
#include <stdlib.h>

void blocked(const float *a, float *out, void *workspace);
void own(const float *a, float *out, void *workspace);
void small(const float *a, float *out, void *workspace);
void strided(float *out, void *workspace);

static int check(const char *name, const float *out, const float *expected, long n) {
  for (long i = 0; i < n; ++i)
    if (out[i] != expected[i]) {
      printf("%s: element %ld is %g, expected %g\n", name, i, out[i], expected[i]);
      return 1;
    }
  return 0;
}

int main(void) {
  enum { kRows = 2048, kCols = 256, kSize = 640 * 1000 /* the largest output */ };
  float *a = malloc(sizeof(float) * kRows * kCols);
  float *out = malloc(sizeof(float) * kSize);
  float *expected = malloc(sizeof(float) * kSize);
  if (!a || !out || !expected) return 2;
  for (long i = 0; i < (long)kRows * kCols; ++i) a[i] = (float)(i % 1000) * 0.25f - 7.0f;
  char workspace[64];
  int failures = 0;

  for (long i = 0; i < 256L * 256; ++i) expected[i] = 2.0f * a[i] + 1.0f;
  blocked(a, out, workspace);
  failures += check("blocked", out, expected, 256L * 256);

  for (long i = 0; i < (long)kRows * kCols; ++i) expected[i] = 3.0f * a[i] - a[i];
  own(a, out, workspace);
  failures += check("own", out, expected, (long)kRows * kCols);

  for (long i = 0; i < 16; ++i) expected[i] = a[i] + a[i];
  small(a, out, workspace);
  failures += check("small", out, expected, 16);

  for (long i = 0; i < 640L * 1000; ++i) out[i] = -1.0f;
  for (long i = 0; i < 640; ++i)
    for (long j = 0; j < 1000; ++j)
      expected[i * 1000 + j] =
          i >= 1 && (i - 1) % 3 == 0 && j >= 2 && (j - 2) % 5 == 0 ? (float)(1000 * i + j) : -1.0f;
  strided(out, workspace);
  failures += check("strided", out, expected, 640L * 1000);

  if (!failures) printf("ok (%d threads)\n", dlc_get_num_threads());
  free(a);
  free(out);
  free(expected);
  return failures != 0;
}
