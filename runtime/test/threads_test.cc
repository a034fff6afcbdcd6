// threads_test.cc — the thread pool: every index runs exactly once in
// T = min(threads, n) contiguous chunks of nearly equal size; a chunk the
// calling thread cannot wait for is taken by pool threads; nested and
// concurrent calls run serially; n == 0 calls nothing; dlc_set_num_threads
// takes effect on the next loop; workers have large stacks; DLC_NUM_THREADS
// parsing.
#include "test_util.h"

#include "internal.h"

#include <algorithm>
#include <alloca.h>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace {

// What one loop saw: a counter per index and the chunks with their threads.
struct Record {
  std::vector<std::atomic<int>> hits;
  std::mutex mutex;
  struct Chunk {
    int64_t begin, end;
    std::thread::id thread;
  };
  std::vector<Chunk> chunks;
  explicit Record(int64_t n) : hits(static_cast<size_t>(n)) {}
};

void recordBody(void *ctx, int64_t begin, int64_t end) {
  auto *r = static_cast<Record *>(ctx);
  for (int64_t i = begin; i < end; ++i) r->hits[static_cast<size_t>(i)]++;
  std::lock_guard<std::mutex> lock(r->mutex);
  r->chunks.push_back({begin, end, std::this_thread::get_id()});
}

// Sets the thread count for one test and restores it afterwards.
class Threads {
 public:
  explicit Threads(int n) : saved_(dlc_get_num_threads()) { set(n); }
  ~Threads() { set(saved_); }
  static void set(int n) {
    dlc_status status = dlc_set_num_threads(n);
    ASSERT_EQ(status, nullptr) << dlc_status_message(status);
  }

 private:
  int saved_;
};

// Runs one loop and checks coverage and the chunking rule.
void checkLoop(int threads, int64_t n) {
  SCOPED_TRACE("threads " + std::to_string(threads) + ", n " + std::to_string(n));
  Threads scope(threads);
  Record r(n);
  dlc_parallel_for(recordBody, &r, n);
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(r.hits[static_cast<size_t>(i)].load(), 1) << "index " << i;
  int64_t expected = n == 0 ? 0 : std::min<int64_t>(threads, n);
  ASSERT_EQ(static_cast<int64_t>(r.chunks.size()), expected);
  if (n == 0) return;
  std::sort(r.chunks.begin(), r.chunks.end(),
            [](const Record::Chunk &a, const Record::Chunk &b) { return a.begin < b.begin; });
  int64_t at = 0, base = n / expected;
  for (const Record::Chunk &c : r.chunks) {
    EXPECT_EQ(c.begin, at);
    int64_t size = c.end - c.begin;
    EXPECT_TRUE(size == base || size == base + 1) << "chunk size " << size;
    at = c.end;
  }
  EXPECT_EQ(at, n);
  // At most T threads (the caller and T - 1 pool threads) ran them.
  std::vector<std::thread::id> ids;
  for (const Record::Chunk &c : r.chunks) ids.push_back(c.thread);
  std::sort(ids.begin(), ids.end());
  EXPECT_LE(std::unique(ids.begin(), ids.end()) - ids.begin(), expected);
}

}  // namespace

TEST(Threads, EveryIndexExactlyOnceInNearlyEqualChunks) {
  for (int threads : {1, 2, 3, 4, 8})
    for (int64_t n : {1, 2, 3, 5, 7, 64, 640, 1000, 100003}) checkLoop(threads, n);
}

TEST(Threads, FewerIterationsThanThreads) {
  checkLoop(8, 3);
  checkLoop(4, 1);
}

TEST(Threads, ZeroIterationsCallNothing) {
  checkLoop(4, 0);
  Threads scope(4);
  Record r(0);
  dlc_parallel_for(recordBody, &r, -5);
  EXPECT_TRUE(r.chunks.empty());
}

TEST(Threads, SetNumThreadsTakesEffectOnTheNextLoop) {
  Threads scope(3);
  EXPECT_EQ(dlc_get_num_threads(), 3);
  checkLoop(3, 100);
  Threads::set(1);
  EXPECT_EQ(dlc_get_num_threads(), 1);
  Record r(100);
  dlc_parallel_for(recordBody, &r, 100);
  ASSERT_EQ(r.chunks.size(), 1u);
  EXPECT_EQ(r.chunks[0].thread, std::this_thread::get_id());
  checkLoop(5, 100);  // more threads again: the pool grows
  checkLoop(2, 100);  // and fewer: the others stay asleep
}

TEST(Threads, SetNumThreadsRejectsLessThanOneAndClampsLarge) {
  Threads scope(2);
  EXPECT_EQ(dlcrt_test::take_message(dlc_set_num_threads(0)),
            "dlc_set_num_threads: 0 threads: expected at least 1");
  EXPECT_NE(dlc_set_num_threads(-3), nullptr);  // (leaks a status; fine in a test)
  EXPECT_EQ(dlc_get_num_threads(), 2);
  Threads::set(DLC_MAX_THREADS + 5);
  EXPECT_EQ(dlc_get_num_threads(), DLC_MAX_THREADS);
}

