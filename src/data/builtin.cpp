#include "scratchnet/data/builtin.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <utility>

#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/data/idx.h"
#include "scratchnet/data/image_folder.h"
#include "scratchnet/data/image_stream.h"

#ifndef SCRATCHNET_DEFAULT_DATA_DIR
#define SCRATCHNET_DEFAULT_DATA_DIR "data"
#endif

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
constexpr const char* kMnistDir = "/usr/share/datasets/mnist";
const std::vector<std::string> kFashionMnistClasses = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// The four files of an IDX set, where its data come from (for messages), and
// its class names (empty: "0".."largest label").
struct IdxSource {
  std::string train_images, train_labels, test_images, test_labels;
  std::string name;
  std::vector<std::string> class_names;
};

// The file of `directory` called stem + ('-' or '.') + kind, optionally
// ending in ".gz"; empty when there is none.
std::string find_idx_file(const fs::path& directory, const std::string& stem,
                          const std::string& kind) {
  std::error_code ec;
  for (const char* separator : {"-", "."})
    for (const char* ext : {"", ".gz"}) {
      const fs::path path = directory / (stem + separator + kind + ext);
      if (fs::is_regular_file(path, ec)) return path.string();
    }
  return {};
}

// The four standard IDX files of `directory`; false when it holds none of
// them, a data error naming the missing ones when it holds only some.
bool find_idx_files(const fs::path& directory, IdxSource& source) {
  const std::pair<const char*, const char*> names[] = {{"train-images", "idx3-ubyte"},
                                                       {"train-labels", "idx1-ubyte"},
                                                       {"t10k-images", "idx3-ubyte"},
                                                       {"t10k-labels", "idx1-ubyte"}};
  std::string* slots[] = {&source.train_images, &source.train_labels, &source.test_images,
                          &source.test_labels};
  std::string missing;
  for (std::size_t i = 0; i < 4; ++i) {
    *slots[i] = find_idx_file(directory, names[i].first, names[i].second);
    if (slots[i]->empty())
      missing +=
          fmt::format("{}{}-{}[.gz]", missing.empty() ? "" : ", ", names[i].first, names[i].second);
  }
  const bool none = source.train_images.empty() && source.train_labels.empty() &&
                    source.test_images.empty() && source.test_labels.empty();
  if (none) return false;
  if (!missing.empty()) throw_data("'{}': IDX folder lacks {}", directory.string(), missing);
  return true;
}

// The folder named by environment variable `env` when set, else `fallback`.
std::string folder_from_env(const char* env, const char* fallback) {
  const char* value = std::getenv(env);
  return value != nullptr && value[0] != '\0' ? value : fallback;
}

