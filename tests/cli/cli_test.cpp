// Command-line smoke tests: the built `scratchnet` run as a user runs it.
// Each error case checks the exit code (2 usage, 1 data), the message, and
// that no output folder is left behind.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string output;  // stdout and stderr together
};

Result run(const std::string& args) {
  const std::string command = std::string(SCRATCHNET_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("scratchnet_cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  // Runs `args` and expects failure with `code` and `message`, and no run folder.
  void expect_error(const std::string& args, int code, const std::string& message) {
    const Result r = run(args + " --out " + path("run"));
    EXPECT_EQ(r.code, code) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(r.output.find("terminate"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(path("run"))) << "partial output left by: " << args;
  }
  fs::path dir_;
};

TEST_F(Cli, HelpListsCommandsAndTrainFlags) {
  const Result top = run("--help");
  EXPECT_EQ(top.code, 0);
  for (const char* word : {"train", "eval", "predict", "info"})
    EXPECT_NE(top.output.find(word), std::string::npos) << word;
  const Result train = run("train --help");
  EXPECT_EQ(train.code, 0);
  for (const char* flag : {"--data", "--layers", "--optimizer", "--lr", "--batch-size", "--scale",
                           "--init", "--weight-decay", "--test-fraction", "--seed", "--out", "--set"})
    EXPECT_NE(train.output.find(flag), std::string::npos) << flag;
}

TEST_F(Cli, UsageErrorsExitWith2) {
  expect_error("train --data digits --bogus-flag 3", 2, "bogus-flag");
  expect_error("train --data digits --lr -0.5", 2, "--lr");
  expect_error("train --data digits --batch-size 0", 2, "train.batch_size");
  expect_error("train --data digits --optimizer adamax", 2, "unknown optimizer 'adamax'");
  expect_error("train --data digits --set train.nope=1", 2, "unknown setting 'train.nope'");
  expect_error("train " + write("bad.toml", "[train]\nepochs = 2\nlrr = 0.1\n"), 2, "bad.toml:3");
  expect_error("train --data nosuchset", 2, "unknown data set 'nosuchset'");
}

TEST_F(Cli, DataErrorsExitWith1AndNameFileAndLine) {
  expect_error("train --data " + path("missing.csv"), 1, "missing.csv");
  const std::string text = write("text.csv", "a,b,label\n1,2,x\n3,abc,y\n");
  expect_error("train --data " + text, 1, "text.csv:3");
  const std::string ragged = write("ragged.csv", "a,b,label\n1,2,x\n3,y\n");
  expect_error("train --data " + ragged, 1, "ragged.csv:3");
  const std::string empty = write("empty.csv", "a,b,label\n");
  expect_error("train --data " + empty, 1, "empty.csv");
  const std::string ok = write("ok.csv", "a,b,label\n1,2,x\n3,4,y\n");
  expect_error("train --data " + ok + " --label nosuchcolumn", 2, "nosuchcolumn");
  expect_error("train --data " + ok + " --label 7", 2, "7");
}

TEST_F(Cli, UserCsvWithStringLabelsTrainsWithDataAndLabelOnly) {
  std::string csv = "petal,sepal,species\n";
  for (int i = 0; i < 60; ++i) {
    const int c = i % 3;
    csv += std::to_string(c * 2.0 + (i % 7) * 0.1) + "," + std::to_string(1.0 - c + (i % 5) * 0.05) +
           "," + (c == 0 ? "setosa" : c == 1 ? "versicolor" : "virginica") + "\n";
  }
  const std::string data = write("flowers.csv", csv);
  const Result r = run("train --data " + data + " --label species --epochs 40 --out " + path("run"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("test_accuracy"), std::string::npos) << r.output;
  for (const char* f : {"model.snm", "metrics.csv", "summary.json", "config.toml"})
    EXPECT_TRUE(fs::exists(path("run/") + f)) << f;

  // predict: header names select the feature columns; classes come back by name.
  const std::string input = write("new.csv", "sepal,petal\n1.0,0.0\n-1.0,4.0\n");
  const Result p = run("predict --model " + path("run/model.snm") + " --input " + input);
  ASSERT_EQ(p.code, 0) << p.output;
  EXPECT_NE(p.output.find("predicted,p_setosa,p_versicolor,p_virginica"), std::string::npos) << p.output;
  EXPECT_NE(p.output.find("\nsetosa,"), std::string::npos) << p.output;
  EXPECT_NE(p.output.find("\nvirginica,"), std::string::npos) << p.output;
}

TEST_F(Cli, TrainEvalPredictInfoOnDigits) {
  const Result t = run("train --data digits --layers 64 --epochs 5 --out " + path("run"));
  ASSERT_EQ(t.code, 0) << t.output;
  EXPECT_NE(t.output.find("epoch    5/5"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("samples/s"), std::string::npos) << t.output;

  const Result e = run("eval --model " + path("run/model.snm"));
  ASSERT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("test split"), std::string::npos) << e.output;
  EXPECT_NE(e.output.find("confusion matrix"), std::string::npos) << e.output;
  const Result j = run("eval --model " + path("run/model.snm") + " --json");
  ASSERT_EQ(j.code, 0) << j.output;
  EXPECT_NE(j.output.find("\"accuracy\""), std::string::npos) << j.output;
  EXPECT_NE(j.output.find("\"confusion\""), std::string::npos) << j.output;

  const Result one = run("predict --model " + path("run/model.snm") + " --index 3");
  ASSERT_EQ(one.code, 0) << one.output;
  EXPECT_NE(one.output.find("sample 3 of the test split"), std::string::npos) << one.output;
  EXPECT_NE(one.output.find("top classes:"), std::string::npos) << one.output;
  EXPECT_EQ(run("predict --model " + path("run/model.snm") + " --index 99999").code, 2);

  const Result i = run("info --model " + path("run/model.snm"));
  ASSERT_EQ(i.code, 0) << i.output;
  EXPECT_NE(i.output.find("total parameters: 4810"), std::string::npos) << i.output;  // 64*64+64 + 64*10+10

  std::string rows;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 64; ++c) rows += (c ? "," : "") + std::to_string((r * 7 + c) % 17);
    rows += "\n";
  }
  const Result p = run("predict --model " + path("run/model.snm") + " --input " + write("x.csv", rows) +
                       " --output " + path("pred.csv"));
  ASSERT_EQ(p.code, 0) << p.output;
  std::ifstream pred(path("pred.csv"));
  std::string line;
  int lines = 0;
  while (std::getline(pred, line)) ++lines;
  EXPECT_EQ(lines, 4);  // header + 3 rows
}

TEST_F(Cli, ModelErrors) {
  const Result missing = run("info --model " + path("nope.snm"));
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.output.find("nope.snm"), std::string::npos) << missing.output;
  const Result garbage = run("info --model " + write("junk.snm", "definitely not a model"));
  EXPECT_EQ(garbage.code, 1);
  EXPECT_NE(garbage.output.find("not a scratchnet model"), std::string::npos) << garbage.output;
}

TEST_F(Cli, DivergenceExitsWith3) {
  const Result r = run("train --data digits --optimizer sgd --lr 1e6 --epochs 3 --out " + path("run"));
  EXPECT_EQ(r.code, 3) << r.output;
  EXPECT_NE(r.output.find("diverged"), std::string::npos) << r.output;
}

}  // namespace

