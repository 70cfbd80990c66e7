#include "scratchnet/core/communicator.h"

#include <cstdlib>

namespace scratchnet {
namespace {

class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allreduce_sum(std::span<float>) override {}
  void allreduce_sum(std::span<double>) override {}
  [[noreturn]] void abort(int code) override { std::_Exit(code); }
  std::string describe() const override { return "single process"; }
};

// Whether the launcher started more than one process (Open MPI, or PMI-based launchers).
// Unused without MPI (the asan preset builds without it).
[[maybe_unused]] bool launched_in_parallel() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    const char* v = std::getenv(var);
    if (v && std::atoi(v) > 1) return true;
  }
  return false;
}

}  // namespace

#ifdef SCRATCHNET_WITH_MPI
std::unique_ptr<Communicator> make_mpi_communicator();  // mpi_communicator.cpp
bool built_with_mpi() { return true; }
#else
bool built_with_mpi() { return false; }
#endif

Communicator& world() {
  static std::unique_ptr<Communicator> instance = []() -> std::unique_ptr<Communicator> {
#ifdef SCRATCHNET_WITH_MPI
    if (launched_in_parallel()) return make_mpi_communicator();
#endif
    return std::make_unique<SingleProcess>();
  }();
  return *instance;
}

Shard shard_of(std::size_t count, int rank, int size) {
  const auto r = static_cast<std::size_t>(rank), p = static_cast<std::size_t>(size);
  const std::size_t base = count / p, extra = count % p;
  const std::size_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

}  // namespace scratchnet
