#pragma once
// The data sets scratchnet knows by name, and the resolution of a `--data`
// argument to a Dataset.
//
//   arem     UCI AReM activity recognition (data/arem in the repo): 6 features
//            (avg/var of three RSS signals; the time column is dropped), class
//            = folder. bending1 and bending2 merge into "bending" (6 classes,
//            as seed 000) unless arem_classes = 7. Byte-identical duplicate
//            files are read once (the archive has six duplicate pairs) unless
//            arem_keep_duplicates, so identical rows cannot leak into test.
//   digits   8x8 handwritten digits (data/digits/digits.csv.gz), 64 features
//            in 0..16, 10 classes.
//   xor, or  2-D points around the four corners of the unit square (gaussian
//            noise, std 0.15), labelled by XOR / OR of the corner; 100 per corner.
//   sine     1-D regression: x ~ U(-3, 3), y = sin(x) + N(0, 0.1^2); 500 points.
//   other    a path to a CSV file (optionally .gz), read with load_csv.

#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/data/csv.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet {

struct DataOptions {
  std::string source = "arem";   // a built-in name or a path
  CsvOptions csv;                // for paths
  int arem_classes = 6;          // 6 (bending merged) or 7
  bool arem_keep_duplicates = false;
  std::size_t synthetic_samples = 0;  // 0 = the set's default size
  std::uint64_t seed = 42;       // synthetic sets are drawn from this seed
};

Dataset load_dataset(const DataOptions& options);
std::vector<std::string> builtin_dataset_names();

// Where bundled data lives: $SCRATCHNET_DATA_DIR if set, else the repo's data/
// folder recorded at build time.
std::string data_directory();

Dataset load_arem(const std::string& directory, int classes, bool keep_duplicates);
Dataset load_digits(const std::string& path);
Dataset make_xor(std::size_t samples, std::uint64_t seed);
Dataset make_or(std::size_t samples, std::uint64_t seed);
Dataset make_sine(std::size_t samples, std::uint64_t seed);

}  // namespace scratchnet
