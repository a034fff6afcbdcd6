/* internal.h — declarations shared by the runtime's source files; not
 * installed and not part of the C API.
 *
 * Contract:
 *  - Everything here has the dlcrt_ prefix (never exported through the C
 *    header). Tests may call these functions; user code must not. For C++
 *    tests the same functions are also reachable as dlcrt::name.
 *  - Functions return a dlc_status like the C API (NULL = OK). Allocation
 *    failure is checked everywhere and reported as an "out of memory"
 *    status; nothing aborts.
 *  - The header is plain C11 and also valid C++ (extern "C").
 */
#ifndef DLCRT_INTERNAL_H
#define DLCRT_INTERNAL_H

#include "dlc/runtime.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- status.c */
/* "out of memory" (never NULL). */
dlc_status dlcrt_out_of_memory(void);

/* A growable NUL-terminated byte string. After any allocation failure
 * `failed` is set and further appends do nothing. */
typedef struct dlcrt_buf {
  char *data; /* NULL until the first append */
  size_t size;
  size_t capacity;
  int failed;
} dlcrt_buf;
void dlcrt_buf_append(dlcrt_buf *buf, const void *bytes, size_t size);
void dlcrt_buf_puts(dlcrt_buf *buf, const char *text);
void dlcrt_buf_putc(dlcrt_buf *buf, char c);
void dlcrt_buf_printf(dlcrt_buf *buf, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void dlcrt_buf_free(dlcrt_buf *buf);

/* "[256, 784]" — the shape spelling used in every message. Returns a
 * malloc()ed string (caller frees) or NULL when out of memory. */
char *dlcrt_shape_string(const int64_t *shape, int32_t rank);

/* -------------------------------------------------------------- dtype.c */
int dlcrt_dtype_is_valid(dlc_dtype dtype);
int dlcrt_dtype_is_float(dlc_dtype dtype);
/* Correctly rounded (round to nearest, ties to even) conversions of a double
 * straight to half and bfloat16 bits: no intermediate float, so no double
 * rounding. Overflow gives infinity, NaN stays NaN. */
uint16_t dlcrt_double_to_f16_bits(double x);
uint16_t dlcrt_double_to_bf16_bits(double x);
double dlcrt_f16_bits_to_double(uint16_t bits);
double dlcrt_bf16_bits_to_double(uint16_t bits);
/* The safetensors spellings ("F32", "BF16", "BOOL", …). */
const char *dlcrt_dtype_safetensors_name(dlc_dtype dtype);
/* `name` is `size` bytes (may hold NULs); 1 when found. */
int dlcrt_dtype_from_safetensors_name(const char *name, size_t size, dlc_dtype *out);

/* --------------------------------------------------------------- init.c */
/* Philox4x32-10 (Salmon et al., SC'11): a counter-based generator, so
 * element i of a tensor depends only on (seed, i), never on the order of
 * evaluation. */
void dlcrt_philox4x32_10(const uint32_t counter[4], const uint32_t key[2],
                         uint32_t out[4]);
/* Deterministic elementary functions built only from +, -, *, / (IEEE exact
 * with -ffp-contract=off), so every machine gets the same bits. About 1 ulp. */
double dlcrt_det_log(double x);         /* x > 0; NaN otherwise (−inf at 0) */
double dlcrt_det_sin(double x);         /* accurate for |x| < 2^28 */
double dlcrt_det_cos(double x);         /* accurate for |x| < 2^28 */
double dlcrt_det_cos_2pi(double turns); /* cos(2π·turns), exact range reduction */

/* ---------------------------------------------------------- file_util.c */
/* Reads the whole file into a malloc()ed block (*out_data, at least one byte
 * allocated even for an empty file; caller frees) of *out_size bytes.
 * Messages start with the path. */
dlc_status dlcrt_file_read_all(const char *path, uint8_t **out_data, size_t *out_size);
/* Writes the pieces to "<path>.tmp.<pid>", flushes, then rename()s onto
 * path. On any failure the temporary file is removed and path is untouched. */
typedef struct dlcrt_piece {
  const void *data;
  size_t size;
} dlcrt_piece;
dlc_status dlcrt_file_write_atomic(const char *path, const dlcrt_piece *pieces,
                                   size_t num_pieces);

/* 64-byte aligned allocation of at least 64 bytes, zero-filled; NULL on
 * failure. Release with free(). */
void *dlcrt_aligned_zalloc(size_t size);

/* fpenv.c: the floating-point control word generated code runs under
 * (x86 MXCSR without its status flags, aarch64 FPCR). dlcrt_fp_enter sets
 * the calling thread's for a call into generated code (subnormals flushed
 * unless dlc_set_flush_denormals(0)) and returns the caller's, which
 * dlcrt_fp_leave restores. The pool copies a loop's caller's control word
 * to the threads that run its chunks (dlcrt_fp_control/dlcrt_fp_set_control). */
uint64_t dlcrt_fp_enter(void);
void dlcrt_fp_leave(uint64_t saved);
uint64_t dlcrt_fp_control(void);
void dlcrt_fp_set_control(uint64_t control);

/* -------------------------------------------------------------- dataset.c */
typedef struct dlcrt_dataset_split {
  int64_t count;    /* examples; 0 for an absent split */
  dlc_dtype dtype;  /* of the examples: DLC_DTYPE_U8, DLC_DTYPE_F32 or DLC_DTYPE_I64 */
  void *images;     /* count x example_size values (free()) */
  int64_t *labels;  /* count labels (free()) */
} dlcrt_dataset_split;

struct dlc_dataset {
  int64_t example_size;
  dlcrt_dataset_split splits[2]; /* indexed by dlc_split */
};

void dlcrt_dataset_split_free(dlcrt_dataset_split *split);

/* -------------------------------------------------------------- batcher.c */
/* Fills order[0, n) with the permutation of [0, n) for (seed, epoch):
 * Fisher-Yates driven by Philox4x32-10, a pure function of its arguments. */
void dlcrt_shuffle_order(uint64_t seed, int64_t epoch, int64_t n, int64_t *order);

/* -------------------------------------------------------------- threads.c */
/* DLC_NUM_THREADS's value as a thread count: a positive decimal integer
 * (digits only), clamped to DLC_MAX_THREADS; 0 for NULL, "" or anything
 * else. */
int dlcrt_parse_num_threads(const char *text);
/* The cores this process may run on (sched_getaffinity; sysconf if that
 * fails), at least 1 and at most DLC_MAX_THREADS. */
int dlcrt_available_cores(void);
/* The pool's initial thread count: env_value (DLC_NUM_THREADS, may be NULL)
 * if it parses, otherwise `cores`, with a warning on stderr when env_value
 * was set but invalid. */
int dlcrt_default_num_threads(const char *env_value, int cores);

#ifdef __cplusplus
} /* extern "C" */

