// threads.c — the thread pool behind the parallel loops of generated code.
//
// Contract (see dlc/runtime.h):
//  - One process-wide pool, created on first use; its workers live until the
//    process ends. dlc_parallel_for(body, ctx, n) cuts [0, n) into
//    T = min(threads, n) static contiguous chunks, wakes T - 1 workers, and
//    the caller and the workers claim chunks until none is left. A chunk's
//    range is a pure function of (n, T), whichever thread runs it; claiming
//    only means that a worker slow to wake (a loaded machine) does not hold
//    the loop up: the threads already running take its chunk.
//  - Kernels last microseconds, so a dispatch must cost about that little:
//    every worker has its own cache line holding the generation of the last
//    loop posted to it, and spins on it for a while (100 µs: pausing, then
//    also yielding the core, which on a loaded machine lets the thread it
//    waits for run) before it sleeps on its own condition variable. The
//    caller waits for the workers the same way. Only the workers a loop needs are
//    posted: a loop with n < threads, or after dlc_set_num_threads lowered
//    the count, leaves the others asleep. When threads outnumber the cores,
//    spinning would steal the cores the work needs, so nobody spins.
//  - Nesting: a call from inside a chunk runs serially on its thread (a
//    thread-local flag), so loops never oversubscribe the machine. A call
//    while another application thread's loop holds the pool (trylock) runs
//    serially too rather than wait: two models may run concurrently.
//  - A chunk runs under the floating-point mode of the loop's caller
//    (rounding, flushing of subnormals: fpenv.c), whichever thread runs it.
//  - Workers have 64 MiB stacks: generated kernels keep packing buffers of a
//    few MiB on the stack (memref.alloca). They block asynchronous signals,
//    which therefore go to the application's threads.
//  - Failure to start a worker is not an error: the loop runs with the
//    threads that exist (at worst on the calling thread alone).
#define _GNU_SOURCE  // sched_getaffinity, CPU_COUNT
#include "internal.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kCacheLine = 64 };
#define WORKER_STACK_BYTES ((size_t)64 << 20)
// How long an idle thread spins before it sleeps, when the pool has no
// more threads than cores. Long enough to span the short serial stretches
// between the loops of one step, short enough not to burn a core for long.
#define SPIN_NANOS 100000

// One worker thread. `posted` and `sleeping` are what the caller writes and
// the worker polls; the struct is cache-line aligned, so workers do not
// share lines.
typedef struct worker {
  _Alignas(kCacheLine) atomic_uint_fast64_t posted;  // generation of its last loop
  atomic_int sleeping;                               // blocked in `wake`
  pthread_mutex_t mutex;
  pthread_cond_t wake;
  uint64_t created_at;  // the generation when it started: nothing to run yet
} worker;

static struct {
  pthread_once_t once;
  atomic_int num_threads;     // what the next loop uses
  int available_cores;        // sched_getaffinity at start-up
  pthread_mutex_t dispatch;   // held by the thread whose loop runs
  // Guarded by `dispatch`:
  int num_workers;
  worker *workers[DLC_MAX_THREADS];
  uint64_t generation;
  atomic_int spin;  // whether idle threads spin before sleeping (workers read it)
  // The current loop, written before `claim` publishes it, and read by a
  // thread only once it has claimed one of the loop's chunks.
  dlc_parallel_body body;
  void *ctx;
  int64_t n;
  uint64_t fp_control;  // the caller's floating-point mode (fpenv.c)
  // The chunks still to be claimed: (generation mod 2^32, chunks, next
  // chunk) in one word, so a claim is one compare-and-swap and cannot take
  // a chunk of another loop.
  _Alignas(kCacheLine) atomic_uint_fast64_t claim;
  // Completion: chunks not yet finished; the caller sleeps on `done` when
  // it runs out of patience.
  _Alignas(kCacheLine) atomic_int pending;
  atomic_int caller_sleeping;
  pthread_mutex_t done_mutex;
  pthread_cond_t done;
} g_pool = {.once = PTHREAD_ONCE_INIT,
            .dispatch = PTHREAD_MUTEX_INITIALIZER,
            .done_mutex = PTHREAD_MUTEX_INITIALIZER,
            .done = PTHREAD_COND_INITIALIZER};

