#include "scratchnet/experiments/experiment_options.h"

namespace scratchnet {

CompareOptions compare_options(const ExperimentSpec& spec) {
  CompareOptions options;
  for (const auto& v : spec.vary) options.vary.push_back(parse_variation(v));
  options.repeats = spec.repeats;
  options.jobs = spec.jobs;
  options.out = spec.out;
  options.title = spec.title.empty() ? "comparison" : spec.title;
  options.facet = spec.facet;
  return options;
}

SearchOptions search_options(const ExperimentSpec& spec) {
  SearchOptions options;
  for (const auto& p : spec.params) options.params.push_back(parse_param(p));
  options.trials = spec.trials;
  options.top = spec.top;
  options.refine_top = spec.refine_top;
  options.refine_trials = spec.refine_trials;
  options.seed = spec.search_seed;
  options.jobs = spec.jobs;
  options.out = spec.out;
  return options;
}

}  // namespace scratchnet
