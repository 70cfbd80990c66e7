// CSV reading: every rule in include/scratchnet/data/csv.h, on files the
// tests write themselves (well-formed and malformed).

#include "scratchnet/data/csv.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// A file under the system temp directory with a unique name, removed at the
// end of the test.
class TempFile {
 public:
  // `gzip`: write `contents` gzip-compressed.
  explicit TempFile(const std::string& contents, const std::string& suffix = ".csv",
                    bool gzip = false) {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = (fs::temp_directory_path() / ("scratchnet_csv_test_" + std::to_string(stamp) + "_" +
                                          std::to_string(counter++) + suffix))
                .string();
    if (gzip) {
      gzFile file = gzopen(path_.c_str(), "wb");
      gzwrite(file, contents.data(), static_cast<unsigned>(contents.size()));
      gzclose(file);
    } else {
      std::ofstream(path_, std::ios::binary) << contents;
    }
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

CsvOptions label(const std::string& name) {
  CsvOptions options;
  options.label = name;
  return options;
}

// Runs `load_csv` on `contents` and returns the error it throws.
Error load_error(const std::string& contents, const CsvOptions& options,
                 std::string* path = nullptr) {
  TempFile file(contents);
  if (path) *path = file.path();
  try {
    load_csv(file.path(), options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << contents;
  return Error(ErrorKind::kInternal, "");
}

// The message of the data error parse_csv_table throws for `text`.
std::string parse_error(const std::string& text) {
  try {
    parse_csv_table(text, "q.csv", {});
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

TEST(Csv, ReadsHeaderFeaturesAndIntegerLabels) {
  TempFile file("x1,x2,y\n1.5,2,0\n-3,4e1,1\n5,.5,1\n");
  const Dataset d = load_csv(file.path(), {});
  EXPECT_EQ(d.task, Task::kClassification);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.num_features(), 2u);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(d.features, (std::vector<float>{1.5f, 2, -3, 40, 5, 0.5f}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 1, 1}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(d.name, file.path());
}

TEST(Csv, StringLabelsAreMappedInSortedOrder) {
  TempFile file("a,b,animal\n1,2,dog\n3,4,cat\n5,6,bird\n7,8,cat\n");
  const Dataset d = load_csv(file.path(), {});
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"bird", "cat", "dog"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 1, 0, 1}));
  EXPECT_EQ(d.class_counts(), (std::vector<std::size_t>{1, 2, 1}));
}

TEST(Csv, IntegerLabelsAreSortedNumerically) {
  TempFile file("1,10\n2,2\n3,-1\n4,2\n5,10\n");
  const Dataset d = load_csv(file.path(), {});
  EXPECT_EQ(d.task, Task::kClassification);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"-1", "2", "10"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 1, 0, 1, 2}));
  EXPECT_TRUE(d.feature_names.empty());
}

