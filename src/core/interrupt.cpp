#include "scratchnet/core/interrupt.h"

#include <atomic>
#include <csignal>

namespace scratchnet {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int signal) {
  if (g_interrupted.exchange(true)) std::signal(signal, SIG_DFL);
}

}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

void request_interrupt() { g_interrupted = true; }
bool interrupt_requested() { return g_interrupted.load(std::memory_order_relaxed); }
void clear_interrupt() { g_interrupted = false; }

}  // namespace scratchnet
