#include "scratchnet/data/image_decode.h"

#include <fcntl.h>
#include <spng.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <turbojpeg.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

// libspng: the largest ancillary chunk kept, and all of them together (text,
// ICC profiles, EXIF); the image data itself is streamed, not cached.
constexpr std::size_t kPngChunkLimit = 8u << 20;
constexpr std::size_t kPngChunkCacheLimit = 32u << 20;
// Image files larger than this are refused before they are read.
constexpr std::uint64_t kMaxFileBytes = 1ull << 30;

[[noreturn]] void fail(const std::string& source, ImageFormat format, const std::string& what) {
  throw_data("{}: cannot decode {}: {}", source, to_string(format), what);
}

// libspng's message, with what its end of stream means here.
[[noreturn]] void fail_png(const std::string& source, int err) {
  fail(source, ImageFormat::kPng,
       fmt::format("{}{}", spng_strerror(err),
                   err == SPNG_IO_EOF ? " (the file is truncated)" : ""));
}

// Refuses a declared size over the limits; called before any pixel memory exists.
void check_declared_size(std::uint64_t width, std::uint64_t height, const DecodeLimits& limits,
                         const std::string& source, ImageFormat format) {
  if (width == 0 || height == 0)
    fail(source, format,
         fmt::format("the header gives {}x{} pixels: it is truncated or corrupt", width, height));
  if (width > limits.max_side || height > limits.max_side || width * height > limits.max_pixels)
    fail(source, format,
         fmt::format("declares {}x{} pixels, more than the limit ({} per side, {} in all)", width,
                     height, limits.max_side, limits.max_pixels));
}

void set_shape(DecodedImage& out, std::size_t width, std::size_t height, int channels,
               ImageColor color, ImageFormat format) {
  out.width = width;
  out.height = height;
  out.channels = channels;
  out.color = color;
  out.format = format;
  out.pixels.resize(width * height * static_cast<std::size_t>(channels));
}

std::uint32_t read_be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
std::uint32_t read_le32(const std::uint8_t* p) {
  return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}
std::uint16_t read_le16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[1] << 8 | p[0]);
}

// ---- PNG (libspng) ----

void decode_png(std::span<const std::uint8_t> bytes, const std::string& source, int channels,
                const DecodeLimits& limits, DecodedImage& out) {
  constexpr ImageFormat kFormat = ImageFormat::kPng;
  std::unique_ptr<spng_ctx, void (*)(spng_ctx*)> ctx(spng_ctx_new(0), spng_ctx_free);
  if (!ctx) fail(source, kFormat, "out of memory");
  // spng accepts limits up to 2^31 - 1.
  const std::uint32_t side = std::min<std::uint32_t>(limits.max_side, 0x7fffffffu);
  spng_set_image_limits(ctx.get(), side, side);
  spng_set_chunk_limits(ctx.get(), kPngChunkLimit, kPngChunkCacheLimit);
  spng_set_png_buffer(ctx.get(), bytes.data(), bytes.size());

  spng_ihdr ihdr{};
  if (const int err = spng_get_ihdr(ctx.get(), &ihdr)) {
    // Over spng's limits: name the declared size, read from the IHDR chunk itself.
    if ((err == SPNG_EUSER_WIDTH || err == SPNG_EUSER_HEIGHT) && bytes.size() >= 24)
      check_declared_size(read_be32(&bytes[16]), read_be32(&bytes[20]), limits, source, kFormat);
    fail_png(source, err);
  }
  check_declared_size(ihdr.width, ihdr.height, limits, source, kFormat);

  const bool gray = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE ||
                    ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA;
  const int out_channels = channels != 0 ? channels : (gray ? 1 : 3);
  // libspng converts any PNG to RGB8 (16-bit scaled, palette expanded, alpha
  // dropped) but to G8 only from gray of 8 bits or fewer.
  const bool direct_gray =
      out_channels == 1 && ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE && ihdr.bit_depth <= 8;
  const int fmt = direct_gray ? SPNG_FMT_G8 : SPNG_FMT_RGB8;
  std::size_t size = 0;
  if (const int err = spng_decoded_image_size(ctx.get(), fmt, &size)) fail_png(source, err);

  const ImageColor color = gray ? ImageColor::kGray : ImageColor::kColor;
  const std::size_t pixels = std::size_t{ihdr.width} * ihdr.height;
  if (out_channels == 3 || direct_gray) {
    set_shape(out, ihdr.width, ihdr.height, out_channels, color, kFormat);
    SCRATCHNET_CHECK(size == out.pixels.size(), "spng size {} for {} bytes", size,
                     out.pixels.size());
    if (const int err = spng_decode_image(ctx.get(), out.pixels.data(), size, fmt, 0))
      fail_png(source, err);
    return;
  }
  // Gray from RGB8: exact for gray sources (R = G = B), luma for colour ones.
  std::vector<std::uint8_t> rgb(size);
  if (const int err = spng_decode_image(ctx.get(), rgb.data(), size, fmt, 0)) fail_png(source, err);
  set_shape(out, ihdr.width, ihdr.height, 1, color, kFormat);
  rgb_to_gray(rgb.data(), pixels, out.pixels.data());
}

