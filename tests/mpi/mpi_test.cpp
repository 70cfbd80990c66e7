// Data-parallel training under Open MPI: `mpirun -np N scratchnet train`
// against the single-process run with the same global batch; with batch norm
// and dropout (whose per-shard statistics and per-process masks make it
// another run: tests/train/data_parallel_test.cpp checks those against a
// one-process emulation) every process ends with the same model, running
// statistics included; only rank 0 prints and writes; a failing rank ends
// the whole job.
//
// Tolerance: the processes sum their shares of the mean gradient in float, in
// another order than one process does, so weights after K steps agree to
// rounding, not bit for bit: |a - b| <= 1e-5 per weight after the 3 epochs
// (129 Adam steps) below; the measured differences are ~1e-7.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "../cli/cli_support.h"
#include "scratchnet/io/model_file.h"

namespace {

namespace fs = std::filesystem;

using scratchnet::cli_testing::Result;
Result run(const std::string& command) { return scratchnet::cli_testing::run_shell(command); }

// `wrapper` runs mpirun under another command (e.g. a timeout).
std::string mpirun(int processes, const std::string& wrapper = "") {
  // Root may run mpirun here only with both variables set (containers, CI).
  return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " + wrapper + std::string(SCRATCHNET_MPIEXEC) +
         " --oversubscribe -np " + std::to_string(processes) + " ";
}

// Parameters (and, with `buffers`, running statistics) of a model file.
std::vector<float> weights_of(const std::string& file, bool buffers = false) {
  scratchnet::Model m = scratchnet::load_model(file);
  std::vector<float> all;
  for (const auto& p : m.network->params()) all.insert(all.end(), p.value->data(), p.value->data() + p.value->size());
  if (buffers)
    for (const auto& b : m.network->buffers())
      all.insert(all.end(), b.value->data(), b.value->data() + b.value->size());
  return all;
}
std::vector<float> weights(const std::string& dir) { return weights_of((fs::path(dir) / "model.snm").string()); }

// The names in a folder, sorted.
std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

const std::vector<std::string> kRunFiles = {"config.toml", "metrics.csv", "model.snm", "summary.json"};

std::string temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scratchnet_mpi_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir.string();
}

class Mpi : public ::testing::TestWithParam<int> {};

TEST_P(Mpi, WeightsAndMetricsMatchTheSingleProcessRun) {
  const int processes = GetParam();
  // Batch 32 over 3 processes gives uneven shards (11, 11, 10); 1,347 training
  // images leave a remainder batch of 3.
  const std::string train = std::string(SCRATCHNET_BINARY) +
                            " train --data digits --layers 32 --epochs 3 --batch-size 32 -q --out ";
  const std::string single = temp_dir("single"), parallel = temp_dir("np" + std::to_string(processes));
  ASSERT_EQ(run(train + single).code, 0);
  const Result r = run(mpirun(processes) + train + parallel);
  ASSERT_EQ(r.code, 0) << r.output;
  const auto a = weights(single), b = weights(parallel);
  ASSERT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, static_cast<double>(std::abs(a[i] - b[i])));
    ASSERT_LE(std::abs(a[i] - b[i]), 1e-5) << "weight " << i;
  }
  std::printf("largest weight difference with %d processes: %.3g\n", processes, worst);
  // The metrics agree too (accuracy exactly or within one sample's rounding).
  std::ifstream sa(fs::path(single) / "summary.json"), sb(fs::path(parallel) / "summary.json");
  std::string line_a, line_b;
  while (std::getline(sa, line_a) && std::getline(sb, line_b)) {
    if (line_a.find("\"test_accuracy\"") != std::string::npos) {
      EXPECT_EQ(line_a, line_b);
    }
  }
  // Only rank 0 wrote: the run's four files, no staging folder or other file.
  EXPECT_EQ(listing(parallel), kRunFiles);
  fs::remove_all(single);
  fs::remove_all(parallel);
}