namespace {

TEST_F(Cli, CompareSearchAndPlotEndToEnd) {
  const Result c = run("compare --data digits --layers 16 --epochs 2 --vary train.optimizer=sgd,adam --out " +
                       path("cmp"));
  ASSERT_EQ(c.code, 0) << c.output;
  EXPECT_NE(c.output.find("[2/2] optimizer=adam"), std::string::npos) << c.output;
  for (const char* f : {"results.csv", "results.md", "report.html"})
    EXPECT_TRUE(fs::exists(path("cmp/") + f)) << f;

  const Result s = run("search --data digits --layers 16 --epochs 2 --param train.lr=log:1e-4:1e-1 "
                       "--trials 3 --top 2 --out " + path("srch"));
  ASSERT_EQ(s.code, 0) << s.output;
  EXPECT_NE(s.output.find("Best-1(val acc:"), std::string::npos) << s.output;
  EXPECT_NE(s.output.find("best.toml"), std::string::npos) << s.output;
  EXPECT_TRUE(fs::exists(path("srch/best.toml")));

  const Result bad = run("search --data digits --param train.lr=gauss:1:2 --out " + path("bad"));
  EXPECT_EQ(bad.code, 2) << bad.output;

  const Result t = run("train --data xor --layers 4 --epochs 5 -q --out " + path("xor"));
  ASSERT_EQ(t.code, 0) << t.output;
  const Result p = run("plot " + path("xor"));
  ASSERT_EQ(p.code, 0) << p.output;
  EXPECT_NE(p.output.find("decision_regions"), std::string::npos) << p.output;
  EXPECT_TRUE(fs::exists(path("xor/decision_regions.gp")));
}

}  // namespace