// ---- JPEG (TurboJPEG) ----

// One decompressor per thread, made on first use.
class TurboJpegDecompressor {
 public:
  ~TurboJpegDecompressor() {
    if (handle_ != nullptr) tjDestroy(handle_);
  }
  tjhandle get(const std::string& source) {
    if (handle_ == nullptr) handle_ = tjInitDecompress();
    if (handle_ == nullptr) fail(source, ImageFormat::kJpeg, tjGetErrorStr2(nullptr));
    return handle_;
  }

 private:
  tjhandle handle_ = nullptr;
};

void decode_jpeg(std::span<const std::uint8_t> bytes, const std::string& source, int channels,
                 const DecodeLimits& limits, const ShrinkHint& hint, DecodedImage& out) {
  constexpr ImageFormat kFormat = ImageFormat::kJpeg;
  thread_local TurboJpegDecompressor decompressor;
  tjhandle handle = decompressor.get(source);
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(handle, bytes.data(), bytes.size(), &width, &height, &subsampling,
                          &colorspace) != 0)
    fail(source, kFormat, tjGetErrorStr2(handle));
  check_declared_size(static_cast<std::uint64_t>(std::max(width, 0)),
                      static_cast<std::uint64_t>(std::max(height, 0)), limits, source, kFormat);
  if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK)
    fail(source, kFormat, "CMYK images are not supported (convert the file to RGB)");

  // The smallest of 1/8, 1/4, 1/2 that stays at least the size asked for.
  int out_width = width, out_height = height;
  if (hint.min_width > 0 && hint.min_height > 0) {
    for (int denominator : {8, 4, 2}) {
      const tjscalingfactor factor{1, denominator};
      const int w = TJSCALED(width, factor), h = TJSCALED(height, factor);
      if (static_cast<std::size_t>(w) >= hint.min_width &&
          static_cast<std::size_t>(h) >= hint.min_height) {
        out_width = w;
        out_height = h;
        break;
      }
    }
  }
  const ImageColor color = colorspace == TJCS_GRAY ? ImageColor::kGray : ImageColor::kColor;
  const int out_channels = channels != 0 ? channels : (color == ImageColor::kGray ? 1 : 3);
  set_shape(out, static_cast<std::size_t>(out_width), static_cast<std::size_t>(out_height),
            out_channels, color, kFormat);
  // A warning (truncated or corrupt data) stops decoding: an error, not a grey-filled image.
  const int flags = TJFLAG_LIMITSCANS | TJFLAG_STOPONWARNING;
  if (tjDecompress2(handle, bytes.data(), bytes.size(), out.pixels.data(), out_width, 0, out_height,
                    out_channels == 1 ? TJPF_GRAY : TJPF_RGB, flags) != 0)
    fail(source, kFormat, tjGetErrorStr2(handle));
}

// ---- BMP, PPM/PGM (TurboJPEG's tjLoadImage) ----

// The declared size of a BMP file: header sizes 12 (OS/2, 16-bit sides) or
// 40 and more (Windows, 32-bit signed sides, a negative height meaning top-down).
void check_bmp_size(std::span<const std::uint8_t> bytes, const DecodeLimits& limits,
                    const std::string& source) {
  if (bytes.size() < 26) fail(source, ImageFormat::kBmp, "file too short for a BMP header");
  const std::uint32_t header = read_le32(&bytes[14]);
  std::int64_t width = 0, height = 0;
  if (header == 12) {
    width = read_le16(&bytes[18]);
    height = read_le16(&bytes[20]);
  } else {
    width = static_cast<std::int32_t>(read_le32(&bytes[18]));
    height = static_cast<std::int32_t>(read_le32(&bytes[22]));
  }
  check_declared_size(static_cast<std::uint64_t>(width < 0 ? -width : width),
                      static_cast<std::uint64_t>(height < 0 ? -height : height), limits, source,
                      ImageFormat::kBmp);
}

