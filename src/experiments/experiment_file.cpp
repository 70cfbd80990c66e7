#include "scratchnet/experiments/experiment_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"
#include "../train/toml_shield.h"

namespace scratchnet {
namespace {

std::vector<std::string> string_list(const toml::node& node, const std::string& where) {
  std::vector<std::string> out;
  if (const auto* s = node.as_string()) return {unshield_toml(s->get())};
  const auto* array = node.as_array();
  if (!array) throw_usage("{}: must be a list of strings", where);
  for (const auto& item : *array) {
    if (!item.is_string()) throw_usage("{}: must be a list of strings", where);
    out.push_back(unshield_toml(item.as_string()->get()));
  }
  return out;
}

std::size_t count(const toml::node& node, const std::string& where) {
  const auto* i = node.as_integer();
  if (!i || i->get() < 0) throw_usage("{}: must be a non-negative integer", where);
  return static_cast<std::size_t>(i->get());
}

std::string text(const toml::node& node, const std::string& where) {
  if (!node.is_string()) throw_usage("{}: must be a string", where);
  return unshield_toml(node.as_string()->get());
}

}  // namespace

ExperimentSpec load_experiment_spec(const std::string& path) {
  const std::string source = read_text_file(path);
  const toml::table root = parse_shielded_toml(source, path);
  ExperimentSpec spec;
  const auto* section = root["experiment"].as_table();
  if (!section) return spec;
  for (const auto& [name, value] : *section) {
    const std::string key = unshield_toml(name.str());
    const std::string where = fmt::format("{}:{}: experiment.{}", path, value.source().begin.line, key);
    if (key == "kind") {
      spec.kind = text(value, where);
      if (spec.kind != "compare" && spec.kind != "search")
        throw_usage("{}: '{}' is not compare or search", where, spec.kind);
    } else if (key == "title") {
      spec.title = text(value, where);
    } else if (key == "out") {
      spec.out = text(value, where);
    } else if (key == "vary") {
      spec.vary = string_list(value, where);
    } else if (key == "params") {
      spec.params = string_list(value, where);
    } else if (key == "facet") {
      spec.facet = text(value, where);
    } else if (key == "repeats") {
      spec.repeats = count(value, where);
    } else if (key == "trials") {
      spec.trials = count(value, where);
    } else if (key == "top") {
      spec.top = count(value, where);
    } else if (key == "refine_top") {
      spec.refine_top = count(value, where);
    } else if (key == "refine_trials") {
      spec.refine_trials = count(value, where);
    } else if (key == "search_seed") {
      spec.search_seed = count(value, where);
    } else if (key == "jobs") {
      spec.jobs = count(value, where);
    } else {
      throw_usage("{}: unknown key (known: kind, title, out, vary, repeats, facet, params, trials, "
                  "top, refine_top, refine_trials, search_seed, jobs)",
                  where);
    }
  }
  return spec;
}

ExperimentSpec apply_overrides(ExperimentSpec spec, const ExperimentOverrides& o) {
  if (!o.vary.empty()) spec.vary = o.vary;
  if (!o.params.empty()) spec.params = o.params;
  if (o.repeats) spec.repeats = *o.repeats;
  if (o.trials) spec.trials = *o.trials;
  if (o.top) spec.top = *o.top;
  if (o.refine_top) spec.refine_top = *o.refine_top;
  if (o.refine_trials) spec.refine_trials = *o.refine_trials;
  if (o.jobs) spec.jobs = *o.jobs;
  if (o.search_seed) spec.search_seed = *o.search_seed;
  if (o.out) spec.out = *o.out;
  if (o.title && !o.title->empty()) spec.title = *o.title;
  if (o.facet && !o.facet->empty()) spec.facet = *o.facet;
  if (spec.out.empty()) throw_usage("give an output folder: --out DIR (or out = ... in [experiment])");
  if (spec.jobs == 0) throw_usage("--jobs must be at least 1");
  return spec;
}

}  // namespace scratchnet
