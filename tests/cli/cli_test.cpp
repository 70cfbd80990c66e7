// Command-line smoke tests: the built `scratchnet` run as a user runs it.
// Each error case checks the exit code (2 usage, 1 data), the message, and
// that no output folder is left behind.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cli_support.h"

namespace scratchnet::cli_testing {
namespace {

class Cli : public CliTest {
 protected:
  // Runs `args` and expects failure with `code` and `message`, and no run folder.
  void expect_error(const std::string& args, int code, const std::string& message) {
    const Result r = run(args + " --out " + path("run"));
    EXPECT_EQ(r.code, code) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(r.output.find("terminate"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(path("run"))) << "partial output left by: " << args;
  }
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
  // A word in a column of numbers (a column that is mostly words is categorical).
  const std::string text =
      write("text.csv", "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,abc,x\n11,12,y\n13,14,x\n15,16,y\n");
  expect_error("train --data " + text, 1, "text.csv:6: column 'b' (1): 'abc' is not a number");
  const std::string ragged = write("ragged.csv", "a,b,label\n1,2,x\n3,y\n");
  expect_error("train --data " + ragged, 1, "ragged.csv:3");
  const std::string empty = write("empty.csv", "a,b,label\n");
  expect_error("train --data " + empty, 1, "empty.csv");
  const std::string ok = write("ok.csv", "a,b,label\n1,2,x\n3,4,y\n");
  expect_error("train --data " + ok + " --label nosuchcolumn", 2, "nosuchcolumn");
  expect_error("train --data " + ok + " --label 7", 2, "7");
}

// The number printed after `key` in a console line such as "final: test_accuracy 0.9333".
double printed_value(const std::string& output, const std::string& key) {
  const auto at = output.find(key + " ");
  if (at == std::string::npos) return std::nan("");
  return std::stod(output.substr(at + key.size() + 1));
}

TEST_F(Cli, UserCsvWithStringLabelsTrainsWithDataAndLabelOnly) {
  // Three classes that the petal column separates with a margin.
  std::string csv = "petal,sepal,species\n";
  for (int i = 0; i < 60; ++i) {
    const int c = i % 3;
    csv += std::to_string(c * 2.0 + (i % 7) * 0.1) + "," + std::to_string(1.0 - c + (i % 5) * 0.05) +
           "," + (c == 0 ? "setosa" : c == 1 ? "versicolor" : "virginica") + "\n";
  }
  const std::string data = write("flowers.csv", csv);
  const Result r = run("train --data " + data + " --label species --epochs 40 --out " + path("run"));
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* f : {"model.snm", "metrics.csv", "summary.json", "config.toml"})
    EXPECT_TRUE(fs::exists(path("run/") + f)) << f;
  // The test split is a stratified quarter: 15 rows, 5 per class.
  const double accuracy = summary_value(path("run"), "test_accuracy");
  EXPECT_EQ(summary_value(path("run"), "test_samples"), 15);
  EXPECT_NEAR(accuracy * 15, std::round(accuracy * 15), 1e-4) << "not a count of 15 rows";
  EXPECT_GE(accuracy, 0.8) << "three separable classes; chance is 1/3";
  EXPECT_NEAR(printed_value(r.output, "final: test_accuracy"), accuracy, 5e-5) << r.output;
  const Result e = run("eval --model " + path("run/model.snm") + " --json");
  ASSERT_EQ(e.code, 0) << e.output;
  EXPECT_NEAR(json_value(e.output, "accuracy"), accuracy, 1e-6) << e.output;
  EXPECT_EQ(json_value(e.output, "samples"), 15);
  for (const char* name : {"setosa", "versicolor", "virginica"})
    EXPECT_NE(e.output.find(std::string("{\"name\": \"") + name), std::string::npos) << name;

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
  const double test_accuracy = summary_value(path("run"), "test_accuracy");
  const double test_samples = summary_value(path("run"), "test_samples");