// Set on workers for their whole life, and on a caller while its loop runs.
static _Thread_local int t_in_loop;

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static int64_t now_nanos(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// One wait's spinning phase: spin_more() is called between polls and says
// whether to keep polling. The first polls only pause the core; later ones
// also yield it, so that on a loaded machine the thread being waited for
// gets to run; after SPIN_NANOS the waiter goes to sleep. The clock is read
// every 64 polls.
typedef struct spinner {
  int64_t deadline;
  unsigned polls;
} spinner;

static spinner spin_start(void) {
  spinner s = {0, 0};
  if (atomic_load_explicit(&g_pool.spin, memory_order_relaxed))
    s.deadline = now_nanos() + SPIN_NANOS;
  return s;
}

static int spin_more(spinner *s) {
  if (!s->deadline) return 0;
  ++s->polls;
  if (s->polls % 64 == 0 && now_nanos() > s->deadline) return 0;
  if (s->polls > 1024 && s->polls % 16 == 0)
    sched_yield();
  else
    cpu_relax();
  return 1;
}

// Spins until *word != old or the spinning phase ends; returns the last
// value read.
static uint64_t spin_while_equal(atomic_uint_fast64_t *word, uint64_t old) {
  spinner s = spin_start();
  uint64_t value;
  while ((value = atomic_load_explicit(word, memory_order_acquire)) == old && spin_more(&s)) {
  }
  return value;
}

int dlcrt_parse_num_threads(const char *text) {
  if (!text || !*text) return 0;
  long long value = 0;
  for (const char *p = text; *p; ++p) {
    if (*p < '0' || *p > '9') return 0;
    if (value <= DLC_MAX_THREADS) value = value * 10 + (*p - '0');
  }
  if (value < 1) return 0;
  return value > DLC_MAX_THREADS ? DLC_MAX_THREADS : (int)value;
}

int dlcrt_available_cores(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return count > DLC_MAX_THREADS ? DLC_MAX_THREADS : count;
  }
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online < 1) return 1;
  return online > DLC_MAX_THREADS ? DLC_MAX_THREADS : (int)online;
}

int dlcrt_default_num_threads(const char *env_value, int cores) {
  int n = dlcrt_parse_num_threads(env_value);
  if (n > 0) return n;
  if (env_value && *env_value)
    fprintf(stderr,
            "dlc: warning: ignoring DLC_NUM_THREADS='%s' (not a positive "
            "integer); using %d threads\n",
            env_value, cores);
  return cores;
}

// After fork() only the calling thread exists in the child: forget the
// workers (their memory is lost, a few KB) and any lock a vanished thread
// held, so the child starts a pool of its own on its first loop.
static void reset_after_fork(void) {
  pthread_mutex_init(&g_pool.dispatch, NULL);
  pthread_mutex_init(&g_pool.done_mutex, NULL);
  pthread_cond_init(&g_pool.done, NULL);
  g_pool.num_workers = 0;
  atomic_store(&g_pool.pending, 0);
  atomic_store(&g_pool.claim, 0);
  atomic_store(&g_pool.caller_sleeping, 0);
  t_in_loop = 0;
}

static void init_pool(void) {
  g_pool.available_cores = dlcrt_available_cores();
  atomic_store(&g_pool.num_threads,
               dlcrt_default_num_threads(getenv("DLC_NUM_THREADS"),
                                         g_pool.available_cores));
  pthread_atfork(NULL, NULL, reset_after_fork);
}

static void ensure_init(void) { pthread_once(&g_pool.once, init_pool); }

dlc_status dlc_set_num_threads(int num_threads) {
  if (num_threads < 1)
    return dlc_status_make("dlc_set_num_threads: %d threads: expected at least 1",
                           num_threads);
  ensure_init();
  atomic_store(&g_pool.num_threads,
               num_threads > DLC_MAX_THREADS ? DLC_MAX_THREADS : num_threads);
  return NULL;
}

int dlc_get_num_threads(void) {
  ensure_init();
  return atomic_load(&g_pool.num_threads);
}

static uint64_t claim_word(uint64_t generation, int64_t chunks, int64_t next) {
  return (generation & 0xffffffffu) << 32 | (uint64_t)chunks << 16 | (uint64_t)next;
}

// Runs chunks of loop `generation` until none is left to claim. Chunk c of
// T over [0, n) is the same range whichever thread runs it (the first n % T
// chunks get one more iteration), so what a thread computes never depends
// on which thread it is. Claiming, rather than a fixed chunk per thread,
// lets the threads that are running take the chunk of a thread that has
// not woken up yet (on a loaded machine, a worker can wait milliseconds
// for a core).
static void run_chunks(uint64_t generation) {
  uint64_t current = atomic_load(&g_pool.claim);
  for (;;) {
    if (current >> 32 != (generation & 0xffffffffu)) return;  // another loop's
    int64_t chunks = (int64_t)(current >> 16 & 0xffff), c = (int64_t)(current & 0xffff);
    if (c >= chunks) return;
    if (!atomic_compare_exchange_weak(&g_pool.claim, &current, current + 1)) continue;
    // The loop cannot end before this chunk does, so its fields stay.
    int64_t n = g_pool.n, base = n / chunks, extra = n % chunks;
    dlcrt_fp_set_control(g_pool.fp_control);  // a no-op on the caller
    int64_t begin = c * base + (c < extra ? c : extra);
    int64_t end = begin + base + (c < extra ? 1 : 0);
    g_pool.body(g_pool.ctx, begin, end);
    // The thread that finishes the last chunk wakes the caller if it went
    // to sleep; the same store/load pairing as in wait_for_post.
    if (atomic_fetch_sub(&g_pool.pending, 1) == 1 && atomic_load(&g_pool.caller_sleeping)) {
      pthread_mutex_lock(&g_pool.done_mutex);
      pthread_cond_signal(&g_pool.done);
      pthread_mutex_unlock(&g_pool.done_mutex);
    }
    current = atomic_load(&g_pool.claim);
  }
}

