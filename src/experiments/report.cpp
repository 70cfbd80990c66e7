#include "scratchnet/experiments/report.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/binary.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// The page's look: readable widths, ruled tables, plots scaled to fit.
constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #222; background: #fff; max-width: 1000px; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; }
h1 { font-size: 1.7em; border-bottom: 2px solid #ddd; padding-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #eee; }
nav ul { padding-left: 1.2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; }
th { background: #f2f2f2; text-align: left; }
tbody tr:nth-child(even) { background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption, .note { color: #666; font-size: 0.9em; }
.note { border-left: 3px solid #e0a000; background: #fff8e5; padding: 0.5em 0.8em; }
code { background: #f2f2f2; padding: 0 0.2em; }
ul.links { padding-left: 1.2em; font-size: 0.92em; }
footer { margin-top: 3em; color: #999; font-size: 0.85em; }
)";

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Whether a cell reads as a number (a trailing '%' allowed), for alignment.
bool is_number(std::string_view cell) {
  while (!cell.empty() && std::isspace(static_cast<unsigned char>(cell.front())))
    cell.remove_prefix(1);
  while (!cell.empty() && std::isspace(static_cast<unsigned char>(cell.back())))
    cell.remove_suffix(1);
  if (!cell.empty() && cell.back() == '%') cell.remove_suffix(1);
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  if (cell.empty()) return false;
  double value = 0;
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return error == std::errc() && end == cell.data() + cell.size();
}

std::size_t column_count(const ReportTable& table) {
  std::size_t n = table.header.size();
  for (const auto& row : table.rows) n = std::max(n, row.size());
  return n;
}

std::string cell_of(const std::vector<std::string>& row, std::size_t i) {
  return i < row.size() ? row[i] : std::string();
}

std::string html_table(const ReportTable& table) {
  const std::size_t columns = column_count(table);
  std::string s = "<table>\n";
  if (!table.caption.empty()) s += "<caption>" + html_escape(table.caption) + "</caption>\n";
  if (!table.header.empty()) {
    s += "<thead><tr>";
    for (std::size_t i = 0; i < columns; ++i) {
      s += "<th>" + html_escape(cell_of(table.header, i)) + "</th>";
    }
    s += "</tr></thead>\n";
  }
  s += "<tbody>\n";
  for (const auto& row : table.rows) {
    s += "<tr>";
    for (std::size_t i = 0; i < columns; ++i) {
      const std::string cell = cell_of(row, i);
      s += (is_number(cell) ? "<td class=\"num\">" : "<td>") + html_escape(cell) + "</td>";
    }
    s += "</tr>\n";
  }
  return s + "</tbody>\n</table>\n";
}

// Paragraphs separated by blank lines; single line breaks kept as <br>.
std::string html_text(const std::string& text) {
  std::string s, paragraph, line;
  std::istringstream in(text);
  auto flush = [&] {
    if (!paragraph.empty()) s += "<p>" + paragraph + "</p>\n";
    paragraph.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      flush();
    } else {
      paragraph += (paragraph.empty() ? "" : "<br>\n") + html_escape(line);
    }
  }
  flush();
  return s;
}

// Gives every id in an SVG a prefix, and every reference to one (href="#x",
// url(#x)), so ids of different inlined SVGs never clash.
std::string prefix_ids(std::string_view svg, const std::string& prefix) {
  std::string out;
  out.reserve(svg.size() + svg.size() / 20);
  std::size_t i = 0;
  auto at = [&](std::string_view token) { return svg.substr(i, token.size()) == token; };
  while (i < svg.size()) {
    std::size_t skip = 0;
    const bool after_space = i > 0 && std::isspace(static_cast<unsigned char>(svg[i - 1]));
    if (after_space && (at("id=\"") || at("id='"))) {
      skip = 4;
    } else if (at("href=\"#") || at("href='#")) {
      skip = 7;
    } else if (at("url(#")) {
      skip = 5;
    }
    if (skip) {
      out += svg.substr(i, skip);
      out += prefix;
      i += skip;
    } else {
      out += svg[i++];
    }
  }
  return out;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The <svg> element of an SVG file without what comes before it (XML
// declaration, doctype, comments) or after it; nullopt when there is none.
std::optional<std::string> svg_element(const std::string& file) {
  std::size_t start = 0;
  for (;;) {
    start = file.find("<svg", start);
    if (start == std::string::npos) return std::nullopt;
    const char next = start + 4 < file.size() ? file[start + 4] : '\0';
    if (next == '>' || std::isspace(static_cast<unsigned char>(next))) break;
    start += 4;
  }
  const std::size_t end = file.rfind("</svg>");
  if (end == std::string::npos || end < start) return std::nullopt;
  return file.substr(start, end + 6 - start);
}

fs::path resolve(const fs::path& dir, const std::string& file) {
  const fs::path path(file);
  if (path.is_absolute()) return path;
  std::error_code ec;
  if (fs::exists(dir / path, ec)) return dir / path;
  return path;
}

std::string html_figure(const fs::path& dir, const std::string& file, std::size_t index) {
  const fs::path path = resolve(dir, file);
  const std::optional<std::string> text = read_file(path);
  const std::optional<std::string> svg = text ? svg_element(*text) : std::nullopt;
  const std::string name = path.filename().string();
  if (!svg) {
    const std::string script = path.stem().string() + ".gp";
    return fmt::format(
        "<p class=\"note\">Plot <code>{}</code> was not rendered when this report was written "
        "(gnuplot missing?). Its data and script <code>{}</code> are in this folder: render them "
        "with <code>scratchnet plot {}</code> or <code>gnuplot {}</code> (Debian package "
        "gnuplot-nox), then write the report again.</p>\n",
        html_escape(name), html_escape(script), html_escape(dir.string()),
        html_escape((path.parent_path() / script).string()));
  }
  return "<figure>\n" + prefix_ids(*svg, fmt::format("p{}-", index)) + "\n<figcaption>" +
         html_escape(name) + "</figcaption>\n</figure>\n";
}

// Whether an href names a file here, not a URL ("javascript:", "https:"):
// no ':' before the first '/'.
bool local_href(const std::string& href) {
  const std::size_t colon = href.find(':');
  return !href.empty() && (colon == std::string::npos || href.find('/') < colon);
}

std::string html_links(const std::vector<ReportLinks>& lists) {
  if (lists.empty()) return "";
  std::string s = "<ul class=\"links\">\n";
  for (const ReportLinks& list : lists) {
    s += "<li>" + html_escape(list.label) + (list.links.empty() ? "" : ": ");
    for (std::size_t i = 0; i < list.links.size(); ++i) {
      const auto& [text, href] = list.links[i];
      s += i ? " · " : "";
      s += local_href(href) ? "<a href=\"" + html_escape(href) + "\">" + html_escape(text) + "</a>"
                            : html_escape(text);
    }
    s += "</li>\n";
  }
  return s + "</ul>\n";
}

std::string markdown_cell(const std::string& cell) {
  std::string out;
  for (char c : cell) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '<') {
      out += "&lt;";  // GitHub would read it as the start of an HTML tag
    } else if (c == '\n') {
      out += "<br>";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

}  // namespace

void write_report(const std::string& dir, const std::string& title,
                  const std::vector<ReportSection>& sections) {
  const fs::path folder(dir.empty() ? std::string(".") : dir);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw_data("cannot create folder '{}': {}", dir, ec.message());

  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<title>" + html_escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n";
  page += "<body>\n<h1>" + html_escape(title) + "</h1>\n";
  const auto headed = std::count_if(sections.begin(), sections.end(),
                                    [](const ReportSection& s) { return !s.heading.empty(); });
  if (headed > 2) {
    page += "<nav><ul>\n";
    for (std::size_t i = 0; i < sections.size(); ++i) {
      if (sections[i].heading.empty()) continue;
      page += fmt::format("<li><a href=\"#section-{}\">{}</a></li>\n", i + 1,
                          html_escape(sections[i].heading));
    }
    page += "</ul></nav>\n";
  }
  std::size_t figure = 0;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const ReportSection& section = sections[i];
    page += fmt::format("<section id=\"section-{}\">\n", i + 1);
    if (!section.heading.empty()) page += "<h2>" + html_escape(section.heading) + "</h2>\n";
    page += html_text(section.text);
    for (const ReportTable& table : section.tables) page += html_table(table);
    for (const std::string& file : section.svg_files) page += html_figure(folder, file, ++figure);
    page += html_links(section.links);
    page += "</section>\n";
  }
  page += "<footer>Written by scratchnet.</footer>\n</body>\n</html>\n";
  write_file_atomic((folder / "report.html").string(), page);
}

std::string markdown_table(const ReportTable& table) {
  const std::size_t columns = std::max<std::size_t>(column_count(table), 1);
  std::string s;
  if (!table.caption.empty()) s += "**" + markdown_cell(table.caption) + "**\n\n";
  auto row_line = [&](const std::vector<std::string>& row) {
    std::string line = "|";
    for (std::size_t i = 0; i < columns; ++i) line += " " + markdown_cell(cell_of(row, i)) + " |";
    return line + "\n";
  };
  s += row_line(table.header);
  s += "|";
  for (std::size_t i = 0; i < columns; ++i) {
    // Right-align a column whose non-empty cells are all numbers.
    bool numeric = false, other = false;
    for (const auto& row : table.rows) {
      const std::string cell = cell_of(row, i);
      if (cell.empty()) continue;
      (is_number(cell) ? numeric : other) = true;
    }
    s += numeric && !other ? " ---: |" : " --- |";
  }
  s += "\n";
  for (const auto& row : table.rows) s += row_line(row);
  return s;
}

std::string markdown_links(const std::vector<ReportLinks>& lists) {
  std::string s;
  for (const ReportLinks& list : lists) {
    s += "- " + markdown_cell(list.label) + (list.links.empty() ? "" : ":");
    for (std::size_t i = 0; i < list.links.size(); ++i) {
      const auto& [text, href] = list.links[i];
      // Spaces would end a markdown link target; <...> keeps them.
      s += (i ? " · " : " ") + (local_href(href) ? "[" + markdown_cell(text) + "](<" + href + ">)"
                                                  : markdown_cell(text));
    }
    s += "\n";
  }
  return s;
}

}  // namespace scratchnet
