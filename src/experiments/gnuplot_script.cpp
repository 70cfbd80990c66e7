// The gnuplot machinery of the figures (gnuplot_script.h): colours, text
// escaping, script heads and tails, finding and running gnuplot with a
// timeout, and writing the .dat/.gp files next to the images.

#include "gnuplot_script.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/binary.h"

extern char** environ;

namespace scratchnet {
namespace plot_detail {

// How long one gnuplot run may take before it is killed.
constexpr auto kGnuplotTimeout = std::chrono::seconds(120);

// ---------------------------------------------------------------- colours

// Series and class colours: the "tab10" palette of matplotlib.
constexpr std::array<Rgb, kPaletteSize> kPalette = {{{0x1f, 0x77, 0xb4},
                                           {0xff, 0x7f, 0x0e},
                                           {0x2c, 0xa0, 0x2c},
                                           {0xd6, 0x27, 0x28},
                                           {0x94, 0x67, 0xbd},
                                           {0x8c, 0x56, 0x4b},
                                           {0xe3, 0x77, 0xc2},
                                           {0x7f, 0x7f, 0x7f},
                                           {0xbc, 0xbd, 0x22},
                                           {0x17, 0xbe, 0xcf}}};

Rgb series_colour(std::size_t i) { return kPalette[i % kPalette.size()]; }

// Classes below 0 (no prediction) are grey.
Rgb class_colour(int k) {
  if (k < 0) return {0x60, 0x60, 0x60};
  return kPalette[static_cast<std::size_t>(k) % kPalette.size()];
}

// Moves a colour the fraction `t` of the way towards white.
Rgb lighten(Rgb c, double t) {
  auto mix = [t](int v) { return static_cast<int>(std::lround(v + (255 - v) * t)); };
  return {mix(c.r), mix(c.g), mix(c.b)};
}

std::string hex(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }

// ------------------------------------------------------------ text output

// A number for a .dat file: shortest round-trip form, non-finite as NaN.
std::string number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "NaN"; }

// `text` as a gnuplot string expression: single-quoted runs joined with
// '.'. Double quotes never appear, because gnuplot runs `backquoted` shell
// commands inside double-quoted strings, and a quote character inside one
// throws off its scan for @macros. So a quote becomes the piece
// sprintf('%c',39) (the '' escape is misread at the start of a string), a
// line break sprintf('%c',10) where `multiline` and a space elsewhere, as do
// other control characters.
std::string gp_string(const std::string& text, bool multiline) {
  std::string out, run;
  auto append = [&out](const std::string& piece) { out += (out.empty() ? "" : ".") + piece; };
  auto flush = [&] {
    if (!run.empty()) append("'" + run + "'");
    run.clear();
  };
  for (char c : text) {
    if (c == '\'') {
      flush();
      append("sprintf('%c',39)");
    } else if (c == '\n' && multiline) {
      flush();
      append("sprintf('%c',10)");
    } else {
      run += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
    }
  }
  flush();
  return out.empty() ? "''" : out;
}

// `text` on one line, for a '#' comment; backslashes go too, since a comment
// line ending in one would swallow the next line of a gnuplot script.
std::string comment(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    if (c == '\\') c = '/';
  }
  return out;
}

// `s` quoted for a POSIX shell where it needs it, for messages.
std::string shell_quote(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./-+:=,@%", c) != nullptr;
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// ------------------------------------------------------------ files

void check_name(const std::string& name, const char* what) {
  const bool bad =
      name.empty() || name.front() == '.' || std::any_of(name.begin(), name.end(), [](char c) {
        return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
      });
  if (bad) {
    throw_usage(
        "{} name '{}' must be a plain file name (not empty, no '/', '\\', control "
        "characters or leading '.')",
        what, comment(name));
  }
}

// Creates `dir` and returns it as an absolute path.
fs::path prepare_dir(const std::string& dir) {
  std::error_code ec;
  const fs::path abs = fs::absolute(dir.empty() ? std::string(".") : dir, ec).lexically_normal();
  if (ec) throw_data("cannot use folder '{}': {}", dir, ec.message());
  fs::create_directories(abs, ec);
  if (ec) throw_data("cannot create folder '{}': {}", dir, ec.message());
  return abs;
}

bool non_empty_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0 && !ec;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The start of every script: where its files are, and how it looks.
// sn_dir is the script's folder taken from the path gnuplot was given
// (ARG0), so the script works from any working directory and after the
// folder moves; without ARG0 (a script piped to gnuplot) it falls back to
// the folder it was written in.
std::string script_head(const std::string& kind, const std::string& name, const fs::path& dir) {
  std::string abs = dir.string();
  if (abs.empty() || abs.back() != '/') abs += '/';
  std::string s;
  s += fmt::format("# scratchnet {} '{}': reads {}.dat and writes {}.png and {}.svg next to\n",
                   kind, name, name, name, name);
  s += "# this script. Run it from any folder with: gnuplot path/to/" + name + ".gp\n";
  s += "set encoding utf8\n";
  s += "sn_arg0 = exists('ARG0') ? ARG0 : ''\n";
  s += "sn_i = strlen(sn_arg0)\n";
  s += "while (sn_i > 0 && sn_arg0[sn_i:sn_i] ne '/') { sn_i = sn_i - 1 }\n";
  s += "sn_dir = (sn_i > 0) ? sn_arg0[1:sn_i] : (sn_arg0 eq '' ? " + gp_string(abs, false) +
       " : '')\n";
  s += "sn_dat = sn_dir." + gp_string(name + ".dat", false) + "\n";
  s += "set border lw 1 lc rgb '#444444'\n";
  s += "set tics textcolor rgb '#222222'\n";
  s += "set title font ',13'\n";
  return s;
}

// The end of every script: the plot command drawn once as PNG and once as
// SVG (again in full when it is a multiplot, which `replot` cannot repeat).
std::string script_tail(const std::string& name, const std::string& plot_command, int height,
                        int width, bool repeat) {
  const std::string size = fmt::format("size {},{}", width, height);
  std::string s;
  s += "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n";
  s += "  set terminal pngcairo " + size + " noenhanced font 'sans,10' background '#ffffff'\n";
  s += "} else {\n";
  s += "  set terminal png " + size + " noenhanced background '#ffffff'\n";
  s += "}\n";
  s += "set output sn_dir." + gp_string(name + ".png", false) + "\n";
  s += plot_command + "\n";
  s += "set terminal svg " + size + " noenhanced font 'sans,10' background '#ffffff'\n";
  s += "set output sn_dir." + gp_string(name + ".svg", false) + "\n";
  s += repeat ? plot_command + "\n" : "replot\n";
  s += "unset output\n";
  return s;
}

std::string join_plot(const std::vector<std::string>& items) {
  std::string s = "plot ";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", \\\n     " : "") + items[i];
  return s;
}

