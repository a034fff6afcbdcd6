// fpenv.c — the floating-point environment generated code runs in.
//
// Subnormal (denormal) floats cost 10–100× a normal operation on x86 when
// an instruction consumes or produces one. Training drives them in: as a
// model fits its data, gradients and Adam's moments decay towards zero
// and cross into the subnormal range, and a step that took 0.7 ms takes
// 1.4 ms (measured on the bench MLP after 1000 steps on one batch). So, as
// TensorFlow does on its CPU threads and as ONNX Runtime offers, dlc runs
// generated code with subnormals flushed to zero: results that would be
// subnormal become ±0 (FTZ) and subnormal operands read as ±0 (DAZ).
// dlc_set_flush_denormals(0) restores IEEE gradual underflow.
//
// The mode is the calling thread's: dlc_infer / dlc_*_step set it for the
// call and restore the caller's on return (dlcrt_fp_enter/leave), and
// dlc_parallel_for hands the caller's whole control word (rounding, masks,
// FTZ/DAZ) to the pool threads that run its chunks, so every thread of a
// loop computes with the same mode: results stay bitwise independent of
// the thread count.
#include "internal.h"

#include <stdatomic.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
// MXCSR: bits 0–5 are sticky exception flags, the rest is the mode.
enum { kStatusBits = 0x3f, kFlushBits = 0x8040 /* FTZ (15) | DAZ (6) */ };
static uint64_t read_control(void) { return _mm_getcsr() & ~(unsigned)kStatusBits; }
static void write_control(uint64_t control) {
  _mm_setcsr((unsigned)control | (_mm_getcsr() & kStatusBits));
}
#elif defined(__aarch64__)
// FPCR holds only modes; FZ (bit 24) flushes both inputs and results.
enum { kFlushBits = 1 << 24 };
static uint64_t read_control(void) {
  uint64_t value;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(value));
  return value;
}
static void write_control(uint64_t control) {
  __asm__ __volatile__("msr fpcr, %0" : : "r"(control));
}
#else
enum { kFlushBits = 0 };
static uint64_t read_control(void) { return 0; }
static void write_control(uint64_t control) { (void)control; }
#endif

static atomic_int g_flush_denormals = 1;

void dlc_set_flush_denormals(int flush) { atomic_store(&g_flush_denormals, flush != 0); }

int dlc_get_flush_denormals(void) { return atomic_load(&g_flush_denormals); }

uint64_t dlcrt_fp_control(void) { return read_control(); }

void dlcrt_fp_set_control(uint64_t control) {
  if (read_control() != control) write_control(control);
}

uint64_t dlcrt_fp_enter(void) {
  uint64_t saved = read_control();
  uint64_t wanted = atomic_load_explicit(&g_flush_denormals, memory_order_relaxed)
                        ? saved | kFlushBits
                        : saved & ~(uint64_t)kFlushBits;
  if (wanted != saved) write_control(wanted);
  return saved;
}

void dlcrt_fp_leave(uint64_t saved) { dlcrt_fp_set_control(saved); }