TEST(Csv, LabelByNameByIndexAndLast) {
  TempFile file("x1,target,x2\n1,0,2\n3,1,4\n");
  const Dataset by_name = load_csv(file.path(), label("target"));
  EXPECT_EQ(by_name.feature_names, (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(by_name.features, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(by_name.labels, (std::vector<std::int32_t>{0, 1}));

  const Dataset by_index = load_csv(file.path(), label("1"));
  EXPECT_EQ(by_index.features, by_name.features);
  EXPECT_EQ(by_index.labels, by_name.labels);

  const Dataset first = load_csv(file.path(), label("0"));
  EXPECT_EQ(first.feature_names, (std::vector<std::string>{"target", "x2"}));
  EXPECT_EQ(first.class_names, (std::vector<std::string>{"1", "3"}));

  for (const std::string last : {"", "-1"}) {
    const Dataset d = load_csv(file.path(), label(last));
    EXPECT_EQ(d.feature_names, (std::vector<std::string>{"x1", "target"})) << last;
    EXPECT_EQ(d.class_names, (std::vector<std::string>{"2", "4"})) << last;
  }
}

TEST(Csv, UnknownLabelNameListsTheColumns) {
  const Error e = load_error("x1,x2,y\n1,2,0\n", label("label"));
  EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  EXPECT_NE(std::string(e.what()).find("label column 'label' not found"), std::string::npos)
      << e.what();
  EXPECT_NE(std::string(e.what()).find("available columns: x1, x2, y"), std::string::npos)
      << e.what();
}

TEST(Csv, LabelIndexOutOfRangeOrNameWithoutHeader) {
  const Error range = load_error("1,2,0\n3,4,1\n", label("3"));
  EXPECT_EQ(range.kind(), ErrorKind::kUsage);
  EXPECT_NE(std::string(range.what()).find("label column 3 is out of range"), std::string::npos)
      << range.what();
  const Error no_header = load_error("1,2,0\n3,4,1\n", label("y"));
  EXPECT_EQ(no_header.kind(), ErrorKind::kUsage);
  EXPECT_NE(std::string(no_header.what()).find("no header row"), std::string::npos)
      << no_header.what();
}

TEST(Csv, RaggedRowNamesFileAndLine) {
  std::string path;
  const Error e = load_error("x1,x2,y\n1,2,0\n3,4,1\n# comment\n5,6\n7,8,1\n", {}, &path);
  EXPECT_EQ(e.kind(), ErrorKind::kData);
  EXPECT_NE(std::string(e.what()).find(path + ":5: expected 3 fields, found 2 (ragged row)"),
            std::string::npos)
      << e.what();
}

TEST(Csv, NonNumericCellNamesLineColumnAndCell) {
  std::string path;
  const Error e = load_error("x1,x2,y\n1,2,0\n3,4,1\n5,abc,1\n", {}, &path);
  EXPECT_EQ(e.kind(), ErrorKind::kData);
  EXPECT_NE(std::string(e.what()).find(path + ":4: column 'x2' (1): 'abc' is not a number"),
            std::string::npos)
      << e.what();
  // Without a header the column is named by its index.
  const Error no_header = load_error("1,2,0\n3,x,1\n", {}, &path);
  EXPECT_NE(std::string(no_header.what()).find(path + ":2: column 1: 'x' is not a number"),
            std::string::npos)
      << no_header.what();
}

TEST(Csv, NanAndInfinityCellsAreRejected) {
  for (const std::string cell : {"nan", "NaN", "inf", "-inf", "+inf", "1e999"}) {
    std::string path;
    const Error e = load_error("x1,x2,y\n1,2,0\n3," + cell + ",1\n", {}, &path);
    EXPECT_EQ(e.kind(), ErrorKind::kData) << cell;
    EXPECT_NE(std::string(e.what()).find(path + ":3: column 'x2' (1): '" + cell +
                                         "' is not a finite number"),
              std::string::npos)
        << e.what();
  }
}

TEST(Csv, LeadingPlusIsAcceptedButNotTwoSigns) {
  TempFile file("+1.5,+2e1,0\n-1,+.5,1\n");
  const Dataset d = load_csv(file.path(), {});
  EXPECT_EQ(d.features, (std::vector<float>{1.5f, 20, -1, 0.5f}));
  const Error e = load_error("1,2,0\n+-1,2,1\n", {});
  EXPECT_NE(std::string(e.what()).find("'+-1' is not a number"), std::string::npos) << e.what();
}

TEST(Csv, EmptyFileAndOnlyCommentsHaveNoDataRows) {
  for (const std::string contents : {"", "\n\n", "# a\n  # b\r\n\n", "x1,x2,y\n"}) {
    std::string path;
    const Error e = load_error(contents, {}, &path);
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find(path + ": no data rows"), std::string::npos) << e.what();
  }
}

TEST(Csv, MissingFileIsADataError) {
  const std::string path =
      (fs::temp_directory_path() / "scratchnet_csv_test_does_not_exist.csv").string();
  try {
    load_csv(path, {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_EQ(std::string(e.what()), "cannot open '" + path + "': No such file or directory");
  }
}

TEST(Csv, DetectsSemicolonTabAndSpaceDelimiters) {
  const std::vector<float> expected{1.5f, 2, 3, 4};
  const std::vector<std::pair<std::string, char>> cases = {
      {"a,b,y\n1.5,2,0\n3,4,1\n", ','},
      {"a;b;y\n1.5;2;0\n3;4;1\n", ';'},
      {"a\tb\ty\n1.5\t2\t0\n3\t4\t1\n", '\t'},
      {"a b y\n1.5   2 0\n  3 4\t1  \n", ' '},
  };
  for (const auto& [text, delimiter] : cases) {
    const CsvTable table = parse_csv_table(text, "t.csv", {});
    EXPECT_EQ(table.delimiter, delimiter) << text;
    EXPECT_EQ(table.header, (std::vector<std::string>{"a", "b", "y"})) << text;
    const Dataset d = table_to_dataset(table, "t.csv", {});
    EXPECT_EQ(d.features, expected) << text;
    EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 1})) << text;
  }
}

TEST(Csv, GivenDelimiterOverridesDetection) {
  CsvOptions options;
  options.delimiter = ';';
  options.header = HeaderMode::kNo;
  const CsvTable table = parse_csv_table("1,5;2;0\n3;4,5;1\n", "t.csv", options);
  EXPECT_EQ(table.delimiter, ';');
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1,5", "2", "0"}));
}

TEST(Csv, TabDelimitedKeepsEmptyFields) {
  const CsvTable table = parse_csv_table("a\tb\tc\n1\t\t3\n", "t.csv", {});
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1", "", "3"}));
  EXPECT_THROW(table_to_dataset(table, "t.csv", {}), Error);
}

TEST(Csv, QuotedFields) {
  const std::string text =
      "\"x, first\",\"x2\",name\n"
      "1,\"2.5\",\"Smith, \"\"Jo\"\"\"\n"
      "\"3\" , 4 ,plain\n";
  const CsvTable table = parse_csv_table(text, "q.csv", {});
  EXPECT_EQ(table.delimiter, ',');
  EXPECT_EQ(table.header, (std::vector<std::string>{"x, first", "x2", "name"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1", "2.5", "Smith, \"Jo\""}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"3", "4", "plain"}));
  CsvOptions options;
  options.label = "name";
  const Dataset d = table_to_dataset(table, "q.csv", options);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"Smith, \"Jo\"", "plain"}));
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"x, first", "x2"}));
  EXPECT_EQ(d.features, (std::vector<float>{1, 2.5f, 3, 4}));
  // Blanks inside quotes are kept; a quoted field in a whitespace-separated row.
  CsvOptions no_header;
  no_header.header = HeaderMode::kNo;
  EXPECT_EQ(parse_csv_table("a,\" b \",c\n", "q.csv", no_header).rows.at(0).at(1), " b ");
  EXPECT_EQ(parse_csv_table("1 \"two words\" 3\n", "q.csv", no_header).rows.at(0),
            (std::vector<std::string>{"1", "two words", "3"}));
}

