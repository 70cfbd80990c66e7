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
#include <utility>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

// A table; rows may be shorter or longer than the header (padded with empty
// cells). Cells that read as numbers are right-aligned.
struct SCRATCHNET_API ReportTable {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// A line of links to files of the experiment (run folders, per-run
// figures): "label: text · text". An href is a path relative to the
// report's folder (or an absolute one); one with a URL scheme
// ("javascript:", "https:") is shown as text, not linked.
struct SCRATCHNET_API ReportLinks {
  std::string label;
  std::vector<std::pair<std::string, std::string>> links;  // (text, href)
};

// A part of the page: a heading, text (blank lines separate paragraphs),
// tables, then plots, then lists of links. A relative SVG path is looked up in the report's
// folder first, then relative to the working directory. A missing SVG
// (gnuplot absent when the plots were made) shows a note on how to render it.
struct SCRATCHNET_API ReportSection {
  std::string heading;
  std::string text;
  std::vector<ReportTable> tables;
  std::vector<std::string> svg_files;  // paths; inlined
  std::vector<ReportLinks> links;
};

// Writes <dir>/report.html atomically (creating `dir` if needed): the title,
// a list of the sections with headings when there are more than two, then
// the sections. A first section without a heading reads as the page's lead
// (a conclusion above everything else).
// Throws a data error when the file cannot be written.
SCRATCHNET_API void write_report(const std::string& dir, const std::string& title,
                                 const std::vector<ReportSection>& sections);

// The same table as GitHub markdown: the caption in bold on a line of its
// own (when there is one), then the table; in cells '|' is escaped, '<'
// becomes &lt; and line breaks <br>; all-numeric columns are right-aligned.
// Ends with a newline.
SCRATCHNET_API std::string markdown_table(const ReportTable& table);

// The links as a markdown list, one item per ReportLinks; hrefs with a URL
// scheme are shown as text. Ends with a newline (empty for no links).
SCRATCHNET_API std::string markdown_links(const std::vector<ReportLinks>& links);

}  // namespace scratchnet
