#pragma once
// The data sets scratchnet knows by name, and the resolution of a `--data`
// argument to a Dataset.
//
//   arem     UCI AReM activity recognition (data/arem in the repo; data/arem.h)
//   digits   8x8 handwritten digits (data/digits/digits.csv.gz), 64 features
//            in 0..16, 10 classes.
//   xor, or, sine  synthetic sets of seed 002 (data/synthetic.h)
//   fashion-mnist
//            Zalando's 28x28 grey clothing images, 10 classes, 60,000 train +
//            10,000 test, from the Debian package dataset-fashion-mnist
//            (/usr/share/datasets/fashion-mnist, or $SCRATCHNET_FASHION_MNIST_DIR).
//   mnist    LeCun's 28x28 handwritten digits, classes "0".."9", from the folder
//            $SCRATCHNET_MNIST_DIR, else /usr/share/datasets/mnist.
//   idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS
//            any four IDX files (see data/idx.h); classes "0".."largest label".
//   a folder holding the four standard IDX names: train-images-idx3-ubyte,
//            train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
//            t10k-labels-idx1-ubyte ('.' instead of '-' before "idx" also
//            works, each optionally .gz), read like idx:.
//   images:DIR, or a folder whose subfolders hold images (and not the IDX files)
//            an image folder, one subfolder per class (see data/image_folder.h,
//            data/image_dataset.h), loaded with DataOptions::image; with
//            DIR/train and DIR/test it comes with its own split.
//   other    a path to a CSV file (optionally .gz), read with load_csv.
//
// The IDX sets (fashion-mnist, mnist, idx:, IDX folders) come with their own
// train/test split: load_predefined_split gives the two parts, load_dataset
// the two concatenated (train first). Their pixels are held as bytes
// (Dataset::pixels), scaled to [0, 1] per batch. So are image folders, whose
// split is predefined only when they hold train/ and test/.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/arem.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/synthetic.h"
#include "scratchnet/data/image_dataset.h"

namespace scratchnet {

struct SCRATCHNET_API DataOptions {
  std::string source = "arem";   // a built-in name or a path
  CsvOptions csv;                // for paths
  int arem_classes = 6;          // 6 (bending merged) or 7
  bool arem_keep_duplicates = false;
  std::size_t synthetic_samples = 0;  // 0 = the set's default size
  std::uint64_t seed = 42;       // synthetic sets are drawn from this seed
  ImageFolderOptions image;      // image folders (issue 14)
};

SCRATCHNET_API Dataset load_dataset(const DataOptions& options);
SCRATCHNET_API std::vector<std::string> builtin_dataset_names();

// What kind of data a `--data` source names: a built-in set, IDX files, an
// image folder or a CSV table. A usage error naming the forms for a bare
// word that is none of them.
enum class DataSourceKind { kBuiltin, kIdx, kImageFolder, kCsv };
SCRATCHNET_API DataSourceKind classify_data_source(const std::string& source);

// A data set's own train/test split.
struct SCRATCHNET_API TrainTest {
  Dataset train, test;
};
// The published split of an IDX set (fashion-mnist, mnist, idx:..., a folder
// of IDX files) or of an image folder with train/ and test/; nullopt for
// every other source, which the caller splits.
SCRATCHNET_API std::optional<TrainTest> load_predefined_split(const DataOptions& options);

// Where the bundled data sets (arem/, digits/, iris/) live: $SCRATCHNET_DATA_DIR if
// set, else the nearest share/scratchnet at or above the folder of the file
// holding the library (the program, or libscratchnet.so), else the configured
// install folder (<CMAKE_INSTALL_PREFIX>/share/scratchnet). The build tree
// has build/share/scratchnet, a link to the repository's data/. Throws a data
// error naming where it looked when none exists.
SCRATCHNET_API std::string data_directory();

SCRATCHNET_API Dataset load_digits(const std::string& path);

}  // namespace scratchnet
