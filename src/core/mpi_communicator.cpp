// The MPI communicator (compiled only when CMake found MPI).
#ifdef SCRATCHNET_WITH_MPI

#include <mpi.h>

#include <fmt/format.h>

#include "scratchnet/core/communicator.h"
#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void allreduce_sum(std::span<float> values) override {
    check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_FLOAT, MPI_SUM,
                        MPI_COMM_WORLD));
  }
  void allreduce_sum(std::span<double> values) override {
    check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM,
                        MPI_COMM_WORLD));
  }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);
  }
  std::string describe() const override { return fmt::format("Open MPI, {} processes", size_); }

 private:
  static void check(int status) {
    if (status != MPI_SUCCESS) throw_internal("MPI_Allreduce failed with status {}", status);
  }
  int rank_ = 0, size_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

}  // namespace scratchnet

#endif  // SCRATCHNET_WITH_MPI
