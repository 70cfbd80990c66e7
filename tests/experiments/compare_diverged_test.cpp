// A compare whose variant diverged: its results.csv cells stay empty, the
// tables of results.md and report.html show "-" (no best epoch 0.0, no
// 0.00 s from a summary that never had them), and the report's list of runs
// says "diverged" beside the variant.

#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/experiments/compare.h"
#include "support/chart_files.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

std::string trimmed(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

// The line of `text` that starts with `prefix` (empty when none does).
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0) return line;
  return {};
}

std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// "| a | b |" -> {"a", "b"}.
std::vector<std::string> markdown_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t at = line.find('|');
  while (at != std::string::npos) {
    const std::size_t next = line.find('|', at + 1);
    if (next == std::string::npos) break;
    cells.push_back(trimmed(line.substr(at + 1, next - at - 1)));
    at = next;
  }
  return cells;
}

// The texts of the <td> cells of the first table row of `html` holding `marker`.
std::vector<std::string> html_cells(const std::string& html, const std::string& marker) {
  std::vector<std::string> cells;
  const std::size_t hit = html.find(marker);
  if (hit == std::string::npos) return cells;
  const std::size_t row = html.rfind("<tr>", hit), end = html.find("</tr>", hit);
  for (std::size_t at = html.find("<td", row); at != std::string::npos && at < end; at = html.find("<td", at + 1)) {
    const std::size_t open = html.find('>', at) + 1;
    cells.push_back(html.substr(open, html.find("</td>", open) - open));
  }
  return cells;
}

TEST(CompareReport, ADivergedVariantShowsNoBestEpochOrTimeAndSaysDiverged) {
  TrainConfig base;
  base.data = "digits";
  base.layers = {16};
  base.epochs = 2;
  base.optimizer = "sgd";
  CompareOptions options;
  options.vary = {parse_variation("train.lr=0.01,1e6")};  // 1e6: a non-finite loss within the first epoch
  options.out = (fs::temp_directory_path() / ("scratchnet_diverged_" + std::to_string(::getpid()))).string();
  fs::remove_all(options.out);
  const std::vector<VariantResult> results = run_compare(base, options, nullptr);
  ASSERT_EQ(results.size(), 2u);
  ASSERT_FALSE(results[0].runs.at(0).diverged);
  ASSERT_TRUE(results[1].runs.at(0).diverged);
  const fs::path out = options.out;

  // results.csv: ...,best_epoch,seconds -- empty for the diverged variant.
  const std::string csv = testing::read_text((out / "results.csv").string());
  const std::vector<std::string> header = csv_cells(line_starting(csv, "train.lr,"));
  ASSERT_EQ(header.size(), 12u);
  ASSERT_EQ(header[10], "best_epoch");
  ASSERT_EQ(header[11], "seconds");
  const std::vector<std::string> good = csv_cells(line_starting(csv, "0.01,"));
  const std::vector<std::string> bad = csv_cells(line_starting(csv, "1e6,"));
  ASSERT_EQ(good.size(), 12u) << csv;
  ASSERT_EQ(bad.size(), 12u) << csv;
  EXPECT_EQ(good[10], "2.0");
  EXPECT_FALSE(good[11].empty());
  EXPECT_EQ(bad[10], "") << csv;
  EXPECT_EQ(bad[11], "") << csv;

  // results.md: "-" in every value cell of the diverged variant's row.
  const std::string md = testing::read_text((out / "results.md").string());
  const std::vector<std::string> md_good = markdown_cells(line_starting(md, "| 0.01 |"));
  const std::vector<std::string> md_bad = markdown_cells(line_starting(md, "| 1e6 |"));
  ASSERT_EQ(md_bad.size(), 8u) << md;  // train.lr, runs, 4 metrics, best_epoch, seconds
  ASSERT_EQ(md_good.size(), 8u) << md;
  EXPECT_EQ(md_good[6], "2.0");
  EXPECT_NE(md_bad[1].find("diverged"), std::string::npos) << md_bad[1];
  for (std::size_t c = 2; c < md_bad.size(); ++c) EXPECT_EQ(md_bad[c], "-") << "column " << c << "\n" << md;
  EXPECT_NE(md.find("\n- lr=1e6 (diverged): [run folder]"), std::string::npos) << md;
  EXPECT_NE(md.find("\n- lr=0.01: [run folder]"), std::string::npos) << md;

  // report.html: the same cells and the same list of runs.
  const std::string html = testing::read_text((out / "report.html").string());
  const std::vector<std::string> html_bad = html_cells(html, "<td class=\"num\">1e6</td>");
  ASSERT_EQ(html_bad.size(), 8u) << html;
  EXPECT_EQ(html_bad[6], "-");
  EXPECT_EQ(html_bad[7], "-");
  EXPECT_EQ(html_cells(html, "<td class=\"num\">0.01</td>").at(6), "2.0");
  EXPECT_NE(html.find("<li>lr=1e6 (diverged): "), std::string::npos);
  fs::remove_all(out);
}

}  // namespace
}  // namespace scratchnet