/* The C++ spelling the unit tests use. */
namespace dlcrt {
inline void philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]) {
  dlcrt_philox4x32_10(counter, key, out);
}
inline double det_log(double x) { return dlcrt_det_log(x); }
inline double det_sin(double x) { return dlcrt_det_sin(x); }
inline double det_cos(double x) { return dlcrt_det_cos(x); }
inline double det_cos_2pi(double turns) { return dlcrt_det_cos_2pi(turns); }
inline uint16_t double_to_f16_bits(double x) { return dlcrt_double_to_f16_bits(x); }
inline uint16_t double_to_bf16_bits(double x) { return dlcrt_double_to_bf16_bits(x); }
inline double f16_bits_to_double(uint16_t bits) { return dlcrt_f16_bits_to_double(bits); }
inline double bf16_bits_to_double(uint16_t bits) { return dlcrt_bf16_bits_to_double(bits); }
inline bool dtype_is_valid(dlc_dtype dtype) { return dlcrt_dtype_is_valid(dtype) != 0; }
inline bool dtype_is_float(dlc_dtype dtype) { return dlcrt_dtype_is_float(dtype) != 0; }
}  // namespace dlcrt
#endif

/* The opaque handle of the C API (params.c owns its life cycle;
 * safetensors.c reads and fills it). */
struct dlc_params {
  const dlc_model_info *info;
  void **data;       /* one 64-byte aligned block per parameter */
  uint8_t *is_set;   /* initialized or loaded */
  void *workspace;   /* inference workspace, allocated on first use */
  void **args;       /* packed-call argument array, reused */
  /* Training (all NULL unless info->train_step): */
  void **state;           /* one 64-byte aligned zeroed block per state tensor */
  int32_t step_index;     /* index of "optimizer.step" in info->state, or -1 */
  void *train_workspace;  /* allocated on the first dlc_train_step */
  void **train_args;      /* packed-call argument array of the step */
  float *train_scalars;   /* loss, then the metrics (64-byte aligned) */
  void *eval_workspace;   /* allocated on the first dlc_eval_step */
  void **eval_args;       /* packed-call argument array of the eval step */
};



#endif /* DLCRT_INTERNAL_H */