// Where the IDX set `source` lives; nullopt when `source` is not an IDX set.
std::optional<IdxSource> idx_source(const std::string& source) {
  std::error_code ec;
  IdxSource idx;
  idx.name = source;
  if (source == "fashion-mnist" || source == "mnist") {
    const bool fashion = source == "fashion-mnist";
    const char* env = fashion ? "SCRATCHNET_FASHION_MNIST_DIR" : "SCRATCHNET_MNIST_DIR";
    const std::string dir = folder_from_env(env, fashion ? kFashionMnistDir : kMnistDir);
    if (!fs::is_directory(dir, ec)) {
      if (fashion)
        throw_usage(
            "fashion-mnist: no folder '{}': install the Debian package dataset-fashion-mnist "
            "(apt-get install dataset-fashion-mnist), or set {} to a folder holding its four IDX "
            "files",
            dir, env);
      throw_usage(
          "mnist: no folder '{}': set {} to a folder holding train-images-idx3-ubyte, "
          "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each "
          "optionally .gz), or give the files as --data "
          "idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS",
          dir, env);
    }
    if (!find_idx_files(dir, idx))
      throw_data("{}: folder '{}' holds no IDX files (train-images-idx3-ubyte[.gz], ...)", source,
                 dir);
    if (fashion) {
      idx.class_names = kFashionMnistClasses;
    } else {
      for (int k = 0; k < 10; ++k) idx.class_names.push_back(std::to_string(k));
    }
    return idx;
  }
  if (source.rfind("idx:", 0) == 0) {
    std::vector<std::string> parts;
    std::size_t start = 4;
    while (true) {
      const std::size_t comma = source.find(',', start);
      parts.push_back(source.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    const bool empty_part =
        std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
    if (parts.size() != 4 || empty_part)
      throw_usage(
          "'{}': an IDX data set is idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS (four "
          "file paths separated by commas)",
          source);
    idx.train_images = parts[0];
    idx.train_labels = parts[1];
    idx.test_images = parts[2];
    idx.test_labels = parts[3];
    return idx;
  }
  if (!source.empty() && fs::is_directory(source, ec)) {
    if (find_idx_files(source, idx)) return idx;
    // Image folders (issue 14): a folder of class subfolders holding images.
    if (looks_like_image_folder(source)) return std::nullopt;
    throw_data(
        "'{}' is neither a folder of IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
        "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz) nor an image "
        "folder (one subfolder per class holding .png/.jpg/.jpeg/.bmp/.ppm/.pgm files, "
        "optionally inside train/ and test/); give the path of such a folder or of a CSV file",
        source);
  }
  return std::nullopt;
}

// Image folders (issue 14): the folder of `images:DIR`, or a folder that is
// not an IDX folder (idx_source has ruled that out); empty for other sources.
std::string image_folder_source(const std::string& source) {
  if (source.rfind("images:", 0) == 0) {
    if (source.size() == 7) throw_usage("'images:' needs a folder: images:DIR");
    return source.substr(7);
  }
  std::error_code ec;
  if (!source.empty() && fs::is_directory(source, ec)) return source;
  return {};
}

// The Datasets of an image folder as training takes them: pixels in memory,
// or with data.cache = "none" read through an ImageStream per part, which
// decodes each batch when it is gathered (prefetched ahead by the trainer).
ImageFolderData load_image_folder_in_memory(const ImageFolderScan& scan,
                                            const ImageFolderOptions& options) {
  ImageFolderData data = load_image_folder(scan, options);
  if (options.cache == ImageCache::kMemory) return data;
  const auto stream = [&](Dataset& part, std::vector<std::string> files) {
    if (files.empty()) return;
    part.stream = std::make_shared<ImageStream>(std::move(files), part.labels, part.sample_shape, part.pixel_scale,
                                                options.workers, options.limits, options.jpeg_shrink);
  };
  stream(data.train, data.train_files);
  stream(data.test, data.test_files);
  return data;
}

TrainTest load_idx_split(const IdxSource& source) {
  TrainTest parts{load_idx(source.train_images, source.train_labels, source.class_names),
                  load_idx(source.test_images, source.test_labels, source.class_names)};
  if (!(parts.train.sample_shape == parts.test.sample_shape))
    throw_data("'{}' holds {} images but '{}' holds {} images", source.train_images,
               parts.train.sample_shape.str(), source.test_images, parts.test.sample_shape.str());
  // Classes named by their labels ("0".."largest"): both parts get the longer list.
  auto& train_names = parts.train.class_names;
  auto& test_names = parts.test.class_names;
  if (train_names.size() < test_names.size()) {
    train_names = test_names;
  } else {
    test_names = train_names;
  }
  parts.train.name = parts.test.name = source.name;
  return parts;
}

}  // namespace

std::vector<std::string> builtin_dataset_names() {
  return {"arem", "digits", "xor", "or", "sine", "fashion-mnist", "mnist"};
}

DataSourceKind classify_data_source(const std::string& source) {
  const auto names = builtin_dataset_names();
  if (std::find(names.begin(), names.end(), source) != names.end() && source != "fashion-mnist" && source != "mnist")
    return DataSourceKind::kBuiltin;
  if (idx_source(source)) return DataSourceKind::kIdx;
  if (!image_folder_source(source).empty()) return DataSourceKind::kImageFolder;
  // Anything that looks like a path is read as a CSV file (a missing file is
  // a data error naming it); a bare word is a misspelt built-in name.
  std::error_code ec;
  const bool looks_like_path = source.find_first_of("/\\.") != std::string::npos || fs::exists(source, ec);
  if (source.empty() || !looks_like_path) {
    throw_usage(
        "unknown data set '{}': built-in data sets are {}; or give the path of a CSV file, of a "
        "folder of IDX files, of an image folder (images:DIR), or "
        "idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS",
        source, fmt::join(names, ", "));
  }
  return DataSourceKind::kCsv;
}

std::optional<TrainTest> load_predefined_split(const DataOptions& options) {
  const std::optional<IdxSource> source = idx_source(options.source);
  if (source) return load_idx_split(*source);
  // Image folders (issue 14): only one with train/ and test/ has its own split.
  const std::string images = image_folder_source(options.source);
  if (images.empty()) return std::nullopt;
  ImageFolderScan scan = scan_image_folder(images);
  if (!scan.predefined_split) return std::nullopt;
  ImageFolderData data = load_image_folder_in_memory(scan, options.image);
  return TrainTest{std::move(data.train), std::move(data.test)};
}

std::string data_directory() {
  const char* env = std::getenv("SCRATCHNET_DATA_DIR");
  if (env != nullptr && env[0] != '\0') return env;
  return SCRATCHNET_DEFAULT_DATA_DIR;
}

Dataset load_dataset(const DataOptions& options) {
  const std::string& source = options.source;
  if (source == "arem") {
    return load_arem((fs::path(data_directory()) / "arem").string(), options.arem_classes,
                     options.arem_keep_duplicates);
  }
  if (source == "digits") {
    return load_digits((fs::path(data_directory()) / "digits" / "digits.csv.gz").string());
  }
  if (source == "xor") return make_xor(options.synthetic_samples, options.seed);
  if (source == "or") return make_or(options.synthetic_samples, options.seed);
  if (source == "sine") return make_sine(options.synthetic_samples, options.seed);
  // Image folders (issue 14): every image, train/ then test/ when split.
  const std::string images = image_folder_source(source);
  if (!images.empty() && !idx_source(source)) {
    ImageFolderData data = load_image_folder_in_memory(scan_image_folder(images), options.image);
    Dataset all = std::move(data.train);
    all.pixels.insert(all.pixels.end(), data.test.pixels.begin(), data.test.pixels.end());
    all.labels.insert(all.labels.end(), data.test.labels.begin(), data.test.labels.end());
    return all;
  }
  if (std::optional<TrainTest> parts = load_predefined_split(options)) {
    // Train then test, in one byte array.
    Dataset all = std::move(parts->train);
    all.pixels.insert(all.pixels.end(), parts->test.pixels.begin(), parts->test.pixels.end());
    all.labels.insert(all.labels.end(), parts->test.labels.begin(), parts->test.labels.end());
    return all;
  }

  classify_data_source(source);  // a usage error for a misspelt built-in name
  return load_csv(source, options.csv);
}

Dataset load_digits(const std::string& path) {
  constexpr std::size_t kPixels = 64;
  constexpr int kClasses = 10;
  CsvOptions csv;
  csv.header = HeaderMode::kNo;
  csv.label = "-1";
  csv.task = TaskMode::kClassification;

  const std::string text = read_text_file(path);
  CsvTable table = parse_csv_table(text, path, csv);
  if (table.rows.front().size() != kPixels + 1) {
    throw_data("{}:{}: expected {} fields (64 pixels + label), found {}", path,
               table.line_numbers.front(), kPixels + 1, table.rows.front().size());
  }
  for (std::size_t r = 0; r < 8; ++r) {
    for (std::size_t c = 0; c < 8; ++c) table.header.push_back(fmt::format("pixel_{}_{}", r, c));
  }
  table.header.push_back("label");
  Dataset data = table_to_dataset(table, path, csv);

  // Class ids are the digits themselves, whichever digits occur.
  std::vector<std::int32_t> digit_of(data.class_names.size());
  for (std::size_t k = 0; k < data.class_names.size(); ++k) {
    const std::string& name = data.class_names[k];
    int digit = -1;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), digit);
    if (ec != std::errc() || ptr != name.data() + name.size() || digit < 0 || digit >= kClasses) {
      const auto row = static_cast<std::size_t>(
          std::find(data.labels.begin(), data.labels.end(), static_cast<std::int32_t>(k)) -
          data.labels.begin());
      throw_data("{}:{}: column 'label' (64): '{}' is not a digit 0-9", path,
                 table.line_numbers[row], table.rows[row][kPixels]);
    }
    digit_of[k] = digit;
  }
  for (auto& label : data.labels) label = digit_of[static_cast<std::size_t>(label)];
  data.class_names.clear();
  for (int k = 0; k < kClasses; ++k) data.class_names.push_back(std::to_string(k));
  data.name = "digits";
  return data;
}

}  // namespace scratchnet
