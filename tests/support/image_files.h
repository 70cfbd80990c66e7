#pragma once
// Image files for the tests, written from known pixels with the encoders of
// the libraries scratchnet decodes with (libspng for PNG, TurboJPEG for JPEG)
// and by hand for the trivial formats (PGM/PPM); plus a temporary folder
// that removes itself.

#include <spng.h>
#include <turbojpeg.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace scratchnet::testing {

using Bytes = std::vector<std::uint8_t>;

// A PNG of `samples` laid out as the PNG stores them (bit_depth 16: two bytes
// per sample, host order), colour type 0 gray, 2 RGB, 3 palette (needs
// `palette`, RGB triples), 4 gray + alpha, 6 RGBA.
inline Bytes png_bytes(std::uint32_t width, std::uint32_t height, std::uint8_t color_type,
                       const Bytes& samples, std::uint8_t bit_depth = 8,
                       const Bytes& palette = {}) {
  spng_ctx* ctx = spng_ctx_new(SPNG_CTX_ENCODER);
  spng_set_option(ctx, SPNG_ENCODE_TO_BUFFER, 1);
  spng_ihdr ihdr{};
  ihdr.width = width;
  ihdr.height = height;
  ihdr.bit_depth = bit_depth;
  ihdr.color_type = color_type;
  spng_set_ihdr(ctx, &ihdr);
  if (color_type == SPNG_COLOR_TYPE_INDEXED) {
    spng_plte plte{};
    plte.n_entries = static_cast<std::uint32_t>(palette.size() / 3);
    for (std::uint32_t i = 0; i < plte.n_entries; ++i) {
      plte.entries[i].red = palette[3 * i];
      plte.entries[i].green = palette[3 * i + 1];
      plte.entries[i].blue = palette[3 * i + 2];
    }
    spng_set_plte(ctx, &plte);
  }
  int err =
      spng_encode_image(ctx, samples.data(), samples.size(), SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
  std::size_t size = 0;
  void* buffer = err == 0 ? spng_get_png_buffer(ctx, &size, &err) : nullptr;
  spng_ctx_free(ctx);
  if (buffer == nullptr) throw std::runtime_error(std::string("spng: ") + spng_strerror(err));
  Bytes out(static_cast<std::uint8_t*>(buffer), static_cast<std::uint8_t*>(buffer) + size);
  std::free(buffer);
  return out;
}

// Gray (channels 1) or RGB (channels 3) interleaved pixels as a PNG.
inline Bytes png_of(std::uint32_t width, std::uint32_t height, int channels, const Bytes& pixels) {
  return png_bytes(width, height,
                   channels == 1 ? SPNG_COLOR_TYPE_GRAYSCALE : SPNG_COLOR_TYPE_TRUECOLOR, pixels);
}

// Gray or RGB pixels as a JPEG (quality 100, no chroma subsampling).
inline Bytes jpeg_of(int width, int height, int channels, const Bytes& pixels, int quality = 100) {
  tjhandle handle = tjInitCompress();
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  const int rc =
      tjCompress2(handle, pixels.data(), width, 0, height, channels == 1 ? TJPF_GRAY : TJPF_RGB,
                  &buffer, &size, channels == 1 ? TJSAMP_GRAY : TJSAMP_444, quality, 0);
  const std::string error = rc != 0 ? tjGetErrorStr2(handle) : "";
  tjDestroy(handle);
  if (rc != 0) throw std::runtime_error("tjCompress2: " + error);
  Bytes out(buffer, buffer + size);
  tjFree(buffer);
  return out;
}

// Binary PGM (channels 1) or PPM (channels 3).
inline Bytes pnm_of(int width, int height, int channels, const Bytes& pixels) {
  const std::string header = std::string(channels == 1 ? "P5" : "P6") + "\n# test\n" +
                             std::to_string(width) + " " + std::to_string(height) + "\n255\n";
  Bytes out(header.begin(), header.end());
  out.insert(out.end(), pixels.begin(), pixels.end());
  return out;
}

// Pixels varying smoothly (JPEG keeps them within a few levels): value of
// channel c at (y, x) = (40 * c + 9 * y + 5 * x + seed) mod 200 + 20.
inline Bytes smooth_pixels(int width, int height, int channels, int seed = 0) {
  Bytes p(static_cast<std::size_t>(width * height * channels));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c)
        p[static_cast<std::size_t>((y * width + x) * channels + c)] =
            static_cast<std::uint8_t>((40 * c + 9 * y + 5 * x + seed) % 200 + 20);
  return p;
}

// Sets the width and height in a PNG's IHDR chunk and fixes its CRC: a
// header that lies about the image's size.
inline Bytes png_with_declared_size(Bytes png, std::uint32_t width, std::uint32_t height) {
  auto put = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      png[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  };
  put(16, width);
  put(20, height);
  // The CRC covers the chunk type and data: bytes 12 .. 28.
  put(29, static_cast<std::uint32_t>(crc32(0, png.data() + 12, 17)));
  return png;
}

// Sets the size in a JPEG's start-of-frame marker (baseline FFC0).
inline Bytes jpeg_with_declared_size(Bytes jpeg, std::uint16_t width, std::uint16_t height) {
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
      jpeg[i + 5] = static_cast<std::uint8_t>(height >> 8);
      jpeg[i + 6] = static_cast<std::uint8_t>(height & 0xFF);
      jpeg[i + 7] = static_cast<std::uint8_t>(width >> 8);
      jpeg[i + 8] = static_cast<std::uint8_t>(width & 0xFF);
      return jpeg;
    }
  }
  throw std::runtime_error("no SOF0 marker");
}

// A folder under the system temp directory, removed with the object.
class TempFolder {
 public:
  explicit TempFolder(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("scratchnet_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  // Writes `bytes` to `relative` (folders made as needed); returns the full path.
  std::string write(const std::string& relative, const Bytes& bytes) const {
    const std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return file.string();
  }
  std::string write(const std::string& relative, const std::string& text) const {
    return write(relative, Bytes(text.begin(), text.end()));
  }
  void write_each(std::initializer_list<const char*> relatives, const Bytes& bytes) const {
    for (const char* relative : relatives) write(relative, bytes);
  }
  void mkdir(const std::string& relative) const {
    std::filesystem::create_directories(path_ / relative);
  }

 private:
  std::filesystem::path path_;
};

inline Bytes truncated(Bytes bytes, std::size_t keep) {
  bytes.resize(std::min(bytes.size(), keep));
  return bytes;
}

}  // namespace scratchnet::testing
