#include "scratchnet/data/image_export.h"

#include <spng.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "scratchnet/core/error.h"

namespace scratchnet {

std::vector<std::uint8_t> encode_png(const std::uint8_t* planes, std::size_t channels,
                                     std::size_t height, std::size_t width) {
  SCRATCHNET_CHECK(channels == 1 || channels == 3, "PNG of {} channels", channels);
  // Planes (C, H, W) to the interleaved rows PNG stores.
  const std::size_t plane = height * width;
  std::vector<std::uint8_t> rows(plane * channels);
  for (std::size_t c = 0; c < channels; ++c)
    for (std::size_t p = 0; p < plane; ++p) rows[p * channels + c] = planes[c * plane + p];

  std::unique_ptr<spng_ctx, void (*)(spng_ctx*)> ctx(spng_ctx_new(SPNG_CTX_ENCODER), spng_ctx_free);
  if (!ctx) throw_internal("spng: cannot make an encoder");
  spng_set_option(ctx.get(), SPNG_ENCODE_TO_BUFFER, 1);
  spng_ihdr ihdr{};
  ihdr.width = static_cast<std::uint32_t>(width);
  ihdr.height = static_cast<std::uint32_t>(height);
  ihdr.bit_depth = 8;
  ihdr.color_type = channels == 1 ? SPNG_COLOR_TYPE_GRAYSCALE : SPNG_COLOR_TYPE_TRUECOLOR;
  int err = spng_set_ihdr(ctx.get(), &ihdr);
  if (err == 0)
    err =
        spng_encode_image(ctx.get(), rows.data(), rows.size(), SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
  std::size_t size = 0;
  void* png = err == 0 ? spng_get_png_buffer(ctx.get(), &size, &err) : nullptr;
  if (png == nullptr)
    throw_internal("spng: cannot encode a {}x{} PNG: {}", width, height, spng_strerror(err));
  std::vector<std::uint8_t> out(static_cast<std::uint8_t*>(png),
                                static_cast<std::uint8_t*>(png) + size);
  std::free(png);
  return out;
}

std::string class_folder_name(const std::string& class_name) {
  std::string name = class_name.empty() ? "_" : class_name;
  for (char& c : name)
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '-';
  if (name[0] == '.') name[0] = '_';
  return name;
}

void write_image_folder(const Dataset& images, const std::string& dir,
                        const std::function<void(std::size_t, std::size_t)>& progress) {
  const Shape& shape = images.sample_shape;
  if (!images.is_image() || shape.rank() != 3 || (shape[0] != 1 && shape[0] != 3) ||
      images.task != Task::kClassification)
    throw_usage(
        "{}: only classified images held as bytes, shape (1 or 3, H, W), can be written "
        "as an image folder; this data set has shape {}",
        images.name, shape.str());
  namespace fs = std::filesystem;
  const std::size_t n = images.size(), d = images.num_features();
  const std::size_t digits = std::to_string(n == 0 ? 0 : n - 1).size();
  std::vector<fs::path> folders;
  for (const std::string& name : images.class_names) {
    const fs::path folder = fs::path(dir) / class_folder_name(name);
    for (std::size_t k = 0; k < folders.size(); ++k)
      if (folders[k] == folder)
        throw_usage("classes '{}' and '{}' would share the folder '{}'", images.class_names[k],
                    name, folder.string());
    folders.push_back(folder);
    std::error_code ec;
    fs::create_directories(folders.back(), ec);
    if (ec) throw_data("cannot create folder '{}': {}", folders.back().string(), ec.message());
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<std::uint8_t> png =
        encode_png(images.pixels.data() + i * d, shape[0], shape[1], shape[2]);
    const fs::path path =
        folders[static_cast<std::size_t>(images.labels[i])] / fmt::format("{:0{}}.png", i, digits);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    if (!out) throw_data("cannot write '{}': {}", path.string(), std::strerror(errno));
    if (progress) progress(i + 1, n);
  }
}

}  // namespace scratchnet