namespace {
struct Nested {
  Record outer{64};
  std::atomic<int> innerCalls{0};
  std::atomic<int> innerBadCoverage{0};
};

void innerBody(void *ctx, int64_t begin, int64_t end) {
  auto *span = static_cast<std::pair<int64_t, int64_t> *>(ctx);
  span->first = begin;
  span->second = end;
}

void outerBody(void *ctx, int64_t begin, int64_t end) {
  auto *s = static_cast<Nested *>(ctx);
  recordBody(&s->outer, begin, end);
  // A nested loop: one call covering the whole range.
  std::pair<int64_t, int64_t> span{-1, -1};
  dlc_parallel_for(innerBody, &span, 1000);
  if (span.first != 0 || span.second != 1000) s->innerBadCoverage++;
  s->innerCalls++;
}

struct ThreadProbe {
  std::thread::id caller;
  std::atomic<int> elsewhere{0};
};
void probeBody(void *ctx, int64_t, int64_t) {
  auto *p = static_cast<ThreadProbe *>(ctx);
  if (std::this_thread::get_id() != p->caller) p->elsewhere++;
}
void outerProbeBody(void *ctx, int64_t, int64_t) {
  ThreadProbe probe;
  probe.caller = std::this_thread::get_id();
  dlc_parallel_for(probeBody, &probe, 1000);
  if (probe.elsewhere.load() != 0) static_cast<std::atomic<int> *>(ctx)->fetch_add(1);
}
}  // namespace

TEST(Threads, NestedCallsRunSeriallyOnTheirThread) {
  Threads scope(4);
  Nested s;
  dlc_parallel_for(outerBody, &s, 64);
  EXPECT_EQ(s.outer.chunks.size(), 4u);
  EXPECT_EQ(s.innerCalls.load(), 4);
  EXPECT_EQ(s.innerBadCoverage.load(), 0);
  // ... and on the thread that made it.
  std::atomic<int> escaped{0};
  dlc_parallel_for(outerProbeBody, &escaped, 4);
  EXPECT_EQ(escaped.load(), 0);
}

namespace {
// Uses 16 MiB of stack on pool threads; the calling thread's stack may be
// 8 MiB, so a chunk it claims just waits long enough for the pool threads
// to take the others.
struct BigStack {
  std::thread::id caller;
  std::atomic<int> onPool{0};
};
void bigStackBody(void *ctx, int64_t, int64_t) {
  auto *s = static_cast<BigStack *>(ctx);
  if (std::this_thread::get_id() == s->caller) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return;
  }
  const size_t size = size_t(16) << 20;
  auto *buffer = static_cast<volatile char *>(alloca(size));
  for (size_t i = 0; i < size; i += 4096) buffer[i] = static_cast<char>(i);
  s->onPool++;
}
}  // namespace

TEST(Threads, PoolThreadsHaveLargeStacks) {
  Threads scope(3);
  BigStack s;
  s.caller = std::this_thread::get_id();
  for (int attempt = 0; attempt < 20 && s.onPool.load() == 0; ++attempt)
    dlc_parallel_for(bigStackBody, &s, 3);
  EXPECT_GT(s.onPool.load(), 0);
}

namespace {
// Blocks a chunk until another one has started: passes only if two
// threads run chunks at the same time.
struct Rendezvous {
  std::atomic<int> started{0};
  std::atomic<int> met{0};
};
void rendezvousBody(void *ctx, int64_t, int64_t) {
  auto *r = static_cast<Rendezvous *>(ctx);
  r->started++;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (r->started.load() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  if (r->started.load() >= 2) r->met++;
}
}  // namespace

TEST(Threads, ChunksRunConcurrently) {
  Threads scope(2);
  Rendezvous r;
  dlc_parallel_for(rendezvousBody, &r, 2);
  EXPECT_EQ(r.met.load(), 2);
}

namespace {
void sumBody(void *ctx, int64_t begin, int64_t end) {
  int64_t s = 0;
  for (int64_t i = begin; i < end; ++i) s += i;
  static_cast<std::atomic<int64_t> *>(ctx)->fetch_add(s);
}
}  // namespace

TEST(Threads, ManySmallLoopsInARow) {
  Threads scope(4);
  for (int round = 0; round < 20000; ++round) {
    std::atomic<int64_t> sum{0};
    int64_t n = 1 + round % 97;
    dlc_parallel_for(sumBody, &sum, n);
    ASSERT_EQ(sum.load(), n * (n - 1) / 2) << "round " << round;
  }
}

TEST(Threads, ConcurrentCallersFromApplicationThreads) {
  Threads scope(4);
  std::atomic<int> failures{0};
  auto run = [&failures] {
    for (int round = 0; round < 2000; ++round) {
      std::atomic<int64_t> sum{0};
      dlc_parallel_for(sumBody, &sum, 1000);
      if (sum.load() != 1000 * 999 / 2) failures++;
    }
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(Threads, ParseNumThreads) {
  EXPECT_EQ(dlcrt_parse_num_threads("4"), 4);
  EXPECT_EQ(dlcrt_parse_num_threads("1"), 1);
  EXPECT_EQ(dlcrt_parse_num_threads("0016"), 16);
  EXPECT_EQ(dlcrt_parse_num_threads("1024"), DLC_MAX_THREADS);
  EXPECT_EQ(dlcrt_parse_num_threads("99999999999999999999999"), DLC_MAX_THREADS);
  for (const char *bad : {"", "0", "-1", "+2", " 2", "2 ", "abc", "4x", "1.5", "0x10"})
    EXPECT_EQ(dlcrt_parse_num_threads(bad), 0) << "'" << bad << "'";
  EXPECT_EQ(dlcrt_parse_num_threads(nullptr), 0);
}

TEST(Threads, DefaultNumThreads) {
  EXPECT_EQ(dlcrt_default_num_threads(nullptr, 6), 6);
  EXPECT_EQ(dlcrt_default_num_threads("", 6), 6);
  EXPECT_EQ(dlcrt_default_num_threads("3", 6), 3);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(dlcrt_default_num_threads("lots", 6), 6);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "dlc: warning: ignoring DLC_NUM_THREADS='lots' (not a positive integer); "
            "using 6 threads\n");
  EXPECT_GE(dlcrt_available_cores(), 1);
}
