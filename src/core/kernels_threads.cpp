// The thread pool the kernels split work on: num_threads() - 1 workers plus
// the calling thread, sharing each job's chunks through one atomic counter.
// A worker spins (with pause) for a short while after each job, so the next
// job of the same training step starts without a system call, then sleeps on
// a futex (std::atomic::wait) until woken.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SCRATCHNET_PAUSE() _mm_pause()
#else
#define SCRATCHNET_PAUSE() ((void)0)
#endif

namespace scratchnet::detail {
namespace {

// How long an idle worker keeps spinning before it sleeps.
constexpr auto kSpin = std::chrono::microseconds(300);

using Body = void (*)(void*, int);

thread_local int t_thread_index = 0;  // 1.. for the pool's workers

class Pool {
 public:
  explicit Pool(int workers) {
    for (int id = 1; id <= workers; ++id)
      threads_.emplace_back([this, id] {
        t_thread_index = id;
        work();
      });
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() {
    stop_.store(true, std::memory_order_release);
    wake_.fetch_add(1, std::memory_order_release);
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  int workers() const { return static_cast<int>(threads_.size()); }

  void run(int chunks, Body body, void* context) {
    const std::uint64_t job = ++job_ & kJobMask;
    body_.store(body, std::memory_order_relaxed);
    context_.store(context, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    ticket_.store(job << 48 | static_cast<std::uint64_t>(chunks), std::memory_order_release);
    wake_.store(static_cast<std::uint32_t>(job), std::memory_order_release);
    wake_.notify_all();
    for (int c; (c = claim(job, false)) >= 0;) {
      body(context, c);
      done_.fetch_add(1, std::memory_order_release);
    }
    // Every chunk is claimed; wait for those that workers are still running.
    while (done_.load(std::memory_order_acquire) != chunks) SCRATCHNET_PAUSE();
  }

 private:
  static constexpr std::uint64_t kJobMask = 0xFFFF, kCountMask = 0xFFFFFF;

  // The next unclaimed chunk of job `job`, or -1 when there is none (or that
  // job is over). The ticket holds job (16 bits) | front (24) | back (24):
  // chunks [front, back) are unclaimed. The caller takes them from the
  // front, workers from the back, so with two threads each works through
  // its own half of the data (in cache) until they meet.
  int claim(std::uint64_t job, bool from_back) {
    std::uint64_t ticket = ticket_.load(std::memory_order_acquire);
    while (true) {
      const std::uint64_t front = ticket >> 24 & kCountMask, back = ticket & kCountMask;
      if ((ticket >> 48) != job || front >= back) return -1;
      const std::uint64_t next = from_back ? ticket - 1 : ticket + (std::uint64_t(1) << 24);
      if (ticket_.compare_exchange_weak(ticket, next, std::memory_order_acq_rel))
        return static_cast<int>(from_back ? back - 1 : front);
    }
  }

  void work() {
    std::uint32_t seen = 0;
    while (true) {
      std::uint32_t job = wake_.load(std::memory_order_acquire);
      auto start = std::chrono::steady_clock::now();
      for (int spins = 0; job == seen; job = wake_.load(std::memory_order_acquire)) {
        if (++spins % 256 != 0) {
          SCRATCHNET_PAUSE();
        } else if (std::chrono::steady_clock::now() - start > kSpin) {
          wake_.wait(seen, std::memory_order_acquire);
          start = std::chrono::steady_clock::now();
        }
      }
      seen = job;
      if (stop_.load(std::memory_order_acquire)) return;
      // A chunk claimed under this job's number belongs to this job, so the
      // body and context read before the claim are this job's.
      const Body body = body_.load(std::memory_order_acquire);
      void* const context = context_.load(std::memory_order_acquire);
      for (int c; (c = claim(job, true)) >= 0;) {
        body(context, c);
        done_.fetch_add(1, std::memory_order_release);
      }
    }
  }

  std::vector<std::thread> threads_;
  std::uint64_t job_ = 0;                 // the caller's job number
  std::atomic<std::uint32_t> wake_{0};    // the latest job (16 bits), for workers to wait on
  std::atomic<std::uint64_t> ticket_{0};  // job | front | back, see claim()
  std::atomic<int> done_{0};              // chunks of the current job finished
  std::atomic<Body> body_{nullptr};
  std::atomic<void*> context_{nullptr};
  std::atomic<bool> stop_{false};
};

std::atomic<bool> g_busy{false};  // a job runs on the pool
std::unique_ptr<Pool> g_pool;     // touched only by the thread that set g_busy

}  // namespace

void run_chunks(int chunks, Body body, void* context) {
  const int workers = num_threads() - 1;
  // Nested calls (from a chunk) and calls from other threads find the pool
  // busy and run their chunks here, in order.
  if (chunks > 1 && chunks < (1 << 24) && workers > 0 &&
      !g_busy.exchange(true, std::memory_order_acquire)) {
    struct Release {
      ~Release() { g_busy.store(false, std::memory_order_release); }
    } release;
    if (!g_pool || g_pool->workers() != workers) {
      g_pool.reset();
      g_pool = std::make_unique<Pool>(workers);
    }
    g_pool->run(chunks, body, context);
    return;
  }
  for (int c = 0; c < chunks; ++c) body(context, c);
}

}  // namespace scratchnet::detail

namespace scratchnet {
int current_thread() { return detail::t_thread_index; }
}  // namespace scratchnet
