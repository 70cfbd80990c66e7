#include "scratchnet/data/idx.h"

#include <algorithm>
#include <string_view>

#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"

namespace scratchnet {
namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension
constexpr std::uint64_t kMaxCount = 100'000'000;
constexpr std::uint64_t kMaxImagePixels = 4096ull * 4096ull;

std::uint32_t big_endian_u32(std::string_view bytes, std::size_t offset) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  return v;
}

// The dimensions of an IDX file after checking its magic number and length.
// `what` names the kind of file ("image", "label") in messages.
std::vector<std::uint64_t> read_header(std::string_view bytes, const std::string& path,
                                       std::uint32_t magic, const char* what) {
  if (bytes.size() < 4)
    throw_data("'{}': truncated IDX {} file: {} bytes, too short for the magic number", path, what,
               bytes.size());
  const std::uint32_t found = big_endian_u32(bytes, 0);
  if (found != magic) {
    const char* hint = found == kImagesMagic   ? " (an IDX image file)"
                       : found == kLabelsMagic ? " (an IDX label file)"
                                               : "";
    throw_data("'{}': not an IDX {} file: magic number 0x{:08x}{}, expected 0x{:08x}", path, what,
               found, hint, magic);
  }
  const std::size_t rank = magic & 0xff;
  const std::size_t header = 4 + 4 * rank;
  if (bytes.size() < header)
    throw_data("'{}': truncated IDX {} file: {} bytes, the header alone takes {}", path, what,
               bytes.size(), header);
  std::vector<std::uint64_t> dims;
  for (std::size_t i = 0; i < rank; ++i) {
    dims.push_back(big_endian_u32(bytes, 4 + 4 * i));
    if (dims.back() == 0) throw_data("'{}': IDX {} file has a zero dimension {}", path, what, i);
  }
  if (dims[0] > kMaxCount)
    throw_data("'{}': IDX {} file declares {} items, more than the limit of {}", path, what,
               dims[0], kMaxCount);
  std::uint64_t item = 1;
  for (std::size_t i = 1; i < rank; ++i) item *= dims[i];  // each factor < 2^32, rank 3
  if (item > kMaxImagePixels)
    throw_data("'{}': IDX {} file declares {}x{} images, more than the limit of 4096x4096 pixels",
               path, what, dims[1], dims[2]);
  const std::uint64_t expected = header + dims[0] * item;
  if (bytes.size() < expected)
    throw_data(
        "'{}': truncated IDX {} file: the header declares {} {}s ({} bytes), the file has {}", path,
        what, dims[0], what, expected, bytes.size());
  if (bytes.size() > expected)
    throw_data("'{}': IDX {} file has {} bytes after the {} {}s its header declares", path, what,
               bytes.size() - expected, dims[0], what);
  return dims;
}

}  // namespace

IdxImages parse_idx_images(std::string_view bytes, const std::string& source) {
  const auto dims = read_header(bytes, source, kImagesMagic, "image");
  IdxImages out;
  out.count = dims[0];
  out.rows = dims[1];
  out.cols = dims[2];
  const std::size_t header = 16;
  out.pixels.assign(bytes.begin() + header, bytes.end());
  return out;
}

std::vector<std::uint8_t> parse_idx_labels(std::string_view bytes, const std::string& source) {
  read_header(bytes, source, kLabelsMagic, "label");
  const std::size_t header = 8;
  return std::vector<std::uint8_t>(bytes.begin() + header, bytes.end());
}

IdxImages read_idx_images(const std::string& path) {
  return parse_idx_images(read_text_file(path), path);
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  return parse_idx_labels(read_text_file(path), path);
}

Dataset load_idx(const std::string& images, const std::string& labels,
                 const std::vector<std::string>& class_names) {
  // Labels first: small, and a count mismatch is found before the images are copied.
  const std::vector<std::uint8_t> ids = read_idx_labels(labels);
  IdxImages pictures = read_idx_images(images);
  if (pictures.count != ids.size())
    throw_data("'{}' holds {} images but '{}' holds {} labels", images, pictures.count, labels,
               ids.size());

  Dataset data;
  data.name = images;
  data.task = Task::kClassification;
  data.sample_shape = Shape{1, pictures.rows, pictures.cols};
  data.class_names = class_names;
  if (data.class_names.empty()) {
    const int largest = *std::max_element(ids.begin(), ids.end());
    for (int k = 0; k <= largest; ++k) data.class_names.push_back(std::to_string(k));
  }
  data.labels.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] >= data.class_names.size())
      throw_data("'{}': label {} of item {} is out of range for {} classes", labels, ids[i], i,
                 data.class_names.size());
    data.labels[i] = ids[i];
  }
  data.pixels = std::move(pictures.pixels);
  return data;
}

}  // namespace scratchnet
