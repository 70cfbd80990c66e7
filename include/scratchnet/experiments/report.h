#pragma once
// Experiment reports: one self-contained HTML page per experiment folder
// (report.html) and GitHub markdown tables (results.md).
//
// The page needs nothing but itself: inline CSS, no scripts, no external
// URLs; the SVG plots (from render() in plot.h) are pasted in with their XML
// prolog stripped and their element ids prefixed per plot, so several
// gnuplot SVGs on one page do not share ids. All text (title, headings,
// paragraphs, captions, cells) is HTML-escaped. SVG files are trusted input:
// they are inlined as they are.

#include <string>
#include <vector>

namespace scratchnet {

// A table; rows may be shorter or longer than the header (padded with empty
// cells). Cells that read as numbers are right-aligned.
struct ReportTable {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// A part of the page: a heading, text (blank lines separate paragraphs),
// tables, then plots. A relative SVG path is looked up in the report's
// folder first, then relative to the working directory. A missing SVG
// (gnuplot absent when the plots were made) shows a note on how to render it.
struct ReportSection {
  std::string heading;
  std::string text;
  std::vector<ReportTable> tables;
  std::vector<std::string> svg_files;  // paths; inlined
};

// Writes <dir>/report.html atomically (creating `dir` if needed): the title,
// a list of the sections when there are more than two, then the sections.
// Throws a data error when the file cannot be written.
void write_report(const std::string& dir, const std::string& title,
                  const std::vector<ReportSection>& sections);

// The same table as GitHub markdown: the caption in bold on a line of its
// own (when there is one), then the table; in cells '|' is escaped, '<'
// becomes &lt; and line breaks <br>; all-numeric columns are right-aligned.
// Ends with a newline.
std::string markdown_table(const ReportTable& table);

}  // namespace scratchnet