// The declared size of a PGM/PPM file: "P5" (or P2, P3, P6), then width and
// height as decimal numbers between whitespace and '#' comments.
void check_pnm_size(std::span<const std::uint8_t> bytes, const DecodeLimits& limits,
                    const std::string& source) {
  std::size_t pos = 2;
  auto number = [&](const char* what) {
    while (pos < bytes.size()) {
      if (bytes[pos] == '#') {
        while (pos < bytes.size() && bytes[pos] != '\n' && bytes[pos] != '\r') ++pos;
      } else if (std::isspace(bytes[pos])) {
        ++pos;
      } else {
        break;
      }
    }
    std::uint64_t value = 0;
    const std::size_t start = pos;
    while (pos < bytes.size() && std::isdigit(bytes[pos]) && value < (1ull << 40))
      value = value * 10 + (bytes[pos++] - '0');
    if (pos == start) fail(source, ImageFormat::kPnm, fmt::format("header lacks the {}", what));
    return value;
  };
  const std::uint64_t width = number("width");
  const std::uint64_t height = number("height");
  check_declared_size(width, height, limits, source, ImageFormat::kPnm);
}

// tjLoadImage reads only from a path: the bytes go to an anonymous in-memory file.
class MemoryFile {
 public:
  MemoryFile(std::span<const std::uint8_t> bytes, const std::string& source, ImageFormat format) {
    fd_ = memfd_create("scratchnet-image", MFD_CLOEXEC);
    if (fd_ < 0) fail(source, format, fmt::format("memfd_create: {}", std::strerror(errno)));
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail(source, format, fmt::format("write: {}", std::strerror(errno)));
      done += static_cast<std::size_t>(n);
    }
  }
  ~MemoryFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::string path() const { return fmt::format("/proc/self/fd/{}", fd_); }

 private:
  int fd_ = -1;
};

void decode_bitmap(std::span<const std::uint8_t> bytes, const std::string& source,
                   ImageFormat format, int channels, const DecodeLimits& limits,
                   DecodedImage& out) {
  if (format == ImageFormat::kBmp) {
    check_bmp_size(bytes, limits, source);
  } else {
    check_pnm_size(bytes, limits, source);
  }
  const MemoryFile file(bytes, source, format);
  int width = 0, height = 0, pixel_format = TJPF_UNKNOWN;
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> loaded(
      tjLoadImage(file.path().c_str(), &width, 1, &height, &pixel_format, 0), tjFree);
  if (!loaded) fail(source, format, tjGetErrorStr2(nullptr));
  if (pixel_format == TJPF_CMYK || pixel_format < 0)
    fail(source, format, "CMYK images are not supported");

  const ImageColor color = pixel_format == TJPF_GRAY ? ImageColor::kGray : ImageColor::kColor;
  const int out_channels = channels != 0 ? channels : (color == ImageColor::kGray ? 1 : 3);
  set_shape(out, static_cast<std::size_t>(width), static_cast<std::size_t>(height), out_channels,
            color, format);
  const std::size_t count = out.width * out.height;
  const unsigned char* in = loaded.get();
  if (color == ImageColor::kGray) {
    if (out_channels == 1) {
      std::copy_n(in, count, out.pixels.data());
    } else {
      gray_to_rgb(in, count, out.pixels.data());
    }
    return;
  }
  // Any of TurboJPEG's RGB orders (BGR, RGBX, ...) to RGB.
  const int step = tjPixelSize[pixel_format];
  const int r = tjRedOffset[pixel_format], g = tjGreenOffset[pixel_format],
            b = tjBlueOffset[pixel_format];
  std::vector<std::uint8_t> rgb(out_channels == 3 ? 0 : count * 3);
  std::uint8_t* dst = out_channels == 3 ? out.pixels.data() : rgb.data();
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned char* px = in + i * static_cast<std::size_t>(step);
    dst[3 * i] = px[r];
    dst[3 * i + 1] = px[g];
    dst[3 * i + 2] = px[b];
  }
  if (out_channels == 1) rgb_to_gray(rgb.data(), count, out.pixels.data());
}

}  // namespace