  // eval (default split: the run's test split) agrees with the run's own evaluation.
  const Result e = run("eval --model " + path("run/model.snm"));
  ASSERT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("test split"), std::string::npos) << e.output;
  EXPECT_NE(e.output.find("confusion matrix"), std::string::npos) << e.output;
  EXPECT_NEAR(printed_value(e.output, "accuracy"), test_accuracy, 5e-5) << e.output;
  const Result j = run("eval --model " + path("run/model.snm") + " --json");
  ASSERT_EQ(j.code, 0) << j.output;
  EXPECT_NEAR(json_value(j.output, "accuracy"), test_accuracy, 1e-6) << j.output;
  EXPECT_EQ(json_value(j.output, "samples"), test_samples);
  // The confusion matrix holds every test sample, its diagonal the correct ones.
  // (one row per line: "    [40, 0, 1, ...],")
  std::stringstream matrix(j.output.substr(j.output.find("\"confusion\"")));
  double total = 0, diagonal = 0;
  std::size_t row = 0;
  for (std::string line; std::getline(matrix, line);) {
    if (line.rfind("    [", 0) != 0) continue;
    std::stringstream cells(line.substr(5));
    std::size_t column = 0;
    for (std::string cell; std::getline(cells, cell, ','); ++column) {
      const double count = std::stod(cell);
      total += count;
      if (column == row) diagonal += count;
    }
    ++row;
  }
  EXPECT_EQ(row, 10u);
  EXPECT_EQ(total, test_samples);
  EXPECT_NEAR(diagonal / total, test_accuracy, 1e-6);

  const Result one = run("predict --model " + path("run/model.snm") + " --index 3");
  ASSERT_EQ(one.code, 0) << one.output;
  EXPECT_NE(one.output.find("sample 3 of the test split"), std::string::npos) << one.output;
  EXPECT_NE(one.output.find("top classes:"), std::string::npos) << one.output;
  EXPECT_EQ(run("predict --model " + path("run/model.snm") + " --index 99999").code, 2);

  const Result i = run("info --model " + path("run/model.snm"));
  ASSERT_EQ(i.code, 0) << i.output;
  EXPECT_NE(i.output.find("total parameters: 4810"), std::string::npos) << i.output;  // 64*64+64 + 64*10+10