static uint64_t wait_for_post(worker *w, uint64_t seen) {
  uint64_t g = spin_while_equal(&w->posted, seen);
  if (g != seen) return g;
  pthread_mutex_lock(&w->mutex);
  // sleeping = 1 before the re-check of `posted`, and the poster stores
  // `posted` before it reads `sleeping` (both sequentially consistent):
  // either this thread sees the post or the poster sees it asleep.
  atomic_store(&w->sleeping, 1);
  while ((g = atomic_load(&w->posted)) == seen) pthread_cond_wait(&w->wake, &w->mutex);
  atomic_store(&w->sleeping, 0);
  pthread_mutex_unlock(&w->mutex);
  return g;
}

static void *worker_main(void *arg) {
  worker *w = arg;
  t_in_loop = 1;
  uint64_t seen = w->created_at;
  for (;;) {
    seen = wait_for_post(w, seen);
    run_chunks(seen);
  }
  return NULL;
}

static void post(worker *w, uint64_t generation) {
  atomic_store(&w->posted, generation);
  if (atomic_load(&w->sleeping)) {
    pthread_mutex_lock(&w->mutex);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mutex);
  }
}

static void wait_for_workers(void) {
  spinner s = spin_start();
  while (atomic_load_explicit(&g_pool.pending, memory_order_acquire) != 0 && spin_more(&s)) {
  }
  if (atomic_load(&g_pool.pending) == 0) return;
  pthread_mutex_lock(&g_pool.done_mutex);
  atomic_store(&g_pool.caller_sleeping, 1);
  while (atomic_load(&g_pool.pending) != 0) pthread_cond_wait(&g_pool.done, &g_pool.done_mutex);
  atomic_store(&g_pool.caller_sleeping, 0);
  pthread_mutex_unlock(&g_pool.done_mutex);
}

// Starts workers until `wanted` exist (called with `dispatch` held); stops
// early, without error, if the system refuses a thread.
static void start_workers(int wanted) {
  if (g_pool.num_workers >= wanted) return;
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return;
  pthread_attr_setstacksize(&attr, WORKER_STACK_BYTES);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // Workers inherit the creating thread's signal mask: block everything
  // but the synchronous signals a fault raises (blocking those would kill
  // the process instead of running its handler).
  sigset_t all, old;
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  sigdelset(&all, SIGFPE);
  sigdelset(&all, SIGILL);
  sigdelset(&all, SIGABRT);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  while (g_pool.num_workers < wanted) {
    worker *w = aligned_alloc(kCacheLine, sizeof(worker));
    if (!w) break;
    memset(w, 0, sizeof *w);
    w->created_at = g_pool.generation;
    atomic_init(&w->posted, g_pool.generation);
    atomic_init(&w->sleeping, 0);
    pthread_mutex_init(&w->mutex, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_t thread;
    if (pthread_create(&thread, &attr, worker_main, w) != 0) {
      pthread_cond_destroy(&w->wake);
      pthread_mutex_destroy(&w->mutex);
      free(w);
      break;
    }
    g_pool.workers[g_pool.num_workers++] = w;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
}

void dlc_parallel_for(dlc_parallel_body body, void *ctx, int64_t n) {
  if (n <= 0) return;
  if (t_in_loop) {
    body(ctx, 0, n);
    return;
  }
  ensure_init();
  int threads = atomic_load(&g_pool.num_threads);
  if (threads <= 1 || n == 1 || pthread_mutex_trylock(&g_pool.dispatch) != 0) {
    body(ctx, 0, n);
    return;
  }
  int64_t chunks = n < threads ? n : threads;
  start_workers((int)chunks - 1);
  if (chunks > g_pool.num_workers + 1) chunks = g_pool.num_workers + 1;
  // Spinning pays when every thread has a core of its own.
  atomic_store_explicit(&g_pool.spin, threads <= g_pool.available_cores,
                        memory_order_relaxed);
  g_pool.body = body;
  g_pool.ctx = ctx;
  g_pool.n = n;
  g_pool.fp_control = dlcrt_fp_control();
  uint64_t generation = ++g_pool.generation;
  atomic_store(&g_pool.pending, (int)chunks);
  atomic_store(&g_pool.claim, claim_word(generation, chunks, 0));
  for (int64_t i = 0; i + 1 < chunks; ++i) post(g_pool.workers[i], generation);

  t_in_loop = 1;
  run_chunks(generation);
  t_in_loop = 0;
  wait_for_workers();
  pthread_mutex_unlock(&g_pool.dispatch);
}
