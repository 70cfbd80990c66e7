// scratchnet: command-line entry point. Parses the subcommand, runs it, and
// turns library errors into one message on stderr and an exit code:
//   0 success, 1 bad data or file, 2 bad usage, 3 training diverged.

#include <cstdio>
#include <exception>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.h"
#include "scratchnet/core/communicator.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/interrupt.h"

namespace {

// Prints the error once and ends. In a data-parallel job the failing process
// names its rank and ends every process, so no rank waits forever.
int fail(const char* message, int code) {
  scratchnet::Communicator& comm = scratchnet::world();
  if (comm.size() > 1) {
    std::fprintf(stderr, "scratchnet: error (rank %d of %d): %s\n", comm.rank(), comm.size(), message);
    std::fflush(stderr);
    comm.abort(code);
  }
  std::fprintf(stderr, "scratchnet: error: %s\n", message);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using scratchnet::ErrorKind;
  CLI::App app{"scratchnet: build, train and compare neural networks layer by layer.\n"
               "Run 'scratchnet <command> --help' for the options of a command.",
               "scratchnet"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SCRATCHNET_VERSION_STRING);
  std::map<CLI::App*, scratchnet::cli::Command> commands;
  for (auto add : {scratchnet::cli::add_train_command, scratchnet::cli::add_eval_command,
                   scratchnet::cli::add_predict_command, scratchnet::cli::add_info_command,
                   scratchnet::cli::add_compare_command, scratchnet::cli::add_search_command,
                   scratchnet::cli::add_plot_command, scratchnet::cli::add_verify_command,
                   scratchnet::cli::add_export_command, scratchnet::cli::add_import_command}) {
    const std::size_t before = app.get_subcommands({}).size();
    auto run = add(app);
    commands[app.get_subcommands({})[before]] = run;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "scratchnet: error: %s\nRun 'scratchnet --help' for usage.\n", e.what());
    return 2;
  }
  scratchnet::install_interrupt_handlers();
  try {
    for (auto* sub : app.get_subcommands()) commands.at(sub)();
  } catch (const scratchnet::Error& e) {
    int code = 1;
    switch (e.kind()) {
      case ErrorKind::kUsage: code = 2; break;
      case ErrorKind::kDivergence: code = 3; break;
      case ErrorKind::kInterrupted: code = 130; break;
      default: break;
    }
    return fail(e.what(), code);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }
  return 0;
}
