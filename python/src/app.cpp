// The runs and experiments of the CLI for Python: scratchnet.train (app/run.h
// run_training: the same run folder), scratchnet.compare and scratchnet.search
// (experiments/compare.h, search.h, with an experiment file's [experiment]
// section and keyword arguments on top through apply_overrides). They run on
// a worker thread while the calling thread watches for Ctrl-C
// (run_interruptible): an interrupted run saves its checkpoint and raises
// KeyboardInterrupt with the library's message. python/scratchnet/runs.py
// reads the results tables these write.

#include <cmath>
#include <mutex>

#include <fmt/format.h>

#include "bindings.h"
#include "scratchnet/app/metrics_file.h"
#include "scratchnet/app/run.h"
#include "scratchnet/core/error.h"
#include "scratchnet/experiments/compare.h"
#include "scratchnet/experiments/experiment_file.h"
#include "scratchnet/experiments/experiment_options.h"

namespace scratchnet::python {
namespace {

using namespace pybind11::literals;

py::object summary_dict(const RunSummary& s) {
  py::object d = py::module_::import("json").attr("loads")(summary_json(s));
  d["out_dir"] = s.out_dir;
  return d;
}

// Progress lines of a training run (verbose), printed through Python.
class RunPrinter final : public RunObserver {
 public:
  void on_start(const TrainConfig& config, const PreparedData& data, const Network<float>& network,
                const Optimizer& optimizer) override {
    epochs_ = config.epochs;
    print(fmt::format("train: {} training samples, {} parameters, {} lr {:g}, {} epochs -> {}", data.train.size(),
                      network.parameter_count(), optimizer.name(), optimizer.lr(), config.epochs,
                      config.out.empty() ? std::string("runs/<timestamp>") : config.out));
  }
  void on_epoch_end(Trainer& /*trainer*/, const EpochStats& s, EpochControl& /*control*/) override {
    std::string line = fmt::format("epoch {}/{}  loss {:.4f}", s.epoch, epochs_, s.train_loss);
    if (std::isfinite(s.train_accuracy)) line += fmt::format("  acc {:.4f}", s.train_accuracy);
    if (std::isfinite(s.test_accuracy)) line += fmt::format("  test_acc {:.4f}", s.test_accuracy);
    print(line);
  }

 private:
  static void print(const std::string& line) {
    py::gil_scoped_acquire gil;
    py::print(line, "flush"_a = true);
  }
  std::size_t epochs_ = 0;
};

// One line per finished run of an experiment (verbose).
class ExperimentPrinter final : public ExperimentObserver {
 public:
  void on_run_done(std::size_t index, std::size_t total, const std::string& label, const RunSummary& s,
                   double eta) override {
    const std::lock_guard lock(mutex_);
    const double score = std::isfinite(s.val_accuracy) ? s.val_accuracy : s.test_accuracy;
    py::gil_scoped_acquire gil;
    py::print(fmt::format("[{}/{}] {}: {}  ({:.1f} s, ETA {:.0f} s)", index + 1, total, label,
                          s.diverged ? std::string("diverged") : fmt::format("{:.4f}", score), s.train_seconds, eta),
              "flush"_a = true);
  }

