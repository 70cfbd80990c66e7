#include "scratchnet/core/binary.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <memory>
#include <filesystem>

#include <fcntl.h>
#include <zlib.h>
#include <unistd.h>

#include "scratchnet/core/error.h"

namespace scratchnet {

static_assert(std::endian::native == std::endian::little, "model files assume a little-endian host");

void ByteWriter::raw(const void* data, std::size_t n) {
  buffer_.append(static_cast<const char*>(data), n);
}

void ByteWriter::str(std::string_view s) {
  u64(s.size());
  raw(s.data(), s.size());
}

void ByteWriter::floats(std::span<const float> values) {
  u64(values.size());
  raw(values.data(), values.size() * sizeof(float));
}

void ByteReader::take(void* out, std::size_t n, const char* what) {
  if (n > remaining())
    throw_data("{}: file is truncated or corrupt (reading {}: need {} bytes, {} left)", source_,
               what, n, remaining());
  if (n == 0) return;  // an empty vector's data() may be null: no memcpy
  std::memcpy(out, bytes_.data() + pos_, n);
  pos_ += n;
}

std::uint8_t ByteReader::u8(const char* what) {
  std::uint8_t v;
  take(&v, 1, what);
  return v;
}

std::uint32_t ByteReader::u32(const char* what) {
  std::uint32_t v;
  take(&v, 4, what);
  return v;
}

std::uint64_t ByteReader::u64(const char* what) {
  std::uint64_t v;
  take(&v, 8, what);
  return v;
}

double ByteReader::f64(const char* what) {
  double v;
  take(&v, 8, what);
  return v;
}

std::string_view ByteReader::bytes(std::size_t n, const char* what) {
  if (n > remaining())
    throw_data("{}: file is truncated or corrupt ({} of {} bytes: {} left)", source_, what, n, remaining());
  const std::string_view view = bytes_.substr(pos_, n);
  pos_ += n;
  return view;
}

std::uint64_t ByteReader::count(const char* what, std::size_t min_item_bytes) {
  const std::uint64_t n = u64(what);
  if (min_item_bytes > 0 && n > remaining() / min_item_bytes)
    throw_data("{}: file is truncated or corrupt ({} = {} does not fit in the {} bytes left)",
               source_, what, n, remaining());
  return n;
}

std::string ByteReader::str(const char* what) {
  const std::uint64_t n = count(what, 1);
  std::string s(n, '\0');
  take(s.data(), n, what);
  return s;
}

std::vector<float> ByteReader::floats(const char* what) {
  const std::uint64_t n = count(what, sizeof(float));
  std::vector<float> v(n);
  take(v.data(), n * sizeof(float), what);
  return v;
}

namespace {

std::uint32_t crc32_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

std::string frame(const char (&magic)[9], std::uint32_t version, std::string_view payload) {
  ByteWriter w;
  w.raw(magic, 8);
  w.u32(version);
  w.u64(payload.size());
  w.raw(payload.data(), payload.size());
  w.u32(crc32_of(payload));
  return w.bytes();
}

std::string_view unframe(std::string_view bytes, const char (&magic)[9], std::uint32_t version,
                         const std::string& source, const char* what) {
  constexpr std::size_t kHeader = 8 + 4 + 8;
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), magic, 8) != 0)
    throw_data("{}: not a scratchnet {} (bad magic number)", source, what);
  ByteReader header(bytes.substr(8, 12), source);
  const std::uint32_t found = header.u32("format version");
  if (found != version)
    throw_data("{}: {} format version {} is not supported (this scratchnet reads version {})", source,
               what, found, version);
  const std::uint64_t size = header.u64("payload size");
  if (bytes.size() < kHeader + 4 || size != bytes.size() - kHeader - 4)
    throw_data("{}: file is truncated or corrupt ({} payload bytes declared, {} present)", source,
               size, bytes.size() < kHeader + 4 ? 0 : bytes.size() - kHeader - 4);
  const std::string_view payload = bytes.substr(kHeader, size);
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + kHeader + size, 4);
  if (stored != crc32_of(payload)) throw_data("{}: checksum mismatch: the file is corrupt", source);
  return payload;
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_data("cannot write '{}': {}", path, std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw_data("cannot write '{}': {}", path, std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw_data("cannot write '{}': {}", path, std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw_data("cannot write '{}': {}", path, std::strerror(err));
  }
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw_data("cannot open '{}': {}", path, std::generic_category().message(EISDIR));
  }
  std::string text;
  const bool gz = path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  if (gz) {
    errno = 0;
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) {
      const int err = errno;
      throw_data("cannot open '{}': {}", path,
                 err ? std::generic_category().message(err) : std::string("out of memory"));
    }
    std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(file, gzclose);
    char buffer[1 << 16];
    while (true) {
      const int n = gzread(file, buffer, sizeof(buffer));
      if (n < 0) {
        int code = 0;
        const char* message = gzerror(file, &code);
        throw_data("cannot read '{}': {}", path, message ? message : "zlib error");
      }
      if (n == 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
    }
    // A truncated gzip stream reads as a short file; gzerror reports it.
    int code = 0;
    const char* message = gzerror(file, &code);
    if (code != Z_OK && code != Z_STREAM_END) {
      throw_data("cannot read '{}': {}", path, message ? message : "zlib error");
    }
    return text;
  }

  errno = 0;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw_data("cannot open '{}': {}", path, std::generic_category().message(errno));
  }
  const auto close = [](std::FILE* f) { std::fclose(f); };
  std::unique_ptr<std::FILE, decltype(close)> guard(file, close);
  char buffer[1 << 16];
  while (true) {
    const std::size_t n = std::fread(buffer, 1, sizeof(buffer), file);
    text.append(buffer, n);
    if (n < sizeof(buffer)) break;
  }
  if (std::ferror(file)) {
    throw_data("cannot read '{}': {}", path, std::generic_category().message(errno));
  }
  return text;
}

}  // namespace scratchnet