std::string to_string(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kBmp:
      return "BMP";
    case ImageFormat::kPnm:
      return "PPM/PGM";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

ImageFormat sniff_image_format(std::span<const std::uint8_t> bytes) {
  static const std::uint8_t kPngSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (bytes.size() >= 8 && std::equal(kPngSignature, kPngSignature + 8, bytes.begin()))
    return ImageFormat::kPng;
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
    return ImageFormat::kJpeg;
  if (bytes.size() >= 2 && bytes[0] == 'B' && bytes[1] == 'M') return ImageFormat::kBmp;
  // Gray and colour pixmaps, ASCII (P2, P3) and binary (P5, P6).
  if (bytes.size() >= 2 && bytes[0] == 'P' &&
      (bytes[1] == '2' || bytes[1] == '3' || bytes[1] == '5' || bytes[1] == '6'))
    return ImageFormat::kPnm;
  return ImageFormat::kUnknown;
}

void decode_image(std::span<const std::uint8_t> bytes, const std::string& source, int channels,
                  const DecodeLimits& limits, DecodedImage& out, const ShrinkHint& hint) {
  if (channels != 0 && channels != 1 && channels != 3)
    throw_usage("image channels must be 1 (gray), 3 (RGB) or 0 (as the file), not {}", channels);
  const ImageFormat format = sniff_image_format(bytes);
  switch (format) {
    case ImageFormat::kPng:
      return decode_png(bytes, source, channels, limits, out);
    case ImageFormat::kJpeg:
      return decode_jpeg(bytes, source, channels, limits, hint, out);
    case ImageFormat::kBmp:
    case ImageFormat::kPnm:
      return decode_bitmap(bytes, source, format, channels, limits, out);
    case ImageFormat::kUnknown:
      break;
  }
  if (bytes.empty()) throw_data("{}: cannot decode image: the file is empty", source);
  std::string start;
  for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 4); ++i)
    start += fmt::format("{}{:02x}", i == 0 ? "" : " ", bytes[i]);
  throw_data("{}: cannot decode image: not a PNG, JPEG, BMP or PPM/PGM file (it starts with {})",
             source, start);
}

DecodedImage decode_image(std::span<const std::uint8_t> bytes, const std::string& source,
                          int channels, const DecodeLimits& limits) {
  DecodedImage out;
  decode_image(bytes, source, channels, limits, out);
  return out;
}

void read_file_bytes(const std::string& path, std::vector<std::uint8_t>& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_data("cannot open '{}': {}", path, std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw_data("cannot read '{}': {}", path, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) throw_data("cannot read '{}': not a regular file", path);
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size > kMaxFileBytes)
    throw_data("'{}': {} bytes, more than an image file may hold ({})", path, size, kMaxFileBytes);
  out.resize(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_data("cannot read '{}': {}", path, std::strerror(errno));
    if (n == 0) break;  // the file shrank while being read
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
}

DecodedImage read_image(const std::string& path, int channels, const DecodeLimits& limits) {
  std::vector<std::uint8_t> bytes;
  read_file_bytes(path, bytes);
  return decode_image(bytes, path, channels, limits);
}

const std::vector<std::string>& image_extensions() {
  static const std::vector<std::string> kExtensions = {".png", ".jpg", ".jpeg",
                                                       ".bmp", ".ppm", ".pgm"};
  return kExtensions;
}

bool has_image_extension(std::string_view filename) {
  for (const std::string& ext : image_extensions()) {
    if (filename.size() <= ext.size()) continue;
    const std::string_view tail = filename.substr(filename.size() - ext.size());
    if (std::equal(tail.begin(), tail.end(), ext.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return true;
  }
  return false;
}

void rgb_to_gray(const std::uint8_t* rgb, std::size_t count, std::uint8_t* gray) {
  // 0.299, 0.587, 0.114 times 2^16, rounded (sum 65536).
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t luma =
        19595u * rgb[3 * i] + 38470u * rgb[3 * i + 1] + 7471u * rgb[3 * i + 2] + 0x8000u;
    gray[i] = static_cast<std::uint8_t>(luma >> 16);
  }
}

void gray_to_rgb(const std::uint8_t* gray, std::size_t count, std::uint8_t* rgb) {
  for (std::size_t i = 0; i < count; ++i) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = gray[i];
}

}  // namespace scratchnet
