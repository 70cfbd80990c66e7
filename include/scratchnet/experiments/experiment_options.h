#pragma once
// The options of a comparison or a search from an experiment's [experiment]
// settings (an experiment file with flags or keyword arguments on top:
// apply_overrides), as `scratchnet compare`/`search` and the Python
// package's compare()/search() both run them.

#include "scratchnet/experiments/compare.h"
#include "scratchnet/experiments/experiment_file.h"
#include "scratchnet/experiments/search.h"

namespace scratchnet {

// Parses each `vary` entry (usage errors name it); title "comparison" when none.
CompareOptions compare_options(const ExperimentSpec& spec);
// Parses each `params` entry (usage errors name it).
SearchOptions search_options(const ExperimentSpec& spec);

}  // namespace scratchnet