TEST_P(Mpi, WithBatchNormAndDropoutEveryRankHoldsTheSameModel) {
  const int processes = GetParam();
  const std::string dir = temp_dir("bn" + std::to_string(processes)), ranks = dir + "/ranks";
  fs::create_directories(ranks);
  // Every rank saves its final model into `ranks` (a hook of run_training for this test).
  const Result r = run("SCRATCHNET_RANK_MODELS=" + ranks + " " + mpirun(processes) + SCRATCHNET_BINARY +
                       " train --data digits --layers 32,32 --batch-norm --dropout 0.2 --epochs 3 "
                       "--batch-size 32 -q --out " + dir + "/run");
  ASSERT_EQ(r.code, 0) << r.output;
  const auto saved = weights_of(dir + "/run/model.snm", true);
  ASSERT_FALSE(saved.empty());
  for (int rank = 0; rank < processes; ++rank) {
    const auto held = weights_of(ranks + "/rank" + std::to_string(rank) + ".snm", true);
    ASSERT_EQ(held.size(), saved.size());
    // Bit for bit: all apply the same summed gradient, and average the
    // running statistics of their shards.
    for (std::size_t i = 0; i < held.size(); ++i)
      ASSERT_EQ(held[i], saved[i]) << "rank " << rank << ", value " << i << " of " << held.size();
  }
  std::ifstream summary(dir + "/run/summary.json");
  const std::string text((std::istreambuf_iterator<char>(summary)), {});
  const auto at = text.find("\"test_accuracy\": ");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_GT(std::stod(text.substr(at + 17)), 0.5) << "it learns (chance: 0.1; one process: 0.75)";
  EXPECT_EQ(listing(dir + "/run"), kRunFiles);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Processes, Mpi, ::testing::Values(2, 3));

TEST(MpiOutput, OnlyRankZeroPrintsAndWrites) {
  // From an empty folder, with the default output folder (runs/<timestamp>):
  // one run folder, one report of the final metrics.
  const std::string dir = temp_dir("quiet");
  fs::create_directories(dir);
  const Result r = run("cd " + dir + " && " + mpirun(3) + SCRATCHNET_BINARY +
                       " train --data digits --layers 16 --epochs 2");
  ASSERT_EQ(r.code, 0) << r.output;
  std::size_t finals = 0;
  for (auto at = r.output.find("final: "); at != std::string::npos; at = r.output.find("final: ", at + 1)) ++finals;
  EXPECT_EQ(finals, 1u) << r.output;
  EXPECT_EQ(listing(dir), std::vector<std::string>{"runs"});
  const auto runs = listing(dir + "/runs");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(listing(dir + "/runs/" + runs[0]), kRunFiles);
  fs::remove_all(dir);
}

TEST(MpiFailure, ARankWithBadInputEndsTheJobQuickly) {
  const std::string dir = temp_dir("bad");
  fs::create_directories(dir);
  const std::string bad = (fs::path(dir) / "bad.csv").string();
  std::ofstream(bad) << "a,b,label\n1,2,x\n3,oops,y\n5,6,x\n7,8,y\n9,10,x\n11,12,y\n13,14,x\n";
  const std::string good_args = " train --data digits --layers 32 --epochs 50 -q --out " + dir + "/run";
  // Rank 0 trains on good data and waits for rank 1 in the first allreduce;
  // rank 1 fails on its data and must end the job, not leave rank 0 waiting.
  const auto start = std::chrono::steady_clock::now();
  const Result r = run(mpirun(1, "timeout 60 ") + SCRATCHNET_BINARY + good_args + " : -np 1 " +
                       SCRATCHNET_BINARY + " train --data " + bad + " -q --out " + dir + "/run");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(r.code, 0) << r.output;
  EXPECT_NE(r.code, 124) << "the job hung until the timeout";
  EXPECT_LT(seconds, 30.0);
  EXPECT_NE(r.output.find("rank 1 of 2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bad.csv:3"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

}  // namespace