  // predict --output on 60 labelled digits: the labels it writes are the
  // probabilities' argmax, and scored against the true labels they give the
  // accuracy eval reports for the same rows.
  const std::string rows = path("rows.csv"), features = path("features.csv");
  ASSERT_EQ(run_shell("zcat " + std::string(SCRATCHNET_SOURCE_DIR) + "/data/digits/digits.csv.gz | head -60 > " +
                      rows + " && cut -d, -f1-64 " + rows + " > " + features)
                .code,
            0);
  const Result p = run("predict --model " + path("run/model.snm") + " --input " + features +
                       " --output " + path("pred.csv"));
  ASSERT_EQ(p.code, 0) << p.output;
  const Csv predicted(path("pred.csv"));
  const Csv truth(rows);  // no header: its first row is read as one, so skip nothing below
  ASSERT_EQ(predicted.header.size(), 11u);
  ASSERT_EQ(predicted.rows.size(), 60u);
  std::vector<std::vector<std::string>> labelled = {truth.header};
  labelled.insert(labelled.end(), truth.rows.begin(), truth.rows.end());
  int correct = 0;
  for (std::size_t r = 0; r < 60; ++r) {
    const auto& cells = predicted.rows[r];
    ASSERT_EQ(cells.size(), 11u) << r;
    std::size_t best = 1;
    double sum = 0;
    for (std::size_t c = 1; c < 11; ++c) {
      sum += std::stod(cells[c]);
      if (std::stod(cells[c]) > std::stod(cells[best])) best = c;
    }
    EXPECT_NEAR(sum, 1.0, 1e-4) << "row " << r;
    EXPECT_EQ("p_" + cells[0], predicted.header[best]) << "row " << r << ": the label is not the argmax";
    correct += cells[0] == labelled[r].back();
  }
  const Result scored = run("eval --model " + path("run/model.snm") + " --data " + rows + " --json");
  ASSERT_EQ(scored.code, 0) << scored.output;
  EXPECT_EQ(json_value(scored.output, "samples"), 60);
  EXPECT_NEAR(json_value(scored.output, "accuracy"), correct / 60.0, 1e-6) << scored.output;
  EXPECT_GE(correct, 48) << "a model with test accuracy " << test_accuracy << " got " << correct << "/60";
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

// results.csv's value of `column` in the row whose first cell is `variant`.
double result_cell(const Csv& results, const std::string& variant, const std::string& column) {
  const auto values = results.column(column);
  for (std::size_t r = 0; r < results.rows.size(); ++r)
    if (results.rows[r][0] == variant) return values[r];
  ADD_FAILURE() << "no row '" << variant << "' in results.csv";
  return std::nan("");
}

TEST_F(Cli, CompareSearchAndPlotEndToEnd) {
  const Result c = run("compare --data digits --layers 16 --epochs 2 --vary train.optimizer=sgd,adam --out " +
                       path("cmp"));
  ASSERT_EQ(c.code, 0) << c.output;
  EXPECT_NE(c.output.find("[2/2] optimizer=adam"), std::string::npos) << c.output;
  for (const char* f : {"results.csv", "results.md", "report.html"})
    EXPECT_TRUE(fs::exists(path("cmp/") + f)) << f;
  // One row per variant, holding what its run's summary says.
  const Csv results(path("cmp/results.csv"));
  ASSERT_EQ(results.rows.size(), 2u);
  EXPECT_EQ(results.header[0], "train.optimizer");
  for (const char* optimizer : {"sgd", "adam"}) {
    const std::string run_dir = path("cmp/runs/optimizer-") + optimizer;
    EXPECT_EQ(result_cell(results, optimizer, "runs"), 1);
    for (const char* metric : {"test_accuracy", "train_accuracy", "test_loss", "train_loss"})
    {
      // results.csv: 6 decimals; summary.json: 6 significant digits.
      const double want = summary_value(run_dir, metric);
      EXPECT_NEAR(result_cell(results, optimizer, metric), want, 1e-5 * std::max(1.0, want))
          << optimizer << " " << metric;
    }
    const std::string md = slurp(path("cmp/results.md"));
    EXPECT_NE(md.find(std::string("| ") + optimizer), std::string::npos) << md;
  }

  const Result s = run("search --data digits --layers 16 --epochs 2 --param train.lr=log:1e-4:1e-1 "
                       "--trials 3 --top 2 --out " + path("srch"));
  ASSERT_EQ(s.code, 0) << s.output;
  EXPECT_NE(s.output.find("Best-1(val acc:"), std::string::npos) << s.output;
  EXPECT_NE(s.output.find("best.toml"), std::string::npos) << s.output;
  EXPECT_TRUE(fs::exists(path("srch/best.toml")));
  // Three trials, each lr inside the range, the best one's lr in best.toml.
  const Csv trials(path("srch/results.csv"));
  ASSERT_EQ(trials.rows.size(), 3u);
  const auto lrs = trials.column("train.lr"), scores = trials.column("val_accuracy");
  for (double lr : lrs) {
    EXPECT_GE(lr, 1e-4);
    EXPECT_LE(lr, 1e-1);
  }
  const std::size_t best = static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  const std::string best_toml = slurp(path("srch/best.toml"));
  const auto lr_at = best_toml.find("lr = ");
  ASSERT_NE(lr_at, std::string::npos) << best_toml;
  EXPECT_NEAR(std::stod(best_toml.substr(lr_at + 5)), lrs[best], 1e-6 * lrs[best]) << best_toml;

  const Result bad = run("search --data digits --param train.lr=gauss:1:2 --out " + path("bad"));
  EXPECT_EQ(bad.code, 2) << bad.output;

  const Result t = run("train --data xor --layers 4 --epochs 5 -q --out " + path("xor"));
  ASSERT_EQ(t.code, 0) << t.output;
  const Result p = run("plot " + path("xor"));
  ASSERT_EQ(p.code, 0) << p.output;
  EXPECT_NE(p.output.find("decision_regions"), std::string::npos) << p.output;
  EXPECT_TRUE(fs::exists(path("xor/decision_regions.gp")));
}

TEST_F(Cli, KillNineAtARandomPointThenResumeGivesIdenticalResults) {
  const std::string args = "train " + std::string(SCRATCHNET_SOURCE_DIR) +
                           "/recipes/arem-mlp.toml --epochs 20 --checkpoint-every 1 -q --out " + path("run");
  // The uninterrupted run, timed: the kill below falls within its first half.
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run(args).code, 0);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  const std::string model = slurp(path("run/model.snm"));
  const std::string summary = summary_metrics(path("run/summary.json"));
  ASSERT_FALSE(model.empty());
  fs::remove_all(path("run"));

  // The same run, killed with SIGKILL at a random moment after its first checkpoint.
  const pid_t pid = spawn(args, "/dev/null");
  ASSERT_GT(pid, 0);
  // (or until it finished: its model is there)
  wait_until([&] { return fs::exists(path("run/checkpoint.snc")) || fs::exists(path("run/model.snm")); });
  std::mt19937 random(std::random_device{}());
  const int half = std::max(1, static_cast<int>(took.count() / 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, half)(random)));
  ::kill(pid, SIGKILL);
  const int code = wait_exit_code(pid);
  // A run that finished first removed its checkpoint: nothing to resume.
  if (code == 0) GTEST_SKIP() << "the run finished before the kill; nothing to resume";
  EXPECT_EQ(code, 128 + SIGKILL);
  ASSERT_TRUE(fs::exists(path("run/checkpoint.snc")));
  EXPECT_FALSE(fs::exists(path("run/model.snm")));

