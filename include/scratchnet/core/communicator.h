#pragma once
// Communicator: the processes that train one model together (synchronous data
// parallelism). Without MPI, or when started as a single process, it is a
// communicator of one and every call is free. Built with Open MPI and started
// by `mpirun -np N`, it wraps MPI_COMM_WORLD.
//
// The library only sums (allreduce) through it; ending a job whose rank
// failed is left to the tool (abort), so library code never exits.

#include <memory>
#include <span>
#include <string>

#include "scratchnet/core/export.h"

namespace scratchnet {

class SCRATCHNET_API Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Sums `values` element-wise over all processes, in place; every process
  // must call it with the same number of values.
  virtual void allreduce_sum(std::span<float> values) = 0;
  virtual void allreduce_sum(std::span<double> values) = 0;
  // Ends every process of the job with exit code `code` (MPI_Abort).
  [[noreturn]] virtual void abort(int code) = 0;
  virtual std::string describe() const = 0;
};

// The communicator of this process: MPI when scratchnet was built with it and
// the process was started by mpirun with more than one process (MPI is then
// initialised on first use and finalised at exit), else a single process.
SCRATCHNET_API Communicator& world();
// Whether this build can run under MPI.
SCRATCHNET_API bool built_with_mpi();

// The samples of a batch of `count` that process `rank` of `size` handles:
// a contiguous share, the first count % size ranks taking one more.
struct SCRATCHNET_API Shard {
  std::size_t begin, end;
};
SCRATCHNET_API Shard shard_of(std::size_t count, int rank, int size);

}  // namespace scratchnet