 private:
  std::mutex mutex_;
};

std::vector<std::string> strings(py::handle list) {
  std::vector<std::string> out;
  if (list.is_none()) return out;
  if (py::isinstance<py::str>(list)) return {list.cast<std::string>()};
  for (py::handle item : list) out.push_back(py::str(item).cast<std::string>());
  return out;
}

template <class T>
void take(py::dict& kwargs, const char* key, std::optional<T>& field) {
  if (!kwargs.contains(key)) return;
  py::object value = kwargs[key];
  PyDict_DelItemString(kwargs.ptr(), key);
  if (!value.is_none()) field = value.cast<T>();
}

// The base config and the [experiment] spec of an experiment call: an
// experiment file (or a training config), then keyword arguments: experiment
// keys (vary, params, repeats, ...) through apply_overrides, the rest as
// training settings.
struct Experiment {
  TrainConfig base;
  ExperimentSpec spec;
};

Experiment experiment_from(py::handle config, const py::kwargs& kwargs) {
  Experiment e;
  if (!config.is_none()) {
    const std::string text = py::str(config).cast<std::string>();
    const bool file = !py::isinstance<py::dict>(config) && text.find('\n') == std::string::npos &&
                      text.find('=') == std::string::npos;
    e.base = config_from(config);
    if (file) e.spec = load_experiment_spec(text);
  }
  py::dict rest;
  for (auto [k, v] : kwargs) rest[k] = v;
  ExperimentOverrides o;
  if (rest.contains("vary")) {
    o.vary = strings(rest["vary"]);
    PyDict_DelItemString(rest.ptr(), "vary");
  }
  if (rest.contains("params")) {
    o.params = strings(rest["params"]);
    PyDict_DelItemString(rest.ptr(), "params");
  }
  take(rest, "repeats", o.repeats);
  take(rest, "trials", o.trials);
  take(rest, "top", o.top);
  take(rest, "refine_top", o.refine_top);
  take(rest, "refine_trials", o.refine_trials);
  take(rest, "jobs", o.jobs);
  take(rest, "search_seed", o.search_seed);
  take(rest, "out", o.out);
  take(rest, "title", o.title);
  take(rest, "facet", o.facet);
  apply_settings(e.base, rest);
  e.spec = apply_overrides(e.spec, o);
  return e;
}

bool take_verbose(py::kwargs& kwargs) {
  std::optional<bool> verbose;
  py::dict d = kwargs;
  take(d, "verbose", verbose);
  return verbose.value_or(false);
}

}  // namespace

TrainConfig config_from(py::handle source) {
  TrainConfig config;
  if (py::isinstance<py::dict>(source)) {
    const std::string text = py::module_::import("scratchnet._config").attr("to_toml")(source).cast<std::string>();
    config.load_toml_text(text, "the config dict", {"experiment"});
    return config;
  }
  const std::string text = py::isinstance<py::str>(source) ? source.cast<std::string>() : path_text(source);
  const bool path = text.find('\n') == std::string::npos && text.find('=') == std::string::npos;
  if (path)
    config.load_toml_file(text, {"experiment"});
  else
    config.load_toml_text(text, "the TOML text", {"experiment"});
  return config;
}

void bind_app(py::module_& m) {
  m.def(
      "train",
      [](py::object config, py::kwargs kwargs) {
        const bool verbose = take_verbose(kwargs);
        TrainConfig c = config.is_none() ? TrainConfig() : config_from(config);
        apply_settings(c, kwargs);
        RunSummary summary;
        RunPrinter printer;
        run_interruptible([&] { summary = run_training(c, verbose ? &printer : nullptr); });
        return summary_dict(summary);
      },
      py::arg("config") = py::none());
  m.def(
      "compare",
      [](py::object config, py::kwargs kwargs) {
        const bool verbose = take_verbose(kwargs);
        const Experiment e = experiment_from(config, kwargs);
        const CompareOptions options = compare_options(e.spec);
        ExperimentPrinter printer;
        run_interruptible([&] { run_compare(e.base, options, verbose ? &printer : nullptr); });
        return options.out;
      },
      py::arg("config") = py::none());
  m.def(
      "search",
      [](py::object config, py::kwargs kwargs) {
        const bool verbose = take_verbose(kwargs);
        const Experiment e = experiment_from(config, kwargs);
        const SearchOptions options = search_options(e.spec);
        ExperimentPrinter printer;
        SearchResult result;
        run_interruptible([&] { result = run_search(e.base, options, verbose ? &printer : nullptr); });
        py::dict out;
        out["out_dir"] = options.out;
        out["best_config"] = result.best_config.to_toml();
        out["best_test"] = summary_dict(result.best_test);
        return out;
      },
      py::arg("config") = py::none());
  m.def(
      "read_metrics",
      [](const std::string& path) {
        const MetricsTable table = read_metrics(path);
        py::dict columns;
        for (const auto& [name, values] : table.columns) columns[py::str(name)] = values;
        return columns;
      },
      py::arg("path"), "A metrics.csv by column name (app/metrics_file.h).");
  m.def("setting_keys", &TrainConfig::keys, "Every training setting key.");
  m.def("setting_help", &TrainConfig::help, py::arg("key"), "The one-line help of a setting key.");
}

}  // namespace scratchnet::python