  const Result resumed = run("train --resume " + path("run") + " -q");
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_EQ(slurp(path("run/model.snm")), model) << "model bytes differ after resume";
  EXPECT_EQ(summary_metrics(path("run/summary.json")), summary);
  for (const auto& entry : fs::directory_iterator(path("run")))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos)
        << "the killed run's staging folder was left behind";
}

// Interrupts `train ARGS` with `signal` once `ready(pid)` holds, expects exit
// 130 and the resume hint, resumes, and requires the model bytes, summary
// metrics and metrics.csv of the run that was never interrupted (run first,
// into the same folder, so that the stored settings are the same too).
// Skips when the run finished before the signal (nothing to resume).
class Interrupted : public CliTest {
 protected:
  void interrupt_and_resume(const std::string& args, int signal,
                            const std::function<bool(pid_t)>& ready) {
    const std::string out = path("run");
    ASSERT_EQ(run(args + " -q --out " + out).code, 0);
    const std::string model = slurp(out + "/model.snm");
    const std::string summary = summary_metrics(out + "/summary.json");
    const auto metrics = metrics_without_seconds(out);
    ASSERT_FALSE(model.empty());
    fs::remove_all(out);

    const std::string log = path("log.txt");
    const pid_t pid = spawn(args + " --out " + out, log);
    ASSERT_GT(pid, 0);
    // (or until the run finished: its model is there, and the signal will find it gone)
    ASSERT_TRUE(wait_until([&] { return fs::exists(out + "/model.snm") || ready(pid); })) << slurp(log);
    ::kill(pid, signal);
    const int code = wait_exit_code(pid);
    if (code == 0) GTEST_SKIP() << "the run finished before the signal; nothing to resume";
    EXPECT_EQ(code, 130) << slurp(log);
    const std::string output = slurp(log);
    EXPECT_NE(output.find("interrupted at epoch"), std::string::npos) << output;
    EXPECT_NE(output.find("train --resume " + out), std::string::npos) << output;
    ASSERT_TRUE(fs::exists(out + "/checkpoint.snc")) << "the interrupt wrote no checkpoint";
    EXPECT_FALSE(fs::exists(out + "/model.snm"));

    const Result resumed = run("train --resume " + out + " -q");
    ASSERT_EQ(resumed.code, 0) << resumed.output;
    EXPECT_EQ(slurp(out + "/model.snm"), model) << "model bytes differ after resume";
    EXPECT_EQ(summary_metrics(out + "/summary.json"), summary);
    EXPECT_EQ(metrics_without_seconds(out), metrics);
    EXPECT_FALSE(fs::exists(out + "/checkpoint.snc")) << "the finished run removes it";
  }
};

// The AReM MLP: about 20 ms an epoch, so a signal sent after the first epoch
// arrives long before the 8th.
const std::string kAremRun =
    "train --data arem --layers 50,50,50 --activation sigmoid --optimizer adam --lr 0.0017 "
    "--batch-size 100 --epochs 8";

TEST_F(Interrupted, SigtermWithoutPeriodicCheckpointsSavesOneAndResumesToTheSameBytes) {
  // No --checkpoint-every: the only checkpoint is the one SIGTERM writes.
  interrupt_and_resume(kAremRun, SIGTERM, [&](pid_t pid) { return epochs_written(path("run"), pid) >= 1; });
}

TEST_F(Interrupted, SigintAfterACheckpointEveryThirdEpochResumesToTheSameBytes) {
  // --checkpoint-every 3: the periodic checkpoint first appears after epoch
  // 3 (metrics.csv is written before it, so 3 rows are there by then), never
  // after epochs 1 or 2; Ctrl-C then writes its own.
  std::size_t rows_when_seen = 0;
  interrupt_and_resume(kAremRun + " --checkpoint-every 3", SIGINT, [&](pid_t pid) {
    if (!fs::exists(path("run/checkpoint.snc"))) return false;
    rows_when_seen = epochs_written(path("run"), pid);
    return true;
  });
  EXPECT_GE(rows_when_seen, 3u) << "a checkpoint before epoch 3 with --checkpoint-every 3";
}

}  // namespace
}  // namespace scratchnet::cli_testing