// ------------------------------------------------------------ gnuplot

std::optional<std::string> find_gnuplot() {
  const char* env = std::getenv("PATH");
  const std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string folder = path.substr(start, end - start);
    if (folder.empty()) folder = ".";
    const std::string candidate = folder + "/gnuplot";
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

std::string missing_gnuplot_message(const fs::path& script) {
  return fmt::format(
      "gnuplot not found on PATH: wrote {} and its data; install gnuplot (Debian: apt-get install "
      "gnuplot-nox), then render with `gnuplot {}` or `scratchnet plot {}`",
      script.string(), shell_quote(script.string()), shell_quote(script.parent_path().string()));
}

// The last non-empty line of gnuplot's output, for messages.
std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return comment(last);
}

// Runs `gnuplot <script>` without a shell and checks that it wrote
// <stem>.png and <stem>.svg next to the script.
RenderResult run_script(const std::string& gnuplot, const fs::path& script) {
  const fs::path folder = script.parent_path();
  const std::string stem = script.stem().string();
  const fs::path png = folder / (stem + ".png"), svg = folder / (stem + ".svg");
  const fs::path log = folder / (stem + ".gnuplot.log");
  std::error_code ec;
  fs::remove(png, ec);
  fs::remove(svg, ec);

  // Start gnuplot: stdin from /dev/null, stdout and stderr to the log.
  const std::string script_arg = script.string(), log_arg = log.string();
  std::string arg0 = "gnuplot";
  std::array<char*, 3> argv = {arg0.data(), const_cast<char*>(script_arg.c_str()), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_arg.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int spawn_error =
      posix_spawn(&pid, gnuplot.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    return {false, fmt::format("cannot run {} on {}: {}", gnuplot, script.string(),
                               std::strerror(spawn_error))};
  }

  // Wait for it, killing it after kGnuplotTimeout.
  int status = 0;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + kGnuplotTimeout;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      return {false, fmt::format("lost track of gnuplot on {}: {}", script.string(),
                                 std::strerror(errno))};
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  const std::string output = read_text(log);
  const bool exited_ok = !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (exited_ok && non_empty_file(png) && non_empty_file(svg)) {
    if (output.empty()) fs::remove(log, ec);
    return {true, ""};
  }
  std::string why;
  if (timed_out) {
    why = fmt::format("timed out after {} s", kGnuplotTimeout.count());
  } else if (WIFSIGNALED(status)) {
    why = fmt::format("killed by signal {}", WTERMSIG(status));
  } else if (!exited_ok) {
    why = fmt::format("exit status {}", WEXITSTATUS(status));
  } else {
    why = fmt::format("no {} and {} written", png.filename().string(), svg.filename().string());
  }
  const std::string detail = last_line(output);
  return {false, fmt::format("gnuplot failed on {} ({}){}{}; its output is in {}", script.string(),
                             why, detail.empty() ? "" : ": ", detail, log.string())};
}

// Writes the data and the script, then renders when gnuplot is there.
RenderResult write_and_render(const fs::path& dir, const std::string& name, const std::string& data,
                              const std::string& script) {
  const fs::path script_path = dir / (name + ".gp");
  write_file_atomic((dir / (name + ".dat")).string(), data);
  write_file_atomic(script_path.string(), script);
  const std::optional<std::string> gnuplot = find_gnuplot();
  if (!gnuplot) {
    std::error_code ec;
    fs::remove(dir / (name + ".png"), ec);
    fs::remove(dir / (name + ".svg"), ec);
    return {false, missing_gnuplot_message(script_path)};
  }
  return run_script(*gnuplot, script_path);
}

// ------------------------------------------------------------ axes

std::string axis_setup(const std::string& title, const std::string& x_label,
                       const std::string& y_label) {
  std::string s;
  if (!title.empty()) s += "set title " + gp_string(title, true) + "\n";
  if (!x_label.empty()) s += "set xlabel " + gp_string(x_label, true) + "\n";
  if (!y_label.empty()) s += "set ylabel " + gp_string(y_label, true) + "\n";
  return s;
}

}  // namespace plot_detail
}  // namespace scratchnet