#include <signal.h>
#include <spawn.h>

#include <chrono>
#include <random>
#include <thread>

extern char** environ;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// summary.json without the timing fields, which differ between any two runs.
std::string summary_metrics(const std::string& path) {
  std::ifstream in(path);
  std::string kept;
  for (std::string line; std::getline(in, line);)
    if (line.find("seconds") == std::string::npos && line.find("samples_per_second") == std::string::npos &&
        line.find("inference_us") == std::string::npos)
      kept += line + "\n";
  return kept;
}

TEST_F(Cli, KillNineAtARandomPointThenResumeGivesIdenticalResults) {
  const std::string args = "train recipes/arem-mlp.toml --epochs 20 --checkpoint-every 1 -q --out " + path("run");
  const std::string cd = std::string("cd ") + SCRATCHNET_SOURCE_DIR + " && ";
  // The uninterrupted run.
  ASSERT_EQ(::system((cd + SCRATCHNET_BINARY + " " + args + " > /dev/null 2>&1").c_str()), 0);
  const std::string model = slurp(path("run/model.snm"));
  const std::string summary = summary_metrics(path("run/summary.json"));
  ASSERT_FALSE(model.empty());
  fs::remove_all(path("run"));

  // The same run, killed with SIGKILL at a random moment after its first checkpoint.
  const std::string command = cd + "exec " + SCRATCHNET_BINARY + " " + args + " > /dev/null 2>&1";
  pid_t pid;
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(path("run/checkpoint.snc")) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::mt19937 random(std::random_device{}());
  std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 400)(random)));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(fs::exists(path("run/checkpoint.snc")));
  if (WIFEXITED(status)) GTEST_SKIP() << "the run finished before the kill; nothing to resume";
  EXPECT_FALSE(fs::exists(path("run/model.snm")));

  const Result resumed = run("train --resume " + path("run") + " -q");
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_EQ(slurp(path("run/model.snm")), model) << "model bytes differ after resume";
  EXPECT_EQ(summary_metrics(path("run/summary.json")), summary);
  for (const auto& entry : fs::directory_iterator(path("run")))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos)
        << "the killed run's staging folder was left behind";
}

}  // namespace

namespace {

TEST_F(Cli, SigtermStopsCleanlyWithACheckpointAndExit130) {
  const std::string log = path("log.txt");
  const std::string command = std::string("cd ") + SCRATCHNET_SOURCE_DIR + " && exec " + SCRATCHNET_BINARY +
                              " train recipes/arem-mlp.toml --epochs 200 --checkpoint-every 1 -q --out " +
                              path("run") + " > " + log + " 2>&1";
  pid_t pid;
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(path("run/checkpoint.snc")) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const std::string output = slurp(log);
  EXPECT_NE(output.find("interrupted at epoch"), std::string::npos) << output;
  EXPECT_NE(output.find("train --resume"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(path("run/checkpoint.snc")));
}

}  // namespace