TEST(Csv, MalformedQuotesAreDataErrors) {
  try {
    parse_csv_table("1,2\n3,\"4\n", "q.csv", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("q.csv:2: unterminated quoted field"), std::string::npos);
  }
  try {
    parse_csv_table("1,2\n3,\"4\"x\n", "q.csv", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("q.csv:2: unexpected 'x' after a closing quote"),
              std::string::npos)
        << e.what();
  }
}

TEST(Csv, MixedCrlfAndLfLineEndings) {
  TempFile file("# comment\r\nx1,x2,y\r\n1,2,0\r\n3,4,1\n5,6,0\r\n7,8,1");
  const Dataset d = load_csv(file.path(), {});
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(d.features, (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"0", "1"}));
}

TEST(Csv, TrailingDelimiterIsDropped) {
  // On the last row only, with no final newline (as AReM cycling/dataset9.csv) ...
  const CsvTable last = parse_csv_table("1,2,0\n3,4,1,", "t.csv", {});
  EXPECT_EQ(last.rows[1], (std::vector<std::string>{"3", "4", "1"}));
  // ... and on every row.
  const CsvTable all = parse_csv_table("x,y,\n1,0,\n2,1,\n", "t.csv", {});
  EXPECT_EQ(all.header, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(all.rows[1], (std::vector<std::string>{"2", "1"}));
  // Only one: a second empty field is a real (empty) field and makes the row ragged.
  EXPECT_THROW(parse_csv_table("1,2,0\n3,4,1,,\n", "t.csv", {}), Error);
  // A quoted empty last field is a field.
  const CsvTable quoted = parse_csv_table("1,\"\"\n", "t.csv", {});
  EXPECT_EQ(quoted.rows[0], (std::vector<std::string>{"1", ""}));
}

TEST(Csv, TrailingEmptyFieldIsAFieldWhenTheWidthSaysSo) {
  // The file: the last two cells of a row empty ("...,1.04,,").
  const CsvTable two = parse_csv_table("a,b,c,d\n1,1.04,,\n2,2.5,3,4\n", "t.csv", {});
  EXPECT_EQ(two.rows[0], (std::vector<std::string>{"1", "1.04", "", ""}));
  // One empty last cell under a header that has the column.
  const CsvTable one = parse_csv_table("a,b,y\n1,,0\n2,3,\n", "t.csv", {});
  EXPECT_EQ(one.rows[1], (std::vector<std::string>{"2", "3", ""}));
  // Without a header: the first row sets the width.
  const CsvTable headerless = parse_csv_table("1,2,\n3,4,5\n", "t.csv", {});
  EXPECT_EQ(headerless.rows[0], (std::vector<std::string>{"1", "2", ""}));
  // A header ending in a delimiter over rows that do not: the header's is dropped.
  const CsvTable header_only = parse_csv_table("x,y,\n1,0\n2,1\n", "t.csv", {});
  EXPECT_EQ(header_only.header, (std::vector<std::string>{"x", "y"}));
  // Every row terminated by a delimiter, one of them with an empty last cell.
  const CsvTable terminated = parse_csv_table("x,y,z,\n1,0,2,\n2,1,,\n", "t.csv", {});
  EXPECT_EQ(terminated.header, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(terminated.rows[1], (std::vector<std::string>{"2", "1", ""}));
}

TEST(Csv, QuotedFieldsSpanLinesAndKeepLineNumbers) {
  const std::string text =
      "x,note,y\n"
      "1,\"two\nlines, with a comma\",0\n"
      "2,\"crlf\r\ninside \"\"quoted\"\"\",1\r\n"
      "# a comment\n"
      "3,\"# not a comment\n\n(blank line above)\",0\n"
      "4,plain,1\n";
  const CsvTable table = parse_csv_table(text, "q.csv", {});
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[0][1], "two\nlines, with a comma");
  EXPECT_EQ(table.rows[1][1], "crlf\ninside \"quoted\"");
  EXPECT_EQ(table.rows[2][1], "# not a comment\n\n(blank line above)");
  EXPECT_EQ(table.rows[3], (std::vector<std::string>{"4", "plain", "1"}));
  EXPECT_EQ(table.line_numbers, (std::vector<std::size_t>{2, 4, 7, 10}));

  // Errors after a multi-line field name the right line.
  const auto expect_error = [](const std::string& input, const std::string& message) {
    EXPECT_NE(parse_error(input).find(message), std::string::npos) << parse_error(input);
  };
  expect_error("x,note,y\n1,\"a\nb\",0\n2,c\n", "q.csv:4: expected 3 fields, found 2");
  expect_error("x,note\n1,\"a\nb\"c\n", "q.csv:3: unexpected 'c' after a closing quote");
  // A ragged row that a quote carried over several lines says so.
  expect_error("a,b\n1,2\n3,\"x\ny\",4\n",
               "q.csv:3: expected 2 fields, found 3 (ragged row: a quoted field carries it on to "
               "line 4)");
  // An unterminated quote names the line where it opened.
  expect_error("a,b\n1,\"open\n2,3\n4,5\n", "q.csv:2: unterminated quoted field");
}

TEST(Csv, ByteOrderMarkIsSkipped) {
  const CsvTable table = parse_csv_table("\xEF\xBB\xBFx;y\n1;0\n", "bom.csv", {});
  EXPECT_EQ(table.delimiter, ';');
  EXPECT_EQ(table.header, (std::vector<std::string>{"x", "y"}));
  CsvOptions no_header;
  no_header.header = HeaderMode::kNo;
  const CsvTable numbers = parse_csv_table("\xEF\xBB\xBF" "1,2\n", "bom.csv", no_header);
  EXPECT_EQ(numbers.rows[0], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(numbers.line_numbers, (std::vector<std::size_t>{1}));
}

TEST(Csv, BlankAndEmptyRowsAtTheEndAreDropped) {
  const CsvTable blank = parse_csv_table("x,y\n1,0\n2,1\n\n   \r\n\t\n", "t.csv", {});
  EXPECT_EQ(blank.rows.size(), 2u);
  // Rows of empty fields as spreadsheets write them, with or without CRLF.
  const CsvTable spreadsheet = parse_csv_table("x,y,z\r\n1,0,2\r\n,,\r\n, ,\r\n", "t.csv", {});
  EXPECT_EQ(spreadsheet.rows.size(), 1u);
  // Inside the table such a row stays (a row whose every cell is missing).
  const CsvTable middle = parse_csv_table("x,y,z\n1,0,2\n,,\n3,1,4\n", "t.csv", {});
  EXPECT_EQ(middle.rows.size(), 3u);
  // A quoted empty field is a value, not an empty row.
  const CsvTable quoted = parse_csv_table("x,y\n1,0\n\"\",\n", "t.csv", {});
  EXPECT_EQ(quoted.rows.size(), 2u);
}

TEST(Csv, HeaderDetectionWithWordColumnsAndMissingMarkers) {
  // Word columns under a header; a headerless file with word columns.
  const CsvTable words = parse_csv_table("x;site;y\n1;lab_a;0\n2;lab_b;1\n", "t.csv", {});
  EXPECT_EQ(words.header, (std::vector<std::string>{"x", "site", "y"}));
  EXPECT_EQ(words.header_line, 1u);
  const CsvTable headerless = parse_csv_table("1;lab_a;0\n2;lab_b;1\n", "t.csv", {});
  EXPECT_TRUE(headerless.header.empty());
  EXPECT_EQ(headerless.header_line, 0u);
  // A missing value in the first row does not make it a header.
  for (const std::string first : {"NA", "?", ""}) {
    const CsvTable t = parse_csv_table(first + ",2,0\n1,3,1\n", "t.csv", {});
    EXPECT_TRUE(t.header.empty()) << first;
    EXPECT_EQ(t.rows.size(), 2u) << first;
  }
}

TEST(Csv, WhitespaceRowsWithTrailingSpaceAndStrayTab) {
  // As AReM bending2/dataset4.csv (space-separated, trailing space, CRLF) and a
  // comma file with a stray TAB (standing/dataset5.csv).
  const CsvTable spaces =
      parse_csv_table("#c\r\n0 32.50 0.50 \r\n250 32.50 0.43 \r\n", "s.csv", {});
  EXPECT_EQ(spaces.delimiter, ' ');
  EXPECT_EQ(spaces.rows[0], (std::vector<std::string>{"0", "32.50", "0.50"}));
  EXPECT_EQ(spaces.line_numbers, (std::vector<std::size_t>{2, 3}));
  const CsvTable tab = parse_csv_table("1,2,3\n4,5,6\t\n", "t.csv", {});
  EXPECT_EQ(tab.delimiter, ',');
  EXPECT_EQ(tab.rows[1], (std::vector<std::string>{"4", "5", "6"}));
}

TEST(Csv, LineNumbersSkipCommentsAndBlankLines) {
  const CsvTable table = parse_csv_table("# a\n\nx,y\n  # b\n1,0\n\n2,1\n", "t.csv", {});
  EXPECT_EQ(table.header, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(table.line_numbers, (std::vector<std::size_t>{5, 7}));
}

TEST(Csv, HeaderModes) {
  // Auto: a numeric first row is data.
  EXPECT_TRUE(parse_csv_table("1,2,0\n3,4,1\n", "t.csv", {}).header.empty());
  // Auto: a column name that is a number still makes a header when another
  // column is text above numbers.
  const CsvTable numeric_name = parse_csv_table("x,2024,y\n1,2,0\n", "t.csv", {});
  EXPECT_EQ(numeric_name.header, (std::vector<std::string>{"x", "2024", "y"}));
  // Auto: text labels in a headerless file are not a header.
  EXPECT_TRUE(parse_csv_table("1,2,cat\n3,4,dog\n", "t.csv", {}).header.empty());
  // Forced either way.
  CsvOptions yes;
  yes.header = HeaderMode::kYes;
  const CsvTable forced = parse_csv_table("1,2,0\n3,4,1\n", "t.csv", yes);
  EXPECT_EQ(forced.header, (std::vector<std::string>{"1", "2", "0"}));
  EXPECT_EQ(forced.rows.size(), 1u);
  CsvOptions no;
  no.header = HeaderMode::kNo;
  const CsvTable data = parse_csv_table("a,b,y\n3,4,1\n", "t.csv", no);
  EXPECT_EQ(data.rows.size(), 2u);
  try {
    table_to_dataset(data, "t.csv", no);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t.csv:1: column 0: 'a' is not a number"),
              std::string::npos)
        << e.what();
  }
}

TEST(Csv, TaskDetectionAndForcing) {
  TempFile floats("x,y\n1,0.5\n2,1.25\n3,-2\n");
  const Dataset regression = load_csv(floats.path(), {});
  EXPECT_EQ(regression.task, Task::kRegression);
  EXPECT_EQ(regression.target_dim, 1u);
  EXPECT_EQ(regression.num_outputs(), 1u);
  EXPECT_EQ(regression.size(), 3u);
  EXPECT_EQ(regression.targets, (std::vector<float>{0.5f, 1.25f, -2}));
  EXPECT_TRUE(regression.labels.empty());

  CsvOptions classify;
  classify.task = TaskMode::kClassification;
  const Dataset forced = load_csv(floats.path(), classify);
  EXPECT_EQ(forced.task, Task::kClassification);
  EXPECT_EQ(forced.class_names, (std::vector<std::string>{"-2", "0.5", "1.25"}));

  TempFile ints("x,y\n1,0\n2,1\n3,7\n");
  EXPECT_EQ(load_csv(ints.path(), {}).task, Task::kClassification);
  CsvOptions regress;
  regress.task = TaskMode::kRegression;
  const Dataset int_regression = load_csv(ints.path(), regress);
  EXPECT_EQ(int_regression.task, Task::kRegression);
  EXPECT_EQ(int_regression.targets, (std::vector<float>{0, 1, 7}));
}

TEST(Csv, RegressionWithNonNumericLabelNamesTheLine) {
  CsvOptions regress;
  regress.task = TaskMode::kRegression;
  std::string path;
  const Error e = load_error("x,y\n1,0.5\n2,1.5\n3,high\n", regress, &path);
  EXPECT_EQ(e.kind(), ErrorKind::kData);
  EXPECT_NE(std::string(e.what()).find(path + ":4: column 'y' (1): 'high' is not a number"),
            std::string::npos)
      << e.what();
  // Text labels with task auto are classes.
  TempFile text("x,y\n1,low\n2,high\n");
  EXPECT_EQ(load_csv(text.path(), {}).class_names, (std::vector<std::string>{"high", "low"}));
}

TEST(Csv, EmptyClassLabelIsADataError) {
  std::string path;
  const Error e = load_error("x,y\n1,a\n2,\"\"\n", {}, &path);
  EXPECT_EQ(e.kind(), ErrorKind::kData);
  EXPECT_NE(std::string(e.what()).find(path + ":3: column 'y' (1): empty class label"),
            std::string::npos)
      << e.what();
}

TEST(Csv, SingleColumnIsADataError) {
  const Error e = load_error("1\n2\n", {});
  EXPECT_EQ(e.kind(), ErrorKind::kData);
  EXPECT_NE(std::string(e.what()).find("need at least one feature column"), std::string::npos)
      << e.what();
}

TEST(Csv, ReadsGzipFiles) {
  TempFile file("x1,x2,y\n1,2,a\n3,4,b\n", ".gz", true);
  const Dataset d = load_csv(file.path(), {});
  EXPECT_EQ(d.features, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(read_text_file(file.path()), "x1,x2,y\n1,2,a\n3,4,b\n");
}

TEST(Csv, TruncatedGzipIsADataError) {
  TempFile good("x1,x2,y\n1,2,a\n3,4,b\n", ".gz", true);
  std::ifstream in(good.path(), std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  bytes.resize(bytes.size() / 2);
  TempFile truncated(bytes, ".gz");
  try {
    read_text_file(truncated.path());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("cannot read '" + truncated.path() + "'"),
              std::string::npos)
        << e.what();
  }
}

TEST(Csv, DirectoryIsNotAFile) {
  const std::string dir = fs::temp_directory_path().string();
  try {
    read_text_file(dir);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("cannot open '" + dir + "': Is a directory"),
              std::string::npos)
        << e.what();
  }
}

TEST(Csv, FeaturesAreRowMajor) {
  const CsvTable table = parse_csv_table("1,2,3,0\n4,5,6,1\n", "t.csv", {});
  const Dataset d = table_to_dataset(table, "t.csv", {});
  EXPECT_EQ(d.features, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(d.sample_shape, (Shape{3}));
}

}  // namespace
}  // namespace scratchnet
